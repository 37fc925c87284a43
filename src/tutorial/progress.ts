/**
 * The progress of a notebook in tutorial mode, computed from its cells alone:
 * no DOM, no JupyterLab widgets, so every rule here is unit-tested.
 *
 * Steps come from the cells' `metadata.jupyterlab_neuron.step` (written by
 * template rendering). A notebook without that metadata is split at its
 * Markdown headings instead, so the tutorial mode works on any notebook.
 * Progress (which cells ran, with what result, the current step and the
 * evidence of the checks) is kept in `metadata.jupyterlab_neuron.tutorial`
 * (read and written by `metadata.ts`) and survives edits: cells are followed
 * by id, steps by their step id.
 */

import type {
  PartialJSONObject,
  ReadonlyPartialJSONObject
} from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IStoredStep,
  ITutorialMetadata,
  parseTutorialMetadata
} from './metadata';

/**
 * The step id of the cells a whole-template rendering puts before the first
 * step (title, parameters, helpers bootstrap).
 */
export const SETUP_STEP = 'setup';

/**
 * What the guide says of a step.
 *
 * - `not-started`: not every code cell has run yet (see `cellsRun`).
 * - `running`: a code cell of the step is queued or running.
 * - `done`: every code cell ran without error.
 * - `failed`: the last run of one of its cells ended with an error.
 */
export type TutorialStepStatus = 'not-started' | 'running' | 'done' | 'failed';

/**
 * The outcome of the last run of a cell.
 */
export type CellRunResult = 'ok' | 'error';

/**
 * One cell, as the progress model needs it.
 */
export interface ITutorialCell {
  /** The cell id (nbformat 4.5). */
  id: string;
  type: 'code' | 'markdown' | 'raw';
  /** `metadata.jupyterlab_neuron.step`, if any. */
  step: string | null;
  /** `metadata.jupyterlab_neuron.role`, if any. */
  role: string | null;
  /** The source; read for the headings of Markdown cells. */
  source: string;
  /** The execution count of a code cell (`null`: never ran in this file). */
  executionCount: number | null;
  /** Whether the cell's outputs hold an error. */
  hasError: boolean;
}

/**
 * What the template says of a step (from `GET templates/<id>`), when known.
 */
export interface ITutorialStepInfo {
  id: string;
  /** The step number in the template (1-based). */
  number?: number;
  title: string;
  /** Markdown. */
  explanation?: string;
  /** Instance type -> expected minutes. */
  durationMinutes?: Record<string, number>;
  /** Whether the step needs Neuron hardware (skipped in CPU smoke mode). */
  neuronOnly?: boolean;
}

/**
 * The error of the last failed run of a step.
 */
export interface IStepError {
  cellId: string;
  ename: string;
  evalue: string;
}

/**
 * One step of the guide.
 */
export interface ITutorialStep {
  id: string;
  /** The step number (the template's, else the position; 0 for setup). */
  number: number;
  /** The title (template, else the step's first heading, else the id). */
  title: string;
  /** The explanation (Markdown), when known. */
  explanation: string | null;
  /** Instance type -> expected minutes (empty when unknown). */
  durationMinutes: Record<string, number>;
  neuronOnly: boolean;
  /** Every cell of the step, in notebook order. */
  cellIds: string[];
  /** Its code cells, in notebook order (what "run the step" runs). */
  codeCellIds: string[];
  /** Cells without step metadata that sit between cells of the step. */
  addedCellIds: string[];
  /** Index of the step's first cell in the notebook, -1 when missing. */
  firstIndex: number;
  /** True when none of the step's cells is in the notebook any more. */
  missing: boolean;
  /** Ids of the step's cells last seen that are no longer in the notebook. */
  removedCellIds: string[];
  status: TutorialStepStatus;
  /** Code cells whose last run succeeded. */
  cellsRun: number;
  /** The last error, when `status` is `failed`. */
  error: IStepError | null;
  /** When the step was last completed (ISO 8601), if it was. */
  finishedAt: string | null;
}

