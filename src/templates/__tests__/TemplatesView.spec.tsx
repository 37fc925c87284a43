import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { Signal } from '@lumino/signaling';
import React from 'react';

import { NeuronI18n } from '../../i18n';
import type {
  INeuronTemplates,
  ITemplateInsertOptions,
  NeuronLanguage,
  NeuronTemplatesState
} from '../../tokens';
import { TemplateDrafts } from '../draft';
import { TemplatesView } from '../TemplatesView';
import { detail, templateList } from './fixtures';
import type * as TemplatesAPI from '../../api/templates';

/**
 * A templates service whose fields the test sets; it answers details like
 * the server and records insertions.
 */
class StubTemplates {
  state: NeuronTemplatesState = 'ready';
  templates = templateList().templates;
  problems: TemplatesAPI.TemplateProblem[] = [];
  error: string | null = null;
  editsNotebooks = true;
  canInsert = true;
  insertTarget: string | null = 'Untitled.ipynb';
  isDisposed = false;
  inserted: { id: string; options: ITemplateInsertOptions }[] = [];
  created: string[] = [];
  readonly changed = new Signal<this, void>(this);
  readonly listChanged = new Signal<this, any>(this);
  readonly insertTargetChanged = new Signal<this, void>(this);

  setVisible(): void {
    // The view tells; the stub has nothing to fetch.
  }
  async ensureList(): Promise<void> {
    return;
  }
  async refresh(): Promise<void> {
    return;
  }
  async getTemplate(
    _id: string,
    params: TemplatesAPI.TemplateParameterValues = {}
  ): Promise<TemplatesAPI.TemplateDetail> {
    return detail({ edited: params });
  }
  async insert(id: string, options: ITemplateInsertOptions = {}) {
    this.inserted.push({ id, options });
    return {
      path: 'Untitled.ipynb',
      index: 0,
      count: 30,
      replacedBlankCell: true,
      wroteNotebookMetadata: true,
      warnings: []
    };
  }
  async createNotebook(id: string) {
    this.created.push(id);
    return {
      path: `${id}.ipynb`,
      kernel: 'python3',
      warnings: [],
      widget: null
    };
  }
  dispose(): void {
    this.isDisposed = true;
  }
}

async function show(stub: StubTemplates, language: NeuronLanguage) {
  const translator = new NeuronI18n({ setting: language });
  const model = stub as unknown as INeuronTemplates;
  const drafts = new TemplateDrafts({ templates: model, i18n: translator });
  const view = render(
    <TemplatesView
      model={model}
      drafts={drafts}
      translator={translator}
      rendermime={null}
      environment={null}
    />
  );
  return { view, drafts };
}

/** Open a template card and wait for its detail. */
async function open(title: RegExp): Promise<HTMLElement> {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: title }));
  });
  const card = screen
    .getByRole('button', { name: title })
    .closest('li') as HTMLElement;
  await within(card).findByText(/Parameters|パラメーター/, {
    selector: 'legend'
  });
  return card;
}

