import {
  activatePlugin,
  fakeApp,
  fakeItemTarget,
  fakeSettingRegistry,
  pluginById
} from '../../__tests__/fakeApp';
import { FakeServer } from '../../__tests__/fakeServer';
import { NeuronPanel } from '../../panel';
import {
  CommandIDs,
  INeuronCompileCache,
  INeuronI18n,
  INeuronPanel
} from '../../tokens';
import { CacheModel } from '../model';
import { CacheViewWidget } from '../widget';

describe('the compile cache plugin', () => {
  let server: FakeServer;
  let app: any;
  let i18n: INeuronI18n;

  beforeEach(() => {
    server = new FakeServer();
    app = fakeApp(server.serverSettings);
    i18n = pluginById('jupyterlab-neuron:plugin').activate(
      app,
      null,
      null
    ) as INeuronI18n;
  });

  it('applies the settings, adds its commands, palette items and launcher card without calling the server', async () => {
    const settings = fakeSettingRegistry({
      'jupyterlab-neuron:cache': {
        refreshInterval: 30,
        freeDiskWarningGiB: 5,
        freeDiskWarningPercent: 3,
        pageSize: 500
      }
    });
    const palette = fakeItemTarget();
    const launcher = fakeItemTarget();
    const restorer = { restore: jest.fn() };
    const model = pluginById('jupyterlab-neuron:cache').activate(
      app,
      i18n,
      settings,
      palette,
      launcher,
      restorer
    ) as CacheModel;
    await new Promise(resolve => setTimeout(resolve, 0));

    expect(model).toBeInstanceOf(CacheModel);
    expect(model.interval).toBe(30_000);
    expect(model.freeDiskThreshold).toEqual({
      bytes: 5 * 1024 ** 3,
      percent: 3
    });
    expect(palette.items).toEqual([
      { command: CommandIDs.openCompileCache, category: 'Neuron' },
      { command: CommandIDs.refreshCompileCache, category: 'Neuron' }
    ]);
    expect(launcher.items).toEqual([
      {
        command: CommandIDs.openCompileCache,
        args: { isLauncher: true },
        category: 'Neuron',
        rank: 20
      }
    ]);
    expect(restorer.restore).toHaveBeenCalledTimes(1);
    expect(
      app.commands.label(CommandIDs.openCompileCache, { isLauncher: true })
    ).toBe('Compile Cache');
    // Other capabilities (the tutorial) clean through this command.
    expect(
      app.commands.label(CommandIDs.cleanCompileCache, {
        action: 'clear-stale-locks'
      })
    ).toBe('Clear stale locks');

    // One view at a time: the command opens it, or shows the open one.
    const widget = app.commands.execute(CommandIDs.openCompileCache);
    const view = await widget;
    expect(view).toBeInstanceOf(CacheViewWidget);
    expect(app.shell.add).toHaveBeenCalledWith(view, 'main');
    expect(await app.commands.execute(CommandIDs.openCompileCache)).toBe(view);
    expect(app.shell.add).toHaveBeenCalledTimes(1);
    expect(view.title.label).toBe('Compile cache');
    expect(view.content.list.blockSize).toBe(500);

    // Nothing is fetched until a view is on screen.
    expect(server.requests).toEqual([]);
    view.dispose();
    model.dispose();
  });

  it('adds the Compile cache section to the sidebar', () => {
    const panel = activatePlugin<NeuronPanel>(app, 'jupyterlab-neuron:panel', [
      i18n
    ]);
    const cache = activatePlugin<INeuronCompileCache>(
      app,
      'jupyterlab-neuron:cache',
      [i18n],
      [[INeuronPanel, panel]]
    );
    expect(panel.sections.map(section => section.id)).toEqual([
      'compile-cache'
    ]);
    const section = panel.sections.find(s => s.id === 'compile-cache')!;
    expect(section.label(i18n.trans)).toBe('Compile cache');
    panel.dispose();
    cache.dispose();
  });
});
