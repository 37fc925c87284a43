/**
 * The monitor model: owns the stream, the latest snapshot and status, and the
 * bounded history; receives nothing while no view is visible.
 */

import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { ServerModel } from '../polling';
import { ServerExtensionMissingError } from '../request';
import type { INeuronMonitor, NeuronMonitorConnection } from '../tokens';
import {
  SampleRing,
  sampleFromHistoryPoint,
  sampleFromSnapshot
} from './history';
import { MonitorStreamClient, MonitorTransport } from './stream';
import type * as MonitorAPI from '../api/monitor';

/**
 * The live NeuronCore monitor shared by every view.
 *
 * Views call `setVisible(visible, viewer)`; the stream runs while at least one
 * of them is visible and the browser tab is shown. Each time it connects, the
 * server's history since the newest sample held is fetched, so the charts
 * have no gap after a view was hidden.
 */
export class MonitorModel extends ServerModel implements INeuronMonitor {
  constructor(options: MonitorModel.IOptions) {
    super(options);
    this._history = new SampleRing(
      options.historyLength ?? MonitorModel.DEFAULT_HISTORY_LENGTH
    );
    this._updatePeriod = Math.max(0, options.updatePeriod ?? 0);
    this._client = new MonitorStreamClient({
      serverSettings: this.serverSettings,
      language: () => this.i18n?.language,
      pollTimeout: options.pollTimeout,
      reconnectDelay: options.reconnectDelay
    });
    this._client.received.connect(this._onMessage, this);
    this._client.transportChanged.connect(this._onTransportChanged, this);
    this._client.failed.connect(this._onFailed, this);

    this._document =
      options.document !== undefined
        ? options.document
        : typeof document !== 'undefined'
          ? document
          : null;
    this._document?.addEventListener(
      'visibilitychange',
      this._onDocumentVisibility
    );
  }

  get connection(): NeuronMonitorConnection {
    return this._connection;
  }

  get status(): MonitorAPI.MonitorStatus | null {
    return this._status;
  }

  get snapshot(): MonitorAPI.MonitorSnapshot | null {
    return this._snapshot;
  }

  get history(): SampleRing {
    return this._history;
  }

  get error(): string | null {
    return this._error;
  }

  get isActive(): boolean {
    return this._client.isRunning;
  }

  /**
   * Samples kept in the client-side history (the oldest drop out).
   */
  get historyLength(): number {
    return this._history.capacity;
  }
  set historyLength(length: number) {
    if (this.isDisposed) {
      return;
    }
    this._history.resize(length);
    this.emitChanged();
  }

  /**
   * Milliseconds between snapshots handed to the views; 0 hands every one.
   * The history keeps every snapshot whatever this is.
   */
  get updatePeriod(): number {
    return this._updatePeriod;
  }
  set updatePeriod(period: number) {
    this._updatePeriod = Number.isFinite(period) ? Math.max(0, period) : 0;
  }

  get snapshotChanged(): ISignal<this, MonitorAPI.MonitorSnapshot> {
    return this._snapshotChanged;
  }

  get statusChanged(): ISignal<this, MonitorAPI.MonitorStatus> {
    return this._statusChanged;
  }

