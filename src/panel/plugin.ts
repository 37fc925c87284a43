/**
 * The Neuron sidebar plugin: the panel to which each capability's plugin
 * adds its section (through `INeuronPanel`), and its command.
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { addPaletteCommands } from '../categoryItems';
import { neuronIcon } from '../components';
import { CommandIDs, INeuronI18n, INeuronPanel } from '../tokens';
import { NeuronPanel } from './NeuronPanel';

export const panelPlugin: JupyterFrontEndPlugin<INeuronPanel> = {
  id: 'jupyterlab-neuron:panel',
  description:
    'Provides the Neuron sidebar, to which each capability adds its section.',
  autoStart: true,
  provides: INeuronPanel,
  requires: [INeuronI18n],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): INeuronPanel => {
    const panel = new NeuronPanel({ i18n });
    app.shell.add(panel, 'left', { rank: 900 });
    restorer?.add(panel, NeuronPanel.ID);

    addPaletteCommands(app.commands, i18n, palette, {
      [CommandIDs.openPanel]: {
        label: () => i18n.trans.__('Open Neuron Panel'),
        caption: () => i18n.trans.__('Show the AWS Neuron sidebar'),
        icon: args => (args.isPalette ? undefined : neuronIcon),
        execute: () => {
          app.shell.activateById(panel.id);
        }
      }
    });
    return panel;
  }
};
