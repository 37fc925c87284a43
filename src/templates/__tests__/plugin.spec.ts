import { Signal } from '@lumino/signaling';

import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';

import { activatePlugin, fakeApp, pluginById } from '../../__tests__/fakeApp';
import { FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import { settle } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';
import type { NeuronPanel } from '../../panel';
import { CommandIDs, INeuronPanel, INeuronTemplates } from '../../tokens';
import { templateList } from './fixtures';

const templatesPlugin = () => pluginById('jupyterlab-neuron:templates');

describe('the templates plugin', () => {
  let server: FakeServer;
  let app: any;

  beforeEach(() => {
    server = new FakeServer();
    server.routes.set('templates', jsonResponse(200, templateList()));
    app = fakeApp(server.serverSettings, { contents: {}, kernelspecs: null });
  });

  it('adds its commands and one launcher card per template', async () => {
    const i18n = new NeuronI18n({ setting: 'ja' });
    const launcher = { add: jest.fn(() => ({ dispose: jest.fn() })) };
    const tracker = { currentWidget: null, currentChanged: new Signal({}) };
    const sidebar = activatePlugin<NeuronPanel>(
      app,
      'jupyterlab-neuron:panel',
      [i18n]
    );
    const templates = activatePlugin<INeuronTemplates>(
      app,
      'jupyterlab-neuron:templates',
      [i18n],
      [
        [INotebookTracker, tracker],
        [ILauncher, launcher],
        [INeuronPanel, sidebar]
      ]
    );
    expect(sidebar.sections.map(section => section.id)).toEqual(['templates']);
    expect(templates.editsNotebooks).toBe(true);
    expect(app.commands.hasCommand(CommandIDs.insertTemplate)).toBe(true);
    expect(app.commands.hasCommand(CommandIDs.newNotebookFromTemplate)).toBe(
      true
    );
    // The list is asked for once, for the launcher, without blocking.
    await settle();
    expect(server.requestsTo('templates')).toHaveLength(1);
    expect(launcher.add.mock.calls.map((call: any) => call[0].args.id)).toEqual(
      ['bert-ja', 'vit-beans']
    );
    expect(
      app.commands.isEnabled(CommandIDs.insertTemplate, { id: 'bert-ja' })
    ).toBe(false);
    await app.commands.execute(CommandIDs.openTemplates);
    expect(app.shell.activateById).toHaveBeenCalledWith(
      'jupyterlab-neuron:panel'
    );
    templates.dispose();
    sidebar.dispose();
  });

  it('fetches nothing without a launcher or palette, and works without notebooks', async () => {
    const i18n = new NeuronI18n({ setting: 'en' });
    const templates = templatesPlugin().activate(
      app,
      i18n,
      null,
      null,
      null
    ) as INeuronTemplates;
    await settle();
    expect(server.requests).toEqual([]);
    expect(templates.canInsert).toBe(false);
    templates.dispose();
  });
});
