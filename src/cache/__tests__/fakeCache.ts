/**
 * A compile cache behind the fake server: the `cache/*` routes of
 * openapi.yaml over entries held in memory, so models and views can be
 * tested page by page, with dry runs, plan tokens and conflicts.
 */

import { FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import type * as CacheAPI from '../../api/cache';

type Entry = CacheAPI.Entry;
type State = CacheAPI.EntryState;

export const ROOT_ID = 'r00t1d';
export const ROOT_PATH = '/var/tmp/neuron-compile-cache';
export const VERSIONS = [
  { id: 'v1', name: 'neuronxcc-2.15.128.0+56dc5a86' },
  { id: 'v2', name: 'neuronxcc-2.14.227.0+2d4f85be' }
];
const NOW = 1_764_381_600;

/**
 * The state of entry `index`: every 10th failed, every 50th a stale lock,
 * entry 3 compiling, the rest compiled.
 */
function stateOf(index: number): State {
  if (index === 3) {
    return 'compiling';
  }
  if (index % 10 === 7) {
    return 'failed';
  }
  if (index % 50 === 5) {
    return 'stale_lock';
  }
  return 'success';
}

/**
 * Entry `index` of a generated cache (deterministic).
 */
export function makeEntry(index: number): Entry {
  const version = VERSIONS[index % 2];
  const module = `MODULE_${index.toString(16).padStart(20, '0')}+d41d8cd9`;
  const state = stateOf(index);
  return {
    id: `${version.id}:${module}`,
    root_id: ROOT_ID,
    root: ROOT_PATH,
    version: version.name,
    module,
    path: `${ROOT_PATH}/${version.name}/${module}`,
    naming: '2024',
    state,
    bytes: state === 'failed' ? 1000 + index : 1_000_000 + index * 1000,
    disk_bytes: 4096,
    files: state === 'failed' ? 3 : 5,
    created: NOW - 86_400 - index,
    last_used: NOW - index * 60,
    locked: state === 'compiling' || state === 'stale_lock',
    lock_age_seconds:
      state === 'stale_lock' ? 7200 : state === 'compiling' ? 5 : null,
    protected: state === 'compiling' ? 'compiling' : null,
    in_use: false,
    symlink: false,
    has_log: state === 'failed',
    has_flags: true,
    error: null
  };
}

function counts(entries: Entry[]): CacheAPI.StateCounts {
  const result = {
    success: 0,
    failed: 0,
    compiling: 0,
    stale_lock: 0,
    empty: 0,
    link: 0
  };
  for (const entry of entries) {
    result[entry.state] += 1;
  }
  return result;
}

/**
 * The cache held by the fake server.
 */
export class FakeCompileCache {
  entries: Entry[];
  revision = 1;
  /** Free bytes reported for the root. */
  freeBytes = 80 * 1024 ** 3;
  fsTotalBytes = 250 * 1024 ** 3;
  rootState: CacheAPI.RootState = 'ok';
  rootStore: 'local' | 's3' = 'local';
  rootMessage: string | null = null;
  simulated = true;
  /** Clean bodies received, in order. */
  readonly cleanBodies: Record<string, unknown>[] = [];
  /** Run before answering a real run (e.g. to change the cache under it). */
  beforeRealRun: (() => void) | null = null;

  constructor(
    readonly server: FakeServer,
    count: number
  ) {
    this.entries = Array.from({ length: count }, (_, index) =>
      makeEntry(index)
    );
    server.routes.set('cache/status', request => this._status(request));
    server.routes.set('cache/entries', request => this._entries(request));
    server.routes.set('cache/clean', request => this._clean(request));
  }

  /**
   * Answer `GET cache/entries/{id}` for one entry.
   */
  serveDetail(entry: Entry, logTail: string | null): void {
    this.server.routes.set(
      `cache/entries/${encodeURIComponent(entry.id)}`,
      () =>
        jsonResponse(200, {
          ...entry,
          contents: [
            {
              path: 'model.hlo_module.pb',
              kind: 'file',
              bytes: 500,
              mtime: NOW
            },
            { path: 'model.log', kind: 'file', bytes: 400, mtime: NOW }
          ],
          contents_truncated: false,
          flags: ['--model-type=transformer'],
          log_tail: logTail,
          log_truncated: false,
          locks: [],
          detail_error: null
        })
    );
  }

  /** Something changed on disk: a new revision. */
  touch(): void {
    this.revision += 1;
  }

  status(): CacheAPI.Status {
    const total = this.entries.reduce((sum, entry) => sum + entry.bytes, 0);
    const root: CacheAPI.RootSummary = {
      id: ROOT_ID,
      path: ROOT_PATH,
      configured: ROOT_PATH,
      sources: ['default'],
      state: this.rootState,
      remote: false,
      managed: true,
      store: this.rootStore,
      scannable: true,
      writable: this.rootState === 'ok',
      active: true,
      disabled: false,
      simulated: this.simulated,
      message: this.rootMessage,
      notes: [],
      scanned: true,
      scan_error: null,
      entries: this.entries.length,
      total_bytes: total,
      disk_bytes: total,
      counts: counts(this.entries),
      in_use: 0,
      protected: this.entries.filter(entry => entry.protected).length,
      free_bytes: this.freeBytes,
      fs_total_bytes: this.fsTotalBytes,
      versions: VERSIONS.map((version, index) => {
        const inVersion = this.entries.filter(e => e.version === version.name);
        return {
          id: version.id,
          name: version.name,
          naming: '2024',
          compiler_version: version.name.replace('neuronxcc-', ''),
          entries: inVersion.length,
          bytes: inVersion.reduce((sum, entry) => sum + entry.bytes, 0),
          disk_bytes: 0,
          counts: counts(inVersion),
          protected: 0,
          in_use: 0,
          last_used: NOW,
          newest: index === 0,
          symlink: false,
          other_files: 0,
          other_bytes: 0,
          other_dirs: 0
        };
      }),
      other_names: []
    };
    return {
      revision: `rev-${this.revision}`,
      scanned_at: NOW,
      scan_seconds: 0.01,
      simulated: this.simulated,
      compiler_running: false,
      compilers: [],
      monitor_available: false,
      totals: {
        entries: this.entries.length,
        bytes: total,
        counts: counts(this.entries)
      },
      roots: [root],
      project_search: {
        start: null,
        depth: 3,
        limit: 2000,
        visited: 0,
        truncated: false,
        found: []
      }
    };
  }

  private _status(request: Request): Response {
    if (new URL(request.url).searchParams.get('refresh') === '1') {
      this.touch();
    }
    return jsonResponse(200, this.status());
  }

  private _entries(request: Request): Response {
    const params = new URL(request.url).searchParams;
    const list = (name: string) =>
      (params.get(name) ?? '').split(',').filter(value => value !== '');
    const roots = list('root');
    const versions = list('version');
    const states = list('state');
    const text = (params.get('q') ?? '').toLowerCase();
    const sort = (params.get('sort') ?? 'last_used') as keyof Entry;
    const order = params.get('order') ?? 'desc';
    const offset = Number(params.get('offset') ?? 0);
    const limit = Number(params.get('limit') ?? 100);
    if (limit < 1 || limit > 1000) {
      return jsonResponse(400, {
        message: `Invalid value for limit: ${limit}`
      });
    }
    const matching = this.entries
      .filter(
        entry =>
          (roots.length === 0 || roots.includes(entry.root_id)) &&
          (versions.length === 0 || versions.includes(entry.version)) &&
          (states.length === 0 || states.includes(entry.state)) &&
          (text === '' ||
            entry.module.toLowerCase().includes(text) ||
            entry.version.toLowerCase().includes(text))
      )
      .sort((a, b) => {
        const x = a[sort] as number | string;
        const y = b[sort] as number | string;
        const compared = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1;
        return order === 'asc' ? compared : -compared;
      });
    const page: CacheAPI.EntryPage = {
      revision: `rev-${this.revision}`,
      scanned_at: NOW,
      total: matching.length,
      offset,
      limit,
      sort: String(sort),
      order: order as 'asc' | 'desc',
      items: matching.slice(offset, offset + limit)
    };
    return jsonResponse(200, page);
  }

  /** The entries a request would remove now. */
  private _plan(body: Record<string, unknown>): Entry[] {
    const ids = new Set((body.entries as string[] | undefined) ?? []);
    return this.entries.filter(
      entry =>
        !entry.protected &&
        (ids.has(entry.id) ||
          (body.failed === true && entry.state === 'failed'))
    );
  }

  private async _clean(request: Request): Promise<Response> {
    const body = JSON.parse(await request.text()) as Record<string, unknown>;
    this.cleanBodies.push(body);
    const language = request.headers.get('Accept-Language');
    const unknown = ((body.entries as string[] | undefined) ?? []).find(
      id => !this.entries.some(entry => entry.id === id)
    );
    if (unknown) {
      return jsonResponse(404, {
        message: `Unknown compile cache entry: ${unknown}.`
      });
    }
    if (body.dry_run === false) {
      this.beforeRealRun?.();
    }
    const plan = this._plan(body);
    const token = `token-${this.revision}-${plan.map(entry => entry.id).join('|').length}`;
    if (body.dry_run === false && body.plan_token !== token) {
      return jsonResponse(409, {
        message:
          language === 'ja'
            ? 'ドライランの後にコンパイルキャッシュが変化したため、確認した一覧は古くなっています。何も削除していません。もう一度ドライランを実行してください。'
            : 'The compile cache changed since the dry run, so its list is out of date. Nothing was removed: run the dry run again.'
      });
    }
    const result: CacheAPI.CleanResult = {
      dry_run: body.dry_run !== false,
      plan_token: token,
      request: {
        roots: [],
        entries: (body.entries as string[]) ?? [],
        failed: body.failed === true,
        stale_locks: false,
        old_versions: false,
        versions: [],
        max_bytes: null,
        wipe: false
      },
      items: plan.map(entry => ({
        kind: 'entry',
        id: entry.id,
        root_id: entry.root_id,
        root: entry.root,
        version: entry.version,
        module: entry.module,
        path: `${entry.version}/${entry.module}`,
        bytes: entry.bytes,
        state: entry.state,
        reasons: [body.failed ? 'failed' : 'selected'],
        symlink: false
      })),
      removed: plan.map(entry => entry.id),
      bytes_freed: plan.reduce((sum, entry) => sum + entry.bytes, 0),
      skipped: [],
      missing: [],
      failed: [],
      warnings: [],
      scanned_at: NOW
    };
    if (body.dry_run === false) {
      const removed = new Set(result.removed);
      this.entries = this.entries.filter(entry => !removed.has(entry.id));
      this.touch();
    }
    return jsonResponse(200, result);
  }
}
