/**
 * The bases of the models: what every model of server data shares
 * ({@link ServerModel}), and the model that polls the server only while a
 * view shows its result ({@link PollingModel}).
 */

import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  ServerExtensionMissingError,
  describeRequestError,
  requestAPI
} from './request';
import type { INeuronI18n } from './tokens';

/**
 * The base of every model: the server it asks (in the user's language), the
 * views that show it, a `changed` signal and disposal.
 *
 * Each view tells the model when it appears or disappears with
 * `setVisible(visible, viewer)`, under a name of its own; the model is
 * visible while any of them is, and hears of each change of that in
 * {@link onVisibilityChanged}; it hears of a new language in
 * {@link onLanguageChanged} (server messages are localized).
 */
export abstract class ServerModel implements IDisposable {
  constructor(options: ServerModel.IOptions = {}) {
    this._serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this._i18n = options.i18n ?? null;
    this._i18n?.changed.connect(this._onLanguage, this);
  }

  /**
   * Whether a view of the model is on screen.
   */
  get isVisible(): boolean {
    return this._viewers.size > 0;
  }

  /**
   * The names of the views on screen.
   */
  get visibleViewers(): ReadonlySet<string> {
    return this._viewers;
  }

  /**
   * Emitted after any change of the model.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * A view (`viewer`, one name per view) shows the model or stops showing it.
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
    if (this._viewers.size > 0 !== wasVisible) {
      this.onVisibilityChanged(!wasVisible);
    }
  }

  /**
   * Forget the views and every signal connection, the model's own and those
   * it made to others' signals (the language service's).
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._viewers.clear();
    Signal.clearData(this);
  }

  /**
   * The application's server settings.
   */
  protected get serverSettings(): ServerConnection.ISettings {
    return this._serverSettings;
  }

  /**
   * The language service, when there is one.
   */
  protected get i18n(): INeuronI18n | null {
    return this._i18n;
  }

  /**
   * Call the server extension in the user's language (see `requestAPI`).
   */
  protected request<T>(endPoint: string, init: RequestInit = {}): Promise<T> {
    return requestAPI<T>(
      endPoint,
      init,
      this._serverSettings,
      this._i18n?.language
    );
  }

  /**
   * The sentence for a failed request, in the user's language.
   */
  protected describeError(reason: unknown): string {
    return describeRequestError(reason, this._i18n?.trans);
  }

  protected emitChanged(): void {
    this._changed.emit();
  }

  /**
   * The first view appeared (`true`) or the last one went (`false`).
   */
  protected onVisibilityChanged(visible: boolean): void {
    // Nothing by default.
  }

  /**
   * The user's language changed.
   */
  protected onLanguageChanged(): void {
    // Nothing by default.
  }

  private _onLanguage(): void {
    this.onLanguageChanged();
  }

  private _serverSettings: ServerConnection.ISettings;
  private _i18n: INeuronI18n | null;
  private _viewers = new Set<string>();
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `ServerModel` statics.
 */
export namespace ServerModel {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The application's server settings (default: the page's). */
    serverSettings?: ServerConnection.ISettings;
    /** The language service: requests ask for its language. */
    i18n?: INeuronI18n | null;
  }
}

/**
 * A model of one server answer, fetched every `interval` while at least one
 * view shows it: nothing without a visible view nor in a hidden browser tab,
 * backoff after failures, fetches that never overlap, and a fetch at once
 * when a view appears and the result is out of date. Server messages are
 * localized, so a new language fetches again.
 *
 * Subclasses give only {@link fetch}; failures become `state` and `error`.
 * `Extra` names states a subclass adds to {@link PollingModel.State}.
 */
export abstract class PollingModel<
  T,
  Extra extends string = never
