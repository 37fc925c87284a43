/**
 * What the action buttons of a diagnosis do: find and shut down the kernels
 * holding NeuronCores, restart or change this notebook's kernel, clean the
 * compile cache (through its command, always with its dry run first), open
 * the other views.
 */

import {
  Dialog,
  ISessionContext,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import type { Kernel, KernelSpec } from '@jupyterlab/services';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyJSONObject } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { describeRequestError } from '../request';
import {
  CommandIDs,
  INeuronCompileCache,
  INeuronI18n,
  INeuronMonitor
} from '../tokens';
import type * as CacheAPI from '../api/cache';
import type * as DiagnoseAPI from '../api/diagnose';
import type * as MonitorAPI from '../api/monitor';

/**
 * Linux pids never exceed 2**22; the simulator's own pids start above that.
 */
const MAX_REAL_PID = 2 ** 22;

/**
 * A process holding NeuronCores, as the diagnosis shows it.
 */
export interface ICoreHolder {
  pid: number | null;
  command: string | null;
  cores: number[];
  utilization: number;
  /** The Jupyter kernel (and notebook) the process belongs to, if any. */
  kernel: MonitorAPI.MonitorKernel | null;
  /** A process made up by the simulator (no real process behind it). */
  simulated: boolean;
  /** It belongs to the kernel of the notebook that failed. */
  isThisNotebook: boolean;
  /** Its kernel runs in this Jupyter server and can be shut down from here. */
  canShutDown: boolean;
}

/**
 * What the holders list shows.
 *
 * - `no-monitor`: the monitor is not installed in this JupyterLab.
 * - `waiting`: no snapshot yet.
 * - `ready`: `holders` is the list (possibly empty).
 */
export type HoldersState = 'no-monitor' | 'waiting' | 'ready';

/**
 * A kernel the notebook could use instead.
 */
export interface IKernelChoice {
  name: string;
  displayName: string;
  /** The notebook uses it now. */
  current: boolean;
}

/**
 * What the diagnosis view asks of its actions.
 */
export interface IDiagnosisActions {
  /** Emitted when what the actions show changed (holders, kernels). */
  readonly changed: ISignal<IDiagnosisActions, void>;
  /** Where the holders list stands. */
  readonly holdersState: HoldersState;
  /** Whether the monitor data is simulated. */
  readonly monitorSimulated: boolean;
  /** Whether the monitor's own view can be opened. */
  readonly canOpenMonitor: boolean;
  isAvailable(
    action: DiagnoseAPI.DiagnoseActionId,
    details: Readonly<Record<string, string | number>>
  ): boolean;
  /**
   * Why an action the diagnosis offers cannot be done in this JupyterLab
   * (the capability it needs is disabled), or `null`. The view shows its
   * button disabled, with this sentence.
   */
  whyUnavailable(
    action: DiagnoseAPI.DiagnoseActionId,
    details: Readonly<Record<string, string | number>>
  ): string | null;
  watchHolders(viewer: string, visible: boolean): void;
  holders(sessionContext: ISessionContext | null): ICoreHolder[];
  shutDownKernel(holder: ICoreHolder): Promise<boolean>;
  restartKernel(sessionContext: ISessionContext): Promise<boolean>;
  deleteFailedEntry(
    details: Readonly<Record<string, string | number>>
  ): Promise<void>;
  clearStaleLocks(
    details: Readonly<Record<string, string | number>>
  ): Promise<void>;
  open(
    action: 'show-compile-cache' | 'show-device-memory' | 'show-core-holders'
  ): Promise<void>;
  kernelChoices(sessionContext: ISessionContext): IKernelChoice[];
  changeKernel(sessionContext: ISessionContext, name: string): Promise<void>;
}

/**
 * The actions of the diagnosis view.
 */
