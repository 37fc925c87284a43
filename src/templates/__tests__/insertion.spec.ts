import { NotebookModel } from '@jupyterlab/notebook';

import {
  IInsertionTarget,
  insertAtCursor,
  insertCellsAsOneOperation,
  insertionIndex,
  isBlankNotebook,
  toSharedCells
} from '../insertion';
import { renderedCells } from './fixtures';
import type * as TemplatesAPI from '../../api/templates';

/**
 * JupyterLab's notebooks keep one undo history per cell for typing and one
 * for the notebook's cells (`disableDocumentWideUndoRedo`, the default);
 * the document-wide mode keeps a single history. Insertion must be one undo
 * step in both.
 */
let documentWide = false;

/** A notebook model holding cells with these sources (code cells). */
function notebookWith(...sources: string[]): NotebookModel {
  const model = new NotebookModel({
    disableDocumentWideUndoRedo: !documentWide
  });
  model.sharedModel.insertCells(
    0,
    sources.map(source => ({ cell_type: 'code', source }))
  );
  // The cells above are the notebook as loaded: not part of the undo history.
  model.sharedModel.clearUndoHistory();
  return model;
}

function sources(model: NotebookModel): string[] {
  return model.sharedModel.cells.map(cell => cell.getSource());
}

function neuronMetadata(model: NotebookModel): unknown[] {
  return model.sharedModel.cells.map(
    cell => cell.getMetadata().jupyterlab_neuron ?? null
  );
}

/** A notebook widget stand-in: its model and active cell. */
class FakeNotebook implements IInsertionTarget {
  constructor(
    public model: NotebookModel | null,
    public activeCellIndex: number
  ) {}
  deselected = 0;
  deselectAll(): void {
    this.deselected += 1;
  }
}

const CELLS = renderedCells();
const CELL_SOURCES = CELLS.map(cell => cell.source);

describe('insertionIndex', () => {
  it('puts cells right below the active cell', () => {
    expect(insertionIndex(5, 0)).toBe(1);
    expect(insertionIndex(5, 2)).toBe(3);
    expect(insertionIndex(5, 4)).toBe(5);
  });

  it('appends when no cell is active', () => {
    expect(insertionIndex(5, -1)).toBe(5);
    expect(insertionIndex(3, 7)).toBe(3);
  });

  it('starts an empty notebook at 0', () => {
    expect(insertionIndex(0, -1)).toBe(0);
    expect(insertionIndex(0, 0)).toBe(0);
  });
});

describe('toSharedCells', () => {
  it('keeps sources, types and metadata but drops ids and outputs', () => {
    const withId: TemplatesAPI.TemplateCell = {
      ...CELLS[3],
      id: 'prepare-2',
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'x' }],
      execution_count: 4
    };
    const [markdown, code] = toSharedCells([CELLS[0], withId]);
    expect(markdown).toEqual({
      cell_type: 'markdown',
      source: CELLS[0].source,
      metadata: CELLS[0].metadata
    });
    expect(code).toEqual({
      cell_type: 'code',
      source: CELLS[3].source,
      metadata: CELLS[3].metadata,
      outputs: [],
      execution_count: null
    });
    expect('id' in code).toBe(false);
  });

  it('copies the metadata, so the caller data is not shared', () => {
    const [cell] = toSharedCells([CELLS[1]]);
    (cell.metadata as any).tags.push('changed');
    expect(CELLS[1].metadata.tags).toEqual(['parameters']);
  });
});

