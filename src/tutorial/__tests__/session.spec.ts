import type { ICodeCellModel } from '@jupyterlab/cells';
import {
  NotebookActions,
  NotebookModel,
  NotebookPanel
} from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';

import { DiagnoseClient } from '../../diagnose';
import { NeuronI18n } from '../../i18n';
import type { ICheckServices } from '../checks';
import { NotebookTutorial } from '../session';
import { catalogues, neuroncoresUnavailable } from './diagnoses';
import { notebookWith, templateCell as cell } from './notebooks';

/**
 * A NotebookTutorial over a real notebook model; the panel around it is a
 * stand-in (no widgets, no kernel).
 */

function modelWith(cells: any[], metadata: Record<string, unknown> = {}) {
  return notebookWith(cells, {
    template: 'bert-ja',
    parameters: { smoke: true, workers: 2, work_dir: 'w' },
    ...metadata
  });
}

function panelFor(model: NotebookModel): NotebookPanel {
  return {
    id: 'panel-1',
    context: { path: 'work/bert.ipynb' },
    content: { model, widgets: [] },
    sessionContext: {
      session: null,
      statusChanged: new Signal({}),
      kernelChanged: new Signal({})
    }
  } as unknown as NotebookPanel;
}

const noChecks: ICheckServices = {
  monitor: null,
  cacheTotals: () => Promise.reject(new Error('not used')),
  listFolder: () => Promise.reject(new Error('not used')),
  kernelId: () => null
};

function tutorialOf(
  model: NotebookModel,
  client?: Partial<DiagnoseClient>,
  save?: (panel: NotebookPanel) => Promise<void>
) {
  const fetchStepInfo = jest.fn(async () => ({
    title: 'Japanese BERT',
    steps: [
      { id: 'prepare', number: 1, title: 'Preparation' },
      { id: 'train-single', number: 6, title: 'Training with one worker' }
    ]
  }));
  const tutorial = new NotebookTutorial({
    panel: panelFor(model),
    i18n: new NeuronI18n({ setting: 'en' }),
    diagnoseClient: (client ?? {}) as DiagnoseClient,
    monitor: null,
    checkServices: () => noChecks,
    fetchStepInfo,
    save
  });
  return { tutorial, fetchStepInfo };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}

