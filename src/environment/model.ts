/**
 * The environment model: owns the report and when it is fetched.
 */

import type { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { PollingModel } from '../polling';
import { ServerExtensionMissingError } from '../request';
import { INeuronEnvironment, NEURON_API_VERSION } from '../tokens';
import { FRONTEND_VERSION, isSameRelease } from '../version';
import type * as EnvironmentAPI from '../api/environment';

/**
 * The server extension answers with another version or API than this front
 * end's: nothing more is asked until a restart.
 */
class VersionMismatchError extends Error {}

/**
 * The Neuron environment of the server, fetched only while a view shows it.
 *
 * The first fetch starts with a version handshake (`GET version`): a missing
 * server extension or a different version stops the model in
 * `server-missing` / `version-mismatch` until `refresh()` is called or a view
 * appears again. Then the report (`GET environment`) is reloaded every
 * `interval` while visible, with backoff after failures; `refresh()` asks
 * the server to re-run the tools.
 */
export class EnvironmentModel
  extends PollingModel<EnvironmentAPI.Environment, 'version-mismatch'>
  implements INeuronEnvironment
{
  constructor(options: EnvironmentModel.IOptions) {
    super(options, {
      name: 'jupyterlab-neuron:environment',
      // The report changes rarely.
      interval: 60_000,
      maxBackoff: 10 * 60_000
    });
    this._frontendVersion = options.frontendVersion ?? FRONTEND_VERSION;
  }

  get report(): EnvironmentAPI.Environment | null {
    return this.result;
  }

  get serverVersion(): EnvironmentAPI.Version | null {
    return this._serverVersion;
  }

  /**
   * The version of this front end, compared with the server's.
   */
  get frontendVersion(): string {
    return this._frontendVersion;
  }

  get reportChanged(): ISignal<this, EnvironmentAPI.Environment> {
    return this._reportChanged;
  }

  /**
   * Tell the model whether a view (`viewer`) shows it. Becoming visible
   * fetches at once when nothing was fetched yet or the last report is older
   * than the interval.
   */
  setVisible(visible: boolean, viewer = 'default'): void {
    if (visible && !this.isVisible && this._isIncompatible()) {
      // Showing the panel again is a good moment to check for a restart.
      this._recheck = true;
    }
    super.setVisible(visible, viewer);
  }

  /**
   * Re-run the tools on the server and reload the report; checks the
   * version again after a failed handshake. Without a view: done by the
   * first fetch once one is shown.
   */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    this._forceRefresh = true;
    this._recheck = true;
    await super.refresh();
  }

  /**
   * With a missing or different server extension nothing changes until a
   * restart, so due fetches are skipped until `refresh()` or showing the
   * panel asks to check again.
   */
  protected shouldFetch(): boolean {
    return !this._isIncompatible() || this._recheck;
  }

  /**
   * Handshake if not done, then load the report.
   */
  protected async fetch(): Promise<EnvironmentAPI.Environment> {
    const force = this._forceRefresh;
    this._forceRefresh = false;
    this._recheck = false;
    if (!this._handshakeDone) {
      await this._handshake();
    }
    try {
      return await this.request<EnvironmentAPI.Environment>(
        force ? 'environment?refresh=1' : 'environment'
      );
    } catch (reason) {
      if (reason instanceof ServerExtensionMissingError) {
        // The extension went away (e.g. the server restarted without it).
        this._handshakeDone = false;
      }
      throw reason;
    }
  }

  protected describeFailure(
    reason: unknown
  ): PollingModel.IFailure<'version-mismatch'> {
    if (reason instanceof VersionMismatchError) {
      return { state: 'version-mismatch', error: null };
    }
    return super.describeFailure(reason);
  }

  protected onResult(report: EnvironmentAPI.Environment): void {
    this._reportChanged.emit(report);
  }

  private _isIncompatible(): boolean {
    return this.state === 'server-missing' || this.state === 'version-mismatch';
  }

  /**
   * Ask the server for its version; throws unless it matches this front end.
   */
  private async _handshake(): Promise<void> {
    let version: EnvironmentAPI.Version;
    try {
      version = await this.request<EnvironmentAPI.Version>('version');
    } catch (reason) {
      if (reason instanceof ServerExtensionMissingError) {
        this._serverVersion = null;
      }
      throw reason;
    }
    this._serverVersion = version;
    const compatible =
      version.api === NEURON_API_VERSION &&
      isSameRelease(this._frontendVersion, String(version.version));
    if (!compatible) {
      throw new VersionMismatchError(String(version.version));
    }
    this._handshakeDone = true;
  }

  private _frontendVersion: string;
  private _serverVersion: EnvironmentAPI.Version | null = null;
  private _forceRefresh = false;
  private _recheck = false;
  private _handshakeDone = false;
  private _reportChanged = new Signal<this, EnvironmentAPI.Environment>(this);
}

/**
 * The namespace for `EnvironmentModel` statics.
 */
export namespace EnvironmentModel {
  /**
   * Construction options (reloads every 60 s by default).
   */
  export interface IOptions extends PollingModel.IOptions {
    /** The application's server settings (`app.serviceManager.serverSettings`). */
    serverSettings: ServerConnection.ISettings;
    /** The front-end version to compare with the server's (default: package.json). */
    frontendVersion?: string;
  }
}
