/**
 * What jupyterlab-neuron keeps in a notebook's metadata, read defensively
 * and written back only when it changed.
 *
 * - Cells: `metadata.jupyterlab_neuron.step` / `.role`, written by template
 *   rendering (docs/templates-api.md); they make the tutorial's steps.
 * - The notebook: `metadata.jupyterlab_neuron` holds the template id, its
 *   parameters and the environment it was made for (written by template
 *   rendering), and `tutorial`, the tutorial's progress (written here).
 *
 * Anything of the wrong shape is dropped, never trusted: a notebook is a
 * file anyone can edit.
 */

import type { ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { JSONObject, PartialJSONObject } from '@lumino/coreutils';

import { METADATA_KEY } from '../tokens';
import type {
  CellRunResult,
  IStepError,
  ITutorialCell,
  TutorialStepStatus
} from './progress';

/**
 * What `metadata.jupyterlab_neuron.tutorial` holds.
 */
export interface ITutorialMetadata {
  /** The format of this object. */
  version: 1;
  /** Whether the tutorial mode is on for the notebook. */
  active: boolean;
  /** The step the guide shows. */
  current: string | null;
  /** Per step id. */
  steps: Record<string, IStoredStep>;
}

/**
 * What is kept of one step.
 */
export interface IStoredStep {
  /** The status when it was saved (recomputed from `cells` on load). */
  status: TutorialStepStatus;
  /** Cell id -> outcome of its last run. */
  cells: Record<string, CellRunResult>;
  /** The step's cells when last seen, to tell when they were deleted. */
  seen: string[];
  /** The title when last seen, to name a step whose cells are gone. */
  title: string | null;
  finished_at: string | null;
  error: IStepError | null;
  /** Cells of the step deleted since (net of cells added to it). */
  removed: string[];
  /** Whether the user moved past a step without code cells. */
  visited: boolean;
  /** What the step checks collected (owned by the checks). */
  evidence: PartialJSONObject;
}

/**
 * Read `metadata.jupyterlab_neuron.tutorial` defensively: anything of the
 * wrong shape is dropped, never trusted.
 */
export function parseTutorialMetadata(value: unknown): ITutorialMetadata {
  const result: ITutorialMetadata = {
    version: 1,
    active: false,
    current: null,
    steps: {}
  };
  if (!isObject(value)) {
    return result;
  }
  result.active = value.active === true;
  result.current = typeof value.current === 'string' ? value.current : null;
  if (isObject(value.steps)) {
    for (const [id, raw] of Object.entries(value.steps)) {
      if (isObject(raw)) {
        result.steps[id] = parseStoredStep(raw);
      }
    }
  }
  return result;
}

function parseStoredStep(raw: Record<string, unknown>): IStoredStep {
  const cells: Record<string, CellRunResult> = {};
  if (isObject(raw.cells)) {
    for (const [id, outcome] of Object.entries(raw.cells)) {
      if (outcome === 'ok' || outcome === 'error') {
        cells[id] = outcome;
      }
    }
  }
  const error =
    isObject(raw.error) &&
    typeof raw.error.cellId === 'string' &&
    typeof raw.error.ename === 'string' &&
    typeof raw.error.evalue === 'string'
      ? {
          cellId: raw.error.cellId,
          ename: raw.error.ename,
          evalue: raw.error.evalue
        }
      : null;
  return {
    status: isStatus(raw.status) ? raw.status : 'not-started',
    cells,
    seen: Array.isArray(raw.seen)
      ? raw.seen.filter((id): id is string => typeof id === 'string')
      : [],
    title: typeof raw.title === 'string' ? raw.title : null,
    removed: Array.isArray(raw.removed)
      ? raw.removed.filter((id): id is string => typeof id === 'string')
      : [],
    finished_at: typeof raw.finished_at === 'string' ? raw.finished_at : null,
    error,
    visited: raw.visited === true,
    evidence: isObject(raw.evidence)
      ? (JSON.parse(JSON.stringify(raw.evidence)) as PartialJSONObject)
      : {}
  };
}

/**
 * Read a cell's step metadata (`metadata.jupyterlab_neuron`).
 */
export function stepMetadataOf(metadata: unknown): {
  step: string | null;
  role: string | null;
} {
  const ours = isObject(metadata) ? metadata[METADATA_KEY] : null;
  if (!isObject(ours)) {
    return { step: null, role: null };
  }
  return {
    step: typeof ours.step === 'string' && ours.step ? ours.step : null,
    role: typeof ours.role === 'string' ? ours.role : null
  };
}

/**
 * The notebook-level `metadata.jupyterlab_neuron` (an empty object when it
 * is missing or not an object).
 */
export function notebookMetadataOf(
  model: INotebookModel | null
): Record<string, unknown> {
  const value = model?.getMetadata(METADATA_KEY);
  return isObject(value) ? value : {};
}

/**
 * What template rendering recorded of a notebook: the template, its
 * parameters and the environment the notebook was made for.
 */
export interface INotebookTemplateInfo {
  /** The template id, when the notebook was made from one. */
  templateId: string | null;
  /** The template parameters the notebook was made with. */
  parameters: Record<string, unknown>;
  /** Whether it was made on a simulated instance. */
  simulated: boolean;
  /** The instance type it was made for, when known. */
  instanceType: string | null;
}

/**
 * Read what template rendering recorded in a notebook's metadata.
 */
export function templateInfoOf(
  model: INotebookModel | null
): INotebookTemplateInfo {
  const ours = notebookMetadataOf(model);
  const environment = isObject(ours.environment) ? ours.environment : {};
  return {
    templateId: typeof ours.template === 'string' ? ours.template : null,
    parameters: isObject(ours.parameters) ? ours.parameters : {},
    simulated: environment.simulated === true,
    instanceType:
      typeof environment.instance_type === 'string'
        ? environment.instance_type
        : null
  };
}

/**
 * The tutorial progress stored in a notebook (an empty, inactive one when
 * there is none).
 */
export function storedTutorialOf(
  model: INotebookModel | null
): ITutorialMetadata {
  return parseTutorialMetadata(notebookMetadataOf(model).tutorial);
}

/**
 * Store the tutorial progress in a notebook's metadata, beside what
 * template rendering wrote there. Nothing is written (and the notebook is
 * not made dirty) when it holds that progress already.
 *
 * @returns whether the metadata changed
 */
export function writeTutorialMetadata(
  model: INotebookModel,
  tutorial: ITutorialMetadata
): boolean {
  const ours = notebookMetadataOf(model);
  if (JSON.stringify(ours.tutorial) === JSON.stringify(tutorial)) {
    return false;
  }
  model.setMetadata(METADATA_KEY, {
    ...ours,
    tutorial: tutorial as unknown as JSONObject
  } as JSONObject);
  return true;
}

/**
 * Whether a notebook was made from a template: its metadata names one, or
 * one of its cells has step metadata.
 */
export function isTemplateNotebook(model: INotebookModel | null): boolean {
  if (!model) {
    return false;
  }
  if (templateInfoOf(model).templateId !== null) {
    return true;
  }
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (
      stepMetadataOf({ [METADATA_KEY]: cell.getMetadata(METADATA_KEY) }).step
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Read the cells of a notebook model for the progress model.
 */
export function readCells(model: INotebookModel): ITutorialCell[] {
  const cells: ITutorialCell[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    const { step, role } = stepMetadataOf({
      [METADATA_KEY]: cell.getMetadata(METADATA_KEY)
    });
    const isCode = cell.type === 'code';
    const outputs = isCode ? (cell as ICodeCellModel).outputs : null;
    let hasError = false;
    if (outputs) {
      for (let j = 0; j < outputs.length; j++) {
        if (outputs.get(j).type === 'error') {
          hasError = true;
          break;
        }
      }
    }
    cells.push({
      id: cell.id,
      type:
        cell.type === 'code' || cell.type === 'markdown' ? cell.type : 'raw',
      step,
      role,
      source: cell.type === 'markdown' ? cell.sharedModel.getSource() : '',
      executionCount: isCode
        ? ((cell as ICodeCellModel).executionCount ?? null)
        : null,
      hasError
    });
  }
  return cells;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStatus(value: unknown): value is TutorialStepStatus {
  return (
    value === 'not-started' ||
    value === 'running' ||
    value === 'done' ||
    value === 'failed'
  );
}