describe('NotebookTutorial', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads the steps, fetches their titles with the notebook parameters and stores the progress', async () => {
    const model = modelWith([
      cell('prepare', 1, 'markdown'),
      cell('prepare', 2),
      cell('train-single', 1, 'markdown'),
      cell('train-single', 2)
    ]);
    const { tutorial, fetchStepInfo } = tutorialOf(model);
    await flush();
    expect(fetchStepInfo).toHaveBeenCalledWith(
      'bert-ja',
      { smoke: true, workers: 2, work_dir: 'w' },
      'en'
    );
    expect(tutorial.templateTitle).toBe('Japanese BERT');
    expect(tutorial.smoke).toBe(true);
    expect(tutorial.progress.steps.map(step => step.title)).toEqual([
      'Preparation',
      'Training with one worker'
    ]);
    tutorial.next();
    const stored = model.getMetadata('jupyterlab_neuron');
    // The template's own metadata is kept beside the progress.
    expect(stored.template).toBe('bert-ja');
    expect(stored.tutorial).toMatchObject({
      version: 1,
      active: true,
      current: 'train-single'
    });

    // A new session on the same model (a reload) resumes from the metadata.
    tutorial.dispose();
    const { tutorial: again } = tutorialOf(model);
    expect(again.progress.current!.id).toBe('train-single');
    again.dispose();
  });

  it('saves the notebook when the tutorial mode is turned off', async () => {
    jest.useFakeTimers();
    const model = modelWith([cell('prepare', 1), cell('train-single', 1)]);
    const save = jest.fn(() => Promise.resolve());
    const { tutorial } = tutorialOf(model, undefined, save);
    tutorial.stop();
    jest.advanceTimersByTime(5000);
    expect(tutorial.isDisposed).toBe(true);
    expect(save).toHaveBeenCalledTimes(1);
    expect(model.getMetadata('jupyterlab_neuron').tutorial).toMatchObject({
      active: false
    });
  });

  it('follows cells deleted from the notebook once the edit settles', () => {
    jest.useFakeTimers();
    const model = modelWith([
      cell('prepare', 1, 'markdown'),
      cell('prepare', 2)
    ]);
    const { tutorial } = tutorialOf(model);
    model.sharedModel.deleteCell(1);
    expect(tutorial.progress.step('prepare')!.codeCellIds).toEqual([
      'prepare-2'
    ]);
    jest.advanceTimersByTime(1000);
    const prepare = tutorial.progress.step('prepare')!;
    expect(prepare.codeCellIds).toEqual([]);
    expect(prepare.removedCellIds).toEqual(['prepare-2']);
    tutorial.dispose();
  });

  it('diagnoses a failed step from the error saved in the notebook', async () => {
    const failed = {
      ...cell('train-single', 2),
      execution_count: 3,
      outputs: [
        {
          output_type: 'error',
          ename: 'RuntimeError',
          evalue: 'Neuron runtime cannot be initialized',
          traceback: ['RuntimeError: Neuron runtime cannot be initialized']
        }
      ]
    };
    const model = modelWith([cell('train-single', 1, 'markdown'), failed]);
    const client = {
      diagnose: jest.fn(async () => neuroncoresUnavailable.en),
      catalogue: jest.fn(async () => catalogues.en)
    };
    const { tutorial } = tutorialOf(model, client);
    const step = tutorial.progress.step('train-single')!;
    expect(step.status).toBe('failed');
    expect(tutorial.diagnosis(step)!.state).toBe('loading');
    await flush();
    const diagnosis = tutorial.diagnosis(
      tutorial.progress.step('train-single')!
    )!;
    expect(diagnosis.state).toBe('ready');
    expect(diagnosis.result!.match!.id).toBe('neuroncores-unavailable');
    expect(diagnosis.labels['shut-down-kernel']).toBe(
      'Shut down the kernel holding the NeuronCores'
    );
    expect(client.diagnose).toHaveBeenCalledWith(
      'RuntimeError: Neuron runtime cannot be initialized',
      'en'
    );
    // Asked once, not on every render.
    tutorial.diagnosis(tutorial.progress.step('train-single')!);
    expect(client.diagnose).toHaveBeenCalledTimes(1);
    tutorial.dispose();
  });
});

/**
 * "Next" with the "runs the step first" preference: a stand-in panel whose
 * cell widgets exist, and a cell runner scripted by each test that reports
 * the cells the way `NotebookActions` would (scheduled, then executed).
 */
