/**
 * The cluster model: the latest `GET cluster` answer, fetched only while a
 * view shows it, and one node's history on demand.
 */

import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { ICluster, IClusterHistory } from '../api/cluster';
import { VisiblePoller } from '../polling';
import { describeRequestError, requestAPI } from '../request';
import type { INeuronI18n } from '../tokens';

/**
 * Polls `GET cluster` while visible; Prometheus's own failures are in the
 * answer's `state`, a failed request (server gone) in `error`.
 */
export class ClusterModel implements IDisposable {
  constructor(options: ClusterModel.IOptions) {
    this._serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this._i18n = options.i18n ?? null;
    this._poller = new VisiblePoller({
      name: 'jupyterlab-neuron:cluster',
      interval: options.interval ?? ClusterModel.DEFAULT_INTERVAL,
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
  get answer(): ICluster | null {
    return this._answer;
  }

  /** Why the latest request failed (the server did not answer), if it did. */
  get error(): string | null {
    return this._error;
  }

  get interval(): number {
    return this._poller.interval;
  }
  set interval(value: number) {
    this._poller.interval = value;
  }

  /** A new answer or error. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * A view (`viewer`) shows the cluster or stops showing it.
   */
  setVisible(visible: boolean, viewer = 'default'): void {
    this._poller.setVisible(visible, viewer);
  }

  /** Fetch now. */
  async refresh(): Promise<void> {
    await this._poller.refresh();
  }

  /**
   * Whether the server has a Prometheus to read (`prometheus_url` is set):
   * asks once, and keeps the answer as the first one.
   */
  async isConfigured(): Promise<boolean> {
    if (!this._answer) {
      try {
        await this._update();
      } catch {
        return false;
      }
    }
    return this._answer !== null && this._answer.state !== 'not_configured';
  }

  /**
   * One node's history (mean utilization and device memory).
   */
  history(instanceId: string, minutes = 15): Promise<IClusterHistory> {
    const query = new URLSearchParams({
      instance_id: instanceId,
      minutes: String(minutes)
    });
    return requestAPI<IClusterHistory>(
      `cluster/history?${query.toString()}`,
      { method: 'GET' },
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
      const answer = await requestAPI<ICluster>(
        'cluster',
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
  private _answer: ICluster | null = null;
  private _error: string | null = null;
  private _fetchedAt = 0;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `ClusterModel` statics.
 */
export namespace ClusterModel {
  export interface IOptions {
    serverSettings?: ServerConnection.ISettings;
    i18n?: INeuronI18n | null;
    interval?: number;
  }
}
