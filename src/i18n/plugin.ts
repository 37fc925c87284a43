/**
 * The language plugin: the `language` setting and the translator every other
 * plugin uses (schema/plugin.json).
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';

import { NeuronI18n, toLanguageSetting } from './translator';
import { followSettings } from '../settings';
import { INeuronI18n } from '../tokens';

export const i18nPlugin: JupyterFrontEndPlugin<INeuronI18n> = {
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
    followSettings(settingRegistry, i18nPlugin.id, settings => {
      i18n.setting = toLanguageSetting(settings.get('language').composite);
    });
    return i18n;
  }
};
