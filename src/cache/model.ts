/**
 * The compile-cache model: owns the status of the caches, when it is
 * fetched, and the calls that list, inspect and clean entries.
 */

import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { PollingModel } from '../polling';
import {
  INeuronCompileCache,
  INeuronI18n,
  NeuronFreeDiskThreshold
} from '../tokens';
import type * as CacheAPI from '../api/cache';

/**
 * The compile caches of the server, polled only while a view shows them.
 *
 * The status (`GET cache/status`) is cheap: the server reuses its last scan
 * for a few seconds and re-scans only what changed. Its `revision` changes
 * when anything shown changed; then `revisionChanged` tells the entry lists
 * to load their pages again. Cleaning is two calls: `dryRun` returns the
 * plan and its token, `clean` removes exactly that plan or fails with 409.
 */
export class CacheModel
  extends PollingModel<CacheAPI.Status>
  implements INeuronCompileCache
{
  constructor(options: CacheModel.IOptions) {
    super(options, {
      name: 'jupyterlab-neuron:compile-cache',
      // The server answers from its last scan: cheap.
      interval: 15_000,
      maxBackoff: 5 * 60_000
    });
  }

  get status(): CacheAPI.Status | null {
    return this.result;
  }

  get freeDiskThreshold(): NeuronFreeDiskThreshold {
    return this._threshold;
  }
  set freeDiskThreshold(threshold: NeuronFreeDiskThreshold) {
    const bytes = Math.max(0, Number(threshold.bytes) || 0);
    const percent = Math.min(100, Math.max(0, Number(threshold.percent) || 0));
    if (
      bytes === this._threshold.bytes &&
      percent === this._threshold.percent
    ) {
      return;
    }
    this._threshold = { bytes, percent };
    this.emitChanged();
  }

  get revisionChanged(): ISignal<this, string> {
    return this._revisionChanged;
  }

  /**
   * The language server messages are asked in.
   */
  get language(): INeuronI18n['language'] | undefined {
    return this.i18n?.language;
  }

  /**
   * Scan the caches again now (`?refresh=1`) and reload the status. Without
   * a view: done by the first fetch once one is shown.
   */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    this._forceScan = true;
    await super.refresh();
  }

  listEntries(query: CacheAPI.EntryQuery): Promise<CacheAPI.EntryPage> {
    return this.request<CacheAPI.EntryPage>(
      `cache/entries?${entryQueryString(query)}`
    );
  }

  entryDetail(id: string): Promise<CacheAPI.EntryDetail> {
    return this.request<CacheAPI.EntryDetail>(
      `cache/entries/${encodeURIComponent(id)}`
    );
  }

  dryRun(request: CacheAPI.CleanRequest): Promise<CacheAPI.CleanResult> {
    return this.request<CacheAPI.CleanResult>('cache/clean', {
      method: 'POST',
      body: JSON.stringify({ ...request, dry_run: true })
    });
  }

  async clean(
    request: CacheAPI.CleanRequest,
    planToken: string
  ): Promise<CacheAPI.CleanResult> {
    try {
      return await this.request<CacheAPI.CleanResult>('cache/clean', {
        method: 'POST',
        body: JSON.stringify({
          ...request,
          dry_run: false,
          plan_token: planToken
        })
      });
    } finally {
      // The server re-scans after a real run (also after a conflict, the
      // cache changed): show the new figures at once.
      await super.refresh();
    }
  }

  /**
   * Load the status (after a scan when one was asked for).
   */
  protected fetch(): Promise<CacheAPI.Status> {
    const scan = this._forceScan;
    this._forceScan = false;
    return this.request<CacheAPI.Status>(
      scan ? 'cache/status?refresh=1' : 'cache/status'
    );
  }

  protected onResult(
    status: CacheAPI.Status,
    previous: CacheAPI.Status | null
  ): void {
    if (status.revision !== (previous?.revision ?? null)) {
      this._revisionChanged.emit(status.revision);
    }
  }

  private _forceScan = false;
  private _threshold: NeuronFreeDiskThreshold = {
    ...CacheModel.DEFAULT_FREE_DISK_THRESHOLD
  };
  private _revisionChanged = new Signal<this, string>(this);
}

/**
 * The namespace for `CacheModel` statics.
 */
export namespace CacheModel {
  /**
   * Construction options (status checks every 15 s by default).
   */
  export interface IOptions extends PollingModel.IOptions {
    /** The application's server settings (`app.serviceManager.serverSettings`). */
    serverSettings: ServerConnection.ISettings;
  }

  /** Warn below 10 GiB or 10 % free, whichever comes first. */
  export const DEFAULT_FREE_DISK_THRESHOLD: NeuronFreeDiskThreshold = {
    bytes: 10 * 1024 ** 3,
    percent: 10
  };
}

/**
 * The query string of `GET cache/entries` for a query (lists comma-separated).
 */
export function entryQueryString(query: CacheAPI.EntryQuery): string {
  const params = new URLSearchParams();
  const list = (name: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0) {
      params.set(name, values.join(','));
    }
  };
  list('root', query.roots);
  list('version', query.versions);
  list('state', query.states);
  if (query.text && query.text.trim() !== '') {
    params.set('q', query.text.trim());
  }
  if (query.sort) {
    params.set('sort', query.sort);
  }
  if (query.order) {
    params.set('order', query.order);
  }
  if (query.offset !== undefined) {
    params.set('offset', String(query.offset));
  }
  if (query.limit !== undefined) {
    params.set('limit', String(query.limit));
  }
  return params.toString();
}

/**
 * Whether a root's file system is short of free space by the threshold.
 */
export function isLowOnDisk(
  root: Pick<CacheAPI.RootSummary, 'free_bytes' | 'fs_total_bytes'>,
  threshold: NeuronFreeDiskThreshold
): boolean {
  const free = root.free_bytes;
  if (free === null || free === undefined) {
    return false;
  }
  if (threshold.bytes > 0 && free < threshold.bytes) {
    return true;
  }
  const total = root.fs_total_bytes;
  return (
    threshold.percent > 0 &&
    total !== null &&
    total !== undefined &&
    total > 0 &&
    (free / total) * 100 < threshold.percent
  );
}

/**
 * The HTTP status of a failed request, or `null` when it got no answer.
 */
export function httpStatusOf(reason: unknown): number | null {
  if (reason instanceof ServerConnection.ResponseError) {
    return reason.response.status;
  }
  return null;
}

/**
 * Whether a failed clean means "the cache changed since the dry run".
 */
export function isConflict(reason: unknown): boolean {
  return httpStatusOf(reason) === 409;
}