> extends ServerModel {
  /**
   * @param options - the server, the language, the interval if not the default
   * @param timing - the subclass's poll: its name and default timing
   */
  constructor(options: PollingModel.IOptions, timing: PollingModel.ITiming) {
    super(options);
    this._interval = isInterval(options.interval)
      ? options.interval
      : timing.interval;
    this._maxBackoff = timing.maxBackoff ?? PollingModel.MAX_BACKOFF;
    this._poll = new Poll({
      auto: false,
      factory: () => this.update(),
      frequency: this._frequency(),
      name: timing.name,
      standby: () => (this.isVisible ? 'when-hidden' : true)
    });
  }

  /**
   * Where the model stands (see {@link PollingModel.State}).
   */
  get state(): PollingModel.State | Extra {
    return this._state;
  }

  /**
   * The last result, kept after later failures; `null` before the first.
   */
  get result(): T | null {
    return this._result;
  }

  /**
   * Why the last fetch failed, in the user's language; `null` after a success.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Whether a fetch is under way.
   */
  get isBusy(): boolean {
    return this._busy;
  }

  /**
   * Milliseconds between fetches while visible (invalid values are ignored).
   */
  get interval(): number {
    return this._interval;
  }
  set interval(interval: number) {
    if (!isInterval(interval) || this.isDisposed) {
      return;
    }
    this._interval = interval;
    this._poll.frequency = this._frequency();
  }

  /**
   * Emitted with the new state when `state` changes.
   */
  get stateChanged(): ISignal<this, PollingModel.State | Extra> {
    return this._stateChanged;
  }

  /**
   * Fetch now and wait for it while visible; otherwise when a view next
   * appears. Never rejects: the outcome is in `state` and `error`.
   */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    if (!this.isVisible) {
      this._stale = true;
      return;
    }
    this._started = true;
    await this._poll.refresh();
    await this._poll.tick.catch(() => undefined);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    super.dispose();
  }

  /**
   * Ask the server. Rejects on failure (the poll then backs off).
   */
  protected abstract fetch(): Promise<T>;

  /**
   * Whether a due fetch is worth making (default: yes). A model that knows
   * the server cannot answer better until something changes says no.
   */
  protected shouldFetch(): boolean {
    return true;
  }

  /**
   * The state and message a failed fetch leaves: `server-missing` when the
   * server extension does not answer, otherwise `error`.
   */
  protected describeFailure(reason: unknown): PollingModel.IFailure<Extra> {
    return {
      state:
        reason instanceof ServerExtensionMissingError
          ? 'server-missing'
          : 'error',
      error: this.describeError(reason)
    };
  }

  /**
   * A new result arrived (after `state`, `result` and `changed`).
   */
  protected onResult(result: T, previous: T | null): void {
    // Nothing by default.
  }

  /**
   * The language changed: server messages are localized, fetch them again
   * (now while visible, otherwise when a view appears).
   */
  protected onLanguageChanged(): void {
    if (this._result !== null) {
      this.refreshSoon();
    }
  }

  protected onVisibilityChanged(visible: boolean): void {
    if (!visible) {
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
   * Fetch soon while visible; otherwise when a view next appears.
   */
  protected refreshSoon(): void {
    if (this.isVisible && !this.isDisposed) {
      void this._poll.refresh();
    } else {
      this._stale = true;
    }
  }

  /**
   * One fetch, after the one under way if any (fetches never overlap), that
   * keeps its outcome. Rejects with the failure; the poll's own ticks and
   * calls outside the poll (a first answer asked for once) both use it.
   */
  protected update(): Promise<void> {
    const previous = this._inflight ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this._fetchAndKeep());
    this._inflight = next;
    return next;
  }

  private async _fetchAndKeep(): Promise<void> {
    if (this.isDisposed || !this.shouldFetch()) {
      return;
    }
    this._setBusy(true);
    try {
      const result = await this.fetch();
      if (this.isDisposed) {
        return;
      }
      const previous = this._result;
      this._result = result;
      this._error = null;
      this._fetchedAt = Date.now();
      this._stale = false;
      // One change for the answer and the end of the fetch.
      this._busy = false;
      this._setState('ready');
      this.onResult(result, previous);
    } catch (reason) {
      if (this.isDisposed) {
        return;
      }
      const failure = this.describeFailure(reason);
      this._error = failure.error;
      this._busy = false;
      this._setState(failure.state);
      throw reason;
    } finally {
      if (!this.isDisposed) {
        this._setBusy(false);
      }
    }
  }

  private _setState(state: PollingModel.State | Extra): void {
    const changed = state !== this._state;
    this._state = state;
    if (changed) {
      this._stateChanged.emit(state);
    }
    this.emitChanged();
  }

  private _setBusy(busy: boolean): void {
    if (this._busy !== busy) {
      this._busy = busy;
      this.emitChanged();
    }
  }

  private _isStale(): boolean {
    return (
      this._stale ||
      this._state !== 'ready' ||
      Date.now() - this._fetchedAt >= this._interval
    );
  }

  private _frequency() {
    return {
      interval: this._interval,
      backoff: true,
      max: Math.max(this._interval, this._maxBackoff)
    };
  }

  private _interval: number;
  private _maxBackoff: number;
  private _poll: Poll;
  private _state: PollingModel.State | Extra = 'loading';
  private _result: T | null = null;
  private _error: string | null = null;
  private _busy = false;
  private _started = false;
  private _stale = false;
  private _fetchedAt = 0;
  private _inflight: Promise<void> | null = null;
  private _stateChanged = new Signal<this, PollingModel.State | Extra>(this);
}

/**
 * The namespace for `PollingModel` statics.
 */
export namespace PollingModel {
  /**
   * Where a polling model stands.
   *
   * - `loading`: the first answer is on its way.
   * - `ready`: the last fetch succeeded.
   * - `server-missing`: the server extension does not answer (HTTP 404).
   * - `error`: the last fetch failed (the last result, if any, is kept).
   */
  export type State = 'loading' | 'ready' | 'server-missing' | 'error';

  /**
   * What a failed fetch leaves.
   */
  export interface IFailure<Extra extends string = never> {
    state: Exclude<State, 'loading' | 'ready'> | Extra;
    error: string | null;
  }

  /**
   * Construction options of every polling model.
   */
  export interface IOptions extends ServerModel.IOptions {
    /** Milliseconds between fetches while visible (default: the model's). */
    interval?: number;
  }

  /**
   * A polling model's own poll: given by the subclass, not its users.
   */
  export interface ITiming {
    /** The poll's name (for debugging). */
    readonly name: string;
    /** Default milliseconds between fetches while visible. */
    readonly interval: number;
    /** The longest wait between fetches after failures (default 5 min). */
    readonly maxBackoff?: number;
  }

  /** Default longest wait between fetches after failures. */
  export const MAX_BACKOFF = 5 * 60_000;
}

/**
 * Whether a value can be the milliseconds between fetches.
 */
function isInterval(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value > 0;
}