/**
 * The progress of one notebook in tutorial mode.
 *
 * Feed it the cells (`setCells`) whenever they change, the template's step
 * list when it arrives (`setStepInfo`) and the execution events; read
 * `steps` and `current`; store `toJSON()` in the notebook metadata.
 */
export class TutorialProgress {
  constructor(options: TutorialProgress.IOptions = {}) {
    this._stored = parseTutorialMetadata(options.metadata);
    this._now = options.now ?? (() => new Date());
    this._info = new Map((options.stepInfo ?? []).map(info => [info.id, info]));
    this._infoOrder = (options.stepInfo ?? []).map(info => info.id);
    this._setupTitle = options.setupTitle ?? 'Setup';
    if (options.cells) {
      this._cells = options.cells.slice();
      this._seedFromOutputs();
      this._recompute();
    }
  }

  /**
   * The steps, in the order the guide shows them.
   */
  get steps(): ReadonlyArray<ITutorialStep> {
    return this._steps;
  }

  /**
   * The step the guide shows (`null` for a notebook without steps).
   */
  get current(): ITutorialStep | null {
    return this._steps.find(step => step.id === this._currentId) ?? null;
  }

  /**
   * Whether the steps come from template metadata (else from headings).
   */
  get fromTemplate(): boolean {
    return this._fromTemplate;
  }

  /**
   * Whether the tutorial mode is on.
   */
  get active(): boolean {
    return this._stored.active;
  }
  set active(value: boolean) {
    if (this._stored.active !== value) {
      this._stored.active = value;
      this._changed.emit();
    }
  }

  /**
   * How many steps are done (missing steps are not counted).
   */
  get doneCount(): number {
    return this._steps.filter(step => !step.missing && step.status === 'done')
      .length;
  }

  /**
   * Whether every step still in the notebook is done (and there is one).
   */
  get allDone(): boolean {
    const counted = this._steps.filter(step => !step.missing);
    return counted.length > 0 && counted.every(step => step.status === 'done');
  }

  /**
   * Emitted after any change of the steps, their status or the current step.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted with the step and its new status when a step's status changes
   * (also for `running`), so checks can start and finish.
   */
  get statusChanged(): ISignal<
    this,
    { step: ITutorialStep; previous: TutorialStepStatus }
  > {
    return this._statusChanged;
  }

  /**
   * The notebook's cells changed (added, removed, moved, edited metadata).
   */
  setCells(cells: ReadonlyArray<ITutorialCell>): void {
    const first = this._cells.length === 0 && !this._seeded;
    this._cells = cells.slice();
    if (first) {
      this._seedFromOutputs();
    }
    this._recompute();
  }

  /**
   * What the template says of its steps (titles, explanations, durations);
   * `null` when the template is not known to the server.
   */
  setStepInfo(info: ReadonlyArray<ITutorialStepInfo> | null): void {
    this._info = new Map((info ?? []).map(step => [step.id, step]));
    this._infoOrder = (info ?? []).map(step => step.id);
    this._recompute();
  }

  /**
   * The title of the setup step (translated by the caller).
   */
  set setupTitle(title: string) {
    if (title !== this._setupTitle) {
      this._setupTitle = title;
      this._recompute();
    }
  }

  /**
   * The step a cell belongs to, if any.
   */
  stepOf(cellId: string): ITutorialStep | null {
    return this._steps.find(step => step.cellIds.includes(cellId)) ?? null;
  }

  /**
   * A step by id.
   */
  step(id: string): ITutorialStep | null {
    return this._steps.find(step => step.id === id) ?? null;
  }

  /**
   * A cell was queued for execution.
   */
  cellScheduled(cellId: string): void {
    this._running.add(cellId);
    this._recompute();
  }

