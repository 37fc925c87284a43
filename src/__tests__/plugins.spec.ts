import * as fs from 'fs';
import * as path from 'path';

import plugins from '../index';
import { NeuronPanel } from '../panel';
import { CommandIDs, INeuronEnvironment, INeuronI18n } from '../tokens';
import {
  fakeApp,
  fakeItemTarget,
  fakeSettingRegistry,
  pluginById
} from './fakeApp';
import { FakeServer } from './fakeServer';

describe('plugins', () => {
  let server: FakeServer;
  let app: any;

  beforeEach(() => {
    server = new FakeServer();
    app = fakeApp(server.serverSettings);
  });

  it('have ids matching their schema files', () => {
    expect(plugins.map(p => p.id)).toEqual([
      'jupyterlab-neuron:plugin',
      'jupyterlab-neuron:environment',
      'jupyterlab-neuron:cache',
      'jupyterlab-neuron:monitor',
      'jupyterlab-neuron:templates',
      'jupyterlab-neuron:panel',
      'jupyterlab-neuron:tutorial',
      'jupyterlab-neuron:cluster',
      'jupyterlab-neuron:cores'
    ]);
    const schemaDir = path.resolve(__dirname, '..', '..', 'schema');
    const ids = plugins.map(p => p.id);
    for (const file of fs.readdirSync(schemaDir)) {
      expect(ids).toContain(`jupyterlab-neuron:${file.replace(/\.json$/, '')}`);
      const schema = JSON.parse(
        fs.readFileSync(path.join(schemaDir, file), 'utf-8')
      );
      expect(schema['jupyter.lab.setting-icon']).toBe(
        'jupyterlab-neuron:neuron'
      );
      expect(typeof schema.title).toBe('string');
      expect(typeof schema.description).toBe('string');
    }
    const language = JSON.parse(
      fs.readFileSync(path.join(schemaDir, 'plugin.json'), 'utf-8')
    ).properties.language;
    expect(language.enum).toEqual(['auto', 'ja', 'en']);
    expect(language.default).toBe('auto');
  });

  it('wire the language setting, the model and the sidebar without calling the server', async () => {
    const registry = fakeSettingRegistry({
      'jupyterlab-neuron:plugin': { language: 'ja' },
      'jupyterlab-neuron:environment': { refreshInterval: 120 }
    });
    const i18n = pluginById('jupyterlab-neuron:plugin').activate(
      app,
      registry,
      null
    ) as INeuronI18n;
    const environment = pluginById('jupyterlab-neuron:environment').activate(
      app,
      i18n,
      registry
    ) as INeuronEnvironment & { interval: number };
    const restorer = { add: jest.fn() };
    const palette = fakeItemTarget();
    pluginById('jupyterlab-neuron:panel').activate(
      app,
      i18n,
      environment,
      restorer,
      palette
    );

    // Settings are applied once loaded, without blocking activation.
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(i18n.language).toBe('ja');
    expect(environment.interval).toBe(120_000);

    const panel = app.shell.add.mock.calls[0][0];
    expect(panel).toBeInstanceOf(NeuronPanel);
    expect(app.shell.add.mock.calls[0][1]).toBe('left');
    expect(restorer.add).toHaveBeenCalledWith(panel, 'jupyterlab-neuron:panel');

    expect(palette.items).toEqual([
      { command: CommandIDs.openPanel, category: 'Neuron' },
      { command: CommandIDs.refreshEnvironment, category: 'Neuron' }
    ]);
    expect(app.commands.label(CommandIDs.openPanel)).toBe(
      'Neuron パネルを開く'
    );
    await app.commands.execute(CommandIDs.openPanel);
    expect(app.shell.activateById).toHaveBeenCalledWith(panel.id);

    // Nothing is fetched until the panel is on screen.
    expect(server.requests).toEqual([]);
    environment.dispose();
    panel.dispose();
  });

  it('work without the optional services', () => {
    const i18n = pluginById('jupyterlab-neuron:plugin').activate(
      app,
      null,
      null
    ) as INeuronI18n;
    const environment = pluginById('jupyterlab-neuron:environment').activate(
      app,
      i18n,
      null
    ) as INeuronEnvironment;
    expect(() =>
      pluginById('jupyterlab-neuron:panel').activate(
        app,
        i18n,
        environment,
        null,
        null
      )
    ).not.toThrow();
    expect(app.commands.hasCommand(CommandIDs.refreshEnvironment)).toBe(true);
    environment.dispose();
  });
});
