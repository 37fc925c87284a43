import * as fs from 'fs';
import * as path from 'path';

import { ILayoutRestorer } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { NotebookModel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal } from '@lumino/signaling';

import plugins from '../index';
import { NeuronPanel } from '../panel';
import { TutorialGuidePanel } from '../tutorial';
import {
  CommandIDs,
  INeuronCompileCache,
  INeuronEnvironment,
  INeuronI18n,
  INeuronPanel
} from '../tokens';
import {
  activatePlugin,
  fakeApp,
  fakeItemTarget,
  fakeSettingRegistry
} from './fakeApp';
import { FakeServer } from './fakeServer';

const I18N = 'jupyterlab-neuron:plugin';
const ENVIRONMENT = 'jupyterlab-neuron:environment';
const PANEL = 'jupyterlab-neuron:panel';

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
    const i18n = activatePlugin<INeuronI18n>(
      app,
      I18N,
      [],
      [[ISettingRegistry, registry]]
    );
    const restorer = { add: jest.fn() };
    const palette = fakeItemTarget();
    const sidebar = activatePlugin<INeuronPanel>(
      app,
      PANEL,
      [i18n],
      [
        [ILayoutRestorer, restorer],
        [ICommandPalette, palette]
      ]
    );
    const environment = activatePlugin<
      INeuronEnvironment & { interval: number }
    >(
      app,
      ENVIRONMENT,
      [i18n],
      [
        [ISettingRegistry, registry],
        [INeuronPanel, sidebar],
        [ICommandPalette, palette]
      ]
    );

    // Settings are applied once loaded, without blocking activation.
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(i18n.language).toBe('ja');
    expect(environment.interval).toBe(120_000);

    const panel = app.shell.add.mock.calls[0][0];
    expect(panel).toBe(sidebar);
    expect(panel).toBeInstanceOf(NeuronPanel);
    expect(app.shell.add.mock.calls[0][1]).toBe('left');
    expect(restorer.add).toHaveBeenCalledWith(panel, 'jupyterlab-neuron:panel');
    expect(panel.sections.map((section: any) => section.id)).toEqual([
      'environment'
    ]);

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
    const i18n = activatePlugin<INeuronI18n>(app, I18N, []);
    const environment = activatePlugin<INeuronEnvironment>(app, ENVIRONMENT, [
      i18n
    ]);
    expect(() => activatePlugin(app, PANEL, [i18n])).not.toThrow();
    expect(app.commands.hasCommand(CommandIDs.openPanel)).toBe(true);
    expect(app.commands.hasCommand(CommandIDs.refreshEnvironment)).toBe(true);
    environment.dispose();
  });

  it("put each capability's section in the sidebar in rank order, whatever order the plugins start in", () => {
    const i18n = activatePlugin<INeuronI18n>(app, I18N, []);
    const sidebar = activatePlugin<NeuronPanel>(app, PANEL, [i18n]);
    const withSidebar: [any, unknown][] = [[INeuronPanel, sidebar]];
    const cores = activatePlugin(
      app,
      'jupyterlab-neuron:cores',
      [i18n],
      withSidebar
    );
    const templates = activatePlugin(
      app,
      'jupyterlab-neuron:templates',
      [i18n],
      withSidebar
    );
    const cache = activatePlugin<INeuronCompileCache>(
      app,
      'jupyterlab-neuron:cache',
      [i18n],
      withSidebar
    );
    const environment = activatePlugin<INeuronEnvironment>(
      app,
      ENVIRONMENT,
      [i18n],
      withSidebar
    );
    expect(sidebar.sections.map(section => section.id)).toEqual([
      'environment',
      'compile-cache',
      'templates',
      'cores'
    ]);
    expect(sidebar.widgets.map(widget => widget.id)).toEqual([
      'jp-Neuron-section-environment',
      'jp-Neuron-section-compile-cache',
      'jp-Neuron-section-templates',
      'jp-Neuron-section-cores'
    ]);
    expect(server.requests).toEqual([]);
    for (const model of [cores, templates, cache, environment]) {
      model.dispose();
    }
    sidebar.dispose();
  });

  describe('tutorial', () => {
    const TUTORIAL = 'jupyterlab-neuron:tutorial';

    function activateTutorial(registry: unknown) {
      const tracker = {
        widgetAdded: new Signal<unknown, unknown>({}),
        currentChanged: new Signal<unknown, unknown>({}),
        currentWidget: null,
        forEach: () => undefined
      };
      const tutorialApp = fakeApp(server.serverSettings, {
        contents: {},
        kernels: { runningChanged: new Signal({}) },
        kernelspecs: { specsChanged: new Signal({}) }
      });
      const i18n = activatePlugin<INeuronI18n>(tutorialApp, I18N, []);
      const restorer = { add: jest.fn() };
      const palette = fakeItemTarget();
      activatePlugin(
        tutorialApp,
        TUTORIAL,
        [i18n, tracker],
        [
          [ISettingRegistry, registry],
          [ILayoutRestorer, restorer],
          [ICommandPalette, palette]
        ]
      );
      /** A notebook made from a template is opened. */
      const open = async (notebookPath: string) => {
        const model = new NotebookModel();
        model.setMetadata('jupyterlab_neuron', { template: 'bert-ja' });
        tracker.widgetAdded.emit({
          context: {
            path: notebookPath,
            localPath: notebookPath,
            ready: Promise.resolve()
          },
          content: { model },
          disposed: new Signal({}),
          isDisposed: false
        });
        await new Promise(resolve => setTimeout(resolve, 0));
      };
      return { app: tutorialApp, restorer, palette, open };
    }

    let notify: jest.SpyInstance;
    beforeEach(() => {
      notify = jest.spyOn(Notification, 'info').mockReturnValue('offer');
    });
    afterEach(() => notify.mockRestore());

    it('puts the guide in the right sidebar with its commands in the palette', async () => {
      const { app, restorer, palette } = activateTutorial(null);
      const guide = app.shell.add.mock.calls[0][0];
      expect(guide).toBeInstanceOf(TutorialGuidePanel);
      expect(app.shell.add.mock.calls[0].slice(1)).toEqual([
        'right',
        { rank: 650 }
      ]);
      expect(restorer.add).toHaveBeenCalledWith(guide, TutorialGuidePanel.ID);
      expect(palette.items).toEqual([
        { command: CommandIDs.toggleTutorial, category: 'Neuron' },
        { command: CommandIDs.openTutorialGuide, category: 'Neuron' }
      ]);
      // No notebook: tutorial mode cannot be turned on.
      expect(app.commands.isEnabled(CommandIDs.toggleTutorial)).toBe(false);
      await app.commands.execute(CommandIDs.openTutorialGuide);
      expect(app.shell.activateById).toHaveBeenCalledWith(guide.id);
      guide.dispose();
    });

    it('offers the tutorial once per template notebook and remembers it in the settings', async () => {
      const registry = fakeSettingRegistry({ [TUTORIAL]: {} });
      const { open } = activateTutorial(registry);
      await open('work/bert.ipynb');
      expect(notify).toHaveBeenCalledTimes(1);
      expect(notify.mock.calls[0][0]).toContain('bert-ja');
      expect(registry.values[TUTORIAL].offeredNotebooks).toEqual([
        'work/bert.ipynb'
      ]);
      await open('work/bert.ipynb');
      expect(notify).toHaveBeenCalledTimes(1);
    });

    it('waits for the settings before offering: "Don\'t show again" is kept', async () => {
      const values = { offerTutorial: false };
      let loaded: (settings: unknown) => void = () => undefined;
      const registry = {
        load: () => new Promise(resolve => (loaded = resolve))
      };
      const { open } = activateTutorial(registry);
      await open('work/bert.ipynb');
      expect(notify).not.toHaveBeenCalled();
      loaded({
        get: (key: string) => ({
          composite: (values as Record<string, unknown>)[key]
        }),
        set: async () => undefined,
        changed: new Signal({})
      });
      await new Promise(resolve => setTimeout(resolve, 0));
      expect(notify).not.toHaveBeenCalled();
    });
  });
});
