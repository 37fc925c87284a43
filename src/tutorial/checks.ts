/**
 * Step checks: evidence, beyond "the cells ran without error", that a step
 * did what it is for. Evidence that cannot be collected is said to be so;
 * simulated data is shown as simulated and never counts.
 */

import type {
  PartialJSONObject,
  ReadonlyPartialJSONObject
} from '@lumino/coreutils';

import { describeRequestError } from '../request';
import type {
  INeuronCompileCache,
  INeuronI18n,
  INeuronMonitor
} from '../tokens';
import type {
  ITutorialStep,
  TutorialProgress,
  TutorialStepStatus
} from './progress';
import type * as MonitorAPI from '../api/monitor';

/**
 * A core counts as busy from this utilization (percent) on.
 */
export const BUSY_UTILIZATION = 5;

/**
 * What a step is checked for.
 *
 * - `cores`: during training, the expected number of NeuronCores is busy.
 * - `compile-cache`: pre-compilation added entries to the compile cache.
 * - `traced-model`: tracing wrote a model file.
 */
export type StepCheck =
  | { kind: 'cores'; expectedCores: number; workers: number }
  | { kind: 'compile-cache' }
  | { kind: 'traced-model'; folder: string };

/**
 * The check of a template step, if it has one.
 *
 * Step ids are those of the shipped templates (bert-ja, vit-beans); other
 * notebooks get only the "ran without error" check.
 *
 * @param stepId - the step id
 * @param parameters - the notebook's template parameters
 *   (`metadata.jupyterlab_neuron.parameters`)
 * @param notebookDir - the notebook's folder (server path), where the kernel
 *   starts and relative paths of the notebook point to
 */
export function checkForStep(
  stepId: string,
  parameters: Readonly<Record<string, unknown>>,
  notebookDir: string
): StepCheck | null {
  const workers = positiveInteger(parameters.workers);
  switch (stepId) {
    case 'precompile':
      return { kind: 'compile-cache' };
    case 'train-single':
      return { kind: 'cores', expectedCores: 1, workers: 1 };
    case 'train-multi':
    case 'train':
      return workers
        ? { kind: 'cores', expectedCores: workers, workers }
        : null;
    case 'trace': {
      const workDir =
        typeof parameters.work_dir === 'string' ? parameters.work_dir : null;
      if (!workDir || workDir.startsWith('/')) {
        // An absolute folder is outside what the contents API can see.
        return null;
      }
      return {
        kind: 'traced-model',
        folder: joinPath(notebookDir, workDir, 'traced')
      };
    }
    default:
      return null;
  }
}

/**
 * Evidence about NeuronCores during a step, as stored with the progress.
 */
export interface ICoresEvidence extends PartialJSONObject {
  /** Highest utilization seen per core (core order) while the step ran. */
  peak: number[];
  /** How many snapshots were seen. */
  samples: number;
  /** Whether the data came from the simulator. */
  simulated: boolean;
  /** Whether the busy cores could be tied to this notebook's kernel. */
  attributed: boolean;
}

/**
 * Compile-cache totals at one moment.
 */
export interface ICacheTotals extends PartialJSONObject {
  entries: number;
  bytes: number;
  simulated: boolean;
}

/**
 * Evidence about the compile cache before and after pre-compilation.
 */
export interface ICacheEvidence extends PartialJSONObject {
  before: ICacheTotals | null;
  after: ICacheTotals | null;
  /** Why a figure is missing (`error` text), if it is. */
  problem: string | null;
}

/**
 * A file found in the traced-model folder.
 */
export interface IFoundFile extends PartialJSONObject {
  name: string;
  path: string;
  size: number | null;
}

/**
 * Evidence about the traced model.
 */
export interface ITracedEvidence extends PartialJSONObject {
  folder: string;
  /** `null`: the folder does not exist. */
  files: IFoundFile[] | null;
  problem: string | null;
}

/**
 * Where a piece of evidence stands, as the guide shows it.
 *
 * - `ok`: the evidence is there.
 * - `warning`: the step ran, but the evidence is not what was expected.
 * - `pending`: the step has not run yet, or is running.
 * - `unavailable`: it cannot be collected here (no monitor, API error...).
 * - `simulated`: only simulated data exists; shown, never counted.
 * - `skipped`: the step does not do this here (CPU smoke mode).
 */
export type EvidenceState =
  'ok' | 'warning' | 'pending' | 'unavailable' | 'simulated' | 'skipped';

/**
 * Why evidence is missing.
 */
export type EvidenceReason =
  | 'smoke'
  | 'no-monitor'
  | 'not-observed'
  | 'no-before'
  | 'error'
  | 'no-files'
  | 'no-folder'
  | null;

/**
 * One piece of evidence, evaluated for the guide.
 */
