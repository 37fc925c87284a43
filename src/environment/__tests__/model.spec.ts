import {
  FakeServer,
  htmlResponse,
  jsonResponse
} from '../../__tests__/fakeServer';
import { settle, waitFor, waitUntil } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';
import { NEURON_API_VERSION } from '../../tokens';
import { FRONTEND_VERSION } from '../../version';
import { EnvironmentModel } from '../model';
import { simulatedTrn1, toolsNotFound } from './reports';

describe('EnvironmentModel', () => {
  let server: FakeServer;
  let model: EnvironmentModel;

  function createModel(
    options: Partial<EnvironmentModel.IOptions> = {}
  ): EnvironmentModel {
    model = new EnvironmentModel({
      serverSettings: server.serverSettings,
      interval: 60_000,
      ...options
    });
    return model;
  }

  beforeEach(() => {
    server = new FakeServer();
    server.routes.set(
      'version',
      jsonResponse(200, { version: FRONTEND_VERSION, api: NEURON_API_VERSION })
    );
    server.routes.set('environment', jsonResponse(200, simulatedTrn1()));
  });

  afterEach(() => {
    model?.dispose();
  });

  it('fetches nothing while no view is visible', async () => {
    createModel();
    await settle();
    await model.refresh();
    await settle();
    expect(server.requests).toEqual([]);
    expect(model.state).toBe('loading');
  });

  it('shakes hands, then loads the report when shown', async () => {
    createModel();
    const states: string[] = [];
    model.stateChanged.connect((_, state) => states.push(state));
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');

    expect(server.requests.map(r => r.path)).toEqual([
      'version',
      'environment'
    ]);
    expect(server.requests[1].query.get('refresh')).toBeNull();
    expect(model.report).toEqual(simulatedTrn1());
    expect(model.serverVersion).toEqual({
      version: FRONTEND_VERSION,
      api: NEURON_API_VERSION
    });
    expect(model.error).toBeNull();
    expect(model.isBusy).toBe(false);
    expect(states).toEqual(['ready']);
  });

  it('emits reportChanged with the report', async () => {
    createModel();
    const reports: unknown[] = [];
    model.reportChanged.connect((_, report) => reports.push(report));
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
    expect(reports).toEqual([simulatedTrn1()]);
  });

  it('says server-missing when version answers 404, and asks no more', async () => {
    server.routes.delete('version');
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'server-missing');
    await settle();
    expect(server.requests.map(r => r.path)).toEqual(['version']);
    expect(model.report).toBeNull();
  });

  it.each([
    ['another version', { version: '9.9.9', api: NEURON_API_VERSION }],
    ['another API', { version: FRONTEND_VERSION, api: NEURON_API_VERSION + 1 }]
  ])('says version-mismatch for %s', async (_, answer) => {
    server.routes.set('version', jsonResponse(200, answer));
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'version-mismatch');
    await settle();
    expect(server.requests.map(r => r.path)).toEqual(['version']);
    expect(model.serverVersion).toEqual(answer);
  });

  it('accepts the Python spelling of a pre-release', async () => {
    server.routes.set(
      'version',
      jsonResponse(200, { version: '1.0.0a1', api: NEURON_API_VERSION })
    );
    createModel({ frontendVersion: '1.0.0-alpha.1' });
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
  });

  it('retries the handshake on refresh after the extension was missing', async () => {
    server.routes.delete('version');
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'server-missing');

    server.routes.set(
      'version',
      jsonResponse(200, { version: FRONTEND_VERSION, api: NEURON_API_VERSION })
    );
    await model.refresh();
    expect(model.state).toBe('ready');
    expect(server.requests.map(r => r.path)).toEqual([
      'version',
      'version',
      'environment'
    ]);
  });

  it('asks the server to re-run the tools on refresh', async () => {
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');

    server.routes.set('environment', jsonResponse(200, toolsNotFound()));
    await model.refresh();

    const last = server.requests[server.requests.length - 1];
    expect(last.path).toBe('environment');
    expect(last.query.get('refresh')).toBe('1');
    expect(model.report?.state).toBe('tools_not_found');
    // The handshake is done once.
    expect(server.requestsTo('version')).toHaveLength(1);
  });

  it('runs a refresh asked during a fetch after it, not alongside', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>(resolve => (release = resolve));
    let inFlight = 0;
    let maxInFlight = 0;
    server.routes.set('environment', async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await gate;
      inFlight -= 1;
      return jsonResponse(200, simulatedTrn1());
    });
    createModel();
    model.setVisible(true);
    await waitUntil(() => server.requestsTo('environment').length === 1);
    expect(model.isBusy).toBe(true);

    const refreshed = model.refresh();
    await settle();
    expect(server.requestsTo('environment')).toHaveLength(1);

    release();
    await refreshed;
    const requests = server.requestsTo('environment');
    expect(requests).toHaveLength(2);
    expect(requests[1].query.get('refresh')).toBe('1');
    expect(maxInFlight).toBe(1);
    expect(model.state).toBe('ready');
  });

  it('checks the server again when shown after it was missing', async () => {
    server.routes.delete('version');
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'server-missing');
    model.setVisible(false);

    server.routes.set(
      'version',
      jsonResponse(200, { version: FRONTEND_VERSION, api: NEURON_API_VERSION })
    );
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
  });

  it('keeps a refresh asked while hidden for when it is shown', async () => {
    createModel();
    await model.refresh();
    expect(server.requests).toEqual([]);

    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
    expect(server.requestsTo('environment')[0].query.get('refresh')).toBe('1');
  });

  it("reports the server's message on errors and keeps the last report", async () => {
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');

    server.routes.set(
      'environment',
      jsonResponse(500, { message: 'neuron-ls could not be started' })
    );
    await model.refresh();
    expect(model.state).toBe('error');
    expect(model.error).toBe('neuron-ls could not be started');
    expect(model.report).toEqual(simulatedTrn1());
  });

  it('says server-missing when the environment route disappears', async () => {
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');

    server.routes.delete('environment');
    await model.refresh();
    expect(model.state).toBe('server-missing');
  });

  it('says error for a server that cannot be reached', async () => {
    server.routes.set('version', () => {
      throw new TypeError('Failed to fetch');
    });
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'error');
    expect(model.error).toBe(
      'The Jupyter server could not be reached (Failed to fetch). Check that it is still running.'
    );
  });

  it('says so in Japanese when the panel is in Japanese', async () => {
    server.routes.set('version', () => {
      throw new TypeError('Failed to fetch');
    });
    createModel({ i18n: new NeuronI18n({ setting: 'ja' }) });
    model.setVisible(true);
    await waitFor(model, m => m.state === 'error');
    expect(model.error).toContain(
      'Jupyter サーバーに接続できませんでした（Failed to fetch）'
    );
  });

  it('says error for an HTML error page', async () => {
    server.routes.set('version', htmlResponse(502, '<h1>Bad gateway</h1>'));
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'error');
    expect(model.error).toContain('Bad gateway');
  });

  it('fetches again when shown after the report got old', async () => {
    createModel({ interval: 50 });
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
    model.setVisible(false);
    const before = server.requestsTo('environment').length;
    // Hidden for several intervals: the poll stands by.
    await settle(200);
    expect(server.requestsTo('environment')).toHaveLength(before);

    model.setVisible(true);
    await waitFor(
      model,
      () => server.requestsTo('environment').length > before && !model.isBusy
    );
  });

  it('does not fetch again when shown with a fresh report', async () => {
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
    model.setVisible(false);
    model.setVisible(true);
    await settle();
    expect(server.requestsTo('environment')).toHaveLength(1);
  });

  it("asks in the panel's language and reloads when it changes", async () => {
    const i18n = new NeuronI18n({ setting: 'ja' });
    createModel({ i18n });
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
    expect(server.requests.map(r => r.headers.get('Accept-Language'))).toEqual([
      'ja',
      'ja'
    ]);

    i18n.setting = 'en';
    await waitFor(model, () => server.requestsTo('environment').length === 2);
    const last = server.requests[server.requests.length - 1];
    expect(last.headers.get('Accept-Language')).toBe('en');
  });

  it('stops fetching once disposed', async () => {
    createModel();
    model.dispose();
    model.setVisible(true);
    await model.refresh();
    await settle();
    expect(server.requests).toEqual([]);
    expect(model.isDisposed).toBe(true);
  });
});
