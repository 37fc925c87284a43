import {
  isTemplateNotebook,
  notebookMetadataOf,
  parseTutorialMetadata,
  readCells,
  stepMetadataOf,
  storedTutorialOf,
  templateInfoOf,
  writeTutorialMetadata
} from '../metadata';
import { TutorialProgress } from '../progress';
import { notebookWith as modelWith, templateCell as cell } from './notebooks';

const TEMPLATE_METADATA = {
  template: 'bert-ja',
  parameters: { smoke: true, workers: 2, work_dir: 'w' },
  environment: { simulated: true, instance_type: 'trn1.2xlarge' }
};

describe('parseTutorialMetadata', () => {
  it('drops saved data of the wrong shape', () => {
    expect(parseTutorialMetadata('nonsense')).toEqual({
      version: 1,
      active: false,
      current: null,
      steps: {}
    });
    const parsed = parseTutorialMetadata({
      active: 'yes',
      current: 7,
      steps: {
        prepare: {
          status: 'exploded',
          cells: { a: 'ok', b: 'maybe' },
          seen: ['a', 3],
          error: { cellId: 'a' }
        },
        broken: 'x'
      }
    });
    expect(parsed.active).toBe(false);
    expect(parsed.current).toBeNull();
    expect(Object.keys(parsed.steps)).toEqual(['prepare']);
    expect(parsed.steps.prepare.status).toBe('not-started');
    expect(parsed.steps.prepare.cells).toEqual({ a: 'ok' });
    expect(parsed.steps.prepare.seen).toEqual(['a']);
    expect(parsed.steps.prepare.error).toBeNull();
  });
});

describe('stepMetadataOf', () => {
  it('reads the step and role of a cell', () => {
    expect(
      stepMetadataOf({
        jupyterlab_neuron: { step: 'trace', role: 'code', template: 'bert-ja' }
      })
    ).toEqual({ step: 'trace', role: 'code' });
    expect(stepMetadataOf({ jupyterlab_neuron: { step: '' } })).toEqual({
      step: null,
      role: null
    });
    expect(stepMetadataOf(null)).toEqual({ step: null, role: null });
  });
});

describe('readCells', () => {
  it('reads cells with their step, outputs and execution count', () => {
    const model = modelWith([
      cell('prepare', 1, 'markdown'),
      { ...cell('prepare', 2), execution_count: 1, outputs: [] },
      {
        ...cell('train', 1),
        execution_count: 2,
        outputs: [
          { output_type: 'error', ename: 'E', evalue: 'v', traceback: [] }
        ]
      },
      { id: 'raw-1', cell_type: 'raw', source: 'x', metadata: {} }
    ]);
    expect(readCells(model)).toEqual([
      {
        id: 'prepare-1',
        type: 'markdown',
        step: 'prepare',
        role: 'code',
        source: '## prepare',
        executionCount: null,
        hasError: false
      },
      {
        id: 'prepare-2',
        type: 'code',
        step: 'prepare',
        role: 'code',
        source: '',
        executionCount: 1,
        hasError: false
      },
      {
        id: 'train-1',
        type: 'code',
        step: 'train',
        role: 'code',
        source: '',
        executionCount: 2,
        hasError: true
      },
      {
        id: 'raw-1',
        type: 'raw',
        step: null,
        role: null,
        source: '',
        executionCount: null,
        hasError: false
      }
    ]);
  });
});

describe('the notebook-level metadata', () => {
  it('reads what template rendering recorded', () => {
    const model = modelWith([], TEMPLATE_METADATA);
    expect(templateInfoOf(model)).toEqual({
      templateId: 'bert-ja',
      parameters: { smoke: true, workers: 2, work_dir: 'w' },
      simulated: true,
      instanceType: 'trn1.2xlarge'
    });
  });

  it('trusts nothing of the wrong shape', () => {
    for (const metadata of [
      'bert-ja',
      ['bert-ja'],
      { template: 3, parameters: 'smoke', environment: { simulated: 'yes' } }
    ]) {
      const model = modelWith([], metadata);
      expect(templateInfoOf(model)).toEqual({
        templateId: null,
        parameters: {},
        simulated: false,
        instanceType: null
      });
    }
    expect(notebookMetadataOf(modelWith([], 'x'))).toEqual({});
    expect(templateInfoOf(null).templateId).toBeNull();
    expect(storedTutorialOf(modelWith([], { tutorial: 7 })).active).toBe(false);
  });

  it('writes the progress beside the template metadata, only when it changed', () => {
    const model = modelWith([cell('prepare', 1)], TEMPLATE_METADATA);
    const progress = new TutorialProgress({ cells: readCells(model) });
    progress.active = true;
    const changes = jest.fn();
    model.metadataChanged.connect(changes);

    expect(writeTutorialMetadata(model, progress.toJSON())).toBe(true);
    expect(changes).toHaveBeenCalledTimes(1);
    const stored = notebookMetadataOf(model);
    expect(stored.template).toBe('bert-ja');
    expect(stored.parameters).toEqual(TEMPLATE_METADATA.parameters);
    expect(storedTutorialOf(model)).toEqual(progress.toJSON());

    // The same progress again: the notebook is left alone (not made dirty).
    expect(writeTutorialMetadata(model, progress.toJSON())).toBe(false);
    expect(changes).toHaveBeenCalledTimes(1);

    progress.active = false;
    expect(writeTutorialMetadata(model, progress.toJSON())).toBe(true);
    expect(storedTutorialOf(model).active).toBe(false);
  });

  it('tells a notebook made from a template', () => {
    expect(isTemplateNotebook(modelWith([], { template: 'vit' }))).toBe(true);
    expect(isTemplateNotebook(modelWith([cell('prepare', 1)]))).toBe(true);
    expect(
      isTemplateNotebook(
        modelWith([
          { id: 'a', cell_type: 'code', source: '', metadata: {} },
          {
            id: 'b',
            cell_type: 'code',
            source: '',
            metadata: { jupyterlab_neuron: { step: '' } }
          }
        ])
      )
    ).toBe(false);
    expect(isTemplateNotebook(null)).toBe(false);
  });
});
