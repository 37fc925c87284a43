import { Dialog } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { render, screen } from '@testing-library/react';
import React from 'react';

import { NeuronI18n } from '../../i18n';
import {
  DryRunSummary,
  IDryRunFigures,
  confirmWithDryRun
} from '../DryRunDialog';

const FIGURES: IDryRunFigures = {
  count: 3,
  bytes: 3 * 1024 * 1024,
  summary: '3 entries',
  items: [
    {
      key: 'a',
      label: 'MODULE_a',
      detail: 'neuronxcc-2.15',
      bytes: 1024 * 1024
    },
    {
      key: 'b',
      label: 'MODULE_b',
      detail: 'neuronxcc-2.15',
      bytes: 1024 * 1024
    },
    {
      key: 'c',
      label: 'MODULE_c',
      detail: 'neuronxcc-2.14',
      bytes: 1024 * 1024
    }
  ],
  notes: ['Kept: MODULE_d (compiling)']
};

/** A plan as a fake dry run returns it. */
interface IPlan {
  token: string;
  figures: IDryRunFigures;
}

/**
 * A stand-in for `showDialog` that records what each dialog shows and
 * answers with the button chosen by `choose`.
 */
function scriptedDialogs(choose: (buttons: Dialog.IButton[]) => number) {
  const shown: { title: string; text: string; buttons: string[] }[] = [];
  const show = (async (options: Partial<Dialog.IOptions<unknown>>) => {
    const { container, unmount } = render(options.body as React.ReactElement);
    const buttons = (options.buttons ?? []) as Dialog.IButton[];
    shown.push({
      title: String(options.title),
      text: container.textContent ?? '',
      buttons: buttons.map(button => button.label)
    });
    unmount();
    const button = buttons[choose(buttons)];
    return { button, value: null, isChecked: null };
  }) as any;
  return { shown, show };
}

function conflictError(): ServerConnection.ResponseError {
  return new ServerConnection.ResponseError(
    new Response('{}', { status: 409 }),
    'The compile cache changed since the dry run.'
  );
}

describe('DryRunSummary', () => {
  it.each([
    [
      'en',
      ['To remove', '3', 'Space freed', '3 MiB', 'nothing has been removed yet']
    ],
    [
      'ja',
      ['削除対象', '3', '解放される容量', '3 MiB', 'まだ何も削除していません']
    ]
  ] as const)('shows the figures and the list (%s)', (language, expected) => {
    const translator = new NeuronI18n({ setting: language });
    const { container } = render(
      <DryRunSummary figures={FIGURES} translator={translator} />
    );
    for (const text of expected) {
      expect(container.textContent).toContain(text);
    }
    const list = screen.getByRole('list', {
      name: language === 'en' ? 'What would be removed' : '削除される項目'
    });
    expect(list.querySelectorAll('li')).toHaveLength(3);
    expect(container.textContent).toContain('Kept: MODULE_d (compiling)');
  });

  it('lists only the first items and counts the others', () => {
    const translator = new NeuronI18n({ setting: 'en' });
    render(
      <DryRunSummary figures={FIGURES} translator={translator} listLimit={1} />
    );
    expect(screen.getByText('…and 2 more items')).toBeTruthy();
  });
});

