/**
 * Polling the server only while a view shows the result.
 */

import { Poll } from '@lumino/polling';
import type { IDisposable } from '@lumino/disposable';

/**
 * Fetches something from the server every `interval` while at least one
 * view shows it: nothing without a visible view nor in a hidden browser tab,
 * backoff after failures, ticks that never overlap, and a fetch at once when
 * a view appears and what was fetched is out of date.
 *
 * The owner's `fetch` rejects on failure (so the poll backs off) and calls
 * {@link VisiblePoller.fetched} after a success.
 */
export class VisiblePoller implements IDisposable {
  constructor(options: VisiblePoller.IOptions) {
    this._fetch = options.fetch;
    this._isCurrent = options.isCurrent;
    this._interval = options.interval;
    this._maxBackoff = options.maxBackoff;
    this._poll = new Poll({
      auto: false,
      factory: () => this._tick(),
      frequency: this._frequency(),
      name: options.name,
      standby: () => (this._viewers.size > 0 ? 'when-hidden' : true)
    });
  }

  /**
   * Milliseconds between fetches while visible (invalid values are ignored).
   */
  get interval(): number {
    return this._interval;
  }
  set interval(interval: number) {
    if (!Number.isFinite(interval) || interval <= 0 || this._isDisposed) {
      return;
    }
    this._interval = interval;
    this._poll.frequency = this._frequency();
  }

  /**
   * Whether a view shows the result.
   */
  get isVisible(): boolean {
    return this._viewers.size > 0;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * A view shows the result or stops showing it. The first visible view
   * starts the polling, or fetches at once when the result is out of date.
   */
  setVisible(visible: boolean, viewer = 'default'): void {
    if (this._isDisposed) {
      return;
    }
    const wasVisible = this._viewers.size > 0;
    if (visible) {
      this._viewers.add(viewer);
    } else {
      this._viewers.delete(viewer);
    }
    if (!visible || wasVisible) {
      return;
    }
    if (!this._started) {
      this._started = true;
      void this._poll.start();
    } else if (this._isStale()) {
      void this._poll.refresh();
    }
  }

  /**
   * The owner's fetch succeeded: the result is current.
   */
  fetched(): void {
    this._fetchedAt = Date.now();
    this._stale = false;
  }

  /**
   * The result is out of date: fetch it when a view next appears.
   */
  markStale(): void {
    this._stale = true;
  }

  /**
   * Fetch soon while visible; otherwise when a view next appears.
   */
  refreshSoon(): void {
    if (this._viewers.size > 0 && !this._isDisposed) {
      void this._poll.refresh();
    } else {
      this._stale = true;
    }
  }

  /**
   * Fetch now and wait for it while visible; otherwise when a view next
   * appears. Never rejects (the owner keeps the error).
   */
  async refresh(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    if (this._viewers.size === 0) {
      this._stale = true;
      return;
    }
    this._started = true;
    await this._poll.refresh();
    await this._poll.tick.catch(() => undefined);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
  }

  private _frequency() {
    return {
      interval: this._interval,
      backoff: true,
      max: Math.max(this._interval, this._maxBackoff)
    };
  }

  /**
   * The poll's factory. Ticks never overlap: one asked during another (a
   * refresh) runs after it.
   */
  private _tick(): Promise<void> {
    const previous = this._inflight ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this._fetch());
    this._inflight = next;
    return next;
  }

  private _isStale(): boolean {
    return (
      this._stale ||
      !this._isCurrent() ||
      Date.now() - this._fetchedAt >= this._interval
    );
  }

  private _fetch: () => Promise<void>;
  private _isCurrent: () => boolean;
  private _interval: number;
  private _maxBackoff: number;
  private _poll: Poll;
  private _viewers = new Set<string>();
  private _started = false;
  private _stale = false;
  private _fetchedAt = 0;
  private _inflight: Promise<void> | null = null;
  private _isDisposed = false;
}

/**
 * The namespace for `VisiblePoller` statics.
 */
export namespace VisiblePoller {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The poll's name (for debugging). */
    name: string;
    /** Milliseconds between fetches while visible. */
    interval: number;
    /** The longest wait between fetches after failures. */
    maxBackoff: number;
    /** Fetch and keep the result; reject on failure. */
    fetch: () => Promise<void>;
    /** Whether the last fetch left a usable result (else fetch on show). */
    isCurrent: () => boolean;
  }
}