export type EvidenceView =
  | {
      kind: 'cores';
      state: EvidenceState;
      reason: EvidenceReason;
      check: Extract<StepCheck, { kind: 'cores' }>;
      data: ICoresEvidence | null;
      /** Cores at or over {@link BUSY_UTILIZATION} at their peak. */
      busy: number;
    }
  | {
      kind: 'compile-cache';
      state: EvidenceState;
      reason: EvidenceReason;
      data: ICacheEvidence | null;
      /** New entries and bytes, when both figures exist. */
      gained: { entries: number; bytes: number } | null;
    }
  | {
      kind: 'traced-model';
      state: EvidenceState;
      reason: EvidenceReason;
      check: Extract<StepCheck, { kind: 'traced-model' }>;
      data: ITracedEvidence | null;
    };

/**
 * The context evidence is judged in.
 */
export interface IEvidenceContext {
  /** The step's status. */
  status: TutorialStepStatus;
  /** Whether the step needs Neuron hardware. */
  neuronOnly: boolean;
  /** Whether the notebook runs in CPU smoke mode. */
  smoke: boolean;
  /** Whether a monitor service exists in this JupyterLab. */
  hasMonitor: boolean;
}

/**
 * Judge stored evidence (pure: the guide and the tests call it).
 */
export function evaluateEvidence(
  check: StepCheck,
  evidence: ReadonlyPartialJSONObject,
  context: IEvidenceContext
): EvidenceView {
  const notYet = context.status === 'not-started';
  const skippedInSmoke = context.smoke && context.neuronOnly;
  switch (check.kind) {
    case 'cores': {
      const data = (evidence.cores as ICoresEvidence | undefined) ?? null;
      const busy = data
        ? data.peak.filter(value => value >= BUSY_UTILIZATION).length
        : 0;
      const view = { kind: 'cores' as const, check, data, busy };
      if (skippedInSmoke) {
        return { ...view, state: 'skipped', reason: 'smoke' };
      }
      if (!context.hasMonitor) {
        return { ...view, state: 'unavailable', reason: 'no-monitor' };
      }
      if (!data || data.samples === 0) {
        return context.status === 'running' || notYet
          ? { ...view, state: 'pending', reason: null }
          : { ...view, state: 'unavailable', reason: 'not-observed' };
      }
      if (data.simulated) {
        return { ...view, state: 'simulated', reason: null };
      }
      const expected =
        check.expectedCores === 1 ? busy === 1 : busy >= check.expectedCores;
      if (context.status === 'running') {
        return { ...view, state: 'pending', reason: null };
      }
      return { ...view, state: expected ? 'ok' : 'warning', reason: null };
    }
    case 'compile-cache': {
      const data = (evidence.cache as ICacheEvidence | undefined) ?? null;
      const gained =
        data?.before && data?.after
          ? {
              entries: data.after.entries - data.before.entries,
              bytes: data.after.bytes - data.before.bytes
            }
          : null;
      const view = { kind: 'compile-cache' as const, data, gained };
      if (skippedInSmoke) {
        return { ...view, state: 'skipped', reason: 'smoke' };
      }
      if (notYet || context.status === 'running') {
        return { ...view, state: 'pending', reason: null };
      }
      if (!data || !data.before) {
        return {
          ...view,
          state: 'unavailable',
          reason: data?.problem ? 'error' : 'no-before'
        };
      }
      if (!data.after || !gained) {
        return { ...view, state: 'unavailable', reason: 'error' };
      }
      if (data.after.simulated || data.before.simulated) {
        return { ...view, state: 'simulated', reason: null };
      }
      return {
        ...view,
        state: gained.entries > 0 ? 'ok' : 'warning',
        reason: null
      };
    }
    case 'traced-model': {
      const data = (evidence.traced as ITracedEvidence | undefined) ?? null;
      const view = { kind: 'traced-model' as const, check, data };
      if (notYet || context.status === 'running' || !data) {
        return { ...view, state: 'pending', reason: null };
      }
      if (data.problem) {
        return { ...view, state: 'unavailable', reason: 'error' };
      }
      if (data.files === null) {
        return { ...view, state: 'warning', reason: 'no-folder' };
      }
      return data.files.length > 0
        ? { ...view, state: 'ok', reason: null }
        : { ...view, state: 'warning', reason: 'no-files' };
    }
  }
}

/**
 * Compile-cache totals after a fresh scan, from the compile-cache model.
 * The model fetches only for a view on screen: the check counts as one
 * (`viewer`) while it scans.
 *
 * @throws Error when the compile cache is disabled in this JupyterLab or
 *   the scan failed (the message says why, in the panel's language)
 */
