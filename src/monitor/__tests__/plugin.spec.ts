import { ServerConnection } from '@jupyterlab/services';

import {
  fakeApp,
  fakeItemTarget,
  fakeSettingRegistry,
  pluginById
} from '../../__tests__/fakeApp';
import { FakeServer } from '../../__tests__/fakeServer';
import { NeuronI18n } from '../../i18n';
import { CommandIDs } from '../../tokens';
import { MonitorDashboard } from '../dashboard';
import { MonitorModel } from '../model';
import { MonitorStatusItem } from '../statusbar';
import { FakeWebSocket } from './fakeWebSocket';

const MONITOR = 'jupyterlab-neuron:monitor';
const monitorPlugin = pluginById(MONITOR);

describe('the monitor plugin', () => {
  let app: any;
  let server: FakeServer;

  beforeEach(() => {
    FakeWebSocket.reset();
    server = new FakeServer();
    app = fakeApp(
      ServerConnection.makeSettings({
        ...server.serverSettings,
        WebSocket: FakeWebSocket as unknown as typeof WebSocket
      }),
      { kernels: { shutdown: jest.fn(async () => undefined) } }
    );
  });

  it('wires settings, commands, launcher, palette and status bar', async () => {
    const i18n = new NeuronI18n({ setting: 'ja' });
    const registry = fakeSettingRegistry({
      [MONITOR]: {
        updatePeriod: 2,
        historyLength: 120,
        timeRange: 900,
        showStatusBar: true
      }
    });
    const palette = fakeItemTarget();
    const launcher = fakeItemTarget();
    const restorer = { restore: jest.fn(async () => undefined) };
    const statusBar = { registerStatusItem: jest.fn() };
    const model = monitorPlugin.activate(
      app,
      i18n,
      registry,
      palette,
      launcher,
      restorer,
      statusBar
    ) as MonitorModel;
    await new Promise(resolve => setTimeout(resolve, 0));

    expect(model.updatePeriod).toBe(2000);
    expect(model.historyLength).toBe(120);
    expect(palette.items).toEqual([
      { command: CommandIDs.openMonitorDashboard, category: 'Neuron' },
      { command: CommandIDs.restartMonitor, category: 'Neuron' }
    ]);
    expect(launcher.items).toEqual([
      {
        command: CommandIDs.openMonitorDashboard,
        args: { isLauncher: true },
        category: 'Neuron',
        rank: 10
      }
    ]);
    expect(app.commands.label(CommandIDs.openMonitorDashboard)).toBe(
      'NeuronCore ダッシュボードを開く'
    );

    const [id, options] = statusBar.registerStatusItem.mock.calls[0];
    expect(id).toBe('jupyterlab-neuron:monitor-status');
    expect(options.item).toBeInstanceOf(MonitorStatusItem);
    expect(options.isActive()).toBe(true);
    registry.values[MONITOR].showStatusBar = false;
    registry.changed.emit();
    expect(options.isActive()).toBe(false);

    // Activation fetched nothing and opened no socket.
    expect(server.requests).toEqual([]);
    expect(FakeWebSocket.instances).toEqual([]);

    const widget = await app.commands.execute(CommandIDs.openMonitorDashboard);
    expect(widget).toBeInstanceOf(MonitorDashboard);
    expect(widget.content.range).toBe(900);
    expect(app.shell.add).toHaveBeenCalledWith(widget, 'main');
    // A second call activates the same dashboard.
    expect(await app.commands.execute(CommandIDs.openMonitorDashboard)).toBe(
      widget
    );
    expect(app.shell.add).toHaveBeenCalledTimes(1);
    widget.dispose();
    model.dispose();
  });

  it('works without the optional services', () => {
    const i18n = new NeuronI18n({ setting: 'en' });
    const model = monitorPlugin.activate(
      app,
      i18n,
      null,
      null,
      null,
      null,
      null
    ) as MonitorModel;
    expect(model.historyLength).toBe(MonitorModel.DEFAULT_HISTORY_LENGTH);
    model.dispose();
  });
});