  /**
   * A cell finished running (`error` is set when it failed).
   */
  cellExecuted(cellId: string, error: Omit<IStepError, 'cellId'> | null): void {
    this._running.delete(cellId);
    const step = this._stepIdOfCell(cellId);
    if (step) {
      const stored = this._storedStep(step);
      stored.cells[cellId] = error ? 'error' : 'ok';
      stored.error = error ? { cellId, ...error } : stored.error;
    }
    this._recompute();
  }

  /**
   * A queued cell will not run (the kernel was interrupted or restarted).
   */
  cellCancelled(cellId: string): void {
    if (this._running.delete(cellId)) {
      this._recompute();
    }
  }

  /**
   * Forget every queued cell (the kernel restarted or died).
   */
  clearRunning(): void {
    if (this._running.size > 0) {
      this._running.clear();
      this._recompute();
    }
  }

  /**
   * Show a step.
   */
  select(stepId: string): void {
    if (this._currentId !== stepId && this.step(stepId)) {
      this._currentId = stepId;
      this._stored.current = stepId;
      this._changed.emit();
    }
  }

  /**
   * Move on to the step after the current one. A step without code cells
   * counts as done once the user moves past it. Returns the new current step
   * (the same one at the end).
   */
  next(): ITutorialStep | null {
    const current = this.current;
    if (!current) {
      return null;
    }
    if (current.codeCellIds.length === 0 && !current.missing) {
      this._storedStep(current.id).visited = true;
    }
    const index = this._steps.indexOf(current);
    const following = this._steps[index + 1] ?? current;
    this._currentId = following.id;
    this._stored.current = following.id;
    this._recompute(true);
    return this.current;
  }

  /**
   * The evidence the checks stored for a step.
   */
  evidence(stepId: string): ReadonlyPartialJSONObject {
    return this._stored.steps[stepId]?.evidence ?? {};
  }

  /**
   * Store evidence for a step (saved with the progress).
   */
  setEvidence(
    stepId: string,
    key: string,
    value: PartialJSONObject | null
  ): void {
    const stored = this._storedStep(stepId);
    if (value === null) {
      delete stored.evidence[key];
    } else {
      stored.evidence[key] = value;
    }
    this._changed.emit();
  }

  /**
   * What to store in `metadata.jupyterlab_neuron.tutorial`.
   */
  toJSON(): ITutorialMetadata {
    // Only steps with something worth keeping; deep copies, so later changes
    // never alias what was written into the notebook model.
    const steps: Record<string, IStoredStep> = {};
    for (const [id, stored] of Object.entries(this._stored.steps)) {
      steps[id] = JSON.parse(JSON.stringify(stored)) as IStoredStep;
    }
    return {
      version: 1,
      active: this._stored.active,
      current: this._currentId,
      steps
    };
  }

  /**
   * Code cells ran before the tutorial mode was first turned on: count the
   * outputs saved in the notebook, so turning it on later loses nothing.
   */
  private _seedFromOutputs(): void {
    this._seeded = true;
    if (Object.keys(this._stored.steps).length > 0) {
      return;
    }
    const grouping = this._group();
    for (const [stepId, cells] of grouping.groups) {
      for (const cell of cells) {
        if (cell.type !== 'code' || cell.executionCount === null) {
          continue;
        }
        this._storedStep(stepId).cells[cell.id] = cell.hasError
          ? 'error'
          : 'ok';
      }
    }
  }

  private _storedStep(stepId: string): IStoredStep {
    let stored = this._stored.steps[stepId];
    if (!stored) {
      stored = {
        status: 'not-started',
        cells: {},
        seen: [],
        title: null,
        removed: [],
        finished_at: null,
        error: null,
        visited: false,
        evidence: {}
      };
      this._stored.steps[stepId] = stored;
    }
    return stored;
  }

  private _stepIdOfCell(cellId: string): string | null {
    for (const [stepId, cells] of this._group().groups) {
      if (cells.some(cell => cell.id === cellId)) {
        return stepId;
      }
    }
    return null;
  }

