/**
 * The monitor's connection to the server: a WebSocket stream, or HTTP
 * long polling of the snapshot endpoint when a WebSocket cannot be opened.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { API_NAMESPACE, requestAPI } from '../request';
import type { NeuronLanguage } from '../tokens';
import { MONITOR_INGEST_MEASURE, measureSince, now } from './profiling';
import type * as MonitorAPI from '../api/monitor';

/**
 * How messages currently arrive.
 */
export type MonitorTransport = 'websocket' | 'polling';

/**
 * Receives the monitor's status and snapshots from the server.
 *
 * `start()` opens `<base_url>/jupyterlab-neuron/monitor/stream` like
 * JupyterLab opens its own sockets (the server settings' `wsUrl`, `WebSocket`
 * and token). If the socket closes before it ever opened (a proxy that does
 * not pass WebSockets, for example), the client long-polls
 * `GET monitor/snapshot?after=SEQ` instead, and keeps trying the WebSocket
 * with backoff: once one opens, polling stops. A socket that closes after it
 * was open is reopened with backoff. `stop()` ends everything, including a
 * long poll waiting on the server.
 */
export class MonitorStreamClient implements IDisposable {
  constructor(options: MonitorStreamClient.IOptions) {
    this._serverSettings = options.serverSettings;
    this._language = options.language ?? (() => undefined);
    this._pollTimeout = options.pollTimeout ?? MonitorStreamClient.POLL_TIMEOUT;
    this._reconnectDelay =
      options.reconnectDelay ?? MonitorStreamClient.RECONNECT_DELAY;
  }

  /**
   * How messages arrive now; `null` while stopped or not yet connected.
   */
  get transport(): MonitorTransport | null {
    return this._transport;
  }

  /**
   * Whether the client is started.
   */
  get isRunning(): boolean {
    return this._running;
  }

  /**
   * Emitted with every message received, in order.
   */
  get received(): ISignal<this, MonitorAPI.MonitorStreamMessage> {
    return this._received;
  }

  /**
   * Emitted when the transport changes (`null` when stopped).
   */
  get transportChanged(): ISignal<this, MonitorTransport | null> {
    return this._transportChanged;
  }

  /**
   * Emitted with the reason when a poll fails (the poll backs off and retries).
   */
  get failed(): ISignal<this, unknown> {
    return this._failed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Connect: WebSocket first, polling if it cannot be opened.
   */
  start(): void {
    if (this._running || this._isDisposed) {
      return;
    }
    this._running = true;
    this._generation += 1;
    this._reconnectAttempts = 0;
    this._openSocket();
  }

  /**
   * Disconnect and stop polling.
   */
  stop(): void {
    if (!this._running) {
      return;
    }
    this._running = false;
    this._generation += 1;
    this._clearReconnect();
    this._closeSocket();
    this._stopPolling();
    this._setTransport(null);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this.stop();
    this._isDisposed = true;
    Signal.clearData(this);
  }

  /**
   * The URL of the stream, with the language and, like JupyterLab's own
   * sockets, the token when the settings ask for it.
   */
  streamUrl(): string {
    const settings = this._serverSettings;
    const params = new URLSearchParams();
    const language = this._language();
    if (language) {
      params.set('lang', language);
    }
    if (settings.appendToken && settings.token) {
      params.set('token', settings.token);
    }
    const url = URLExt.join(settings.wsUrl, API_NAMESPACE, 'monitor', 'stream');
    const query = params.toString();
    return query ? `${url}?${query}` : url;
  }

  private _openSocket(): void {
    const generation = this._generation;
    let socket: WebSocket;
    try {
      socket = new this._serverSettings.WebSocket(this.streamUrl());
    } catch (reason) {
      console.warn(
        'jupyterlab-neuron: cannot open the monitor WebSocket; polling instead',
        reason
      );
      this._startPolling();
      this._scheduleReconnect();
      return;
    }
    this._socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (generation !== this._generation) {
        return;
      }
      opened = true;
      this._reconnectAttempts = 0;
      // The stream replaces the fallback.
      this._stopPolling();
      this._setTransport('websocket');
    };
    socket.onmessage = (event: MessageEvent) => {
      if (generation === this._generation) {
        this._onText(event.data);
      }
    };
    socket.onerror = () => {
      // A close event always follows; it decides what to do.
    };
    socket.onclose = () => {
      if (this._socket === socket) {
        this._socket = null;
      }
      if (generation !== this._generation || !this._running) {
        return;
      }
      if (!opened) {
        // Poll meanwhile; the next try waits longer.
        this._startPolling();
      }
      this._scheduleReconnect();
    };
  }

