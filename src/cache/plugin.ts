/**
 * The compile-cache plugin: the model, the cache view and its commands
 * (schema/cache.json).
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { addPaletteCommands } from '../categoryItems';
import { addMainAreaView } from '../mainAreaView';
import { followSettings } from '../settings';
import {
  CommandIDs,
  INeuronCompileCache,
  INeuronI18n,
  INeuronPanel
} from '../tokens';
import { addCacheCommands } from './commands';
import { CacheModel } from './model';
import { createCompileCacheSection } from './section';
import { CacheViewWidget } from './widget';

export const cachePlugin: JupyterFrontEndPlugin<INeuronCompileCache> = {
  id: 'jupyterlab-neuron:cache',
  description:
    'Provides the Neuron compile caches (status, entries, cleaning) and the compile cache view.',
  autoStart: true,
  provides: INeuronCompileCache,
  requires: [INeuronI18n],
  optional: [
    ISettingRegistry,
    ICommandPalette,
    ILauncher,
    ILayoutRestorer,
    INeuronPanel
  ],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null,
    sidebar: INeuronPanel | null
  ): INeuronCompileCache => {
    const model = new CacheModel({
      serverSettings: app.serviceManager.serverSettings,
      i18n
    });
    let blockSize: number | undefined;
    followSettings(settingRegistry, cachePlugin.id, settings => {
      const value = (key: string) => Number(settings.get(key).composite);
      if (value('refreshInterval') > 0) {
        model.interval = value('refreshInterval') * 1000;
      }
      model.freeDiskThreshold = {
        bytes: value('freeDiskWarningGiB') * 1024 ** 3,
        percent: value('freeDiskWarningPercent')
      };
      blockSize = value('pageSize') || undefined;
    });

    const { commands } = app;
    addMainAreaView({
      app,
      command: CommandIDs.openCompileCache,
      namespace: 'jupyterlab-neuron-compile-cache',
      restoreName: 'compile-cache',
      label: () => i18n.trans.__('Open Compile Cache View'),
      launcherLabel: () => i18n.trans.__('Compile Cache'),
      caption: () =>
        i18n.trans.__('List, inspect and clean the Neuron compile caches'),
      create: () => new CacheViewWidget({ cache: model, i18n, blockSize }),
      i18n,
      rank: 20,
      palette,
      launcher,
      restorer
    });
    addPaletteCommands(commands, i18n, palette, {
      [CommandIDs.refreshCompileCache]: {
        label: () => i18n.trans.__('Rescan Compile Caches'),
        caption: () => i18n.trans.__('Scan the compile caches again now'),
        execute: async () => {
          // A hidden model fetches nothing: show the view first.
          if (!model.isVisible) {
            await commands.execute(CommandIDs.openCompileCache);
          }
          await model.refresh();
        }
      }
    });
    addCacheCommands({ commands, cache: model, i18n });
    sidebar?.addSection(createCompileCacheSection(model, i18n, commands), {
      rank: 200
    });
    return model;
  }
};