describe.each([
  ['per-cell undo (JupyterLab default)', false],
  ['document-wide undo', true]
])('insertCellsAsOneOperation, %s', (_mode, wide) => {
  beforeAll(() => {
    documentWide = wide;
  });
  afterAll(() => {
    documentWide = false;
  });

  it('inserts the cells at the index, in order', () => {
    const model = notebookWith('a = 1', 'b = 2', 'c = 3');
    const result = insertCellsAsOneOperation(model.sharedModel, 2, CELLS);
    expect(result).toEqual({
      index: 2,
      count: 4,
      replacedBlankCell: false,
      wroteNotebookMetadata: false
    });
    expect(sources(model)).toEqual([
      'a = 1',
      'b = 2',
      ...CELL_SOURCES,
      'c = 3'
    ]);
  });

  it('keeps the jupyterlab_neuron metadata and tags the server rendered', () => {
    const model = notebookWith('a = 1');
    insertCellsAsOneOperation(model.sharedModel, 1, CELLS);
    expect(neuronMetadata(model)).toEqual([
      null,
      ...CELLS.map(cell => cell.metadata.jupyterlab_neuron)
    ]);
    expect(model.sharedModel.cells[2].getMetadata().tags).toEqual([
      'parameters'
    ]);
    expect(model.sharedModel.cells.map(cell => cell.cell_type)).toEqual([
      'code',
      'markdown',
      'code',
      'markdown',
      'code'
    ]);
  });

  it('is undone by ONE undo, which removes every inserted cell', () => {
    const model = notebookWith('a = 1', 'b = 2');
    insertCellsAsOneOperation(model.sharedModel, 1, CELLS);
    expect(model.sharedModel.cells).toHaveLength(6);

    expect(model.sharedModel.undo()).toBe(true);
    expect(sources(model)).toEqual(['a = 1', 'b = 2']);
    expect(model.sharedModel.canUndo()).toBe(false);

    // And one redo brings them all back.
    model.sharedModel.redo();
    expect(sources(model)).toEqual(['a = 1', ...CELL_SOURCES, 'b = 2']);
  });

  it('does not merge with an edit made just before it', () => {
    const model = notebookWith('a = 1');
    // A cell the user added a moment ago (well within the undo manager's
    // capture timeout): without separation one undo would remove both.
    model.sharedModel.insertCell(1, { cell_type: 'code', source: 'mine' });
    insertCellsAsOneOperation(model.sharedModel, 2, CELLS);

    model.sharedModel.undo();
    expect(sources(model)).toEqual(['a = 1', 'mine']);
    model.sharedModel.undo();
    expect(sources(model)).toEqual(['a = 1']);
  });

  it('does not swallow an edit made just after it', () => {
    const model = notebookWith('a = 1');
    insertCellsAsOneOperation(model.sharedModel, 1, CELLS);
    model.sharedModel.insertCell(0, { cell_type: 'code', source: 'next' });

    model.sharedModel.undo();
    expect(sources(model)).toEqual(['a = 1', ...CELL_SOURCES]);
    model.sharedModel.undo();
    expect(sources(model)).toEqual(['a = 1']);
  });

  it('keeps typing in a cell a separate undo step', () => {
    const model = notebookWith('a = 1');
    model.sharedModel.cells[0].setSource('a = 2');
    insertCellsAsOneOperation(model.sharedModel, 1, CELLS);

    model.sharedModel.undo();
    expect(sources(model)).toEqual(['a = 2']);
  });

  it('gives new, unique cell ids when the same cells are inserted twice', () => {
    const model = notebookWith('a = 1');
    insertCellsAsOneOperation(model.sharedModel, 1, CELLS);
    insertCellsAsOneOperation(model.sharedModel, 1, CELLS);
    const ids = model.sharedModel.cells.map(cell => cell.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('replaces the only, empty cell of a new notebook, and undo restores it', () => {
    const model = notebookWith('');
    const result = insertCellsAsOneOperation(model.sharedModel, 1, CELLS, {
      replaceBlankCell: true
    });
    expect(result).toEqual({
      index: 0,
      count: 4,
      replacedBlankCell: true,
      wroteNotebookMetadata: false
    });
    expect(sources(model)).toEqual(CELL_SOURCES);

    model.sharedModel.undo();
    expect(sources(model)).toEqual(['']);
  });

  it('never replaces a cell with content', () => {
    const model = notebookWith('x = 1');
    const result = insertCellsAsOneOperation(model.sharedModel, 1, CELLS, {
      replaceBlankCell: true
    });
    expect(result.replacedBlankCell).toBe(false);
    expect(sources(model)).toEqual(['x = 1', ...CELL_SOURCES]);
  });

  it('clamps an index past the end', () => {
    const model = notebookWith('a = 1');
    const result = insertCellsAsOneOperation(model.sharedModel, 10, CELLS);
    expect(result.index).toBe(1);
    expect(sources(model)[0]).toBe('a = 1');
  });

  it('writes the notebook metadata of a whole template, once', () => {
    const model = notebookWith('');
    const metadata = { template: 'bert-ja', parameters: { smoke: true } };
    const result = insertCellsAsOneOperation(model.sharedModel, 1, CELLS, {
      replaceBlankCell: true,
      notebookMetadata: metadata
    });
    expect(result.wroteNotebookMetadata).toBe(true);
    expect(model.getMetadata('jupyterlab_neuron')).toEqual(metadata);

    // A notebook keeps the template it was first made from.
    const again = insertCellsAsOneOperation(model.sharedModel, 0, CELLS, {
      notebookMetadata: { template: 'vit-beans' }
    });
    expect(again.wroteNotebookMetadata).toBe(false);
    expect(model.getMetadata('jupyterlab_neuron')).toEqual(metadata);

    // Undo still removes exactly the cells of each insertion.
    model.sharedModel.undo();
    expect(model.sharedModel.cells).toHaveLength(CELLS.length);
    model.sharedModel.undo();
    expect(sources(model)).toEqual(['']);
  });

  it('does nothing (and adds no undo step) without cells', () => {
    const model = notebookWith('a = 1');
    const result = insertCellsAsOneOperation(model.sharedModel, 1, []);
    expect(result.count).toBe(0);
    expect(model.sharedModel.canUndo()).toBe(false);
  });
});

describe('isBlankNotebook', () => {
  it('is true only for one cell without source or outputs', () => {
    expect(isBlankNotebook(notebookWith('').sharedModel)).toBe(true);
    expect(isBlankNotebook(notebookWith('  \n').sharedModel)).toBe(true);
    expect(isBlankNotebook(notebookWith('x').sharedModel)).toBe(false);
    expect(isBlankNotebook(notebookWith('', '').sharedModel)).toBe(false);
    expect(isBlankNotebook(new NotebookModel().sharedModel)).toBe(false);

    const withOutput = new NotebookModel();
    withOutput.sharedModel.insertCell(0, {
      cell_type: 'code',
      source: '',
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'hi' }]
    });
    expect(isBlankNotebook(withOutput.sharedModel)).toBe(false);
  });
});

describe('insertAtCursor', () => {
  it('inserts below the active cell and activates the first inserted cell', () => {
    const model = notebookWith('a = 1', 'b = 2', 'c = 3');
    const notebook = new FakeNotebook(model, 1);
    const result = insertAtCursor(notebook, CELLS);
    expect(result.index).toBe(2);
    expect(sources(model)).toEqual([
      'a = 1',
      'b = 2',
      ...CELL_SOURCES,
      'c = 3'
    ]);
    expect(notebook.activeCellIndex).toBe(2);
    expect(notebook.deselected).toBe(1);
  });

  it('inserts one step (the cells of that step only)', () => {
    const model = notebookWith('a = 1', 'b = 2');
    const step = CELLS.filter(
      cell => cell.metadata.jupyterlab_neuron.step === 'prepare'
    );
    insertAtCursor(new FakeNotebook(model, 0), step);
    expect(sources(model)).toEqual([
      'a = 1',
      '## 1. Preparation',
      'import neuron_kernel_helpers',
      'b = 2'
    ]);
    expect(
      neuronMetadata(model).map(meta => (meta as any)?.step ?? null)
    ).toEqual([null, 'prepare', 'prepare', null]);
    model.sharedModel.undo();
    expect(sources(model)).toEqual(['a = 1', 'b = 2']);
  });

  it('appends when no cell is active', () => {
    const model = notebookWith('a = 1', 'b = 2');
    insertAtCursor(new FakeNotebook(model, -1), CELLS.slice(0, 1));
    expect(sources(model)).toEqual(['a = 1', 'b = 2', CELL_SOURCES[0]]);
  });

  it('fills a new notebook from its first cell', () => {
    const model = notebookWith('');
    const notebook = new FakeNotebook(model, 0);
    insertAtCursor(notebook, CELLS);
    expect(sources(model)).toEqual(CELL_SOURCES);
    expect(notebook.activeCellIndex).toBe(0);
  });

  it('refuses a notebook that is not loaded', () => {
    expect(() => insertAtCursor(new FakeNotebook(null, 0), CELLS)).toThrow(
      /not loaded/
    );
  });
});
