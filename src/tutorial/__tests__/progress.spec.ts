import {
  ITutorialCell,
  ITutorialStepInfo,
  TutorialProgress,
  firstHeading
} from '../progress';

/** A cell of a rendered template (`<step>-<n>` ids, as the server writes). */
function cell(
  id: string,
  step: string | null,
  type: ITutorialCell['type'] = 'code',
  extra: Partial<ITutorialCell> = {}
): ITutorialCell {
  return {
    id,
    type,
    step,
    role: type === 'markdown' ? 'explanation' : 'code',
    source: '',
    executionCount: null,
    hasError: false,
    ...extra
  };
}

function markdown(id: string, step: string | null, source: string) {
  return cell(id, step, 'markdown', { source });
}

/** A small template notebook: setup, then three steps. */
function templateCells(): ITutorialCell[] {
  return [
    markdown('setup-1', 'setup', '# Title'),
    cell('setup-2', 'setup'),
    markdown('prepare-1', 'prepare', '## 1. Preparation\n\nText'),
    cell('prepare-2', 'prepare'),
    cell('prepare-3', 'prepare'),
    markdown('dataset-1', 'dataset', '## 2. Dataset'),
    cell('dataset-2', 'dataset'),
    markdown('train-1', 'train', '## 3. Training'),
    cell('train-2', 'train')
  ];
}

const INFO: ITutorialStepInfo[] = [
  { id: 'prepare', number: 1, title: 'Preparation', explanation: 'Install' },
  { id: 'dataset', number: 2, title: 'The dataset' },
  {
    id: 'train',
    number: 3,
    title: 'Training',
    durationMinutes: { 'inf2.xlarge': 9 },
    neuronOnly: true
  }
];

const NOW = new Date('2025-01-02T03:04:05.000Z');

function progressOf(
  cells: ITutorialCell[],
  options: Partial<TutorialProgress.IOptions> = {}
): TutorialProgress {
  return new TutorialProgress({
    cells,
    now: () => NOW,
    setupTitle: 'Setup',
    ...options
  });
}

function ids(progress: TutorialProgress): string[] {
  return progress.steps.map(step => step.id);
}

function statuses(progress: TutorialProgress): Record<string, string> {
  return Object.fromEntries(progress.steps.map(step => [step.id, step.status]));
}

function runOk(progress: TutorialProgress, ...cellIds: string[]): void {
  for (const id of cellIds) {
    progress.cellScheduled(id);
    progress.cellExecuted(id, null);
  }
}

