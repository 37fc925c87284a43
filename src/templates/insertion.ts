/**
 * Inserting rendered template cells into a notebook: where, and as one
 * undoable operation.
 */

import type { INotebookModel } from '@jupyterlab/notebook';

import { METADATA_KEY } from '../tokens';
import type * as TemplatesAPI from '../api/templates';

/**
 * The shared (Yjs) model of a notebook.
 */
export type SharedNotebook = INotebookModel['sharedModel'];

/**
 * A cell as `SharedNotebook.insertCells` takes it.
 */
export type SharedCellData = Parameters<SharedNotebook['insertCells']>[1][0];

/**
 * The part of a notebook widget insertion needs (a `Notebook` has it).
 */
export interface IInsertionTarget {
  /** The notebook's model, `null` before it is loaded. */
  readonly model: INotebookModel | null;
  /** The index of the active cell, `-1` when there is none. */
  activeCellIndex: number;
  /** Unselect every cell (the active cell stays active). */
  deselectAll(): void;
}

/**
 * What an insertion did.
 */
export interface IInsertionResult {
  /** The index of the first inserted cell. */
  index: number;
  /** How many cells were inserted. */
  count: number;
  /** Whether the notebook's only, empty cell was replaced. */
  replacedBlankCell: boolean;
  /** Whether the notebook-level metadata was written. */
  wroteNotebookMetadata: boolean;
}

/**
 * Options of {@link insertCellsAsOneOperation}.
 */
export interface IInsertionOptions {
  /**
   * Replace the notebook's only cell when it is empty (in the same
   * transaction: undo brings it back).
   */
  replaceBlankCell?: boolean;
  /**
   * The notebook-level `metadata.jupyterlab_neuron` of a whole template
   * (template, language, parameter values). Written only when the notebook
   * has none: a notebook keeps the template it was first made from. The
   * tutorial mode reads it (e.g. whether the smoke mode is on).
   */
  notebookMetadata?: Record<string, unknown> | null;
}

/**
 * Where cells go "at the cursor": right below the active cell; at the end
 * when no cell is active.
 *
 * @param cellCount - the number of cells of the notebook
 * @param activeCellIndex - the index of the active cell, `-1` for none
 */
export function insertionIndex(
  cellCount: number,
  activeCellIndex: number
): number {
  if (cellCount <= 0) {
    return 0;
  }
  if (activeCellIndex < 0 || activeCellIndex >= cellCount) {
    return cellCount;
  }
  return activeCellIndex + 1;
}

/**
 * Whether a notebook is a fresh one: a single cell with nothing in it (no
 * source, no outputs). Inserting into it replaces that cell, so a template
 * inserted into a new notebook starts at its title.
 */
export function isBlankNotebook(shared: SharedNotebook): boolean {
  if (shared.cells.length !== 1) {
    return false;
  }
  const cell = shared.cells[0];
  const source = cell.getSource();
  if (typeof source !== 'string' || source.trim() !== '') {
    return false;
  }
  const outputs = (cell as { outputs?: unknown[] }).outputs;
  return !outputs || outputs.length === 0;
}

/**
 * Rendered cells as the shared model takes them: copies (the caller's data is
 * not shared with the document), without ids (the notebook gives new ones,
 * so inserting a template twice makes no duplicate ids), with their metadata
 * (`jupyterlab_neuron`, `tags`) kept as the server rendered it.
 */
export function toSharedCells(
  cells: ReadonlyArray<TemplatesAPI.TemplateCell>
): SharedCellData[] {
  return cells.map(cell => {
    const metadata = JSON.parse(JSON.stringify(cell.metadata ?? {}));
    if (cell.cell_type === 'code') {
      return {
        cell_type: 'code',
        source: cell.source,
        metadata,
        outputs: [],
        execution_count: null
      };
    }
    return { cell_type: cell.cell_type, source: cell.source, metadata };
  });
}

/**
 * Insert cells at `index` as ONE undoable operation: a single transaction of
 * the shared model, kept apart from the edits before and after it, so one
 * undo (Z in command mode, Edit > Undo) removes every inserted cell.
 *
 * Undo removes the cells; notebook metadata is outside JupyterLab's undo
 * history, so `notebookMetadata`, once written, stays.
 */
export function insertCellsAsOneOperation(
  shared: SharedNotebook,
  index: number,
  cells: ReadonlyArray<TemplatesAPI.TemplateCell>,
  options: IInsertionOptions = {}
): IInsertionResult {
  const data = toSharedCells(cells);
  const replace = !!options.replaceBlankCell && isBlankNotebook(shared);
  const at = replace ? 0 : Math.max(0, Math.min(index, shared.cells.length));
  if (data.length === 0) {
    return {
      index: at,
      count: 0,
      replacedBlankCell: false,
      wroteNotebookMetadata: false
    };
  }
  const writeMetadata =
    !!options.notebookMetadata &&
    shared.getMetadata(METADATA_KEY) === undefined;
  const undoManager = undoManagerOf(shared);
  // Edits within the undo manager's capture timeout are merged into one undo
  // step: close the step before (the user's last typing) and after (their
  // next one) so the step holds exactly this insertion.
  undoManager?.stopCapturing();
  shared.transact(() => {
    if (replace) {
      shared.deleteCell(0);
    }
    shared.insertCells(at, data);
    if (writeMetadata) {
      // A copy: the document must not share the caller's object.
      shared.setMetadata(
        METADATA_KEY,
        JSON.parse(JSON.stringify(options.notebookMetadata))
      );
    }
  });
  undoManager?.stopCapturing();
  return {
    index: at,
    count: data.length,
    replacedBlankCell: replace,
    wroteNotebookMetadata: writeMetadata
  };
}

/**
 * Insert rendered cells into a notebook at the cursor (below the active
 * cell) as one undoable operation, then make the first inserted cell active.
 *
 * @throws Error when the notebook has no model yet
 */
export function insertAtCursor(
  notebook: IInsertionTarget,
  cells: ReadonlyArray<TemplatesAPI.TemplateCell>,
  notebookMetadata: Record<string, unknown> | null = null
): IInsertionResult {
  const model = notebook.model;
  if (!model) {
    throw new Error('The notebook is not loaded yet.');
  }
  const shared = model.sharedModel;
  const index = insertionIndex(shared.cells.length, notebook.activeCellIndex);
  const result = insertCellsAsOneOperation(shared, index, cells, {
    replaceBlankCell: true,
    notebookMetadata
  });
  if (result.count > 0) {
    notebook.deselectAll();
    notebook.activeCellIndex = result.index;
  }
  return result;
}

/**
 * The Yjs undo manager of a shared document, when it has one.
 */
function undoManagerOf(
  shared: SharedNotebook
): { stopCapturing(): void } | null {
  const manager = (shared as { undoManager?: unknown }).undoManager;
  if (
    manager &&
    typeof (manager as { stopCapturing?: unknown }).stopCapturing === 'function'
  ) {
    return manager as { stopCapturing(): void };
  }
  return null;
}
