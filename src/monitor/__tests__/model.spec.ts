import { ServerConnection } from '@jupyterlab/services';

import { BASE_URL, FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import { settle, waitUntil } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';
import { MonitorModel } from '../model';
import { FakeWebSocket } from './fakeWebSocket';
import {
  makeHistoryPoint,
  makeSnapshot,
  makeStatus,
  trainDual
} from './snapshots';

/** A document whose visibility the test controls. */
class FakeDocument extends EventTarget {
  visibilityState: 'visible' | 'hidden' = 'visible';

  setHidden(hidden: boolean): void {
    this.visibilityState = hidden ? 'hidden' : 'visible';
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('MonitorModel', () => {
  let server: FakeServer;
  let settings: ServerConnection.ISettings;
  let model: MonitorModel;
  let page: FakeDocument;

  function createModel(
    options: Partial<MonitorModel.IOptions> = {}
  ): MonitorModel {
    model = new MonitorModel({
      serverSettings: settings,
      document: page as unknown as Document,
      reconnectDelay: 10,
      ...options
    });
    return model;
  }

  beforeEach(() => {
    FakeWebSocket.reset();
    page = new FakeDocument();
    server = new FakeServer();
    server.routes.set(
      'monitor/history',
      jsonResponse(200, {
        period: 1,
        history_length: 3600,
        latest_seq: 2,
        points: [
          makeHistoryPoint(1, 1_699_999_990),
          makeHistoryPoint(2, 1_699_999_995)
        ]
      })
    );
    settings = ServerConnection.makeSettings({
      ...server.serverSettings,
      baseUrl: BASE_URL,
      wsUrl: 'ws://localhost:8888/lab-base/',
      token: 'secret-token',
      appendToken: true,
      WebSocket: FakeWebSocket as unknown as typeof WebSocket
    });
  });

  afterEach(() => {
    model?.dispose();
  });

  it('opens nothing while no view is visible', async () => {
    createModel();
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
    expect(model.connection).toBe('idle');
    expect(model.isActive).toBe(false);
  });

  it('opens the stream under the base URL with the token and language', () => {
    const i18n = new NeuronI18n({ setting: 'ja' });
    createModel({ i18n });
    model.setVisible(true, 'dashboard');

    expect(FakeWebSocket.instances).toHaveLength(1);
    const url = new URL(FakeWebSocket.latest.url);
    expect(url.protocol).toBe('ws:');
    expect(url.pathname).toBe('/lab-base/jupyterlab-neuron/monitor/stream');
    expect(url.searchParams.get('token')).toBe('secret-token');
    expect(url.searchParams.get('lang')).toBe('ja');
    expect(model.connection).toBe('connecting');
  });

  it('opens the stream again in the new language when it changes', () => {
    const i18n = new NeuronI18n({ setting: 'en' });
    createModel({ i18n });
    model.setVisible(true, 'dashboard');
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(new URL(FakeWebSocket.latest.url).searchParams.get('lang')).toBe(
      'en'
    );

    i18n.setting = 'ja';
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(new URL(FakeWebSocket.latest.url).searchParams.get('lang')).toBe(
      'ja'
    );

    model.dispose();
    i18n.setting = 'en';
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('handles status and snapshot messages from the stream', async () => {
    createModel();
    const snapshots: number[] = [];
    const states: string[] = [];
    model.snapshotChanged.connect((_, snapshot) =>
      snapshots.push(snapshot.seq)
    );
    model.statusChanged.connect((_, status) => states.push(status.state));
    model.setVisible(true, 'dashboard');
    const socket = FakeWebSocket.latest;
    socket.open();
    expect(model.connection).toBe('websocket');

    socket.receive({
      type: 'status',
      status: makeStatus({ state: 'starting' })
    });
    socket.receive({ type: 'status', status: makeStatus() });
    socket.receive({ type: 'snapshot', snapshot: trainDual(3) });
    socket.receive({ type: 'pong' });
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    socket.receive('not json at all');
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();

    expect(states).toEqual(['starting', 'running']);
    expect(snapshots).toEqual([3]);
    expect(model.status?.state).toBe('running');
    expect(model.snapshot?.processes[0].kernel?.notebook_path).toBe(
      'work/bert-train.ipynb'
    );
    const latest = model.history.latest()!;
    expect(latest.seq).toBe(3);
    expect(Array.from(latest.cores)).toEqual([88, 86]);
    expect(latest.meanUtilization).toBeCloseTo(87);

    // The server's history since the newest sample is merged in, in order.
    await waitUntil(() => model.history.length === 3);
    expect(server.requestsTo('monitor/history')).toHaveLength(1);
    expect(model.history.toArray().map(sample => sample.seq)).toEqual([
      1, 2, 3
    ]);
  });

  it('asks for history since its newest sample when it reconnects', async () => {
    createModel();
    model.setVisible(true, 'dashboard');
    FakeWebSocket.latest.open();
    FakeWebSocket.latest.receive({ type: 'snapshot', snapshot: trainDual(3) });
    await waitUntil(() => server.requestsTo('monitor/history').length === 1);
    expect(server.requestsTo('monitor/history')[0].query.get('since')).toBe(
      null
    );

    model.setVisible(false, 'dashboard');
    model.setVisible(true, 'dashboard');
    FakeWebSocket.latest.open();
    await waitUntil(() => server.requestsTo('monitor/history').length === 2);
    const second = server.requestsTo('monitor/history')[1].query;
    expect(Number(second.get('since'))).toBe(trainDual(3).timestamp);
    expect(second.get('limit')).toBe(String(model.historyLength));
  });

  it('falls back to polling when the WebSocket cannot be opened', async () => {
    let answered = 0;
    server.routes.set('monitor/snapshot', () => {
      answered += 1;
      return jsonResponse(200, {
        status: makeStatus(),
        snapshot: trainDual(answered)
      });
    });
    // (No second WebSocket try during this test.)
    createModel({ pollTimeout: 7, reconnectDelay: 60_000 });
    const seqs: number[] = [];
    model.snapshotChanged.connect((_, snapshot) => seqs.push(snapshot.seq));
    model.setVisible(true, 'dashboard');
    // A proxy refuses the upgrade: the socket closes before it ever opened.
    FakeWebSocket.latest.fail();

    await waitUntil(() => seqs.length >= 2);
    expect(model.connection).toBe('polling');
    expect(FakeWebSocket.instances).toHaveLength(1);
    const polls = server.requestsTo('monitor/snapshot');
    expect(polls[0].query.get('after')).toBeNull();
    expect(polls[1].query.get('after')).toBe('1');
    expect(polls[1].query.get('timeout')).toBe('7');
    expect(seqs.slice(0, 2)).toEqual([1, 2]);
    expect(model.status?.state).toBe('running');
  });

  it('polls when the WebSocket constructor throws', async () => {
    server.routes.set(
      'monitor/snapshot',
      jsonResponse(200, { status: makeStatus(), snapshot: trainDual(1) })
    );
    FakeWebSocket.throwOnCreate = true;
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    createModel();
    model.setVisible(true, 'status-bar');
    await waitUntil(() => model.snapshot !== null);
    expect(model.connection).toBe('polling');
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('reports a missing server extension while polling', async () => {
    createModel();
    model.setVisible(true, 'dashboard');
    FakeWebSocket.latest.fail();
    await waitUntil(() => model.connection === 'server-missing');
    expect(model.snapshot).toBeNull();
  });

  it('stops polling when no view is visible', async () => {
    server.routes.set(
      'monitor/snapshot',
      jsonResponse(200, { status: makeStatus(), snapshot: trainDual(1) })
    );
    createModel();
    model.setVisible(true, 'dashboard');
    FakeWebSocket.latest.fail();
    await waitUntil(() => model.connection === 'polling');
    model.setVisible(false, 'dashboard');
    const count = server.requestsTo('monitor/snapshot').length;
    await settle(300);
    expect(server.requestsTo('monitor/snapshot').length).toBe(count);
    expect(model.connection).toBe('idle');
  });

  it('aborts the pending long poll when no view is visible any more', async () => {
    server.routes.set('monitor/snapshot', request => {
      if (!new URL(request.url).searchParams.has('after')) {
        return jsonResponse(200, {
          status: makeStatus(),
          snapshot: trainDual(1)
        });
      }
      // A long poll: answers only when a snapshot comes, or when aborted.
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError'))
        );
      });
    });
    createModel();
    model.setVisible(true, 'dashboard');
    FakeWebSocket.latest.fail();
    await waitUntil(() => server.requestsTo('monitor/snapshot').length === 2);
    const waiting = server.requestsTo('monitor/snapshot')[1];
    expect(waiting.signal.aborted).toBe(false);
    model.setVisible(false, 'dashboard');
    expect(waiting.signal.aborted).toBe(true);
    expect(model.connection).toBe('idle');
  });

  it('tries the WebSocket again, with backoff, after falling back to polling', async () => {
    server.routes.set(
      'monitor/snapshot',
      jsonResponse(200, { status: makeStatus(), snapshot: trainDual(1) })
    );
    createModel({ reconnectDelay: 20 });
    model.setVisible(true, 'dashboard');
    FakeWebSocket.latest.fail();
    await waitUntil(() => model.connection === 'polling');
    // The proxy still refuses: polling goes on and the next try waits longer.
    await waitUntil(() => FakeWebSocket.instances.length === 2);
    const secondTry = Date.now();
    FakeWebSocket.latest.fail();
    expect(model.connection).toBe('polling');
    await waitUntil(() => FakeWebSocket.instances.length === 3);
    expect(Date.now() - secondTry).toBeGreaterThanOrEqual(35);
    // Now it opens: the stream takes over and polling stops.
    FakeWebSocket.latest.open();
    expect(model.connection).toBe('websocket');
    const polls = server.requestsTo('monitor/snapshot').length;
    await settle(300);
    expect(server.requestsTo('monitor/snapshot').length).toBe(polls);
    FakeWebSocket.latest.receive({
      type: 'snapshot',
      snapshot: trainDual(5)
    });
    await waitUntil(() => model.snapshot?.seq === 5);
  });

  it('keeps at most historyLength samples, the newest ones', () => {
    createModel({ historyLength: 12 });
    model.setVisible(true, 'dashboard');
    const socket = FakeWebSocket.latest;
    socket.open();
    for (let seq = 1; seq <= 25; seq++) {
      socket.receive({ type: 'snapshot', snapshot: trainDual(seq) });
    }
    expect(model.history.length).toBe(12);
    expect(model.history.at(0)!.seq).toBe(14);
    expect(model.history.latest()!.seq).toBe(25);

    model.historyLength = 10;
    expect(model.history.length).toBe(10);
    expect(model.history.at(0)!.seq).toBe(16);

    // Below the minimum, the minimum is kept.
    model.historyLength = 3;
    expect(model.historyLength).toBe(10);
  });

  it('pauses while every view is hidden and resumes when one is shown', () => {
    createModel();
    model.setVisible(true, 'dashboard');
    model.setVisible(true, 'status-bar');
    const first = FakeWebSocket.latest;
    first.open();

    model.setVisible(false, 'dashboard');
    expect(first.closedByClient).toBe(false);
    expect(model.isActive).toBe(true);
    expect(model.isVisible).toBe(true);

    model.setVisible(false, 'status-bar');
    expect(first.closedByClient).toBe(true);
    expect(model.isActive).toBe(false);
    expect(model.isVisible).toBe(false);
    expect(model.connection).toBe('idle');

    // Nothing from the old socket is taken any more.
    first.receive({ type: 'snapshot', snapshot: trainDual(9) });
    expect(model.snapshot).toBeNull();

    model.setVisible(true, 'panel-section');
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('pauses while the browser tab is hidden', () => {
    createModel();
    model.setVisible(true, 'dashboard');
    const socket = FakeWebSocket.latest;
    socket.open();
    page.setHidden(true);
    expect(socket.closedByClient).toBe(true);
    expect(model.connection).toBe('idle');
    // The view is still shown in its tab: only the stream pauses.
    expect(model.isVisible).toBe(true);
    expect(model.isActive).toBe(false);
    page.setHidden(false);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('reopens a socket that closes after it was open', async () => {
    createModel();
    model.setVisible(true, 'dashboard');
    FakeWebSocket.latest.open();
    FakeWebSocket.latest.fail();
    await waitUntil(() => FakeWebSocket.instances.length === 2);
    FakeWebSocket.latest.open();
    expect(model.connection).toBe('websocket');
    expect(server.requestsTo('monitor/snapshot')).toHaveLength(0);
  });

  it('hands snapshots to the views at most once per update period', async () => {
    createModel({ updatePeriod: 80 });
    const seqs: number[] = [];
    model.snapshotChanged.connect((_, snapshot) => seqs.push(snapshot.seq));
    model.setVisible(true, 'dashboard');
    const socket = FakeWebSocket.latest;
    socket.open();
    for (let seq = 1; seq <= 5; seq++) {
      socket.receive({ type: 'snapshot', snapshot: trainDual(seq) });
    }
    expect(seqs).toEqual([1]);
    // Every snapshot still reaches the history.
    expect(model.history.latest()!.seq).toBe(5);
    await waitUntil(() => seqs.length === 2);
    expect(seqs).toEqual([1, 5]);
  });

  it('asks the server to restart neuron-monitor', async () => {
    server.routes.set(
      'monitor/restart',
      jsonResponse(200, makeStatus({ state: 'starting' }))
    );
    createModel();
    await model.restart();
    const [request] = server.requestsTo('monitor/restart');
    expect(request.method).toBe('POST');
    expect(model.status?.state).toBe('starting');
  });

  it('does not take a snapshot twice', () => {
    createModel();
    model.setVisible(true, 'dashboard');
    const socket = FakeWebSocket.latest;
    socket.open();
    socket.receive({ type: 'snapshot', snapshot: makeSnapshot({ seq: 4 }) });
    socket.receive({ type: 'snapshot', snapshot: makeSnapshot({ seq: 4 }) });
    expect(model.history.length).toBe(1);
  });
});
