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
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import {
  INeuronEnvironment,
  INeuronI18n,
  INeuronPanel,
  INeuronTemplates
} from '../tokens';
import { addTemplateCommands } from './commands';
import { TemplatesModel } from './model';
import { createTemplatesSection } from './section';

export const templatesPlugin: JupyterFrontEndPlugin<INeuronTemplates> = {
  id: 'jupyterlab-neuron:templates',
  description:
    'Provides the Neuron notebook templates: preview, insertion into notebooks, new notebooks.',
  autoStart: true,
  provides: INeuronTemplates,
  requires: [INeuronI18n],
  optional: [
    INotebookTracker,
    ILauncher,
    ICommandPalette,
    IDefaultFileBrowser,
    INeuronPanel,
    INeuronEnvironment,
    IRenderMimeRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    tracker: INotebookTracker | null,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    fileBrowser: IDefaultFileBrowser | null,
    sidebar: INeuronPanel | null,
    environment: INeuronEnvironment | null,
    rendermime: IRenderMimeRegistry | null
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
      showPanel: () => {
        if (sidebar) {
          app.shell.activateById(sidebar.id);
        }
      },
      launcher,
      palette
    });
    sidebar?.addSection(
      createTemplatesSection(templates, i18n, environment, rendermime),
      { rank: 400 }
    );
    // The launcher items need the list; not awaited.
    if (launcher || palette) {
      void templates.ensureList();
    }
    return templates;
  }
};
