/**
 * One notebook in tutorial mode: its progress model fed from the notebook,
 * the step checks, the diagnoses of failed cells, the highlighted cells and
 * the progress written back into the notebook metadata.
 */

import type { ISessionContext } from '@jupyterlab/apputils';
import type { Cell, ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import { PathExt } from '@jupyterlab/coreutils';
import type * as nbformat from '@jupyterlab/nbformat';
import {
  INotebookModel,
  Notebook,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { errorOutputOf, errorTextOfOutputs } from '../diagnose';
import type { INeuronI18n, INeuronMonitor } from '../tokens';
import {
  EvidenceView,
  ICheckServices,
  StepChecks,
  checkForStep,
  coreReading,
  evaluateEvidence
} from './checks';
import { IStepDiagnosis, StepDiagnoses } from './diagnosis';
import {
  notebookMetadataOf,
  readCells,
  templateInfoOf,
  writeTutorialMetadata
} from './metadata';
import { ITutorialStep, ITutorialStepInfo, TutorialProgress } from './progress';

/**
 * The CSS class of the cells of the step the guide shows.
 */
export const CURRENT_STEP_CELL_CLASS = 'jp-Neuron-TutorialCell';

/**
 * The CSS class of the cells of a failed step the guide shows.
 */
export const FAILED_STEP_CELL_CLASS = 'jp-Neuron-TutorialCell-failed';

/**
 * The live reading of the NeuronCores during a training step.
 */
export interface ILiveCores {
  utilization: number[];
  simulated: boolean;
  attributed: boolean;
}

/**
 * What the guide view reads and calls (a notebook in tutorial mode).
 */
export interface ITutorialGuideModel {
  /** The notebook's file name. */
  readonly notebookName: string;
  /** The template's title, when known. */
  readonly templateTitle: string | null;
  /** The template id, when the notebook was made from one. */
  readonly templateId: string | null;
  /** Whether the notebook runs in CPU smoke mode. */
  readonly smoke: boolean;
  /** Whether the notebook was made on a simulated instance. */
  readonly simulated: boolean;
  /** The instance type the notebook was made for, when known. */
  readonly instanceType: string | null;
  /** The steps and which one is current. */
  readonly progress: TutorialProgress;
  /** Whether the notebook's kernel can run cells (one is selected). */
  readonly canRun: boolean;
  /** Emitted after any change the view shows. */
  readonly changed: ISignal<ITutorialGuideModel, void>;
  /** The evidence of a step's checks, judged now. */
  evidence(step: ITutorialStep): EvidenceView[];
  /** The NeuronCores now, while a training step runs (else `null`). */
  liveCores(step: ITutorialStep): ILiveCores | null;
  /** The diagnosis of a failed step (asked for when first needed). */
  diagnosis(step: ITutorialStep): IStepDiagnosis | null;
  /** Show a step: highlight its cells and scroll to them. */
  select(stepId: string): void;
  /**
   * Whether "Next" first runs the current step's cells when they have not
   * run without error yet (then moves on only if they all succeed).
   */
  readonly runOnNext: boolean;
  /** Change {@link runOnNext} (a user setting). */
  setRunOnNext(value: boolean): void;
  /** The step "Next" is running before it moves on, if any. */
  readonly advancingFrom: string | null;
  /** The step "Next" just ran and moved on from, to report it done. */
  readonly finishedStep: ITutorialStep | null;
  /**
   * Move on to the next step; with `run` (default: {@link runOnNext}), run
   * the current step's cells first when needed and move on only if they all
   * succeed. On the last step this finishes the tutorial.
   */
  next(options?: { run?: boolean }): Promise<void>;
  /** Run the cells of a step. */
  runStep(stepId: string): Promise<void>;
  /** The notebook's session, for the diagnosis actions. */
  readonly sessionContext: ISessionContext;
}

/**
 * A notebook in tutorial mode.
 */
export class NotebookTutorial implements ITutorialGuideModel {
  constructor(options: NotebookTutorial.IOptions) {
    this._panel = options.panel;
    this._i18n = options.i18n;
    this._diagnoses = new StepDiagnoses({
      client: options.diagnoseClient,
      i18n: this._i18n
    });
    this._diagnoses.changed.connect(this._emitChanged, this);
    this._monitor = options.monitor;
    this._fetchStepInfo = options.fetchStepInfo;
    this._save = options.save ?? null;
    this._runOnNext = options.runOnNext ?? null;
    this._runCells =
      options.runCells ??
      (cells =>
        NotebookActions.runCells(
          this._panel.content,
          cells,
          this._panel.sessionContext,
          this._sessionDialogs ?? undefined,
          this._i18n
        ));
    const model = this._model;
    this._progress = new TutorialProgress({
      cells: readCells(model),
      metadata: notebookMetadataOf(model).tutorial,
      setupTitle: this._i18n.trans.__('Parameters and setup')
    });
    this._progress.active = true;
    this._checks = new StepChecks({
      progress: this._progress,
      services: options.checkServices(this),
      checkOf: step =>
        checkForStep(step.id, this.parameters, PathExt.dirname(this.path)),
      viewer: `tutorial-checks:${this._panel.id}`,
      i18n: this._i18n
    });

    this._progress.changed.connect(this._onProgressChanged, this);
    this._progress.statusChanged.connect(this._onStatusChanged, this);
    model.cells.changed.connect(this._scheduleCellsUpdate, this);
    model.contentChanged.connect(this._scheduleCellsUpdate, this);
    NotebookActions.executionScheduled.connect(this._onScheduled, this);
    NotebookActions.executed.connect(this._onExecuted, this);
    this._panel.sessionContext.statusChanged.connect(
      this._onKernelStatus,
      this
    );
    this._panel.sessionContext.kernelChanged.connect(this._emitChanged, this);
    this._i18n.changed.connect(this._onLanguageChanged, this);
    this._monitor?.snapshotChanged.connect(this._onSnapshot, this);

    this._writeMetadata();
    this._applyHighlight();
    void this._loadStepInfo();
  }

  get notebookName(): string {
    return PathExt.basename(this.path);
  }

  /**
   * The notebook's server path.
   */
  get path(): string {
    return this._panel.context.path;
  }

  get panel(): NotebookPanel {
    return this._panel;
  }

  get templateTitle(): string | null {
    return this._templateTitle;
  }

  get templateId(): string | null {
    return templateInfoOf(this._model).templateId;
  }

  /**
   * The template parameters the notebook was made with.
   */
  get parameters(): Record<string, unknown> {
    return templateInfoOf(this._model).parameters;
  }

  get smoke(): boolean {
    return this.parameters.smoke === true;
  }

  get simulated(): boolean {
    return templateInfoOf(this._model).simulated;
  }

  get instanceType(): string | null {
    return templateInfoOf(this._model).instanceType;
  }

  get progress(): TutorialProgress {
    return this._progress;
  }

  get checks(): StepChecks {
    return this._checks;
  }

  get sessionContext(): ISessionContext {
    return this._panel.sessionContext;
  }

  get canRun(): boolean {
    return !!this._panel.sessionContext.session?.kernel;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  evidence(step: ITutorialStep): EvidenceView[] {
    const check = this._checks.checkOf(step);
    if (!check || step.missing) {
      return [];
    }
    return [
      evaluateEvidence(check, this._progress.evidence(step.id), {
        status: step.status,
        neuronOnly: step.neuronOnly,
        smoke: this.smoke,
        hasMonitor: this._monitor !== null
      })
    ];
  }

  liveCores(step: ITutorialStep): ILiveCores | null {
    const check = this._checks.checkOf(step);
    const snapshot = this._monitor?.snapshot;
    if (check?.kind !== 'cores' || step.status !== 'running' || !snapshot) {
      return null;
    }
    return coreReading(snapshot, this._kernelId());
  }

  diagnosis(step: ITutorialStep): IStepDiagnosis | null {
    if (step.status !== 'failed' || !step.error) {
      return null;
    }
    const cellId = step.error.cellId;
    const existing = this._diagnoses.get(step.id);
    if (existing && existing.cellId === cellId) {
      return existing;
    }
    // After a reload: the failed cell's saved outputs still hold the error.
    const cell = this._cellModel(cellId);
    if (!cell || cell.type !== 'code') {
      return null;
    }
    return this._diagnoses.forOutputs(
      step.id,
      cellId,
      (cell as ICodeCellModel).outputs.toJSON()
    );
  }

  get runOnNext(): boolean {
    return this._runOnNext?.get() ?? false;
  }

  setRunOnNext(value: boolean): void {
    this._runOnNext?.set(value);
  }

  get advancingFrom(): string | null {
    return this._advancingFrom;
  }

  get finishedStep(): ITutorialStep | null {
    return this._finishedId ? this._progress.step(this._finishedId) : null;
  }

  select(stepId: string): void {
    // Choosing a step by hand cancels a pending "move on after running".
    this._advancingFrom = null;
    this._finishedId = null;
    this._progress.select(stepId);
    this._scrollToCurrent();
  }

  async next(options: { run?: boolean } = {}): Promise<void> {
    const step = this._progress.current;
    if (!step || this._advancingFrom) {
      return;
    }
    this._finishedId = null;
    const run = options.run ?? this.runOnNext;
    let ran = false;
    if (run && needsRun(step)) {
      this._advancingFrom = step.id;
      this._emitChanged();
      try {
        await this.runStep(step.id);
      } catch (reason) {
        console.warn('jupyterlab-neuron: could not run the step', reason);
      }
      const after = this._progress.step(step.id);
      const still =
        this._advancingFrom === step.id &&
        this._progress.current?.id === step.id;
      if (this._advancingFrom === step.id) {
        // (Not when the user chose another step and its Next runs now.)
        this._advancingFrom = null;
      }
      if (this._isDisposed) {
        return;
      }
      if (!still || after?.status !== 'done') {
        // Failed (the diagnosis shows), cancelled, or the user moved away.
        this._emitChanged();
        return;
      }
      ran = true;
    }
    this._progress.next();
    const moved = this._progress.current?.id !== step.id;
    this._finishedId = ran && moved ? step.id : null;
    this._scrollToCurrent();
    this._requestSave();
    this._emitChanged();
  }

  async runStep(stepId: string): Promise<void> {
    const step = this._progress.step(stepId);
    if (!step || step.missing) {
      return;
    }
    const notebook = this._panel.content;
    const ids = new Set(step.cellIds);
    const cells = notebook.widgets.filter(cell => ids.has(cell.model.id));
    if (cells.length === 0) {
      return;
    }
    this._progress.select(stepId);
    this._scrollToCurrent();
    // Cells run before the notebook's session exists are reported as run
    // without running: wait for the kernel the notebook is starting.
    const context = this._panel.sessionContext;
    if (!context.isReady) {
      await context.ready;
    }
    if (this._isDisposed) {
      return;
    }
    await this._runCells(cells);
  }

  /**
   * The dialogs used when running cells needs a kernel.
   */
  set sessionDialogs(dialogs: ISessionContext.IDialogs | null) {
    this._sessionDialogs = dialogs;
  }

  /**
   * Turn the tutorial mode off: remove the highlight and record it.
   */
  stop(): void {
    if (this._isDisposed) {
      return;
    }
    this._progress.active = false;
    this._writeMetadata();
    // Saved now: dispose() below cancels any save still waiting.
    this._saveNow();
    this.dispose();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._cellsTimer) {
      clearTimeout(this._cellsTimer);
    }
    if (this._saveTimer) {
      clearTimeout(this._saveTimer);
    }
    this._clearHighlight();
    this._checks.dispose();
    this._diagnoses.dispose();
    NotebookActions.executionScheduled.disconnect(this._onScheduled, this);
    NotebookActions.executed.disconnect(this._onExecuted, this);
    this._i18n.changed.disconnect(this._onLanguageChanged, this);
    this._monitor?.snapshotChanged.disconnect(this._onSnapshot, this);
    Signal.clearData(this);
  }

  private get _model(): INotebookModel {
    return this._panel.content.model!;
  }

  private _kernelId(): string | null {
    return this._panel.sessionContext.session?.kernel?.id ?? null;
  }

  private _cellModel(id: string): ICellModel | null {
    const cells = this._model.cells;
    for (let i = 0; i < cells.length; i++) {
      if (cells.get(i).id === id) {
        return cells.get(i);
      }
    }
    return null;
  }

  private _scheduleCellsUpdate(): void {
    // Typing changes the content too: read the cells once it settles.
    if (this._cellsTimer) {
      clearTimeout(this._cellsTimer);
    }
    this._cellsTimer = setTimeout(() => {
      this._cellsTimer = null;
      if (!this._isDisposed) {
        this._progress.setCells(readCells(this._model));
      }
    }, CELLS_SETTLE_MS);
  }

  private _flushCells(): void {
    if (this._cellsTimer) {
      clearTimeout(this._cellsTimer);
      this._cellsTimer = null;
      this._progress.setCells(readCells(this._model));
    }
  }

  private _onScheduled(
    _: unknown,
    args: { notebook: Notebook; cell: { model: ICellModel } }
  ): void {
    if (args.notebook !== this._panel.content) {
      return;
    }
    this._flushCells();
    this._progress.cellScheduled(args.cell.model.id);
  }

  private _onExecuted(
    _: unknown,
    args: {
      notebook: Notebook;
      cell: { model: ICellModel };
      success: boolean;
      error?: { errorName?: string; errorValue?: string } | null;
    }
  ): void {
    if (args.notebook !== this._panel.content) {
      return;
    }
    this._flushCells();
    const model = args.cell.model;
    if (args.success) {
      if (
        model.type === 'code' &&
        (model as ICodeCellModel).executionCount === null &&
        model.sharedModel.getSource().trim() !== ''
      ) {
        // Reported as run, but no kernel ran it (there was none yet).
        this._progress.cellCancelled(model.id);
        return;
      }
      this._progress.cellExecuted(model.id, null);
      return;
    }
    const outputs =
      model.type === 'code'
        ? (model as ICodeCellModel).outputs.toJSON()
        : ([] as nbformat.IOutput[]);
    const errorOutput = errorOutputOf(outputs);
    if (!args.error?.errorName && !errorOutput) {
      // Aborted after an earlier cell failed: it did not run at all.
      this._progress.cellCancelled(model.id);
      return;
    }
    this._progress.cellExecuted(model.id, {
      ename: args.error?.errorName ?? errorOutput?.ename ?? '',
      evalue: args.error?.errorValue ?? errorOutput?.evalue ?? ''
    });
    const step = this._progress.stepOf(model.id);
    if (step) {
      this._diagnoses.request(step.id, model.id, errorTextOfOutputs(outputs));
    }
  }

  private _onKernelStatus(_: unknown, status: Kernel.Status): void {
    // Queued cells of a restarted or dead kernel never report back.
    if (
      status === 'restarting' ||
      status === 'autorestarting' ||
      status === 'dead' ||
      status === 'starting'
    ) {
      this._progress.clearRunning();
    }
    this._emitChanged();
  }

  private _onStatusChanged(
    _: TutorialProgress,
    change: { step: ITutorialStep }
  ): void {
    const status = change.step.status;
    if (status === 'done' || status === 'failed') {
      this._requestSave();
    }
  }

  private _onProgressChanged(): void {
    this._writeMetadata();
    this._applyHighlight();
    this._emitChanged();
  }

  private _onSnapshot(): void {
    const current = this._progress.current;
    if (current?.status === 'running' && this._checks.isWatching) {
      this._emitChanged();
    }
  }

  private _onLanguageChanged(): void {
    this._progress.setupTitle = this._i18n.trans.__('Parameters and setup');
    void this._loadStepInfo();
    this._diagnoses.refresh();
  }

  private async _loadStepInfo(): Promise<void> {
    const templateId = this.templateId;
    if (!templateId) {
      return;
    }
    const language = this._i18n.language;
    const template = await this._fetchStepInfo(
      templateId,
      this.parameters,
      language
    );
    if (this._isDisposed || language !== this._i18n.language) {
      return;
    }
    this._templateTitle = template?.title ?? null;
    this._progress.setStepInfo(template?.steps ?? null);
    this._emitChanged();
  }

  private _writeMetadata(): void {
    if (this._isDisposed || !this._model) {
      return;
    }
    writeTutorialMetadata(this._model, this._progress.toJSON());
  }

  private _requestSave(): void {
    if (!this._save || this._isDisposed) {
      return;
    }
    if (this._saveTimer) {
      clearTimeout(this._saveTimer);
    }
    this._saveTimer = setTimeout(() => {
      this._saveTimer = null;
      this._saveNow();
    }, SAVE_DELAY_MS);
  }

  private _saveNow(): void {
    if (this._saveTimer) {
      clearTimeout(this._saveTimer);
      this._saveTimer = null;
    }
    this._save?.(this._panel).catch(reason => {
      // The progress stays in the (unsaved) notebook; autosave may still keep it.
      console.warn('jupyterlab-neuron: could not save the notebook', reason);
    });
  }

  private _applyHighlight(): void {
    const current = this._progress.current;
    const ids = new Set(current?.cellIds ?? []);
    const failed = current?.status === 'failed';
    for (const cell of this._panel.content.widgets) {
      const mine = ids.has(cell.model.id);
      cell.toggleClass(CURRENT_STEP_CELL_CLASS, mine);
      cell.toggleClass(FAILED_STEP_CELL_CLASS, mine && failed);
    }
  }

  private _clearHighlight(): void {
    for (const cell of this._panel.content.widgets) {
      cell.removeClass(CURRENT_STEP_CELL_CLASS);
      cell.removeClass(FAILED_STEP_CELL_CLASS);
    }
  }

  private _scrollToCurrent(): void {
    const current = this._progress.current;
    if (!current || current.missing) {
      return;
    }
    const notebook = this._panel.content;
    const index = notebook.widgets.findIndex(
      cell => cell.model.id === current.cellIds[0]
    );
    if (index < 0) {
      return;
    }
    notebook.activeCellIndex = index;
    void notebook.scrollToCell(notebook.widgets[index], 'start');
  }

  private _emitChanged(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _panel: NotebookPanel;
  private _i18n: INeuronI18n;
  private _monitor: INeuronMonitor | null;
  private _fetchStepInfo: NotebookTutorial.StepInfoFetcher;
  private _save: ((panel: NotebookPanel) => Promise<void>) | null;
  private _sessionDialogs: ISessionContext.IDialogs | null = null;
  private _runOnNext: NotebookTutorial.IRunOnNext | null;
  private _runCells: (cells: readonly Cell[]) => Promise<unknown>;
  private _advancingFrom: string | null = null;
  private _finishedId: string | null = null;
  private _progress: TutorialProgress;
  private _checks: StepChecks;
  private _templateTitle: string | null = null;
  private _diagnoses: StepDiagnoses;
  private _cellsTimer: ReturnType<typeof setTimeout> | null = null;
  private _saveTimer: ReturnType<typeof setTimeout> | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `NotebookTutorial` statics.
 */
export namespace NotebookTutorial {
  /**
   * What a template says of itself and its steps, in one language.
   */
  export interface ITemplateInfo {
    title: string;
    steps: ITutorialStepInfo[];
  }

  /**
   * Fetch a template's step info (`null` when it cannot be had).
   */
  export type StepInfoFetcher = (
    templateId: string,
    parameters: Record<string, unknown>,
    language: INeuronI18n['language']
  ) => Promise<ITemplateInfo | null>;

  /**
   * Construction options.
   */
  export interface IOptions {
    /** The notebook (its context must be ready). */
    panel: NotebookPanel;
    i18n: INeuronI18n;
    /** The error catalogue's client (`DiagnoseClient`). */
    diagnoseClient: StepDiagnoses.IClient;
    /** The live monitor, when installed. */
    monitor: INeuronMonitor | null;
    /** The services of the step checks of this notebook. */
    checkServices: (tutorial: NotebookTutorial) => ICheckServices;
    fetchStepInfo: StepInfoFetcher;
    /** Save the notebook (progress survives a reload); none: never saved. */
    save?: ((panel: NotebookPanel) => Promise<void>) | null;
    /** The "Next runs the step first" preference; none: Next only moves. */
    runOnNext?: IRunOnNext | null;
    /**
     * Run cells of the notebook in its kernel (resolves when they ran);
     * default: `NotebookActions.runCells`, which asks for a kernel if needed.
     */
    runCells?: (cells: readonly Cell[]) => Promise<unknown>;
  }

  /**
   * The user's "Next runs the step first" preference.
   */
  export interface IRunOnNext {
    get(): boolean;
    set(value: boolean): void;
  }
}

/**
 * Whether "Next" has to run a step before moving on: it has code cells and
 * they have not all run without error (and are not running now).
 */
export function needsRun(step: ITutorialStep): boolean {
  return (
    !step.missing &&
    step.codeCellIds.length > 0 &&
    step.status !== 'done' &&
    step.status !== 'running'
  );
}

/** Wait after the last edit before reading the cells again. */
const CELLS_SETTLE_MS = 250;

/** Wait after the last progress change before saving the notebook. */
const SAVE_DELAY_MS = 800;
