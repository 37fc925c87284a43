/**
 * The environment plugin: the model of the Neuron environment
 * (schema/environment.json); the panel shows it.
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { followSettings } from '../settings';
import { INeuronEnvironment, INeuronI18n } from '../tokens';
import { EnvironmentModel } from './model';

export const environmentPlugin: JupyterFrontEndPlugin<INeuronEnvironment> = {
  id: 'jupyterlab-neuron:environment',
  description:
    'Provides the Neuron environment (instance, devices, NeuronCores, SDK packages, compile cache).',
  autoStart: true,
  provides: INeuronEnvironment,
  requires: [INeuronI18n],
  optional: [ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    settingRegistry: ISettingRegistry | null
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
    return model;
  }
};
