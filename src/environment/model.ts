/**
 * The environment model: owns the report and when it is fetched.
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
  INeuronEnvironment,
  INeuronI18n,
  NEURON_API_VERSION,
  NeuronEnvironmentState
} from '../tokens';
import { FRONTEND_VERSION, isSameRelease } from '../version';
import type * as EnvironmentAPI from '../api/environment';

/**
 * The Neuron environment of the server, fetched only while a view shows it.
 *
 * The first fetch starts with a version handshake (`GET version`): a missing
 * server extension or a different version stops the model in
 * `server-missing` / `version-mismatch` until `refresh()` is called. Then the
 * report (`GET environment`) is reloaded every `interval` while visible, with
 * backoff after failures; `refresh()` asks the server to re-run the tools.
 */
export class EnvironmentModel implements INeuronEnvironment {
  constructor(options: EnvironmentModel.IOptions) {
    this._serverSettings = options.serverSettings;
    this._i18n = options.i18n ?? null;
    this._frontendVersion = options.frontendVersion ?? FRONTEND_VERSION;
    this._poller = new VisiblePoller({
      name: 'jupyterlab-neuron:environment',
      interval: options.interval ?? EnvironmentModel.DEFAULT_INTERVAL,
      maxBackoff: EnvironmentModel.MAX_BACKOFF,
      fetch: () => this._update(),
      isCurrent: () => this._state === 'ready'
    });
    this._i18n?.changed.connect(this._onLanguageChanged, this);
  }

  get state(): NeuronEnvironmentState {
    return this._state;
  }

  get report(): EnvironmentAPI.Environment | null {
    return this._report;
  }

  get serverVersion(): EnvironmentAPI.Version | null {
    return this._serverVersion;
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

  /**
   * Milliseconds between reloads while visible.
   */
  get interval(): number {
    return this._poller.interval;
  }
  set interval(interval: number) {
    this._poller.interval = interval;
  }

  /**
   * The version of this front end, compared with the server's.
   */
  get frontendVersion(): string {
    return this._frontendVersion;
  }

  get stateChanged(): ISignal<this, NeuronEnvironmentState> {
    return this._stateChanged;
  }

  get reportChanged(): ISignal<this, EnvironmentAPI.Environment> {
    return this._reportChanged;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Tell the model whether a view shows it. Becoming visible fetches at once
   * when nothing was fetched yet or the last report is older than the interval.
   */
  setVisible(visible: boolean): void {
    if (this._isDisposed || visible === this._poller.isVisible) {
      return;
    }
    if (visible && this._isIncompatible()) {
      // Showing the panel again is a good moment to check for a restart.
      this._recheck = true;
    }
    this._poller.setVisible(visible);
  }

  async refresh(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    this._forceRefresh = true;
    this._recheck = true;
    // Without a view: done by the first fetch once one is shown.
    await this._poller.refresh();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poller.dispose();
    Signal.clearData(this);
  }

  /**
   * Handshake if not done, then load the report.
   *
   * Rejects on failure so the poll backs off. With a missing or different
   * server extension nothing changes until a restart, so ticks do nothing
   * until `refresh()` or showing the panel asks to check again.
   */
  private async _update(): Promise<void> {
    if (this._isDisposed || (this._isIncompatible() && !this._recheck)) {
      return;
    }
    const force = this._forceRefresh;
    this._forceRefresh = false;
    this._recheck = false;
    this._setBusy(true);
    try {
      if (!this._handshakeDone) {
        const compatible = await this._handshake();
        if (!compatible) {
          return;
        }
      }
      const report = await requestAPI<EnvironmentAPI.Environment>(
        force ? 'environment?refresh=1' : 'environment',
        { method: 'GET' },
        this._serverSettings,
        this._i18n?.language
      );
      if (this._isDisposed) {
        return;
      }
      this._report = report;
      this._poller.fetched();
      this._error = null;
      this._reportChanged.emit(report);
      this._setState('ready');
    } catch (reason) {
      if (this._isDisposed) {
        return;
      }
      if (reason instanceof ServerExtensionMissingError) {
        // The extension went away (e.g. the server restarted without it).
        this._handshakeDone = false;
        this._error = null;
        this._setState('server-missing');
        return;
      }
      this._error = describeRequestError(reason, this._i18n?.trans);
      this._setState('error');
      throw reason;
    } finally {
      if (!this._isDisposed) {
        this._setBusy(false);
      }
    }
  }

  private _isIncompatible(): boolean {
    return (
      this._state === 'server-missing' || this._state === 'version-mismatch'
    );
  }

  /**
   * Ask the server for its version. Returns whether it matches this front end.
   */
  private async _handshake(): Promise<boolean> {
    let version: EnvironmentAPI.Version;
    try {
      version = await requestAPI<EnvironmentAPI.Version>(
        'version',
        { method: 'GET' },
        this._serverSettings,
        this._i18n?.language
      );
    } catch (reason) {
      if (reason instanceof ServerExtensionMissingError) {
        this._serverVersion = null;
        this._error = null;
        this._setState('server-missing');
        return false;
      }
      throw reason;
    }
    this._serverVersion = version;
    const compatible =
      version.api === NEURON_API_VERSION &&
      isSameRelease(this._frontendVersion, String(version.version));
    if (!compatible) {
      this._error = null;
      this._setState('version-mismatch');
      return false;
    }
    this._handshakeDone = true;
    return true;
  }

  private _onLanguageChanged(): void {
    // Server messages (problems, tool errors) are localized: fetch them again.
    if (this._report === null) {
      return;
    }
    if (this._handshakeDone) {
      this._poller.refreshSoon();
    } else {
      this._poller.markStale();
    }
  }

  private _setState(state: NeuronEnvironmentState): void {
    if (this._state === state) {
      return;
    }
    this._state = state;
    this._stateChanged.emit(state);
    this._changed.emit();
  }

  private _setBusy(busy: boolean): void {
    if (this._busy !== busy) {
      this._busy = busy;
      this._changed.emit();
    }
  }

  private _serverSettings: ServerConnection.ISettings;
  private _i18n: INeuronI18n | null;
  private _frontendVersion: string;
  private _poller: VisiblePoller;
  private _state: NeuronEnvironmentState = 'loading';
  private _report: EnvironmentAPI.Environment | null = null;
  private _serverVersion: EnvironmentAPI.Version | null = null;
  private _error: string | null = null;
  private _busy = false;
  private _forceRefresh = false;
  private _recheck = false;
  private _handshakeDone = false;
  private _isDisposed = false;
  private _stateChanged = new Signal<this, NeuronEnvironmentState>(this);
  private _reportChanged = new Signal<this, EnvironmentAPI.Environment>(this);
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `EnvironmentModel` statics.
 */
export namespace EnvironmentModel {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The application's server settings (`app.serviceManager.serverSettings`). */
    serverSettings: ServerConnection.ISettings;
    /** The language service: requests ask for its language. */
    i18n?: INeuronI18n | null;
    /** Milliseconds between reloads while visible (default 60 s). */
    interval?: number;
    /** The front-end version to compare with the server's (default: package.json). */
    frontendVersion?: string;
  }

  /** Default milliseconds between reloads: the report changes rarely. */
  export const DEFAULT_INTERVAL = 60_000;

  /** Longest wait between retries after failures. */
  export const MAX_BACKOFF = 10 * 60_000;
}
