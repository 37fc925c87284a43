import { ServerConnection } from '@jupyterlab/services';

import {
  FakeServer,
  captureError,
  jsonResponse
} from '../../__tests__/fakeServer';
import { settle, waitFor } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';
import {
  CacheModel,
  entryQueryString,
  isConflict,
  isLowOnDisk
} from '../model';
import { FakeCompileCache } from './fakeCache';

describe('CacheModel', () => {
  let server: FakeServer;
  let cache: FakeCompileCache;
  let model: CacheModel;

  function createModel(options: Partial<CacheModel.IOptions> = {}): CacheModel {
    model = new CacheModel({
      serverSettings: server.serverSettings,
      interval: 60_000,
      ...options
    });
    return model;
  }

  beforeEach(() => {
    server = new FakeServer();
    cache = new FakeCompileCache(server, 40);
  });

  afterEach(() => {
    model?.dispose();
  });

  it('fetches nothing while no view is visible', async () => {
    createModel();
    await model.refresh();
    await settle();
    expect(server.requests).toEqual([]);
    expect(model.state).toBe('loading');
  });

  it('loads the status when a view is shown and announces the revision', async () => {
    createModel();
    const revisions: string[] = [];
    model.revisionChanged.connect((_, revision) => revisions.push(revision));
    model.setVisible(true, 'sidebar');
    await waitFor(model, m => m.state === 'ready');
    expect(server.requests.map(r => r.path)).toEqual(['cache/status']);
    expect(server.requests[0].query.get('refresh')).toBeNull();
    expect(model.status?.totals.entries).toBe(40);
    expect(model.status?.totals.counts.failed).toBe(4);
    expect(revisions).toEqual(['rev-1']);
  });

  it('keeps polling while any of its views is visible', async () => {
    createModel();
    model.setVisible(true, 'sidebar');
    model.setVisible(true, 'main-area');
    await waitFor(model, m => m.state === 'ready');
    model.setVisible(false, 'sidebar');
    expect(model.isVisible).toBe(true);
    model.setVisible(false, 'main-area');
    expect(model.isVisible).toBe(false);
  });

  it('rescans on refresh and emits revisionChanged only when it changed', async () => {
    createModel();
    const revisions: string[] = [];
    model.revisionChanged.connect((_, revision) => revisions.push(revision));
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');

    await model.refresh();
    const last = server.requests[server.requests.length - 1];
    expect(last.query.get('refresh')).toBe('1');
    expect(revisions).toEqual(['rev-1', 'rev-2']);

    // The same revision again: no signal.
    server.routes.set('cache/status', jsonResponse(200, cache.status()));
    await model.refresh();
    expect(revisions).toEqual(['rev-1', 'rev-2']);
  });

  it('keeps a refresh asked while hidden for when it is shown', async () => {
    createModel();
    await model.refresh();
    expect(server.requests).toEqual([]);
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
    expect(server.requests[0].query.get('refresh')).toBe('1');
  });

  it("shows the server's message on errors and keeps the last status", async () => {
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
    server.routes.set(
      'cache/status',
      jsonResponse(500, { message: 'The folder could not be read completely' })
    );
    await model.refresh();
    expect(model.state).toBe('error');
    expect(model.error).toBe('The folder could not be read completely');
    expect(model.status?.totals.entries).toBe(40);
  });

  it('says server-missing when the route does not exist', async () => {
    server.routes.delete('cache/status');
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'server-missing');
  });

  it.each([
    ['en', 'The Jupyter server could not be reached'],
    ['ja', 'Jupyter サーバーに接続できませんでした']
  ] as const)(
    'tells an unreachable server in the language of the panel (%s)',
    async (language, expected) => {
      server.routes.set('cache/status', () => {
        throw new TypeError('Failed to fetch');
      });
      createModel({ i18n: new NeuronI18n({ setting: language }) });
      model.setVisible(true);
      await waitFor(model, m => m.state === 'error');
      expect(model.error).toContain(expected);
      expect(model.error).toContain('Failed to fetch');
    }
  );

  it('asks the server in the language of the panel, and again when it changes', async () => {
    const i18n = new NeuronI18n({ setting: 'ja' });
    createModel({ i18n });
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');
    expect(server.requests[0].headers.get('Accept-Language')).toBe('ja');

    i18n.setting = 'en';
    await settle(50);
    const last = server.requests[server.requests.length - 1];
    expect(server.requestsTo('cache/status')).toHaveLength(2);
    expect(last.headers.get('Accept-Language')).toBe('en');
  });

  it('lists a page with the filters in the query string', async () => {
    createModel();
    const page = await model.listEntries({
      states: ['failed'],
      versions: ['neuronxcc-2.14.227.0+2d4f85be'],
      text: ' module ',
      sort: 'bytes',
      order: 'asc',
      offset: 0,
      limit: 2
    });
    const request = server.requests[0];
    expect(request.query.get('state')).toBe('failed');
    expect(request.query.get('version')).toBe('neuronxcc-2.14.227.0+2d4f85be');
    expect(request.query.get('q')).toBe('module');
    expect(request.query.get('sort')).toBe('bytes');
    expect(request.query.get('order')).toBe('asc');
    expect(request.query.get('root')).toBeNull();
    expect(page.total).toBe(4);
    expect(page.items.map(entry => entry.state)).toEqual(['failed', 'failed']);
    expect(page.items[0].bytes).toBeLessThan(page.items[1].bytes);
  });

  it('makes a dry run, then the real run with its plan token', async () => {
    createModel();
    model.setVisible(true);
    await waitFor(model, m => m.state === 'ready');

    const plan = await model.dryRun({ failed: true });
    expect(cache.cleanBodies[0]).toEqual({ failed: true, dry_run: true });
    expect(plan.dry_run).toBe(true);
    expect(plan.items).toHaveLength(4);
    expect(cache.entries).toHaveLength(40); // nothing removed yet

    const result = await model.clean({ failed: true }, plan.plan_token);
    expect(cache.cleanBodies[1]).toEqual({
      failed: true,
      dry_run: false,
      plan_token: plan.plan_token
    });
    expect(result.removed).toEqual(plan.removed);
    expect(cache.entries).toHaveLength(36);
    // The new figures are loaded at once.
    expect(model.status?.totals.entries).toBe(36);
    expect(model.status?.totals.counts.failed).toBe(0);
  });

  it('rejects a real run with a conflict when the cache changed since the dry run', async () => {
    createModel();
    const plan = await model.dryRun({ failed: true });
    cache.touch();
    const error = await captureError(
      model.clean({ failed: true }, plan.plan_token)
    );
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(isConflict(error)).toBe(true);
    expect(error.message).toContain('changed since the dry run');
    expect(cache.entries).toHaveLength(40);
  });

  it('encodes entry ids in the detail URL', async () => {
    createModel();
    const entry = cache.entries[7];
    cache.serveDetail(entry, 'ERROR 4821 [neuronx-cc]: Failed compilation');
    const detail = await model.entryDetail(entry.id);
    expect(server.requests[0].path).toBe(
      `cache/entries/${encodeURIComponent(entry.id)}`
    );
    expect(server.requests[0].path).toContain('%3A');
    expect(detail.log_tail).toContain('Failed compilation');
  });

  it('clamps the free-disk threshold and emits a change', () => {
    createModel();
    let changes = 0;
    model.changed.connect(() => (changes += 1));
    model.freeDiskThreshold = { bytes: -5, percent: 250 };
    expect(model.freeDiskThreshold).toEqual({ bytes: 0, percent: 100 });
    expect(changes).toBe(1);
  });
});