export class DiagnosisActions implements IDiagnosisActions {
  constructor(options: DiagnosisActions.IOptions) {
    this._i18n = options.i18n;
    this._monitor = options.monitor;
    this._cache = options.cache;
    this._commands = options.commands;
    this._kernels = options.kernels;
    this._kernelspecs = options.kernelspecs;
    this._showDialog = options.showDialog ?? showDialog;
    this._monitor?.changed.connect(this._emit, this);
    this._kernels.runningChanged.connect(this._emit, this);
    this._kernelspecs.specsChanged.connect(this._emit, this);
  }

  /**
   * Emitted when what the actions show changed (holders, kernels).
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Whether an action can work here (its service or command exists and the
   * diagnosis holds what it needs). Without it the view shows the steps
   * without the button.
   */
  isAvailable(
    action: DiagnoseAPI.DiagnoseActionId,
    details: Readonly<Record<string, string | number>>
  ): boolean {
    switch (action) {
      case 'show-core-holders':
      case 'shut-down-kernel':
        return this._monitor !== null;
      case 'restart-kernel':
      case 'choose-kernel':
        return true;
      case 'delete-failed-cache-entry':
        return (
          this._cache !== null && this._canClean() && namesLocalEntry(details)
        );
      case 'clear-stale-locks':
        return this._canClean();
      case 'show-compile-cache':
        return this._commands.hasCommand(CommandIDs.openCompileCache);
      case 'show-device-memory':
        return this._commands.hasCommand(CommandIDs.openMonitorDashboard);
      default:
        return false;
    }
  }

  /**
   * Why a compile-cache action cannot be done here: the compile-cache
   * capability (its model, its view and its clean command) is disabled.
   */
  whyUnavailable(
    action: DiagnoseAPI.DiagnoseActionId,
    details: Readonly<Record<string, string | number>>
  ): string | null {
    const needsCache =
      action === 'clear-stale-locks' ||
      action === 'show-compile-cache' ||
      (action === 'delete-failed-cache-entry' && namesLocalEntry(details));
    if (!needsCache || this.isAvailable(action, details)) {
      return null;
    }
    return this._i18n.trans.__(
      'The compile cache part of jupyterlab-neuron is disabled in this JupyterLab, so this cannot be done here. Follow the steps above in a terminal.'
    );
  }

  /**
   * Receive monitor snapshots while a holders list is on screen.
   */
  watchHolders(viewer: string, visible: boolean): void {
    this._monitor?.setVisible(visible, viewer);
  }

  /**
   * Where the holders list stands.
   */
  get holdersState(): HoldersState {
    if (!this._monitor) {
      return 'no-monitor';
    }
    return this._monitor.snapshot ? 'ready' : 'waiting';
  }

  /**
   * Whether the monitor data is simulated.
   */
  get monitorSimulated(): boolean {
    return (
      this._monitor?.snapshot?.simulated ??
      this._monitor?.status?.simulated ??
      false
    );
  }

  /**
   * The processes holding NeuronCores now, busiest first.
   */
  holders(sessionContext: ISessionContext | null): ICoreHolder[] {
    const snapshot = this._monitor?.snapshot;
    if (!snapshot) {
      return [];
    }
    const running = new Set(Array.from(this._kernels.running(), k => k.id));
    const ownKernel = sessionContext?.session?.kernel?.id ?? null;
    return snapshot.processes
      .filter(process => process.cores.length > 0)
      .map(process => {
        const kernel = process.kernel;
        const simulated =
          snapshot.simulated &&
          (process.pid === null || process.pid > MAX_REAL_PID);
        return {
          pid: process.pid,
          command: process.command,
          cores: process.cores.slice(),
          utilization: process.utilization,
          kernel,
          simulated,
          isThisNotebook: !!kernel && kernel.kernel_id === ownKernel,
          canShutDown: !!kernel && running.has(kernel.kernel_id)
        };
      })
      .sort((a, b) => b.utilization - a.utilization);
  }

