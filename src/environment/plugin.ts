/**
 * The environment plugin: the model of the Neuron environment
 * (schema/environment.json), its sidebar section and its refresh command.
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { addPaletteCommands } from '../categoryItems';
import { followSettings } from '../settings';
import {
  CommandIDs,
  INeuronEnvironment,
  INeuronI18n,
  INeuronPanel
} from '../tokens';
import { EnvironmentModel } from './model';
import { createEnvironmentSection } from './section';

export const environmentPlugin: JupyterFrontEndPlugin<INeuronEnvironment> = {
  id: 'jupyterlab-neuron:environment',
  description:
    'Provides the Neuron environment (instance, devices, NeuronCores, SDK packages, compile cache).',
  autoStart: true,
  provides: INeuronEnvironment,
  requires: [INeuronI18n],
  optional: [ISettingRegistry, INeuronPanel, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    settingRegistry: ISettingRegistry | null,
    sidebar: INeuronPanel | null,
    palette: ICommandPalette | null
  ): INeuronEnvironment => {
    const model = new EnvironmentModel({
      serverSettings: app.serviceManager.serverSettings,
      i18n
    });
    followSettings(settingRegistry, environmentPlugin.id, settings => {
      const seconds = Number(settings.get('refreshInterval').composite);
      if (Number.isFinite(seconds) && seconds > 0) {
        model.interval = seconds * 1000;
      }
    });

    sidebar?.addSection(createEnvironmentSection(model, i18n), { rank: 100 });
    addPaletteCommands(app.commands, i18n, palette, {
      [CommandIDs.refreshEnvironment]: {
        label: () => i18n.trans.__('Refresh Neuron Environment'),
        caption: () =>
          i18n.trans.__(
            'Run the Neuron tools again and reload the environment'
          ),
        execute: async () => {
          // Showing the sidebar first: a hidden model fetches nothing.
          if (sidebar) {
            app.shell.activateById(sidebar.id);
          }
          await model.refresh();
        }
      }
    });
    return model;
  }
};
