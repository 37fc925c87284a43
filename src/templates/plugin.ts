/**
 * The templates plugin (BERT-ja, ViT...): the model, its commands, and a
 * launcher item per template.
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';

import { NeuronPanel } from '../panel/NeuronPanel';
import { INeuronI18n, INeuronTemplates } from '../tokens';
import { addTemplateCommands } from './commands';
import { TemplatesModel } from './model';

export const templatesPlugin: JupyterFrontEndPlugin<INeuronTemplates> = {
  id: 'jupyterlab-neuron:templates',
  description:
    'Provides the Neuron notebook templates: preview, insertion into notebooks, new notebooks.',
  autoStart: true,
  provides: INeuronTemplates,
  requires: [INeuronI18n],
  optional: [INotebookTracker, ILauncher, ICommandPalette, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    tracker: INotebookTracker | null,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    fileBrowser: IDefaultFileBrowser | null
  ): INeuronTemplates => {
    const { serviceManager } = app;
    const templates = new TemplatesModel({
      serverSettings: serviceManager.serverSettings,
      i18n,
      notebooks: {
        tracker,
        commands: app.commands,
        contents: serviceManager.contents,
        kernelspecs: serviceManager.kernelspecs,
        activate: widget => app.shell.activateById(widget.id),
        defaultCwd: fileBrowser ? () => fileBrowser.model.path : undefined
      }
    });
    addTemplateCommands({
      commands: app.commands,
      templates,
      i18n,
      showPanel: () => app.shell.activateById(NeuronPanel.ID),
      launcher,
      palette
    });
    // The launcher items need the list; not awaited.
    if (launcher || palette) {
      void templates.ensureList();
    }
    return templates;
  }
};