  /**
   * Confirm, then shut down the kernel of a holder through the kernel API.
   * Returns whether it was shut down.
   */
  async shutDownKernel(holder: ICoreHolder): Promise<boolean> {
    const trans = this._i18n.trans;
    const kernel = holder.kernel;
    if (!kernel) {
      return false;
    }
    const owner =
      kernel.notebook_path ??
      trans.__('a kernel without a notebook (%1)', kernel.kernel_id);
    const answer = await this._showDialog({
      title: trans.__('Shut down this kernel?'),
      body: holder.isThisNotebook
        ? trans.__(
            'The kernel of this notebook (%1) holds the NeuronCores. Shutting it down frees them; its variables are lost and the steps must run again.',
            owner
          )
        : trans.__(
            'The kernel of %1 (process %2) holds NeuronCores %3. Shutting it down frees them; the variables of that notebook are lost.',
            owner,
            holder.pid ?? '?',
            holder.cores.map(core => `NC${core}`).join(', ')
          ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Shut Down') })
      ],
      defaultButton: 0
    });
    if (!answer.button.accept) {
      return false;
    }
    try {
      await this._kernels.shutdown(kernel.kernel_id);
    } catch (reason) {
      Notification.error(
        trans.__(
          'The kernel could not be shut down: %1',
          describeRequestError(reason, trans)
        )
      );
      return false;
    }
    Notification.success(trans.__('The kernel of %1 was shut down.', owner), {
      autoClose: 5000
    });
    this._emit();
    return true;
  }

  /**
   * Confirm, then restart the notebook's kernel.
   */
  async restartKernel(sessionContext: ISessionContext): Promise<boolean> {
    const trans = this._i18n.trans;
    const answer = await this._showDialog({
      title: trans.__('Restart the kernel?'),
      body: trans.__(
        'Restarting frees the NeuronCores and device memory this notebook holds. Its variables are lost: run the steps again from the start.'
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Restart') })
      ],
      defaultButton: 0
    });
    if (!answer.button.accept) {
      return false;
    }
    await sessionContext.restartKernel();
    return true;
  }

  /**
   * Delete the failed compile-cache entry named by a diagnosis: found
   * through the compile-cache model, then removed by its clean command
   * (dry run and confirmation first).
   */
  async deleteFailedEntry(
    details: Readonly<Record<string, string | number>>
  ): Promise<void> {
    const cache = this._cache;
    const module = details.cache_module;
    const path = details.cache_entry;
    if (
      !cache ||
      !this._canClean() ||
      typeof module !== 'string' ||
      typeof path !== 'string'
    ) {
      return;
    }
    const trans = this._i18n.trans;
    let entry: CacheAPI.Entry | undefined;
    try {
      const page = await cache.listEntries({
        text: module,
        states: ['failed'],
        limit: 100
      });
      entry =
        page.items.find(item => item.path === path) ??
        page.items.find(
          item =>
            typeof details.cache_entry_key === 'string' &&
            item.path.endsWith(`/${details.cache_entry_key}`)
        );
    } catch (reason) {
      Notification.error(
        trans.__(
          'The compile cache could not be read: %1',
          describeRequestError(reason, trans)
        )
      );
      return;
    }
    if (!entry) {
      await this._showDialog({
        title: trans.__('Delete the failed cache entry'),
        body: trans.__(
          'No failed entry %1 was found in the compile caches managed here. It may be deleted already, or be in a cache this server does not manage.',
          path
        ),
        buttons: [Dialog.okButton({ label: trans.__('Close') })]
      });
      return;
    }
    await this._clean({ action: 'delete-selected', entries: [entry.id] });
  }

  /**
   * Remove the stale lock files of the compile cache named by a diagnosis
   * (every managed cache when it names none), through the clean command and
   * its dry run.
   */
  async clearStaleLocks(
    details: Readonly<Record<string, string | number>>
  ): Promise<void> {
    if (!this._canClean()) {
      return;
    }
    const root = details.cache_root;
    await this._clean({
      action: 'clear-stale-locks',
      ...(typeof root === 'string' && root !== '' ? { root } : {})
    });
  }

