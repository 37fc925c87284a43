/**
 * The NeuronCores-per-kernel plugin: its model and the notebook toolbar item.
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';

import { INeuronCores, INeuronI18n, INeuronPanel } from '../tokens';
import { CoresModel } from './model';
import { createCoresSection } from './section';
import { createCoresToolbarItem } from './toolbar';

export const coresPlugin: JupyterFrontEndPlugin<INeuronCores> = {
  id: 'jupyterlab-neuron:cores',
  description:
    'Provides the NeuronCores of each kernel and the notebook toolbar item "NC 8–15".',
  autoStart: true,
  provides: INeuronCores,
  requires: [INeuronI18n],
  optional: [INeuronPanel],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    sidebar: INeuronPanel | null
  ): INeuronCores => {
    const model = new CoresModel({
      serverSettings: app.serviceManager.serverSettings,
      i18n
    });
    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel: NotebookPanel): IDisposable => {
        const item = createCoresToolbarItem(panel, model, i18n);
        if (!panel.toolbar.insertAfter('cellType', 'neuronCores', item)) {
          panel.toolbar.addItem('neuronCores', item);
        }
        return item;
      }
    });
    sidebar?.addSection(createCoresSection(model, i18n), { rank: 500 });
    return model;
  }
};
