/**
 * The compile-cache model: owns the status of the caches, when it is
 * fetched, and the calls that list, inspect and clean entries.
 */

import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { VisiblePoller } from '../polling';
import {
  ServerExtensionMissingError,
  describeRequestError,
  requestAPI
} from '../request';
import {
  INeuronCompileCache,
  INeuronI18n,
  NeuronCompileCacheState,
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
export class CacheModel implements INeuronCompileCache {
  constructor(options: CacheModel.IOptions) {
    this._serverSettings = options.serverSettings;
    this._i18n = options.i18n ?? null;
    this._poller = new VisiblePoller({
      name: 'jupyterlab-neuron:compile-cache',
      interval: options.interval ?? CacheModel.DEFAULT_INTERVAL,
      maxBackoff: CacheModel.MAX_BACKOFF,
      fetch: () => this._update(),
      isCurrent: () => this._state === 'ready'
    });
    this._i18n?.changed.connect(this._onLanguageChanged, this);
  }

  get state(): NeuronCompileCacheState {
    return this._state;
  }

  get status(): CacheAPI.Status | null {
    return this._status;
  }

  get error(): string | null {
    return this._error;
  }

  get isBusy(): boolean {
    return this._busy;
  }

  get isVisible(): boolean {
    return this._poller.isVisible;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Milliseconds between status checks while visible.
   */
  get interval(): number {
    return this._poller.interval;
  }
  set interval(interval: number) {
    this._poller.interval = interval;
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
    this._changed.emit();
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get revisionChanged(): ISignal<this, string> {
    return this._revisionChanged;
  }

  /**
   * The language server messages are asked in.
   */
  get language(): INeuronI18n['language'] | undefined {
    return this._i18n?.language;
  }

  setVisible(visible: boolean, viewer = 'default'): void {
    this._poller.setVisible(visible, viewer);
  }

  async refresh(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    this._forceScan = true;
    // Without a view: done by the first fetch once one is shown.
    await this._poller.refresh();
  }

  listEntries(query: CacheAPI.EntryQuery): Promise<CacheAPI.EntryPage> {
    return this._request<CacheAPI.EntryPage>(
      `cache/entries?${entryQueryString(query)}`
    );
  }

  entryDetail(id: string): Promise<CacheAPI.EntryDetail> {
    return this._request<CacheAPI.EntryDetail>(
      `cache/entries/${encodeURIComponent(id)}`
    );
  }

  dryRun(request: CacheAPI.CleanRequest): Promise<CacheAPI.CleanResult> {
    return this._request<CacheAPI.CleanResult>('cache/clean', {
      method: 'POST',
      body: JSON.stringify({ ...request, dry_run: true })
    });
  }

  async clean(
    request: CacheAPI.CleanRequest,
    planToken: string
  ): Promise<CacheAPI.CleanResult> {
    try {
      return await this._request<CacheAPI.CleanResult>('cache/clean', {
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
      await this._poller.refresh();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poller.dispose();
    Signal.clearData(this);
  }

  private _request<T>(endPoint: string, init: RequestInit = {}): Promise<T> {
    return requestAPI<T>(
      endPoint,
      init,
      this._serverSettings,
      this._i18n?.language
    );
  }

  /**
   * Load the status. Rejects on failure so the poll backs off.
   */
  private async _update(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    const scan = this._forceScan;
    this._forceScan = false;
    this._setBusy(true);
    try {
      const status = await this._request<CacheAPI.Status>(
        scan ? 'cache/status?refresh=1' : 'cache/status'
      );
      if (this._isDisposed) {
        return;
      }
      const previous = this._status?.revision ?? null;
      this._status = status;
      this._poller.fetched();
      this._error = null;
      this._state = 'ready';
      this._changed.emit();
      if (status.revision !== previous) {
        this._revisionChanged.emit(status.revision);
      }
    } catch (reason) {
      if (this._isDisposed) {
        return;
      }
      if (reason instanceof ServerExtensionMissingError) {
        this._error = null;
        this._state = 'server-missing';
      } else {
        this._error = describeRequestError(reason, this._i18n?.trans);
        this._state = 'error';
      }
      this._changed.emit();
      throw reason;
    } finally {
      if (!this._isDisposed) {
        this._setBusy(false);
      }
    }
  }

  private _onLanguageChanged(): void {
    // Root messages and notes are localized by the server: fetch them again.
    if (this._status === null) {
      return;
    }
    this._poller.refreshSoon();
  }

  private _setBusy(busy: boolean): void {
    if (this._busy !== busy) {
      this._busy = busy;
      this._changed.emit();
    }
  }

  private _serverSettings: ServerConnection.ISettings;
  private _i18n: INeuronI18n | null;
  private _poller: VisiblePoller;
  private _state: NeuronCompileCacheState = 'loading';
  private _status: CacheAPI.Status | null = null;
  private _error: string | null = null;
  private _busy = false;
  private _forceScan = false;
  private _threshold: NeuronFreeDiskThreshold = {
    ...CacheModel.DEFAULT_FREE_DISK_THRESHOLD
  };
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _revisionChanged = new Signal<this, string>(this);
}

/**
 * The namespace for `CacheModel` statics.
 */
export namespace CacheModel {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The application's server settings (`app.serviceManager.serverSettings`). */
    serverSettings: ServerConnection.ISettings;
    /** The language service: requests ask for its language. */
    i18n?: INeuronI18n | null;
    /** Milliseconds between status checks while visible (default 15 s). */
    interval?: number;
  }

  /** Default milliseconds between status checks (the server answers from its last scan). */
  export const DEFAULT_INTERVAL = 15_000;

  /** Longest wait between retries after failures. */
  export const MAX_BACKOFF = 5 * 60_000;

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