  /**
   * Open another view of the extension.
   */
  async open(
    action: 'show-compile-cache' | 'show-device-memory' | 'show-core-holders'
  ): Promise<void> {
    const command =
      action === 'show-compile-cache'
        ? CommandIDs.openCompileCache
        : CommandIDs.openMonitorDashboard;
    if (this._commands.hasCommand(command)) {
      await this._commands.execute(command);
    }
  }

  /**
   * Whether the monitor's own view can be opened.
   */
  get canOpenMonitor(): boolean {
    return this._commands.hasCommand(CommandIDs.openMonitorDashboard);
  }

  /**
   * The kernels installed for this server, the notebook's one marked.
   */
  kernelChoices(sessionContext: ISessionContext): IKernelChoice[] {
    const specs = this._kernelspecs.specs;
    if (!specs) {
      return [];
    }
    const current = sessionContext.session?.kernel?.name ?? null;
    return Object.values(specs.kernelspecs)
      .filter((spec): spec is KernelSpec.ISpecModel => !!spec)
      .map(spec => ({
        name: spec.name,
        displayName: spec.display_name,
        current: spec.name === current
      }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /**
   * Switch the notebook to another kernel.
   */
  async changeKernel(
    sessionContext: ISessionContext,
    name: string
  ): Promise<void> {
    try {
      await sessionContext.changeKernel({ name });
    } catch (reason) {
      Notification.error(
        this._i18n.trans.__(
          'The kernel could not be changed: %1',
          describeRequestError(reason, this._i18n.trans)
        )
      );
    }
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _emit(): void {
    this._changed.emit();
  }

  /**
   * Whether the compile-cache capability's clean command is there.
   */
  private _canClean(): boolean {
    return this._commands.hasCommand(CommandIDs.cleanCompileCache);
  }

  /**
   * Run the compile cache's clean command (it shows the dry run first).
   */
  private async _clean(args: ReadonlyJSONObject): Promise<void> {
    try {
      await this._commands.execute(CommandIDs.cleanCompileCache, args);
    } catch (reason) {
      Notification.error(
        this._i18n.trans.__(
          'The compile cache could not be cleaned: %1',
          describeRequestError(reason, this._i18n.trans)
        )
      );
    }
  }

  private _i18n: INeuronI18n;
  private _monitor: INeuronMonitor | null;
  private _cache: INeuronCompileCache | null;
  private _commands: CommandRegistry;
  private _kernels: Kernel.IManager;
  private _kernelspecs: KernelSpec.IManager;
  private _showDialog: typeof showDialog;
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `DiagnosisActions` statics.
 */
export namespace DiagnosisActions {
  /**
   * Construction options.
   */
  export interface IOptions {
    i18n: INeuronI18n;
    /** The live monitor, when installed. */
    monitor: INeuronMonitor | null;
    /** The compile-cache model, when installed (finds a diagnosis' entry). */
    cache: INeuronCompileCache | null;
    /** The commands (the compile cache's clean command, the other views). */
    commands: CommandRegistry;
    /** The server's kernels (`app.serviceManager.kernels`). */
    kernels: Kernel.IManager;
    /** The installed kernels (`app.serviceManager.kernelspecs`). */
    kernelspecs: KernelSpec.IManager;
    /** The dialog function (tests replace it). */
    showDialog?: typeof showDialog;
  }
}

/**
 * Whether a diagnosis names a failed entry of a local compile cache (the
 * entry's module and path; entries of S3 caches are not looked up).
 */
function namesLocalEntry(
  details: Readonly<Record<string, string | number>>
): boolean {
  return (
    typeof details.cache_module === 'string' &&
    typeof details.cache_entry === 'string' &&
    !details.cache_entry.startsWith('s3://')
  );
}