describe('TutorialProgress', () => {
  describe('steps from template metadata', () => {
    it('lists the steps in notebook order with their cells', () => {
      const progress = progressOf(templateCells());
      expect(ids(progress)).toEqual(['setup', 'prepare', 'dataset', 'train']);
      const prepare = progress.step('prepare')!;
      expect(prepare.cellIds).toEqual(['prepare-1', 'prepare-2', 'prepare-3']);
      expect(prepare.codeCellIds).toEqual(['prepare-2', 'prepare-3']);
      expect(prepare.missing).toBe(false);
      expect(progress.fromTemplate).toBe(true);
    });

    it('titles steps from their heading until the template info arrives', () => {
      const progress = progressOf(templateCells());
      expect(progress.step('prepare')!.title).toBe('Preparation');
      expect(progress.step('dataset')!.title).toBe('Dataset');
      expect(progress.step('setup')!.title).toBe('Setup');
      expect(progress.step('setup')!.number).toBe(0);

      progress.setStepInfo(INFO);
      const dataset = progress.step('dataset')!;
      expect(dataset.title).toBe('The dataset');
      expect(dataset.number).toBe(2);
      const train = progress.step('train')!;
      expect(train.durationMinutes).toEqual({ 'inf2.xlarge': 9 });
      expect(train.neuronOnly).toBe(true);
      expect(progress.step('prepare')!.explanation).toBe('Install');
    });

    it('starts on the first step that is not done', () => {
      const progress = progressOf(templateCells());
      expect(progress.current!.id).toBe('setup');
    });
  });

  describe('running cells', () => {
    it('is running while a code cell of the step is queued, done when all ran', () => {
      const progress = progressOf(templateCells());
      const changes: string[] = [];
      progress.statusChanged.connect((_, change) => {
        changes.push(
          `${change.step.id}:${change.previous}->${change.step.status}`
        );
      });

      progress.cellScheduled('prepare-2');
      expect(progress.step('prepare')!.status).toBe('running');
      progress.cellExecuted('prepare-2', null);
      expect(progress.step('prepare')!.status).toBe('not-started');
      expect(progress.step('prepare')!.cellsRun).toBe(1);

      runOk(progress, 'prepare-3');
      const prepare = progress.step('prepare')!;
      expect(prepare.status).toBe('done');
      expect(prepare.finishedAt).toBe(NOW.toISOString());
      expect(changes).toEqual([
        'prepare:not-started->running',
        'prepare:running->not-started',
        'prepare:not-started->running',
        'prepare:running->done'
      ]);
    });

    it('fails with the error of the failed cell, and recovers on a good re-run', () => {
      const progress = progressOf(templateCells());
      progress.cellScheduled('dataset-2');
      progress.cellExecuted('dataset-2', {
        ename: 'RuntimeError',
        evalue: 'boom'
      });
      const failed = progress.step('dataset')!;
      expect(failed.status).toBe('failed');
      expect(failed.error).toEqual({
        cellId: 'dataset-2',
        ename: 'RuntimeError',
        evalue: 'boom'
      });

      runOk(progress, 'dataset-2');
      expect(progress.step('dataset')!.status).toBe('done');
      expect(progress.step('dataset')!.error).toBeNull();
    });

    it('forgets queued cells that were cancelled or lost with the kernel', () => {
      const progress = progressOf(templateCells());
      progress.cellScheduled('train-2');
      progress.cellCancelled('train-2');
      expect(progress.step('train')!.status).toBe('not-started');

      progress.cellScheduled('prepare-2');
      progress.cellScheduled('prepare-3');
      progress.clearRunning();
      expect(progress.step('prepare')!.status).toBe('not-started');
    });

    it('counts saved outputs when the tutorial mode is first turned on', () => {
      const cells = templateCells().map(c =>
        c.id === 'prepare-2' || c.id === 'prepare-3'
          ? { ...c, executionCount: 3 }
          : c.id === 'dataset-2'
            ? { ...c, executionCount: 4, hasError: true }
            : c
      );
      const progress = progressOf(cells);
      expect(statuses(progress)).toEqual({
        setup: 'not-started',
        prepare: 'done',
        dataset: 'failed',
        train: 'not-started'
      });
    });
  });

  describe('moving on', () => {
    it('moves to the next step and marks a step without code as done', () => {
      const cells = [
        markdown('intro-1', 'intro', '## Intro'),
        ...templateCells()
      ];
      const progress = progressOf(cells);
      expect(progress.current!.id).toBe('intro');
      expect(progress.next()!.id).toBe('setup');
      expect(progress.step('intro')!.status).toBe('done');
      progress.select('train');
      expect(progress.current!.id).toBe('train');
      // The last step stays current.
      expect(progress.next()!.id).toBe('train');
    });

    it('is all done when every step still in the notebook is done', () => {
      const progress = progressOf(templateCells(), { stepInfo: INFO });
      expect(progress.allDone).toBe(false);
      runOk(progress, 'setup-2', 'prepare-2', 'prepare-3', 'dataset-2');
      expect(progress.allDone).toBe(false);
      runOk(progress, 'train-2');
      expect(progress.allDone).toBe(true);
      // A failed re-run undoes it; a deleted step no longer counts.
      progress.cellScheduled('train-2');
      progress.cellExecuted('train-2', { ename: 'E', evalue: 'x' });
      expect(progress.allDone).toBe(false);
      progress.setCells(templateCells().filter(c => c.step !== 'train'));
      expect(progress.step('train')!.missing).toBe(true);
      expect(progress.allDone).toBe(true);
      // A notebook without steps is never "all done".
      expect(progressOf([]).allDone).toBe(false);
    });
  });

  describe('edited notebooks', () => {
    it('follows cells moved elsewhere: the order is the notebook order', () => {
      const progress = progressOf(templateCells());
      runOk(progress, 'dataset-2');
      const cells = templateCells();
      // Move the dataset step (3 cells) to the end.
      const dataset = cells.splice(5, 2);
      cells.push(...dataset);
      progress.setCells(cells);
      expect(ids(progress)).toEqual(['setup', 'prepare', 'train', 'dataset']);
      expect(progress.step('dataset')!.status).toBe('done');
      expect(progress.step('dataset')!.removedCellIds).toEqual([]);
    });

    it('puts a cell the user inserted inside a step into it, and outside into none', () => {
      const cells = templateCells();
      cells.splice(4, 0, cell('mine-inside', null));
      // Between the last cell of prepare and the first of dataset.
      cells.splice(6, 0, cell('mine-between', null));
      const progress = progressOf(cells);
      const prepare = progress.step('prepare')!;
      expect(prepare.cellIds).toContain('mine-inside');
      expect(prepare.codeCellIds).toContain('mine-inside');
      expect(prepare.addedCellIds).toEqual(['mine-inside']);
      expect(progress.stepOf('mine-between')).toBeNull();

      // An added cell that did not run does not keep the step from done...
      runOk(progress, 'prepare-2', 'prepare-3');
      expect(progress.step('prepare')!.status).toBe('done');
      // ...but it fails the step when it fails.
      progress.cellExecuted('mine-inside', { ename: 'NameError', evalue: 'x' });
      expect(progress.step('prepare')!.status).toBe('failed');
    });

    it('says how many cells of a step were deleted', () => {
      const progress = progressOf(templateCells());
      progress.setCells(templateCells().filter(c => c.id !== 'prepare-3'));
      const prepare = progress.step('prepare')!;
      expect(prepare.missing).toBe(false);
      expect(prepare.removedCellIds).toEqual(['prepare-3']);
      expect(prepare.codeCellIds).toEqual(['prepare-2']);

      // Undo brings the cell back with its id.
      progress.setCells(templateCells());
      expect(progress.step('prepare')!.removedCellIds).toEqual([]);
    });

    it('does not report cut-and-pasted cells (new ids) as deleted', () => {
      const progress = progressOf(templateCells());
      const cut = templateCells().filter(c => c.step !== 'dataset');
      progress.setCells(cut);
      const pasted = [...cut, markdown('new-a', 'dataset', '## 2. Dataset')];
      pasted.push(cell('new-b', 'dataset'));
      progress.setCells(pasted);
      const dataset = progress.step('dataset')!;
      expect(dataset.missing).toBe(false);
      expect(dataset.removedCellIds).toEqual([]);
      expect(ids(progress)).toEqual(['setup', 'prepare', 'train', 'dataset']);
    });

    it('keeps a step whose cells are all gone, marked missing, in template order', () => {
      const progress = progressOf(templateCells(), { stepInfo: INFO });
      runOk(progress, 'dataset-2');
      progress.setCells(templateCells().filter(c => c.step !== 'dataset'));
      expect(ids(progress)).toEqual(['setup', 'prepare', 'dataset', 'train']);
      const dataset = progress.step('dataset')!;
      expect(dataset.missing).toBe(true);
      expect(dataset.cellIds).toEqual([]);
      expect(dataset.removedCellIds).toEqual(['dataset-1', 'dataset-2']);
      expect(dataset.title).toBe('The dataset');
      // Its earlier success is remembered; it no longer counts as done.
      expect(dataset.status).toBe('done');
      expect(progress.doneCount).toBe(0);
    });

    it('lists template steps that were never inserted as missing', () => {
      const cells = templateCells().filter(c => c.step !== 'train');
      const progress = progressOf(cells, { stepInfo: INFO });
      expect(ids(progress)).toEqual(['setup', 'prepare', 'dataset', 'train']);
      expect(progress.step('train')!.missing).toBe(true);
    });

    it('names a deleted step from the saved progress without template info', () => {
      const first = progressOf(templateCells());
      const saved = first.toJSON();
      const progress = progressOf(
        templateCells().filter(c => c.step !== 'train'),
        { metadata: saved }
      );
      const train = progress.step('train')!;
      expect(train.missing).toBe(true);
      expect(train.title).toBe('Training');
    });
  });

  describe('metadata round trip', () => {
    it('restores statuses, results, current step and evidence', () => {
      const progress = progressOf(templateCells());
      progress.active = true;
      runOk(progress, 'prepare-2', 'prepare-3');
      progress.cellScheduled('dataset-2');
      progress.cellExecuted('dataset-2', {
        ename: 'OSError',
        evalue: 'offline'
      });
      progress.select('dataset');
      progress.setEvidence('train', 'cores', {
        peak: [85, 0],
        samples: 3,
        simulated: false,
        attributed: true
      });

      // Through JSON, as the notebook file stores it.
      const saved = JSON.parse(JSON.stringify(progress.toJSON()));
      expect(saved.version).toBe(1);
      expect(saved.active).toBe(true);
      expect(saved.current).toBe('dataset');
      expect(saved.steps.prepare.cells).toEqual({
        'prepare-2': 'ok',
        'prepare-3': 'ok'
      });

      const restored = progressOf(templateCells(), { metadata: saved });
      expect(restored.active).toBe(true);
      expect(restored.current!.id).toBe('dataset');
      expect(statuses(restored)).toEqual(statuses(progress));
      expect(restored.step('dataset')!.error).toEqual({
        cellId: 'dataset-2',
        ename: 'OSError',
        evalue: 'offline'
      });
      expect(restored.step('prepare')!.finishedAt).toBe(NOW.toISOString());
      expect(restored.evidence('train')).toEqual({
        cores: { peak: [85, 0], samples: 3, simulated: false, attributed: true }
      });
      expect(restored.toJSON()).toEqual(saved);
    });

    it('does not let later changes alias the saved object', () => {
      const progress = progressOf(templateCells());
      const saved = progress.toJSON();
      runOk(progress, 'train-2');
      expect(saved.steps.train?.cells ?? {}).toEqual({});
    });
  });

  describe('notebooks without step metadata', () => {
    it('follows the Markdown headings', () => {
      const cells = [
        cell('a', null),
        markdown('h1', null, '# Load the data'),
        cell('b', null),
        markdown('h2', null, 'Intro\n## 2. Train'),
        cell('c', null),
        cell('d', null)
      ];
      const progress = progressOf(cells);
      expect(progress.fromTemplate).toBe(false);
      expect(ids(progress)).toEqual(['cell:h1', 'cell:h2']);
      expect(progress.steps.map(s => s.title)).toEqual([
        'Load the data',
        'Train'
      ]);
      expect(progress.step('cell:h2')!.codeCellIds).toEqual(['c', 'd']);
      // Cells before the first heading belong to no step.
      expect(progress.stepOf('a')).toBeNull();
    });

    it('makes one step of a notebook without headings', () => {
      const progress = progressOf([cell('a', null), cell('b', null)]);
      expect(ids(progress)).toEqual(['notebook']);
      runOk(progress, 'a', 'b');
      expect(progress.steps[0].status).toBe('done');
    });
  });
});

describe('firstHeading', () => {
  it.each([
    ['## 5. 事前コンパイル\n\ntext', '事前コンパイル'],
    ['# Title #', 'Title'],
    ['no heading', null],
    ['    # code, not a heading', null]
  ])('%j -> %j', (source, expected) => {
    expect(firstHeading(source)).toBe(expected);
  });
});