export async function scanCacheTotals(
  cache: INeuronCompileCache | null,
  viewer: string,
  i18n: INeuronI18n
): Promise<ICacheTotals> {
  const trans = i18n.trans;
  if (!cache) {
    throw new Error(
      trans.__(
        'The compile cache part of jupyterlab-neuron is disabled in this JupyterLab, so the compile cache cannot be measured.'
      )
    );
  }
  cache.setVisible(true, viewer);
  try {
    await cache.refresh();
  } finally {
    cache.setVisible(false, viewer);
  }
  const status = cache.status;
  if (cache.state !== 'ready' || !status) {
    throw new Error(
      cache.error ?? trans.__('The compile cache could not be read.')
    );
  }
  return {
    entries: status.totals.entries,
    bytes: status.totals.bytes,
    simulated: status.simulated
  };
}

/**
 * What the checks need from the outside world.
 */
export interface ICheckServices {
  /** The live monitor, when its plugin is installed. */
  monitor: INeuronMonitor | null;
  /** Compile-cache totals after a fresh scan; rejects on failure. */
  cacheTotals(): Promise<ICacheTotals>;
  /**
   * Files of a folder (server path) through the contents API; `null` when
   * the folder does not exist; rejects on other failures.
   */
  listFolder(path: string): Promise<IFoundFile[] | null>;
  /** The id of the notebook's kernel, if it has one. */
  kernelId(): string | null;
}

/**
 * Collects the evidence of a notebook's steps as they run, into the
 * progress (so it is saved with it).
 */
export class StepChecks {
  constructor(options: StepChecks.IOptions) {
    this._progress = options.progress;
    this._services = options.services;
    this._checkOf = options.checkOf;
    this._viewer = options.viewer;
    this._i18n = options.i18n ?? null;
    this._progress.statusChanged.connect(this._onStatusChanged, this);
  }

  /**
   * The check of a step, if it has one.
   */
  checkOf(step: ITutorialStep): StepCheck | null {
    return this._checkOf(step);
  }