  /**
   * Group the cells into steps: by step metadata when any cell has it, else
   * at the Markdown headings.
   */
  private _group(): IGrouping {
    const cells = this._cells;
    const groups = new Map<string, ITutorialCell[]>();
    const added = new Map<string, string[]>();
    const headings = new Map<string, string>();
    const byMetadata = cells.some(cell => cell.step !== null);

    if (byMetadata) {
      // Unlabelled cells between two cells of the same step belong to it
      // (the user added them there); elsewhere they belong to no step.
      const labelled = cells.map(cell => cell.step);
      cells.forEach((cell, index) => {
        let step = cell.step;
        let isAdded = false;
        if (step === null) {
          const before = previousLabel(labelled, index);
          const after = nextLabel(labelled, index);
          if (before !== null && before === after) {
            step = before;
            isAdded = true;
          }
        }
        if (step === null) {
          return;
        }
        push(groups, step, cell);
        if (isAdded) {
          pushId(added, step, cell.id);
        }
        if (cell.type === 'markdown' && !headings.has(step)) {
          const heading = firstHeading(cell.source);
          if (heading) {
            headings.set(step, heading);
          }
        }
      });
    } else {
      let step: string | null = null;
      for (const cell of cells) {
        const heading =
          cell.type === 'markdown' ? firstHeading(cell.source) : null;
        if (heading !== null) {
          step = `cell:${cell.id}`;
          headings.set(step, heading);
        }
        if (step !== null) {
          push(groups, step, cell);
        }
      }
      if (step === null && cells.length > 0) {
        // No heading at all: the whole notebook is one step.
        for (const cell of cells) {
          push(groups, NOTEBOOK_STEP, cell);
        }
      }
    }
    return { groups, added, headings, byMetadata };
  }

  /**
   * Recompute the steps from the cells, the template info and the stored
   * progress; emit what changed.
   */
  private _recompute(forceEmit = false): void {
    const { groups, added, headings, byMetadata } = this._group();
    this._fromTemplate = byMetadata;
    const index = new Map(this._cells.map((cell, i) => [cell.id, i]));
    const present: ITutorialStep[] = [];

    for (const [id, cells] of groups) {
      const cellIds = cells.map(cell => cell.id);
      const stored = this._trackRemovals(id, cellIds, index);
      const codeCellIds = cells
        .filter(cell => cell.type === 'code')
        .map(cell => cell.id);
      present.push(
        this._makeStep({
          id,
          info: this._info.get(id),
          heading: headings.get(id) ?? null,
          stored,
          cellIds,
          codeCellIds,
          addedCellIds: added.get(id) ?? [],
          firstIndex: index.get(cellIds[0]) ?? -1,
          removedCellIds: stored.removed.slice()
        })
      );
    }
    present.sort((a, b) => a.firstIndex - b.firstIndex);

    // Steps the template (or the saved progress) knows but whose cells are
    // all gone: shown in their template position, marked missing.
    const knownIds = new Set(present.map(step => step.id));
    const missingIds = [
      ...this._infoOrder,
      ...Object.keys(this._stored.steps).filter(
        id => this._stored.steps[id].seen.length > 0
      )
    ].filter(
      (id, i, all) =>
        !knownIds.has(id) &&
        all.indexOf(id) === i &&
        // Only for template notebooks: heading steps are ids of cells.
        byMetadata
    );
    const steps = present.slice();
    for (const id of missingIds) {
      const stored = this._stored.steps[id];
      const step = this._makeStep({
        id,
        info: this._info.get(id),
        heading: stored?.title ?? null,
        stored,
        cellIds: [],
        codeCellIds: [],
        addedCellIds: [],
        firstIndex: -1,
        removedCellIds: stored?.seen ?? []
      });
      const position = this._infoOrder.indexOf(id);
      // After the last shown step that comes earlier in the template.
      let insertAt = 0;
      steps.forEach((other, i) => {
        const otherPosition = this._infoOrder.indexOf(other.id);
        if (
          other.id === SETUP_STEP ||
          (otherPosition !== -1 && position !== -1 && otherPosition < position)
        ) {
          insertAt = i + 1;
        }
      });
      if (position === -1) {
        insertAt = steps.length;
      }
      steps.splice(insertAt, 0, step);
    }

    for (const step of present) {
      const stored = this._storedStep(step.id);
      stored.title = step.title;
      stored.status = step.status;
    }

    const previousCurrent = this._currentId;
    if (
      this._currentId === null ||
      !steps.some(s => s.id === this._currentId)
    ) {
      const wanted = this._stored.current;
      const chosen =
        (wanted && steps.find(step => step.id === wanted)) ||
        steps.find(step => !step.missing && step.status !== 'done') ||
        steps[0] ||
        null;
      this._currentId = chosen ? chosen.id : null;
    }

    const previous = new Map(this._steps.map(step => [step.id, step.status]));
    const changed =
      forceEmit ||
      previousCurrent !== this._currentId ||
      !sameSteps(this._steps, steps);
    this._steps = steps;
    for (const step of steps) {
      const before = previous.get(step.id);
      if (before !== undefined && before !== step.status) {
        const stored = this._storedStep(step.id);
        if (step.status === 'done') {
          stored.finished_at = this._now().toISOString();
        }
        step.finishedAt = stored.finished_at;
        this._statusChanged.emit({ step, previous: before });
      }
    }
    if (changed) {
      this._changed.emit();
    }
  }

