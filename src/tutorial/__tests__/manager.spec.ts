import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';

import { FakeServer } from '../../__tests__/fakeServer';
import { settle } from '../../__tests__/waiting';
import { CacheModel } from '../../cache/model';
import { FakeCompileCache } from '../../cache/__tests__/fakeCache';
import { DiagnoseClient } from '../../diagnose';
import { NeuronI18n } from '../../i18n';
import type { INeuronTemplates } from '../../tokens';
import { TutorialManager } from '../manager';
import { notebookWith, templateCell } from './notebooks';
import type * as TemplatesAPI from '../../api/templates';

/** A notebook panel stand-in around a real notebook model (no widgets). */
function panelFor(model: ReturnType<typeof notebookWith>, id = 'panel-1') {
  return {
    id,
    isDisposed: false,
    disposed: new Signal({}),
    context: { path: `work/${id}.ipynb`, ready: Promise.resolve() },
    content: { model, widgets: [] },
    sessionContext: {
      session: null,
      statusChanged: new Signal({}),
      kernelChanged: new Signal({})
    }
  } as unknown as NotebookPanel;
}

function trackerOf(panels: NotebookPanel[]) {
  return {
    currentWidget: panels[0] ?? null,
    widgetAdded: new Signal<unknown, NotebookPanel>({}),
    currentChanged: new Signal<unknown, NotebookPanel | null>({}),
    forEach: (fn: (panel: NotebookPanel) => void) => panels.forEach(fn)
  };
}

const PARAMETERS = { smoke: false, workers: 2, work_dir: 'w' };

function bertNotebook(metadata: Record<string, unknown> = {}) {
  return notebookWith(
    [templateCell('precompile', 1, 'markdown'), templateCell('precompile', 2)],
    { template: 'bert-ja', parameters: PARAMETERS, ...metadata }
  );
}

/** What the templates model answers for bert-ja (only what the guide reads). */
function detail(title: string): TemplatesAPI.TemplateDetail {
  return {
    title,
    steps: [
      {
        id: 'precompile',
        number: 5,
        title: 'Pre-compilation',
        explanation: 'Compiles the graphs.',
        duration_minutes: { 'trn1.2xlarge': 4 },
        neuron_only: true
      }
    ]
  } as unknown as TemplatesAPI.TemplateDetail;
}

describe('TutorialManager', () => {
  let server: FakeServer;
  let managers: TutorialManager[];

  beforeEach(() => {
    server = new FakeServer();
    managers = [];
  });

  afterEach(() => managers.forEach(manager => manager.dispose()));

  function managerFor(
    panels: NotebookPanel[],
    options: Partial<TutorialManager.IOptions> = {}
  ) {
    const manager = new TutorialManager({
      tracker: trackerOf(panels) as any,
      i18n: new NeuronI18n({ setting: 'en' }),
      monitor: null,
      cache: null,
      templates: null,
      diagnoseClient: new DiagnoseClient({
        serverSettings: server.serverSettings
      }),
      contents: {} as any,
      ...options
    });
    managers.push(manager);
    return manager;
  }

  it("explains the steps with the templates model, falling back to the template's defaults", async () => {
    const getTemplate = jest.fn(
      async (id: string, params?: TemplatesAPI.TemplateParameterValues) => {
        if (params) {
          throw new Error('Invalid value for workers');
        }
        return detail(`${id}: Japanese BERT`);
      }
    );
    const templates = { getTemplate } as unknown as INeuronTemplates;
    const panel = panelFor(bertNotebook());
    const manager = managerFor([], { templates });
    const session = (await manager.start(panel))!;
    await settle();
    expect(getTemplate.mock.calls).toEqual([
      ['bert-ja', PARAMETERS],
      ['bert-ja', undefined]
    ]);
    expect(session.templateTitle).toBe('bert-ja: Japanese BERT');
    expect(session.progress.step('precompile')).toMatchObject({
      number: 5,
      title: 'Pre-compilation',
      neuronOnly: true
    });
    // Nothing was asked of the server but through the model.
    expect(server.requests).toEqual([]);
  });

  it('follows the notebook alone without the templates capability, asking the server nothing', async () => {
    const manager = managerFor([]);
    const session = (await manager.start(panelFor(bertNotebook())))!;
    await settle();
    expect(session.templateTitle).toBeNull();
    expect(session.progress.steps.map(step => step.title)).toEqual([
      'precompile'
    ]);
    expect(server.requests).toEqual([]);
  });

  it('measures pre-compilation through the compile-cache model', async () => {
    const fake = new FakeCompileCache(server, 5);
    const cache = new CacheModel({ serverSettings: server.serverSettings });
    const manager = managerFor([], { cache });
    const session = (await manager.start(panelFor(bertNotebook())))!;
    session.progress.cellScheduled('precompile-2');
    await settle();
    fake.entries.push({ ...fake.entries[0], id: 'v1:new' });
    session.progress.cellExecuted('precompile-2', null);
    await settle();
    expect(session.progress.evidence('precompile').cache).toEqual({
      before: { entries: 5, bytes: expect.any(Number), simulated: true },
      after: { entries: 6, bytes: expect.any(Number), simulated: true },
      problem: null
    });
    expect(
      server
        .requestsTo('cache/status')
        .every(r => r.query.get('refresh') === '1')
    ).toBe(true);
    expect(cache.isVisible).toBe(false);
    cache.dispose();
  });

  it('says the compile cache cannot be measured without its capability', async () => {
    const manager = managerFor([]);
    const session = (await manager.start(panelFor(bertNotebook())))!;
    session.progress.cellScheduled('precompile-2');
    await settle();
    expect(session.progress.evidence('precompile').cache).toMatchObject({
      before: null,
      problem: expect.stringContaining(
        'compile cache part of jupyterlab-neuron is disabled'
      )
    });
  });

  it('resumes a notebook left in tutorial mode and offers one made from a template', async () => {
    const resumed = panelFor(
      bertNotebook({
        tutorial: { version: 1, active: true, current: null, steps: {} }
      }),
      'resumed'
    );
    const offered = panelFor(bertNotebook(), 'offered');
    const plain = panelFor(
      notebookWith([{ id: 'a', cell_type: 'code', source: '', metadata: {} }]),
      'plain'
    );
    const tracker = trackerOf([]);
    const manager = managerFor([], { tracker: tracker as any });
    const offers: NotebookPanel[] = [];
    manager.templateNotebookOpened.connect((_, panel) => offers.push(panel));
    for (const panel of [resumed, offered, plain]) {
      tracker.widgetAdded.emit(panel);
    }
    await settle();
    expect(manager.isActive(resumed)).toBe(true);
    expect(manager.isActive(offered)).toBe(false);
    expect(offers).toEqual([offered]);
  });
});