  /**
   * Whether the monitor is being watched for a running step.
   */
  get isWatching(): boolean {
    return this._watching.size > 0;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._progress.statusChanged.disconnect(this._onStatusChanged, this);
    this._stopWatching();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  private _onStatusChanged(
    _: TutorialProgress,
    change: { step: ITutorialStep; previous: TutorialStepStatus }
  ): void {
    const { step, previous } = change;
    const check = this._checkOf(step);
    if (!check) {
      return;
    }
    if (check.kind === 'cores') {
      // Synchronous: no snapshot may be missed between start and watch.
      if (step.status === 'running' && previous !== 'running') {
        this._progress.setEvidence(step.id, 'cores', null);
        this._startWatching(step.id);
      } else if (previous === 'running' && step.status !== 'running') {
        this._watching.delete(step.id);
        if (this._watching.size === 0) {
          this._stopWatching();
        }
      }
      return;
    }
    // The end of a step waits for its beginning (a quick cell can finish
    // before the "before" figures arrive).
    const previousWork = this._work.get(step.id) ?? Promise.resolve();
    let work: Promise<void> | null = null;
    if (step.status === 'running' && previous !== 'running') {
      work = previousWork.then(() => this._begin(step.id, check));
    } else if (previous === 'running' && step.status !== 'running') {
      const status = step.status;
      work = previousWork.then(() => this._end(step.id, check, status));
    }
    if (work) {
      const settled = work.catch(reason => {
        console.warn('jupyterlab-neuron: a step check failed', reason);
      });
      this._work.set(step.id, settled);
    }
  }

  /**
   * Record a step's evidence unless the checks ended while it was measured
   * (the tutorial was turned off or the notebook closed).
   */
  private _record(
    stepId: string,
    key: string,
    value: PartialJSONObject | null
  ): void {
    if (!this._isDisposed) {
      this._progress.setEvidence(stepId, key, value);
    }
  }

  private async _begin(stepId: string, check: StepCheck): Promise<void> {
    switch (check.kind) {
      case 'cores':
        return;
      case 'compile-cache': {
        let before: ICacheTotals | null = null;
        let problem: string | null = null;
        try {
          before = await this._services.cacheTotals();
        } catch (reason) {
          problem = describeRequestError(reason, this._i18n?.trans);
        }
        const evidence: ICacheEvidence = { before, after: null, problem };
        this._record(stepId, 'cache', evidence);
        return;
      }
      case 'traced-model':
        this._record(stepId, 'traced', null);
        return;
    }
  }

  private async _end(
    stepId: string,
    check: StepCheck,
    status: TutorialStepStatus
  ): Promise<void> {
    switch (check.kind) {
      case 'cores':
        return;
      case 'compile-cache': {
        const stored = this._progress.evidence(stepId).cache as
          ICacheEvidence | undefined;
        let after: ICacheTotals | null = null;
        let problem = stored?.problem ?? null;
        try {
          after = await this._services.cacheTotals();
        } catch (reason) {
          problem = describeRequestError(reason, this._i18n?.trans);
        }
        const evidence: ICacheEvidence = {
          before: stored?.before ?? null,
          after,
          problem
        };
        this._record(stepId, 'cache', evidence);
        return;
      }
      case 'traced-model': {
        if (status !== 'done') {
          return;
        }
        let files: IFoundFile[] | null = null;
        let problem: string | null = null;
        try {
          const listed = await this._services.listFolder(check.folder);
          files = listed ? listed.filter(file => isModelFile(file.name)) : null;
        } catch (reason) {
          problem = describeRequestError(reason, this._i18n?.trans);
        }
        const evidence: ITracedEvidence = {
          folder: check.folder,
          files,
          problem
        };
        this._record(stepId, 'traced', evidence);
        return;
      }
    }
  }

  private _startWatching(stepId: string): void {
    const monitor = this._services.monitor;
    this._watching.add(stepId);
    if (!monitor || this._watchingMonitor) {
      return;
    }
    this._watchingMonitor = true;
    monitor.snapshotChanged.connect(this._onSnapshot, this);
    // A running training step needs the data even while the guide is hidden.
    // Only snapshots from now on count: the last one predates the step.
    monitor.setVisible(true, this._viewer);
  }

  private _stopWatching(): void {
    const monitor = this._services.monitor;
    if (!monitor || !this._watchingMonitor) {
      return;
    }
    this._watchingMonitor = false;
    monitor.snapshotChanged.disconnect(this._onSnapshot, this);
    monitor.setVisible(false, this._viewer);
  }

  private _onSnapshot(
    _: INeuronMonitor,
    snapshot: MonitorAPI.MonitorSnapshot
  ): void {
    const reading = coreReading(snapshot, this._services.kernelId());
    for (const stepId of this._watching) {
      const previous = this._progress.evidence(stepId).cores as
        ICoresEvidence | undefined;
      const peak = reading.utilization.map((value, index) =>
        Math.max(value, previous?.peak[index] ?? 0)
      );
      const evidence: ICoresEvidence = {
        peak,
        samples: (previous?.samples ?? 0) + 1,
        simulated: reading.simulated || (previous?.simulated ?? false),
        attributed: reading.attributed
      };
      this._progress.setEvidence(stepId, 'cores', evidence);
    }
  }

  private _progress: TutorialProgress;
  private _services: ICheckServices;
  private _checkOf: (step: ITutorialStep) => StepCheck | null;
  private _viewer: string;
  private _i18n: INeuronI18n | null;
  private _watching = new Set<string>();
  private _watchingMonitor = false;
  private _work = new Map<string, Promise<void>>();
  private _isDisposed = false;
}

/**
 * The namespace for `StepChecks` statics.
 */
export namespace StepChecks {
  /**
   * Construction options.
   */
  export interface IOptions {
    progress: TutorialProgress;
    services: ICheckServices;
    /** The check of a step (usually {@link checkForStep} with the notebook's parameters). */
    checkOf: (step: ITutorialStep) => StepCheck | null;
    /** The monitor viewer name of these checks (unique per notebook). */
    viewer: string;
    /** The language problems are told in (default: English). */
    i18n?: INeuronI18n | null;
  }
}

/**
 * Per-core utilization of a snapshot, for the cores of the processes of one
 * kernel when the monitor can tell them, else for every core.
 */
export function coreReading(
  snapshot: MonitorAPI.MonitorSnapshot,
  kernelId: string | null
): { utilization: number[]; attributed: boolean; simulated: boolean } {
  const ours = kernelId
    ? snapshot.processes.filter(
        process => process.kernel?.kernel_id === kernelId
      )
    : [];
  const ourCores = new Set(ours.flatMap(process => process.cores));
  const attributed = ours.length > 0;
  const utilization = snapshot.cores.map(core =>
    !attributed || ourCores.has(core.index) ? core.utilization : 0
  );
  return { utilization, attributed, simulated: snapshot.simulated };
}

/**
 * "NC0: 85% / NC1: 0%" for the cores of a snapshot.
 */
export function formatCoreLine(utilization: readonly number[]): string {
  return utilization
    .map((value, index) => `NC${index}: ${Math.round(value)}%`)
    .join(' / ');
}

function isModelFile(name: string): boolean {
  return /\.(pt|pth|neff|torchscript)$/i.test(name);
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? value
    : null;
}

/**
 * Join server paths ('' is the server's root).
 */
export function joinPath(...parts: string[]): string {
  return parts
    .flatMap(part => part.split('/'))
    .filter(part => part !== '' && part !== '.')
    .join('/');
}