  /**
   * Remember a step's cells and tell which were deleted since last seen.
   * Cut and paste gives cells new ids: new cells of the step make up for as
   * many deleted ones, so a moved step is not reported as damaged.
   */
  private _trackRemovals(
    stepId: string,
    cellIds: string[],
    index: Map<string, number>
  ): IStoredStep {
    const stored = this._storedStep(stepId);
    const seen = new Set(stored.seen);
    const gone = stored.seen.filter(cellId => !index.has(cellId));
    const fresh = seen.size
      ? cellIds.filter(cellId => !seen.has(cellId)).length
      : 0;
    const removed = stored.removed.filter(cellId => !index.has(cellId));
    for (const cellId of gone) {
      if (!removed.includes(cellId)) {
        removed.push(cellId);
      }
    }
    removed.splice(0, fresh);
    stored.removed = removed;
    stored.seen = cellIds.slice();
    return stored;
  }

  private _makeStep(parts: {
    id: string;
    info: ITutorialStepInfo | undefined;
    heading: string | null;
    stored: IStoredStep | undefined;
    cellIds: string[];
    codeCellIds: string[];
    addedCellIds: string[];
    firstIndex: number;
    removedCellIds: string[];
  }): ITutorialStep {
    const { id, info, stored, codeCellIds } = parts;
    const results = stored?.cells ?? {};
    const cellsRun = codeCellIds.filter(
      cellId => results[cellId] === 'ok'
    ).length;
    const missing = parts.cellIds.length === 0;
    let status: TutorialStepStatus;
    if (codeCellIds.some(cellId => this._running.has(cellId))) {
      status = 'running';
    } else if (codeCellIds.some(cellId => results[cellId] === 'error')) {
      status = 'failed';
    } else if (missing) {
      status = stored?.status === 'done' ? 'done' : 'not-started';
    } else if (codeCellIds.length === 0) {
      status = stored?.visited ? 'done' : 'not-started';
    } else {
      // Cells the user added count only when they failed (above).
      const required = codeCellIds.filter(
        cellId => !parts.addedCellIds.includes(cellId)
      );
      const allRan = (required.length > 0 ? required : codeCellIds).every(
        cellId => results[cellId] === 'ok'
      );
      status = allRan ? 'done' : 'not-started';
    }
    const error =
      status === 'failed' && stored?.error && results[stored.error.cellId]
        ? stored.error
        : status === 'failed'
          ? {
              cellId:
                codeCellIds.find(cellId => results[cellId] === 'error') ?? '',
              ename: '',
              evalue: ''
            }
          : null;
    const title =
      id === SETUP_STEP
        ? this._setupTitle
        : (info?.title ?? parts.heading ?? stored?.title ?? id);
    const number =
      id === SETUP_STEP
        ? 0
        : (info?.number ??
          (this._infoOrder.indexOf(id) >= 0
            ? this._infoOrder.indexOf(id) + 1
            : -1));
    return {
      id,
      number,
      title,
      explanation: info?.explanation ?? null,
      durationMinutes: { ...(info?.durationMinutes ?? {}) },
      neuronOnly: info?.neuronOnly ?? false,
      cellIds: parts.cellIds,
      codeCellIds,
      addedCellIds: parts.addedCellIds,
      firstIndex: parts.firstIndex,
      missing,
      removedCellIds: parts.removedCellIds,
      status,
      cellsRun,
      error,
      finishedAt: stored?.finished_at ?? null
    };
  }

