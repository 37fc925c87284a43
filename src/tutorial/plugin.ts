/**
 * The tutorial plugin: the guide in the right sidebar, its commands, and the
 * offer made when a template notebook is opened (schema/tutorial.json).
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  ISessionContext,
  ISessionContextDialogs
} from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { addPaletteCommands } from '../categoryItems';
import { DiagnoseClient } from '../diagnose';
import {
  CommandIDs,
  INeuronCompileCache,
  INeuronI18n,
  INeuronMonitor,
  INeuronTemplates
} from '../tokens';
import { DiagnosisActions } from './actions';
import { TutorialGuidePanel } from './guide';
import { TutorialManager } from './manager';
import { offerTutorial } from './offer';
import { TutorialPreferences } from './preferences';

export const tutorialPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-neuron:tutorial',
  description:
    'Adds the tutorial mode: a guide that follows a notebook step by step, checks each step and explains Neuron errors.',
  autoStart: true,
  requires: [INeuronI18n, INotebookTracker],
  optional: [
    ISettingRegistry,
    ILayoutRestorer,
    ICommandPalette,
    IRenderMimeRegistry,
    ISessionContextDialogs,
    INeuronMonitor,
    INeuronCompileCache,
    INeuronTemplates
  ],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    rendermime: IRenderMimeRegistry | null,
    sessionDialogs: ISessionContext.IDialogs | null,
    monitor: INeuronMonitor | null,
    cache: INeuronCompileCache | null,
    templates: INeuronTemplates | null
  ): void => {
    const { commands, serviceManager } = app;
    const preferences = new TutorialPreferences(
      settingRegistry,
      tutorialPlugin.id
    );
    const manager = new TutorialManager({
      tracker,
      i18n,
      monitor,
      cache,
      templates,
      diagnoseClient: new DiagnoseClient({
        serverSettings: serviceManager.serverSettings
      }),
      contents: serviceManager.contents,
      sessionDialogs,
      save: panel => preferences.saveProgress(panel),
      runOnNext: preferences.runOnNext
    });
    const actions = new DiagnosisActions({
      i18n,
      monitor,
      cache,
      commands,
      kernels: serviceManager.kernels,
      kernelspecs: serviceManager.kernelspecs
    });
    const guide = new TutorialGuidePanel({
      manager,
      i18n,
      rendermime,
      actions
    });
    app.shell.add(guide, 'right', { rank: 650 });
    restorer?.add(guide, TutorialGuidePanel.ID);

    const startAndShow = async (panel: NotebookPanel) => {
      await manager.start(panel);
      app.shell.activateById(guide.id);
    };

    preferences.changed.connect(() => manager.preferencesChanged());
    manager.templateNotebookOpened.connect((_, panel) => {
      // Offers wait for the settings: "Don't show again" must be known first.
      void preferences.ready.then(() => {
        if (!panel.isDisposed && !manager.isActive(panel)) {
          offerTutorial({
            panel,
            i18n,
            preferences,
            start: () => void startAndShow(panel)
          });
        }
      });
    });

    addPaletteCommands(commands, i18n, palette, {
      [CommandIDs.toggleTutorial]: {
        label: () => i18n.trans.__('Tutorial Mode'),
        caption: () =>
          i18n.trans.__(
            'Follow this notebook step by step with the tutorial guide'
          ),
        isEnabled: () => tracker.currentWidget !== null,
        isToggled: () => manager.isActive(tracker.currentWidget),
        execute: async () => {
          const panel = tracker.currentWidget;
          if (!panel) {
            return;
          }
          if (manager.isActive(panel)) {
            manager.stop(panel);
          } else {
            await startAndShow(panel);
          }
        }
      },
      [CommandIDs.openTutorialGuide]: {
        label: () => i18n.trans.__('Open Tutorial Guide'),
        caption: () =>
          i18n.trans.__('Show the tutorial guide in the right sidebar'),
        execute: () => {
          app.shell.activateById(guide.id);
        }
      }
    });
    manager.changed.connect(() => {
      commands.notifyCommandChanged(CommandIDs.toggleTutorial);
    });
  }
};