describe('NotebookTutorial: Next runs the step first', () => {
  function panelWithWidgets(model: NotebookModel): NotebookPanel {
    const widgets = Array.from({ length: model.cells.length }, (_, i) => ({
      model: model.cells.get(i),
      toggleClass: jest.fn(),
      removeClass: jest.fn()
    }));
    const panel = panelFor(model) as any;
    panel.sessionContext.isReady = true;
    panel.sessionContext.ready = Promise.resolve();
    panel.content = {
      model,
      widgets,
      activeCellIndex: 0,
      scrollToCell: jest.fn(async () => undefined)
    };
    return panel as NotebookPanel;
  }

  /** How the cells end; `no-kernel`: reported run, though nothing ran them. */
  type Outcome = 'ok' | 'error' | 'no-kernel';

  function setUp(options: { runOnNext: boolean }) {
    const model = modelWith([
      cell('prepare', 1, 'markdown'),
      cell('prepare', 2),
      cell('prepare', 3),
      cell('train-single', 1, 'markdown'),
      cell('train-single', 2),
      cell('summary', 1, 'markdown')
    ]);
    let runOnNext = options.runOnNext;
    let count = 0;
    const ran: string[][] = [];
    // Each run waits for the test to say how its cells end.
    const pending: ((outcome: Outcome) => void)[] = [];
    const panel = panelWithWidgets(model);
    const tutorial: NotebookTutorial = new NotebookTutorial({
      panel,
      i18n: new NeuronI18n({ setting: 'en' }),
      diagnoseClient: {
        diagnose: jest.fn(async () => neuroncoresUnavailable.en),
        catalogue: jest.fn(async () => catalogues.en)
      } as unknown as DiagnoseClient,
      monitor: null,
      checkServices: () => noChecks,
      fetchStepInfo: async () => null,
      runOnNext: {
        get: () => runOnNext,
        set: value => {
          runOnNext = value;
        }
      },
      runCells: cells => {
        const code = cells.filter(c => c.model.type === 'code');
        ran.push(code.map(c => c.model.id));
        const notebook = panel.content;
        const scheduled = NotebookActions.executionScheduled as Signal<
          any,
          any
        >;
        const executed = NotebookActions.executed as Signal<any, any>;
        code.forEach(c => scheduled.emit({ notebook, cell: c }));
        return new Promise<void>(resolve => {
          pending.push(outcome => {
            // A failed cell stops the run: the next ones report no error
            // of their own (cancelled).
            code.forEach((c, i) => {
              if (outcome === 'error' && i === 0) {
                (c.model as ICodeCellModel).outputs.add({
                  output_type: 'error',
                  ename: 'RuntimeError',
                  evalue: 'Neuron runtime cannot be initialized',
                  traceback: []
                });
                executed.emit({
                  notebook,
                  cell: c,
                  success: false,
                  error: {
                    errorName: 'RuntimeError',
                    errorValue: 'Neuron runtime cannot be initialized'
                  }
                });
              } else {
                if (outcome === 'ok') {
                  (c.model as ICodeCellModel).executionCount = ++count;
                }
                executed.emit({
                  notebook,
                  cell: c,
                  success: outcome !== 'error'
                });
              }
            });
            resolve();
          });
        });
      }
    });
    const finish = async (outcome: Outcome) => {
      pending.shift()!(outcome);
      await flush();
    };
    return { model, tutorial, ran, finish, panel };
  }

  it('runs the current step, then moves on when every cell succeeded', async () => {
    const { model, tutorial, ran, finish } = setUp({ runOnNext: true });
    expect(tutorial.progress.current!.id).toBe('prepare');

    const moving = tutorial.next();
    expect(ran).toEqual([['prepare-2', 'prepare-3']]);
    expect(tutorial.advancingFrom).toBe('prepare');
    expect(tutorial.progress.step('prepare')!.status).toBe('running');
    // A second press while it runs does nothing more.
    await tutorial.next();
    expect(ran).toHaveLength(1);

    await finish('ok');
    await moving;
    expect(tutorial.advancingFrom).toBeNull();
    expect(tutorial.progress.current!.id).toBe('train-single');
    expect(tutorial.finishedStep!.id).toBe('prepare');
    expect(tutorial.finishedStep!.status).toBe('done');
    expect(model.getMetadata('jupyterlab_neuron').tutorial.current).toBe(
      'train-single'
    );
    tutorial.dispose();
  });

  it('stays on a step whose cell failed, with its diagnosis', async () => {
    const { tutorial, finish } = setUp({ runOnNext: true });
    tutorial.select('train-single');
    const moving = tutorial.next();
    await finish('error');
    await moving;
    const step = tutorial.progress.current!;
    expect(step.id).toBe('train-single');
    expect(step.status).toBe('failed');
    expect(tutorial.finishedStep).toBeNull();
    expect(tutorial.advancingFrom).toBeNull();
    expect(tutorial.diagnosis(step)).not.toBeNull();
    tutorial.dispose();
  });

  it('does not move on when the user chose another step meanwhile', async () => {
    const { tutorial, finish } = setUp({ runOnNext: true });
    const moving = tutorial.next();
    tutorial.select('summary');
    expect(tutorial.advancingFrom).toBeNull();
    await finish('ok');
    await moving;
    expect(tutorial.progress.current!.id).toBe('summary');
    expect(tutorial.progress.step('prepare')!.status).toBe('done');
    expect(tutorial.finishedStep).toBeNull();
    tutorial.dispose();
  });

  it('only moves on when the preference is off, or the step is done', async () => {
    const { tutorial, ran, finish } = setUp({ runOnNext: false });
    expect(tutorial.runOnNext).toBe(false);
    await tutorial.next();
    expect(ran).toEqual([]);
    expect(tutorial.progress.current!.id).toBe('train-single');
    expect(tutorial.progress.step('prepare')!.status).toBe('not-started');

    // "Run this step", then Next with the preference on: nothing runs twice.
    tutorial.setRunOnNext(true);
    expect(tutorial.runOnNext).toBe(true);
    const running = tutorial.runStep('train-single');
    await finish('ok');
    await running;
    await tutorial.next();
    expect(ran).toEqual([['train-single-2']]);
    expect(tutorial.progress.current!.id).toBe('summary');
    expect(tutorial.finishedStep).toBeNull();
    tutorial.dispose();
  });

  it('finishes the tutorial on the last step', async () => {
    const { tutorial, finish } = setUp({ runOnNext: true });
    for (const step of ['prepare', 'train-single']) {
      const moving = tutorial.next();
      expect(tutorial.advancingFrom).toBe(step);
      await finish('ok');
      await moving;
    }
    expect(tutorial.progress.current!.id).toBe('summary');
    expect(tutorial.progress.allDone).toBe(false);
    // The last step has nothing to run: Next marks it read.
    await tutorial.next();
    expect(tutorial.progress.current!.id).toBe('summary');
    expect(tutorial.progress.step('summary')!.status).toBe('done');
    expect(tutorial.progress.allDone).toBe(true);
    tutorial.dispose();
  });
  it('does not count cells JupyterLab reports as run when no kernel ran them', async () => {
    const { tutorial, finish } = setUp({ runOnNext: true });
    const moving = tutorial.next();
    await finish('no-kernel');
    await moving;
    expect(tutorial.progress.current!.id).toBe('prepare');
    expect(tutorial.progress.step('prepare')!.status).toBe('not-started');
    expect(tutorial.progress.step('prepare')!.cellsRun).toBe(0);
    tutorial.dispose();
  });
  it("waits for the notebook's kernel session before running a step", async () => {
    const { tutorial, ran, finish, panel } = setUp({ runOnNext: true });
    let ready!: () => void;
    const context = panel.sessionContext as any;
    context.isReady = false;
    context.ready = new Promise<void>(resolve => {
      ready = resolve;
    });
    const moving = tutorial.next();
    await flush();
    expect(ran).toEqual([]);
    ready();
    await flush();
    expect(ran).toEqual([['prepare-2', 'prepare-3']]);
    await finish('ok');
    await moving;
    expect(tutorial.progress.current!.id).toBe('train-single');
    tutorial.dispose();
  });
  it('keeps the second step moving on when the first run ends after the user went on', async () => {
    const { tutorial, ran, finish } = setUp({ runOnNext: true });
    const first = tutorial.next();
    tutorial.select('train-single');
    const second = tutorial.next();
    expect(tutorial.advancingFrom).toBe('train-single');
    await finish('ok');
    await first;
    // The first run ending does not cancel the second one.
    expect(tutorial.advancingFrom).toBe('train-single');
    expect(tutorial.progress.current!.id).toBe('train-single');
    await finish('ok');
    await second;
    expect(ran).toEqual([['prepare-2', 'prepare-3'], ['train-single-2']]);
    expect(tutorial.progress.current!.id).toBe('summary');
    expect(tutorial.finishedStep!.id).toBe('train-single');
    tutorial.dispose();
  });
});