  private _stored: ITutorialMetadata;
  private _now: () => Date;
  private _info: Map<string, ITutorialStepInfo>;
  private _infoOrder: string[];
  private _setupTitle: string;
  private _cells: ITutorialCell[] = [];
  private _seeded = false;
  private _steps: ITutorialStep[] = [];
  private _currentId: string | null = null;
  private _fromTemplate = false;
  private _running = new Set<string>();
  private _changed = new Signal<this, void>(this);
  private _statusChanged = new Signal<
    this,
    { step: ITutorialStep; previous: TutorialStepStatus }
  >(this);
}

/**
 * The namespace for `TutorialProgress` statics.
 */
export namespace TutorialProgress {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The cells of the notebook. */
    cells?: ReadonlyArray<ITutorialCell>;
    /** `metadata.jupyterlab_neuron.tutorial` as read from the notebook. */
    metadata?: unknown;
    /** The template's steps, when known. */
    stepInfo?: ReadonlyArray<ITutorialStepInfo>;
    /** The (translated) title of the setup step. */
    setupTitle?: string;
    /** The clock (tests fix it). */
    now?: () => Date;
  }
}

/**
 * The step id of a notebook without step metadata and without headings.
 */
export const NOTEBOOK_STEP = 'notebook';

interface IGrouping {
  groups: Map<string, ITutorialCell[]>;
  added: Map<string, string[]>;
  headings: Map<string, string>;
  byMetadata: boolean;
}

/**
 * The text of the first Markdown heading of a cell (ATX `#` headings), with
 * a leading step number ("5. ") removed.
 */
export function firstHeading(source: string): string | null {
  for (const line of source.split('\n')) {
    const match = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (match) {
      return match[1].replace(/^\d+\.\s+/, '').trim() || null;
    }
  }
  return null;
}

function previousLabel(
  labels: (string | null)[],
  index: number
): string | null {
  for (let i = index - 1; i >= 0; i--) {
    if (labels[i] !== null) {
      return labels[i];
    }
  }
  return null;
}

function nextLabel(labels: (string | null)[], index: number): string | null {
  for (let i = index + 1; i < labels.length; i++) {
    if (labels[i] !== null) {
      return labels[i];
    }
  }
  return null;
}

function push(
  groups: Map<string, ITutorialCell[]>,
  key: string,
  cell: ITutorialCell
): void {
  const list = groups.get(key);
  if (list) {
    list.push(cell);
  } else {
    groups.set(key, [cell]);
  }
}

function pushId(map: Map<string, string[]>, key: string, id: string): void {
  const list = map.get(key);
  if (list) {
    list.push(id);
  } else {
    map.set(key, [id]);
  }
}

function sameSteps(a: ITutorialStep[], b: ITutorialStep[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
