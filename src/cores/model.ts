/**
 * The NeuronCores-per-kernel model: the latest `GET cores` answer, fetched
 * while a view shows it, and asking for another count for a kernel.
 */

import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { ICoreCountChange, ICoreLease, ICores } from '../api/cores';
import { VisiblePoller } from '../polling';
import { describeRequestError, requestAPI } from '../request';
import type { INeuronI18n } from '../tokens';

/**
 * `NC 8–15` (an en dash between the first and last core), `NC 3` for one core.
 */
export function coresLabel(lease: Pick<ICoreLease, 'cores'>): string {
  const cores = lease.cores;
  if (cores.length === 0) {
    return 'NC';
  }
  const first = cores[0];
  const last = cores[cores.length - 1];
  return first === last ? `NC ${first}` : `NC ${first}\u2013${last}`;
}

/**
 * Polls `GET cores` while visible.
 */
export class CoresModel implements IDisposable {
  constructor(options: CoresModel.IOptions = {}) {
    this._serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this._i18n = options.i18n ?? null;
    this._poller = new VisiblePoller({
      name: 'jupyterlab-neuron:cores',
      interval: options.interval ?? CoresModel.DEFAULT_INTERVAL,
      maxBackoff: 60_000,
      fetch: () => this._update(),
      isCurrent: () =>
        this._answer !== null &&
        Date.now() - this._fetchedAt < this._poller.interval
    });
  }

  /** Milliseconds between fetches while visible, by default. */
  static readonly DEFAULT_INTERVAL = 5000;

  /** The latest answer. */
  get answer(): ICores | null {
    return this._answer;
  }

  /** Why the latest request failed, if it did. */
  get error(): string | null {
    return this._error;
  }

  /** A new answer or error. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The lease of a kernel, `null` when it holds none. */
  leaseOf(kernelId: string | null | undefined): ICoreLease | null {
    if (!kernelId || !this._answer) {
      return null;
    }
    return this._answer.leases.find(l => l.kernel_id === kernelId) ?? null;
  }

  /** A view (`viewer`) shows the leases or stops showing them. */
  setVisible(visible: boolean, viewer = 'default'): void {
    this._poller.setVisible(visible, viewer);
  }

  /** Fetch now. */
  async refresh(): Promise<void> {
    await this._poller.refresh();
  }

  /**
   * Ask for `count` NeuronCores for a kernel, taken at its next restart.
   */
  async setCount(kernelId: string, count: number): Promise<ICoreCountChange> {
    return requestAPI<ICoreCountChange>(
      `cores/${encodeURIComponent(kernelId)}`,
      { method: 'POST', body: JSON.stringify({ cores: count }) },
      this._serverSettings,
      this._i18n?.language
    );
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poller.dispose();
    Signal.clearData(this);
  }

  private async _update(): Promise<void> {
    try {
      const answer = await requestAPI<ICores>(
        'cores',
        { method: 'GET' },
        this._serverSettings,
        this._i18n?.language
      );
      if (this._isDisposed) {
        return;
      }
      this._answer = answer;
      this._error = null;
      this._fetchedAt = Date.now();
      this._poller.fetched();
      this._changed.emit();
    } catch (reason) {
      if (this._isDisposed) {
        return;
      }
      this._error = describeRequestError(reason, this._i18n?.trans);
      this._changed.emit();
      throw reason;
    }
  }

  private _serverSettings: ServerConnection.ISettings;
  private _i18n: INeuronI18n | null;
  private _poller: VisiblePoller;
  private _answer: ICores | null = null;
  private _error: string | null = null;
  private _fetchedAt = 0;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `CoresModel` statics.
 */
export namespace CoresModel {
  export interface IOptions {
    serverSettings?: ServerConnection.ISettings;
    i18n?: INeuronI18n | null;
    interval?: number;
  }
}