describe('confirmWithDryRun', () => {
  const translator = new NeuronI18n({ setting: 'en' });
  const accept = (buttons: Dialog.IButton[]) =>
    buttons.findIndex(button => button.accept);

  it('shows the dry run before anything runs, then runs that plan', async () => {
    const events: string[] = [];
    const plan: IPlan = { token: 't1', figures: FIGURES };
    const { shown, show } = scriptedDialogs(buttons => {
      events.push('dialog');
      return accept(buttons);
    });
    const outcome = await confirmWithDryRun({
      title: 'Delete failed entries',
      translator,
      dryRun: async () => {
        events.push('dry run');
        return plan;
      },
      run: async p => {
        events.push(`run ${p.token}`);
        return 'done';
      },
      figures: p => p.figures,
      confirmLabel: p => `Delete ${p.figures.count} items`,
      showDialog: show
    });
    expect(events).toEqual(['dry run', 'dialog', 'run t1']);
    expect(outcome).toEqual({ kind: 'done', plan, result: 'done' });
    expect(shown[0].title).toBe('Delete failed entries');
    expect(shown[0].text).toContain('3 MiB');
    expect(shown[0].buttons).toEqual(['Cancel', 'Delete 3 items']);
  });

  it('makes Cancel the default button and runs nothing when cancelled', async () => {
    const run = jest.fn();
    let options: any = null;
    const show = (async (o: any) => {
      options = o;
      return {
        button: o.buttons[o.defaultButton],
        value: null,
        isChecked: null
      };
    }) as any;
    const outcome = await confirmWithDryRun({
      title: 'Wipe',
      translator,
      dryRun: async () => FIGURES,
      run,
      figures: f => f,
      confirmLabel: () => 'Delete',
      showDialog: show
    });
    expect(options.defaultButton).toBe(0);
    expect(options.buttons[0].accept).toBe(false);
    expect(outcome.kind).toBe('cancelled');
    expect(run).not.toHaveBeenCalled();
  });

  it('says so when there is nothing to remove, with no confirm button', async () => {
    const run = jest.fn();
    const { shown, show } = scriptedDialogs(() => 0);
    const empty: IDryRunFigures = { count: 0, bytes: 0, items: [] };
    const outcome = await confirmWithDryRun({
      title: 'Clear stale locks',
      translator,
      dryRun: async () => empty,
      run,
      figures: f => f,
      confirmLabel: () => 'Remove',
      showDialog: show
    });
    expect(outcome.kind).toBe('nothing');
    expect(shown[0].text).toContain('There is nothing to remove.');
    expect(shown[0].buttons).toEqual(['Close']);
    expect(run).not.toHaveBeenCalled();
  });

  it('makes the dry run again after a conflict and shows why', async () => {
    const plans: IPlan[] = [
      { token: 't1', figures: FIGURES },
      {
        token: 't2',
        figures: { ...FIGURES, count: 2, items: FIGURES.items.slice(0, 2) }
      }
    ];
    let dryRuns = 0;
    const runs: string[] = [];
    const { shown, show } = scriptedDialogs(accept);
    const outcome = await confirmWithDryRun({
      title: 'Delete failed entries',
      translator,
      dryRun: async () => plans[dryRuns++],
      run: async p => {
        runs.push(p.token);
        if (p.token === 't1') {
          throw conflictError();
        }
        return 'done';
      },
      figures: p => p.figures,
      confirmLabel: p => `Delete ${p.figures.count} items`,
      showDialog: show
    });
    expect(runs).toEqual(['t1', 't2']);
    expect(outcome.kind).toBe('done');
    expect(shown).toHaveLength(2);
    expect(shown[0].text).not.toContain('Nothing was removed');
    expect(shown[1].text).toContain(
      'Nothing was removed: things changed after the dry run'
    );
    expect(shown[1].text).toContain(
      'The compile cache changed since the dry run.'
    );
    expect(shown[1].buttons).toEqual(['Cancel', 'Delete 2 items']);
  });

  it('gives up after repeated conflicts and says nothing was removed', async () => {
    const { shown, show } = scriptedDialogs(accept);
    const outcome = await confirmWithDryRun({
      title: 'Delete',
      translator,
      dryRun: async () => FIGURES,
      run: async () => {
        throw conflictError();
      },
      figures: f => f,
      confirmLabel: () => 'Delete',
      maxAttempts: 2,
      showDialog: show
    });
    expect(outcome.kind).toBe('failed');
    expect(shown).toHaveLength(3);
    expect(shown[2].text).toContain('Things keep changing while you confirm');
  });

  it('shows a failed dry run and runs nothing', async () => {
    const run = jest.fn();
    const { shown, show } = scriptedDialogs(() => 0);
    const outcome = await confirmWithDryRun({
      title: 'Delete',
      translator: new NeuronI18n({ setting: 'ja' }),
      dryRun: async () => {
        throw new Error('不明なコンパイルキャッシュのエントリです: x');
      },
      run,
      figures: (f: IDryRunFigures) => f,
      confirmLabel: () => 'Delete',
      showDialog: show
    });
    expect(outcome.kind).toBe('failed');
    expect(run).not.toHaveBeenCalled();
    expect(shown[0].text).toContain(
      'ドライランに失敗しました。何も削除していません。'
    );
    expect(shown[0].text).toContain(
      '不明なコンパイルキャッシュのエントリです: x'
    );
    expect(shown[0].buttons).toEqual(['閉じる']);
  });
});