  private _closeSocket(): void {
    const socket = this._socket;
    this._socket = null;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.onclose = null;
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    }
  }

  private _scheduleReconnect(): void {
    this._clearReconnect();
    const delay = Math.min(
      MonitorStreamClient.MAX_RECONNECT_DELAY,
      this._reconnectDelay * 2 ** this._reconnectAttempts
    );
    this._reconnectAttempts += 1;
    this._reconnectTimer = setTimeout(() => {
      this._reconnectTimer = null;
      if (this._running) {
        this._openSocket();
      }
    }, delay);
  }

  private _clearReconnect(): void {
    if (this._reconnectTimer !== null) {
      clearTimeout(this._reconnectTimer);
      this._reconnectTimer = null;
    }
  }

  private _startPolling(): void {
    if (this._poll || !this._running) {
      return;
    }
    this._poll = new Poll({
      auto: false,
      factory: () => this._pollOnce(),
      frequency: MonitorStreamClient.POLL_FREQUENCY,
      name: 'jupyterlab-neuron:monitor',
      standby: 'when-hidden'
    });
    void this._poll.start();
  }

  private _stopPolling(): void {
    this._poll?.dispose();
    this._poll = null;
    // A long poll may wait on the server for seconds: give it up.
    this._pollAbort?.abort();
    this._pollAbort = null;
  }

  /**
   * One long poll: the status and, once there is one newer than the last
   * snapshot seen, the snapshot.
   */
  private async _pollOnce(): Promise<void> {
    const generation = this._generation;
    const after = this._lastSeq;
    const endPoint =
      after === null
        ? 'monitor/snapshot'
        : `monitor/snapshot?after=${after}&timeout=${this._pollTimeout}`;
    const abort = new AbortController();
    this._pollAbort = abort;
    let reply: MonitorAPI.MonitorSnapshotReply;
    try {
      reply = await requestAPI<MonitorAPI.MonitorSnapshotReply>(
        endPoint,
        { method: 'GET', signal: abort.signal },
        this._serverSettings,
        this._language()
      );
    } catch (reason) {
      if (abort.signal.aborted) {
        return;
      }
      if (generation === this._generation) {
        this._failed.emit(reason);
      }
      throw reason;
    } finally {
      if (this._pollAbort === abort) {
        this._pollAbort = null;
      }
    }
    if (generation !== this._generation || !this._poll) {
      return;
    }
    const start = now();
    this._setTransport('polling');
    this._received.emit({ type: 'status', status: reply.status });
    const snapshot = reply.snapshot;
    const isNew =
      snapshot !== null &&
      (snapshot.seq !== this._lastSeq ||
        snapshot.timestamp !== this._lastTimestamp);
    if (snapshot && isNew) {
      this._noteSnapshot(snapshot);
      this._received.emit({ type: 'snapshot', snapshot });
      measureSince(MONITOR_INGEST_MEASURE, start, { seq: snapshot.seq });
    }
    // Nothing new will come soon from a monitor that is not running: the
    // server answers at once, so ask less often.
    const waiting = !isNew && reply.status.state !== 'running';
    this._poll.frequency = waiting
      ? MonitorStreamClient.IDLE_POLL_FREQUENCY
      : MonitorStreamClient.POLL_FREQUENCY;
  }

  private _onText(data: unknown): void {
    const start = now();
    let message: MonitorAPI.MonitorStreamMessage;
    try {
      message = JSON.parse(String(data));
    } catch {
      console.warn('jupyterlab-neuron: ignored a malformed monitor message');
      return;
    }
    if (!message || typeof message !== 'object') {
      return;
    }
    if (message.type === 'snapshot') {
      this._noteSnapshot(message.snapshot);
    }
    this._received.emit(message);
    if (message.type === 'snapshot') {
      measureSince(MONITOR_INGEST_MEASURE, start, {
        seq: message.snapshot.seq
      });
    }
  }

  private _noteSnapshot(snapshot: MonitorAPI.MonitorSnapshot): void {
    this._lastSeq = snapshot.seq;
    this._lastTimestamp = snapshot.timestamp;
  }

  private _setTransport(transport: MonitorTransport | null): void {
    if (this._transport !== transport) {
      this._transport = transport;
      this._transportChanged.emit(transport);
    }
  }

  private _serverSettings: ServerConnection.ISettings;
  private _language: () => NeuronLanguage | undefined;
  private _pollTimeout: number;
  private _reconnectDelay: number;
  private _running = false;
  private _generation = 0;
  private _socket: WebSocket | null = null;
  private _poll: Poll | null = null;
  private _pollAbort: AbortController | null = null;
  private _transport: MonitorTransport | null = null;
  private _reconnectAttempts = 0;
  private _reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private _lastSeq: number | null = null;
  private _lastTimestamp: number | null = null;
  private _isDisposed = false;
  private _received = new Signal<this, MonitorAPI.MonitorStreamMessage>(this);
  private _transportChanged = new Signal<this, MonitorTransport | null>(this);
  private _failed = new Signal<this, unknown>(this);
}

/**
 * The namespace for `MonitorStreamClient` statics.
 */
export namespace MonitorStreamClient {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The application's server settings (base URL, `wsUrl`, token, WebSocket). */
    serverSettings: ServerConnection.ISettings;
    /** The language the server should localize status messages in. */
    language?: () => NeuronLanguage | undefined;
    /** Seconds a long poll may wait for a new snapshot (default 10). */
    pollTimeout?: number;
    /**
     * Milliseconds before reopening a closed socket or trying the WebSocket
     * again while polling, doubled per attempt.
     */
    reconnectDelay?: number;
  }

  /** Default seconds a long poll waits on the server. */
  export const POLL_TIMEOUT = 10;

  /** Default first delay before reopening a socket that closed. */
  export const RECONNECT_DELAY = 1000;

  /** Longest delay between attempts to open the socket. */
  export const MAX_RECONNECT_DELAY = 30_000;

  /**
   * Long polls follow each other closely; failures back off up to 30 s.
   */
  export const POLL_FREQUENCY = { interval: 100, backoff: true, max: 30_000 };

  /**
   * While the monitor is not running, the server answers at once: poll slowly.
   */
  export const IDLE_POLL_FREQUENCY = {
    interval: 5000,
    backoff: true,
    max: 30_000
  };
}
