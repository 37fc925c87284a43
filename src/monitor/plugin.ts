/**
 * The NeuronCore monitor plugin: the model, the dashboard, the status bar
 * item and their commands (schema/monitor.json).
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { Signal } from '@lumino/signaling';

import { addPaletteCommands } from '../categoryItems';
import { addMainAreaView } from '../mainAreaView';
import { followSettings } from '../settings';
import {
  CommandIDs,
  INeuronCores,
  INeuronI18n,
  INeuronMonitor,
  INeuronPanel
} from '../tokens';
import { MonitorDashboard } from './dashboard';
import { MonitorModel } from './model';
import { createMonitorSection } from './section';
import { MonitorStatusItem } from './statusbar';

export const monitorPlugin: JupyterFrontEndPlugin<INeuronMonitor> = {
  id: 'jupyterlab-neuron:monitor',
  description:
    'Provides the live NeuronCore monitor, its dashboard and its status bar item.',
  autoStart: true,
  provides: INeuronMonitor,
  requires: [INeuronI18n],
  optional: [
    ISettingRegistry,
    ICommandPalette,
    ILauncher,
    ILayoutRestorer,
    IStatusBar,
    INeuronCores,
    INeuronPanel
  ],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null,
    cores: INeuronCores | null,
    sidebar: INeuronPanel | null
  ): INeuronMonitor => {
    const model = new MonitorModel({
      serverSettings: app.serviceManager.serverSettings,
      i18n
    });
    let range: number | undefined;
    let showStatusBar = true;
    const statusBarChanged = new Signal<INeuronMonitor, void>(model);
    followSettings(settingRegistry, monitorPlugin.id, settings => {
      const value = (key: string) => settings.get(key).composite;
      model.updatePeriod = Number(value('updatePeriod')) * 1000;
      model.historyLength = Number(value('historyLength'));
      range = Number(value('timeRange'));
      showStatusBar = value('showStatusBar') !== false;
      statusBarChanged.emit();
    });

    const { commands } = app;
    addMainAreaView({
      app,
      command: CommandIDs.openMonitorDashboard,
      namespace: 'jupyterlab-neuron-monitor',
      restoreName: 'monitor-dashboard',
      label: () => i18n.trans.__('Open NeuronCore Dashboard'),
      launcherLabel: () => i18n.trans.__('NeuronCore Dashboard'),
      caption: () =>
        i18n.trans.__(
          'NeuronCore utilization, memory and processes (neuron-monitor)'
        ),
      create: () =>
        new MonitorDashboard({
          model,
          i18n,
          range,
          cores,
          actions: {
            shutdownKernel: id => app.serviceManager.kernels.shutdown(id),
            openNotebook: path =>
              void commands.execute('docmanager:open', { path })
          }
        }),
      i18n,
      rank: 10,
      palette,
      launcher,
      restorer
    });
    addPaletteCommands(commands, i18n, palette, {
      [CommandIDs.restartMonitor]: {
        label: () => i18n.trans.__('Restart neuron-monitor'),
        caption: () =>
          i18n.trans.__("Start the server's neuron-monitor again now"),
        execute: () => model.restart()
      }
    });

    sidebar?.addSection(
      createMonitorSection(
        model,
        i18n,
        () => void commands.execute(CommandIDs.openMonitorDashboard)
      ),
      { rank: 300 }
    );
    statusBar?.registerStatusItem('jupyterlab-neuron:monitor-status', {
      item: new MonitorStatusItem({
        model,
        i18n,
        onClick: () => void commands.execute(CommandIDs.openMonitorDashboard)
      }),
      align: 'left',
      rank: 900,
      isActive: () => showStatusBar,
      activeStateChanged: statusBarChanged
    });
    return model;
  }
};
