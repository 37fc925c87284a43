/**
 * The plugins of jupyterlab-neuron: wiring only, the work lives in the
 * capability folders.
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';

import { neuronIcon } from './components';
import { EnvironmentModel, createEnvironmentSection } from './environment';
import { NeuronI18n, toLanguageSetting } from './i18n';
import { NeuronPanel } from './panel';
import { CommandIDs, INeuronEnvironment, INeuronI18n } from './tokens';

export * from './tokens';

/**
 * The language setting and translator (schema/plugin.json).
 */
const i18nPlugin: JupyterFrontEndPlugin<INeuronI18n> = {
  id: 'jupyterlab-neuron:plugin',
  description:
    'Provides the language of jupyterlab-neuron (works without a JupyterLab language pack).',
  autoStart: true,
  provides: INeuronI18n,
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): INeuronI18n => {
    const i18n = new NeuronI18n({
      appTranslator: translator,
      navigatorLanguages:
        typeof navigator !== 'undefined' ? navigator.languages : []
    });
    if (settingRegistry) {
      void settingRegistry
        .load(i18nPlugin.id)
        .then(settings => {
          const apply = () => {
            i18n.setting = toLanguageSetting(
              settings.get('language').composite
            );
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error('jupyterlab-neuron: could not load settings', reason);
        });
    }
    return i18n;
  }
};

/**
 * The environment model (schema/environment.json).
 */
const environmentPlugin: JupyterFrontEndPlugin<INeuronEnvironment> = {
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
    if (settingRegistry) {
      void settingRegistry
        .load(environmentPlugin.id)
        .then(settings => {
          const apply = () => {
            const seconds = Number(settings.get('refreshInterval').composite);
            if (Number.isFinite(seconds) && seconds > 0) {
              model.interval = seconds * 1000;
            }
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error('jupyterlab-neuron: could not load settings', reason);
        });
    }
    return model;
  }
};

/**
 * The Neuron sidebar and its commands.
 */
const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-neuron:panel',
  description: 'Adds the Neuron sidebar and its commands.',
  autoStart: true,
  requires: [INeuronI18n, INeuronEnvironment],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    environment: INeuronEnvironment,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    const panel = new NeuronPanel({ i18n });
    // One line per capability section.
    panel.addSection(createEnvironmentSection(environment, i18n));

    app.shell.add(panel, 'left', { rank: 900 });
    restorer?.add(panel, NeuronPanel.ID);

    const { commands } = app;
    commands.addCommand(CommandIDs.openPanel, {
      label: () => i18n.trans.__('Open Neuron Panel'),
      caption: () => i18n.trans.__('Show the AWS Neuron sidebar'),
      icon: args => (args.isPalette ? undefined : neuronIcon),
      execute: () => {
        app.shell.activateById(panel.id);
      }
    });
    commands.addCommand(CommandIDs.refreshEnvironment, {
      label: () => i18n.trans.__('Refresh Neuron Environment'),
      caption: () =>
        i18n.trans.__('Run the Neuron tools again and reload the environment'),
      execute: async () => {
        // Showing the panel first: a hidden model fetches nothing.
        app.shell.activateById(panel.id);
        await environment.refresh();
      }
    });

    if (palette) {
      const category = i18n.trans.__('Neuron');
      for (const command of [
        CommandIDs.openPanel,
        CommandIDs.refreshEnvironment
      ]) {
        palette.addItem({ command, category });
      }
    }
  }
};

const plugins: JupyterFrontEndPlugin<any>[] = [
  i18nPlugin,
  environmentPlugin,
  panelPlugin
];

export default plugins;
