import { NotebookModel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';

import { NeuronI18n } from '../../i18n';

import {
  ITemplateRenderer,
  TemplateActions,
  chooseKernel,
  uniqueNotebookPath
} from '../actions';
import { renderedCells } from './fixtures';
import type * as TemplatesAPI from '../../api/templates';

function spec(name: string, display_name: string, language = 'python') {
  return { name, display_name, language, argv: [], resources: {} };
}

describe('chooseKernel', () => {
  it('prefers a Neuron kernel, then the default Python kernel', () => {
    expect(
      chooseKernel({
        default: 'python3',
        kernelspecs: {
          python3: spec('python3', 'Python 3 (ipykernel)'),
          aws_neuron_venv_pytorch: spec(
            'aws_neuron_venv_pytorch',
            'Python (torch-neuronx)'
          )
        }
      })
    ).toEqual({
      name: 'aws_neuron_venv_pytorch',
      display_name: 'Python (torch-neuronx)',
      language: 'python'
    });
    expect(
      chooseKernel({
        default: 'python3',
        kernelspecs: {
          ir: spec('ir', 'R', 'R'),
          python3: spec('python3', 'Python 3 (ipykernel)')
        }
      })?.name
    ).toBe('python3');
  });

  it('never picks a kernel of another language', () => {
    expect(
      chooseKernel({
        default: 'neuron-r',
        kernelspecs: { 'neuron-r': spec('neuron-r', 'R on Neuron', 'R') }
      })
    ).toBeNull();
    expect(chooseKernel(null)).toBeNull();
  });
});

describe('uniqueNotebookPath', () => {
  it('takes the first free name in the folder', async () => {
    const taken = new Set(['work/bert-ja.ipynb', 'work/bert-ja-1.ipynb']);
    const exists = async (path: string) => taken.has(path);
    expect(await uniqueNotebookPath('work', 'bert-ja', exists)).toBe(
      'work/bert-ja-2.ipynb'
    );
    expect(await uniqueNotebookPath('', 'vit-beans', exists)).toBe(
      'vit-beans.ipynb'
    );
  });

  it('gives up after many attempts', async () => {
    await expect(
      uniqueNotebookPath('', 'x', async () => true, 3)
    ).rejects.toThrow(/No free notebook name/);
  });
});

/** A renderer answering like the server, recording what it was asked. */
function fakeRenderer(): ITemplateRenderer & {
  requests: TemplatesAPI.TemplateRenderOptions[];
} {
  const requests: TemplatesAPI.TemplateRenderOptions[] = [];
  const base = {
    template: 'bert-ja',
    lang: 'ja' as const,
    step: null,
    smoke: true,
    parameters: {},
    warnings: ['Written for inf2.xlarge, trn1.2xlarge.']
  };
  return {
    requests,
    renderCells: async (_id, request = {}) => {
      requests.push(request);
      const cells = renderedCells('bert-ja', 'ja');
      return {
        ...base,
        cells: request.step
          ? cells.filter(
              c => c.metadata.jupyterlab_neuron.step === request.step
            )
          : cells,
        metadata: {
          template: 'bert-ja',
          lang: 'ja',
          parameters: { smoke: true }
        }
      };
    },
    renderNotebook: async (_id, request = {}) => {
      requests.push(request);
      return {
        ...base,
        notebook: {
          cells: renderedCells('bert-ja', 'ja'),
          metadata: { jupyterlab_neuron: { template: 'bert-ja' } },
          nbformat: 4,
          nbformat_minor: 5
        }
      };
    }
  };
}

/** A notebook panel stand-in, as the tracker gives it. */
function fakePanel(model: NotebookModel, activeCellIndex: number) {
  const scrolled: unknown[] = [];
  return {
    id: 'notebook-1',
    isDisposed: false,
    scrolled,
    context: { ready: Promise.resolve(), path: 'work/experiment.ipynb' },
    content: {
      model,
      activeCellIndex,
      mode: 'edit',
      widgets: model.sharedModel.cells.map(() => ({})),
      deselectAll: () => undefined,
      scrollToCell: async (cell: unknown) => {
        scrolled.push(cell);
      }
    }
  };
}

function notebookWith(...sources: string[]): NotebookModel {
  const model = new NotebookModel();
  model.sharedModel.insertCells(
    0,
    sources.map(source => ({ cell_type: 'code', source }))
  );
  model.sharedModel.clearUndoHistory();
  return model;
}

describe('TemplateActions', () => {
  const i18n = new NeuronI18n({ setting: 'ja' });

  function create(
    panel: ReturnType<typeof fakePanel> | null,
    extra: Partial<TemplateActions.IOptions> = {}
  ) {
    const renderer = fakeRenderer();
    const currentChanged = new Signal<unknown, unknown>({});
    const tracker = { currentWidget: panel, currentChanged } as any;
    const activated: string[] = [];
    const actions = new TemplateActions({
      templates: renderer,
      tracker,
      commands: new CommandRegistry(),
      contents: {} as any,
      i18n,
      activate: widget => activated.push(widget.id),
      ...extra
    });
    return { actions, renderer, tracker, currentChanged, activated };
  }

  it('inserts below the active cell of the current notebook, as one undo step', async () => {
    const model = notebookWith('a = 1', 'b = 2');
    const panel = fakePanel(model, 0);
    const { actions, renderer, activated } = create(panel);
    expect(actions.canInsert).toBe(true);
    expect(actions.targetPath).toBe('work/experiment.ipynb');

    const result = await actions.insert('bert-ja', { params: { epochs: 2 } });
    expect(renderer.requests).toEqual([
      { params: { epochs: 2 }, step: null, include_setup: null, lang: 'ja' }
    ]);
    expect(result).toMatchObject({
      path: 'work/experiment.ipynb',
      index: 1,
      count: 4,
      warnings: ['Written for inf2.xlarge, trn1.2xlarge.']
    });
    expect(model.sharedModel.cells).toHaveLength(6);
    // The tutorial mode reads what the notebook was made with.
    expect(result.wroteNotebookMetadata).toBe(true);
    expect(model.getMetadata('jupyterlab_neuron')).toEqual({
      template: 'bert-ja',
      lang: 'ja',
      parameters: { smoke: true }
    });
    expect(panel.content.activeCellIndex).toBe(1);
    expect(panel.content.mode).toBe('command');
    expect(activated).toEqual(['notebook-1']);

    model.sharedModel.undo();
    expect(model.sharedModel.cells.map(c => c.getSource())).toEqual([
      'a = 1',
      'b = 2'
    ]);
  });

  it('inserts one step with or without its setup cells', async () => {
    const model = notebookWith('a = 1');
    const { actions, renderer } = create(fakePanel(model, 0));
    const result = await actions.insert('bert-ja', {
      step: 'prepare',
      includeSetup: false
    });
    expect(renderer.requests[0]).toMatchObject({
      step: 'prepare',
      include_setup: false
    });
    expect(result.count).toBe(2);
    // One step does not make the notebook a template notebook.
    expect(result.wroteNotebookMetadata).toBe(false);
    expect(model.getMetadata('jupyterlab_neuron')).toBeUndefined();
    expect(
      model.sharedModel.cells
        .slice(1)
        .map(c => (c.getMetadata().jupyterlab_neuron as any).step)
    ).toEqual(['prepare', 'prepare']);
  });

  it('says so when no notebook is open', async () => {
    const { actions, renderer } = create(null);
    expect(actions.canInsert).toBe(false);
    await expect(actions.insert('bert-ja')).rejects.toThrow(
      'テンプレートを挿入するノートブックを開いてください。'
    );
    expect(renderer.requests).toHaveLength(0);
  });

  it('does not insert into a notebook closed meanwhile', async () => {
    const model = notebookWith('a = 1');
    const panel = fakePanel(model, 0);
    const { actions } = create(panel);
    const pending = actions.insert('bert-ja');
    panel.isDisposed = true;
    await expect(pending).rejects.toThrow(/閉じられました/);
    expect(model.sharedModel.cells).toHaveLength(1);
  });

  it('tells when the target notebook changes', () => {
    const { actions, currentChanged } = create(null);
    const changed = jest.fn();
    actions.targetChanged.connect(changed);
    currentChanged.emit(null);
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('creates a notebook under a free name, with a Python kernel, and opens it', async () => {
    const saved: { path: string; model: any }[] = [];
    const contents = {
      get: async (path: string) => {
        if (path === 'work/bert-ja.ipynb') {
          return { path };
        }
        throw new ServerConnection.ResponseError(
          new Response('', { status: 404 })
        );
      },
      save: async (path: string, model: any) => {
        saved.push({ path, model });
        return { path };
      }
    };
    const commands = new CommandRegistry();
    const opened: any[] = [];
    commands.addCommand('docmanager:open', {
      execute: args => {
        opened.push(args);
        return undefined;
      }
    });
    const kernelspecs = {
      ready: Promise.resolve(),
      specs: {
        default: 'python3',
        kernelspecs: { python3: spec('python3', 'Python 3 (ipykernel)') }
      }
    };
    const { actions, renderer } = create(null, {
      contents: contents as any,
      commands,
      kernelspecs: kernelspecs as any
    });

    const result = await actions.createNotebook('bert-ja', {
      cwd: 'work',
      params: { epochs: 2 }
    });
    expect(renderer.requests).toEqual([{ params: { epochs: 2 }, lang: 'ja' }]);
    expect(result).toMatchObject({
      path: 'work/bert-ja-1.ipynb',
      kernel: 'python3',
      widget: null
    });
    expect(saved).toHaveLength(1);
    expect(saved[0].path).toBe('work/bert-ja-1.ipynb');
    expect(saved[0].model.type).toBe('notebook');
    const notebook = saved[0].model.content;
    expect(notebook.cells).toHaveLength(4);
    expect(notebook.metadata.kernelspec).toEqual({
      name: 'python3',
      display_name: 'Python 3 (ipykernel)',
      language: 'python'
    });
    expect(notebook.metadata.jupyterlab_neuron).toEqual({
      template: 'bert-ja'
    });
    expect(opened).toEqual([
      {
        path: 'work/bert-ja-1.ipynb',
        factory: 'Notebook',
        kernel: { name: 'python3' }
      }
    ]);
  });

  it("creates the notebook in the file browser's folder unless told where", async () => {
    const saved: string[] = [];
    const contents = {
      get: async () => {
        throw new ServerConnection.ResponseError(
          new Response('', { status: 404 })
        );
      },
      save: async (path: string) => {
        saved.push(path);
        return { path };
      }
    };
    const commands = new CommandRegistry();
    commands.addCommand('docmanager:open', { execute: () => undefined });
    let browsed = 'projects/nlp';
    const { actions } = create(null, {
      contents: contents as any,
      commands,
      defaultCwd: () => browsed
    });
    await actions.createNotebook('bert-ja');
    browsed = 'elsewhere';
    await actions.createNotebook('bert-ja');
    // The launcher says where it is: that wins.
    await actions.createNotebook('bert-ja', { cwd: '' });
    expect(saved).toEqual([
      'projects/nlp/bert-ja.ipynb',
      'elsewhere/bert-ja.ipynb',
      'bert-ja.ipynb'
    ]);
  });

  it('fails clearly when the folder cannot be read', async () => {
    const contents = {
      get: async () => {
        throw new ServerConnection.ResponseError(
          new Response('', { status: 403 }),
          'Permission denied'
        );
      },
      save: jest.fn()
    };
    const { actions } = create(null, { contents: contents as any });
    await expect(actions.createNotebook('bert-ja')).rejects.toThrow(
      'Permission denied'
    );
    expect(contents.save).not.toHaveBeenCalled();
  });
});