  async restart(): Promise<void> {
    const status = await this.request<MonitorAPI.MonitorStatus>(
      'monitor/restart',
      { method: 'POST' }
    );
    if (!this.isDisposed) {
      this._setStatus(status);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._clearDelivery();
    this._client.dispose();
    this._document?.removeEventListener(
      'visibilitychange',
      this._onDocumentVisibility
    );
    super.dispose();
  }

  /**
   * The stream runs while a view is on screen (and the browser tab shown).
   */
  protected onVisibilityChanged(): void {
    this._updateActivity();
  }

  /**
   * Start or stop the stream after a change of visibility.
   */
  private _updateActivity(): void {
    const documentHidden = this._document?.visibilityState === 'hidden';
    const active = this.isVisible && !documentHidden;
    if (active && !this._client.isRunning) {
      this._historyFetched = false;
      this._setConnection('connecting');
      this._client.start();
    } else if (!active && this._client.isRunning) {
      this._client.stop();
      this._clearDelivery();
      this._setConnection('idle');
    }
  }

  private _onDocumentVisibility = (): void => {
    this._updateActivity();
  };

  protected onLanguageChanged(): void {
    // Status messages are localized when the stream opens: open it again.
    if (this._client.isRunning) {
      this._client.stop();
      this._updateActivity();
    }
  }

  private _onTransportChanged(
    _: MonitorStreamClient,
    transport: MonitorTransport | null
  ): void {
    if (transport === null) {
      return;
    }
    this._error = null;
    this._setConnection(transport);
    if (!this._historyFetched) {
      this._historyFetched = true;
      void this._fetchHistory();
    }
  }

  private _onFailed(_: MonitorStreamClient, reason: unknown): void {
    if (reason instanceof ServerExtensionMissingError) {
      this._error = null;
      this._setConnection('server-missing');
      return;
    }
    this._error =
      reason instanceof Error && reason.message
        ? reason.message
        : String(reason);
    this._setConnection('error');
    this.emitChanged();
  }

  private _onMessage(
    _: MonitorStreamClient,
    message: MonitorAPI.MonitorStreamMessage
  ): void {
    if (message.type === 'status') {
      this._setStatus(message.status);
    } else if (message.type === 'snapshot') {
      this._acceptSnapshot(message.snapshot);
    }
  }

  private _setStatus(status: MonitorAPI.MonitorStatus): void {
    this._status = status;
    this._statusChanged.emit(status);
    this.emitChanged();
  }

  private _acceptSnapshot(snapshot: MonitorAPI.MonitorSnapshot): void {
    this._snapshot = snapshot;
    this._history.push(sampleFromSnapshot(snapshot));
    this._deliver();
  }

  /**
   * Hand the latest snapshot to the views, at most once per `updatePeriod`.
   */
  private _deliver(): void {
    if (this._updatePeriod <= 0) {
      this._emitSnapshot();
      return;
    }
    if (this._deliveryTimer !== null) {
      return; // the pending delivery will hand over the latest snapshot
    }
    const wait = this._lastDelivery + this._updatePeriod - Date.now();
    if (wait <= 0) {
      this._emitSnapshot();
      return;
    }
    this._deliveryTimer = setTimeout(() => {
      this._deliveryTimer = null;
      this._emitSnapshot();
    }, wait);
  }

  private _emitSnapshot(): void {
    const snapshot = this._snapshot;
    if (!snapshot || this.isDisposed) {
      return;
    }
    this._lastDelivery = Date.now();
    this._snapshotChanged.emit(snapshot);
    this.emitChanged();
  }

  private _clearDelivery(): void {
    if (this._deliveryTimer !== null) {
      clearTimeout(this._deliveryTimer);
      this._deliveryTimer = null;
    }
  }

  /**
   * Fill the history with what the server recorded since our newest sample.
   */
  private async _fetchHistory(): Promise<void> {
    const latest = this._history.latest();
    const params = new URLSearchParams({
      limit: String(this._history.capacity)
    });
    if (latest) {
      params.set('since', String(latest.timestamp));
    }
    try {
      const reply = await this.request<MonitorAPI.MonitorHistory>(
        `monitor/history?${params.toString()}`
      );
      if (this.isDisposed || !reply || !Array.isArray(reply.points)) {
        return;
      }
      this._history.merge(reply.points.map(sampleFromHistoryPoint));
      this.emitChanged();
    } catch (reason) {
      // The charts simply start later; the stream itself works.
      console.warn('jupyterlab-neuron: could not load monitor history', reason);
    }
  }

  private _setConnection(connection: NeuronMonitorConnection): void {
    if (this._connection !== connection) {
      this._connection = connection;
      this.emitChanged();
    }
  }

  private _client: MonitorStreamClient;
  private _document: Document | null;
  private _history: SampleRing;
  private _connection: NeuronMonitorConnection = 'idle';
  private _status: MonitorAPI.MonitorStatus | null = null;
  private _snapshot: MonitorAPI.MonitorSnapshot | null = null;
  private _error: string | null = null;
  private _historyFetched = false;
  private _updatePeriod: number;
  private _lastDelivery = 0;
  private _deliveryTimer: ReturnType<typeof setTimeout> | null = null;
  private _snapshotChanged = new Signal<this, MonitorAPI.MonitorSnapshot>(this);
  private _statusChanged = new Signal<this, MonitorAPI.MonitorStatus>(this);
}

/**
 * The namespace for `MonitorModel` statics.
 */
export namespace MonitorModel {
  /**
   * Construction options.
   */
  export interface IOptions extends ServerModel.IOptions {
    /** The application's server settings (`app.serviceManager.serverSettings`). */
    serverSettings: ServerConnection.ISettings;
    /** Samples kept in the client-side history (default 900). */
    historyLength?: number;
    /** Milliseconds between snapshots handed to the views (default 0: all). */
    updatePeriod?: number;
    /** Seconds a long poll waits on the server (polling fallback). */
    pollTimeout?: number;
    /** Milliseconds before reopening a closed socket. */
    reconnectDelay?: number;
    /** The document whose visibility pauses the stream (`null`: none). */
    document?: Document | null;
  }

  /** Default client history: 15 minutes at neuron-monitor's 1 s period. */
  export const DEFAULT_HISTORY_LENGTH = 900;
}
