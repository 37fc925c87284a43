/**
 * Notebooks for the tutorial tests: cells as template rendering writes them,
 * in a real notebook model, and cells as the progress model reads them.
 */

import { NotebookModel } from '@jupyterlab/notebook';

import type { ITutorialCell } from '../progress';

/**
 * A rendered template cell of `step` (`<step>-<n>` ids, as the server
 * writes them), in nbformat.
 */
export function templateCell(
  step: string,
  n: number,
  type: 'code' | 'markdown' = 'code'
) {
  return {
    id: `${step}-${n}`,
    cell_type: type,
    source: type === 'markdown' ? `## ${step}` : `print(${n})`,
    metadata: {
      jupyterlab_neuron: { template: 'bert-ja', step, role: 'code', lang: 'en' }
    }
  };
}

/**
 * A notebook model holding `cells`, with `metadata` as its notebook-level
 * `jupyterlab_neuron` metadata (none when absent).
 */
export function notebookWith(cells: any[], metadata?: unknown): NotebookModel {
  const model = new NotebookModel();
  model.sharedModel.insertCells(0, cells);
  if (metadata !== undefined) {
    model.setMetadata('jupyterlab_neuron', metadata as any);
  }
  return model;
}

/**
 * A code cell of `step` that never ran, as the progress model reads it.
 */
export function codeCell(id: string, step: string | null): ITutorialCell {
  return {
    id,
    type: 'code',
    step,
    role: 'code',
    source: '',
    executionCount: null,
    hasError: false
  };
}