describe('TemplatesView', () => {
  it('lists the templates with their targets and step counts', async () => {
    await show(new StubTemplates(), 'en');
    const cards = screen.getAllByRole('listitem');
    expect(cards).toHaveLength(2);
    expect(cards[0].textContent).toContain('For inf2.xlarge, trn1.2xlarge');
    expect(cards[0].textContent).toContain('2 steps');
  });

  it('shows a loading message, then an error with a retry', async () => {
    const stub = new StubTemplates();
    stub.templates = [];
    stub.state = 'loading';
    const { view } = await show(stub, 'ja');
    expect(screen.getByRole('status').textContent).toBe(
      'テンプレートの一覧を読み込んでいます…'
    );
    stub.state = 'error';
    stub.error = 'HTTP 500';
    const refresh = jest.spyOn(stub, 'refresh');
    act(() => stub.changed.emit());
    expect(screen.getByRole('alert').textContent).toContain(
      'テンプレートの一覧を読み込めませんでした'
    );
    fireEvent.click(within(view.container).getByText('再試行'));
    expect(refresh).toHaveBeenCalled();
  });

  it('opens a template: environment, simulated badge, form and steps', async () => {
    await show(new StubTemplates(), 'en');
    const card = await open(/Japanese BERT/);
    expect(card.textContent).toContain(
      'Parameters derived from: trn1.2xlarge (2 NeuronCores, simulated)'
    );
    expect(card.querySelector('[data-kind="simulated"]')).not.toBeNull();
    expect(card.textContent).toContain('CPU smoke mode');
    // Typed inputs with the server's values.
    expect(
      (within(card).getByLabelText(/^epochs/) as HTMLInputElement).value
    ).toBe('1');
    expect(
      (within(card).getByLabelText(/^smoke/) as HTMLInputElement).checked
    ).toBe(true);
    const workers = within(card).getByLabelText(
      /^workers/
    ) as HTMLSelectElement;
    expect(workers.tagName).toBe('SELECT');
    expect([...workers.options].map(o => o.value)).toEqual(['1', '2']);
    // Steps with durations and a Neuron-only badge.
    const steps = card.querySelectorAll('.jp-Neuron-TemplateStep');
    expect(steps).toHaveLength(2);
    expect(steps[1].textContent).toContain('about 9 min on inf2.xlarge');
    expect(steps[1].textContent).toContain('about 4.5 min on trn1.2xlarge');
    expect(steps[1].textContent).toContain('Neuron only');
  });

  it('explains invalid values in Japanese and does not insert them', async () => {
    const stub = new StubTemplates();
    await show(stub, 'ja');
    const card = await open(/Japanese BERT/);
    const epochs = within(card).getByLabelText(/^epochs/);
    fireEvent.change(epochs, { target: { value: '0' } });
    expect(within(card).getByRole('alert').textContent).toBe(
      '1 以上の値を入力してください。'
    );
    expect(epochs.getAttribute('aria-invalid')).toBe('true');

    await act(async () => {
      fireEvent.click(within(card).getByText('ノートブックに挿入'));
    });
    expect(stub.inserted).toHaveLength(0);
    expect(card.textContent).toContain(
      '先に、強調表示されたパラメーターを修正してください。'
    );
  });

  it('inserts with the values the user changed and says how to undo', async () => {
    const stub = new StubTemplates();
    await show(stub, 'en');
    const card = await open(/Japanese BERT/);
    fireEvent.change(within(card).getByLabelText(/^epochs/), {
      target: { value: '3' }
    });
    await act(async () => {
      fireEvent.click(within(card).getByText('Insert into notebook'));
    });
    expect(stub.inserted).toEqual([
      {
        id: 'bert-ja',
        options: { params: { epochs: 3 }, step: null, includeSetup: null }
      }
    ]);
    expect(within(card).getByRole('status').textContent).toContain(
      'Inserted 30 cells into Untitled.ipynb.'
    );
  });

  it('inserts one step from its preview', async () => {
    const stub = new StubTemplates();
    await show(stub, 'en');
    const card = await open(/Japanese BERT/);
    const step = card.querySelector('[data-step-id="train"] details')!;
    await act(async () => {
      (step as HTMLDetailsElement).open = true;
      fireEvent(step, new Event('toggle'));
    });
    expect(step.textContent).toContain('Uses the results of: 1. Preparation');
    await act(async () => {
      fireEvent.click(
        within(step as HTMLElement).getByText('Insert this step')
      );
    });
    expect(stub.inserted[0].options).toEqual({
      params: {},
      step: 'train',
      includeSetup: true
    });
    // The outcome shows where the user clicked: under the steps.
    expect(
      card.querySelector('.jp-Neuron-TemplateSteps + .jp-Neuron-TemplateStatus')
        ?.textContent
    ).toContain('Inserted 30 cells');
  });

  it('without a notebook, only offers a new notebook', async () => {
    const stub = new StubTemplates();
    stub.canInsert = false;
    stub.insertTarget = null;
    await show(stub, 'en');
    const card = await open(/ViT/);
    const insert = within(card)
      .getByText('Insert into notebook')
      .closest('button')!;
    expect(insert.disabled).toBe(true);
    expect(card.textContent).toContain(
      'Open a notebook to insert into it, or create a new notebook.'
    );
    await act(async () => {
      fireEvent.click(within(card).getByText('New notebook'));
    });
    expect(stub.created).toEqual(['vit-beans']);
    expect(card.textContent).toContain('Created and opened vit-beans.ipynb.');
  });

  it('lists the problems of administrator templates', async () => {
    const stub = new StubTemplates();
    stub.problems = [
      {
        path: '/srv/jupyter/neuron-templates/broken.json',
        origin: 'admin',
        kind: 'invalid',
        message: 'Not a valid template.',
        errors: ['steps: required']
      }
    ];
    await show(stub, 'en');
    expect(screen.getByText('1 template could not be used')).toBeTruthy();
    expect(screen.getByText('Not a valid template.')).toBeTruthy();
  });
});