describe('entryQueryString', () => {
  it('joins lists with commas and leaves out empty filters', () => {
    expect(
      entryQueryString({
        roots: ['a', 'b'],
        versions: [],
        states: ['failed', 'stale_lock'],
        text: '',
        offset: 200,
        limit: 200
      })
    ).toBe('root=a%2Cb&state=failed%2Cstale_lock&offset=200&limit=200');
  });
});

describe('isLowOnDisk', () => {
  const GIB = 1024 ** 3;
  const threshold = { bytes: 10 * GIB, percent: 10 };

  it.each([
    [5 * GIB, 1000 * GIB, true], // below the bytes threshold
    [50 * GIB, 1000 * GIB, true], // 5 %: below the percent threshold
    [150 * GIB, 1000 * GIB, false],
    [null, 1000 * GIB, false] // unknown free space: no warning
  ])('free %p of %p -> %p', (free, total, expected) => {
    expect(
      isLowOnDisk({ free_bytes: free, fs_total_bytes: total }, threshold)
    ).toBe(expected);
  });

  it('can be turned off', () => {
    expect(
      isLowOnDisk(
        { free_bytes: 1, fs_total_bytes: 1000 * GIB },
        { bytes: 0, percent: 0 }
      )
    ).toBe(false);
  });
});
