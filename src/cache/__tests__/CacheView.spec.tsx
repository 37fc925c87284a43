import { Dialog } from '@jupyterlab/apputils';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

import { FakeServer } from '../../__tests__/fakeServer';
import { waitUntil as waitUntilHolds } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';
import { NeuronLanguage } from '../../tokens';
import { CacheAction, ICacheActionTarget, runCacheAction } from '../actions';
import { CacheView } from '../view';
import { CacheEntryListModel } from '../entries';
import { CacheModel } from '../model';
import { FakeCompileCache } from './fakeCache';

/** Wait for a condition, letting React render between checks. */
function waitUntil(condition: () => boolean): Promise<void> {
  return waitUntilHolds(condition, {
    pause: () => act(() => new Promise(resolve => setTimeout(resolve, 10)))
  });
}

/** `showDialog` that accepts every confirmation and keeps the texts shown. */
function acceptingDialogs() {
  const texts: string[] = [];
  const show = (async (options: Partial<Dialog.IOptions<unknown>>) => {
    // Rendered apart from the view under test (which is inside act()).
    const node = document.createElement('div');
    node.innerHTML = renderToStaticMarkup(options.body as React.ReactElement);
    texts.push(node.textContent ?? '');
    const buttons = (options.buttons ?? []) as Dialog.IButton[];
    return {
      button: buttons.find(button => button.accept) ?? buttons[0],
      value: null,
      isChecked: null
    };
  }) as any;
  return { texts, show };
}

describe('CacheView', () => {
  let server: FakeServer;
  let fake: FakeCompileCache;
  let cache: CacheModel;
  let list: CacheEntryListModel;
  let i18n: NeuronI18n;
  let actions: { action: CacheAction; target: ICacheActionTarget }[];
  let dialogs: ReturnType<typeof acceptingDialogs>;

  async function show(language: NeuronLanguage, count = 2_000) {
    server = new FakeServer();
    fake = new FakeCompileCache(server, count);
    i18n = new NeuronI18n({ setting: language });
    cache = new CacheModel({ serverSettings: server.serverSettings, i18n });
    list = new CacheEntryListModel({
      cache,
      translator: i18n,
      blockSize: 100,
      textDelay: 10
    });
    actions = [];
    dialogs = acceptingDialogs();
    list.setVisible(true);
    const view = render(
      <CacheView
        list={list}
        translator={i18n}
        initialTableHeight={300}
        runAction={(action, target) => {
          actions.push({ action, target });
          return runCacheAction(action, {
            cache,
            translator: i18n,
            target,
            showDialog: dialogs.show,
            notify: false
          });
        }}
      />
    );
    await waitUntil(() => cache.status !== null && list.total !== null);
    await act(() => list.whenIdle());
    return view;
  }

  afterEach(() => {
    list?.dispose();
    cache?.dispose();
  });

  function rows(container: HTMLElement): HTMLElement[] {
    return Array.from(
      container.querySelectorAll<HTMLElement>(
        '.jp-Neuron-VirtualTable-row[data-id]'
      )
    );
  }

  it('shows the totals and a window of the entries', async () => {
    const { container } = await show('en', 10_000);
    expect(screen.getByTestId('cache-totals').textContent).toMatch(
      /^10,000 entries · \d/
    );
    expect(screen.getByText('10,000 entries match')).toBeTruthy();
    const shown = rows(container);
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.length).toBeLessThan(60);
    expect(screen.getByText('Simulated compile cache')).toBeTruthy();
    // The compiling entry cannot be selected.
    const compiling = container.querySelector<HTMLElement>(
      '.jp-Neuron-VirtualTable-row[data-state="compiling"]'
    )!;
    expect(compiling.dataset.protected).toBe('compiling');
    expect(
      within(compiling).getByRole('checkbox').hasAttribute('disabled')
    ).toBe(true);
  });

  it('filters failed entries, deletes them through the dry run, and updates the totals', async () => {
    const { container } = await show('en');
    fireEvent.change(screen.getByLabelText('Filter by state'), {
      target: { value: 'failed' }
    });
    await waitUntil(() => list.total === 200);
    await act(() => list.whenIdle());
    expect(screen.getByText('200 entries match')).toBeTruthy();
    expect(rows(container).every(row => row.dataset.state === 'failed')).toBe(
      true
    );

    fireEvent.click(screen.getByRole('button', { name: 'Delete failed…' }));
    await waitUntil(
      () => actions.length === 1 && fake.cleanBodies.length === 2
    );
    await waitUntil(() => list.total === 0);
    expect(actions[0]).toEqual({
      action: 'delete-failed',
      target: { root: null }
    });
    // The dialog showed the dry run's count before the real run.
    expect(dialogs.texts[0]).toContain('To remove200');
    expect(fake.cleanBodies.map(body => body.dry_run)).toEqual([true, false]);

    await waitUntil(() =>
      (screen.getByTestId('cache-totals').textContent ?? '').startsWith(
        '1,800 entries'
      )
    );
    expect(screen.getByText('No entry matches the filters.')).toBeTruthy();
  });

  it('deletes the selected entries', async () => {
    const { container } = await show('en', 300);
    const [first, second] = rows(container);
    fireEvent.click(within(first).getByRole('checkbox'));
    fireEvent.click(within(second).getByRole('checkbox'));
    expect(list.selectedCount).toBe(2);
    expect(screen.getByText(/^2 selected \(/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Delete selected…' }));
    await waitUntil(() => fake.cleanBodies.length === 2);
    await waitUntil(() => list.selectedCount === 0);
    expect(fake.cleanBodies[0].entries).toEqual([
      first.dataset.id,
      second.dataset.id
    ]);
    expect(fake.entries).toHaveLength(298);
  });

  it('shows the log of a failed entry', async () => {
    const { container } = await show('en', 300);
    const failedRow = container.querySelector<HTMLElement>(
      '.jp-Neuron-VirtualTable-row[data-state="failed"]'
    )!;
    const entry = fake.entries.find(e => e.id === failedRow.dataset.id)!;
    fake.serveDetail(
      entry,
      'ERROR 4821 [neuronx-cc]: An Internal Compiler Error has occurred'
    );
    fireEvent.click(within(failedRow).getByRole('button', { name: 'Log' }));
    await waitUntil(() => list.detailState === 'ready');
    const pane = screen.getByRole('complementary', { name: 'Entry details' });
    expect(pane.textContent).toContain('Compiler log (model.log)');
    expect(pane.querySelector('.jp-Neuron-LogTail')?.textContent).toContain(
      'Internal Compiler Error'
    );
    expect(pane.textContent).toContain('--model-type=transformer');
  });

  it('speaks Japanese', async () => {
    await show('ja', 300);
    expect(screen.getByTestId('cache-totals').textContent).toMatch(
      /^エントリ 300 件 · /
    );
    for (const header of [
      '状態',
      'モジュール',
      'コンパイラーのバージョン',
      'サイズ',
      '最終使用'
    ]) {
      expect(screen.getByRole('columnheader', { name: header })).toBeTruthy();
    }
    expect(
      screen.getByRole('button', { name: '失敗したエントリを削除…' })
    ).toBeTruthy();
    expect(screen.getByText('該当するエントリ: 300 件')).toBeTruthy();
    expect(screen.getAllByText('失敗').length).toBeGreaterThan(0);
    expect(screen.getByLabelText('状態で絞り込む')).toBeTruthy();
  });

  it('shows why a read-only root cannot be cleaned, in the server words', async () => {
    server = new FakeServer();
    await show('en', 50);
    fake.rootState = 'read_only';
    fake.rootMessage =
      'Read-only: nothing can be removed here. The Neuron runtime also fails with a read-only cache.';
    await act(() => cache.refresh());
    expect(
      screen.getByText(`${fake.status().roots[0].path}: Read-only`)
    ).toBeTruthy();
    expect(
      screen.getByText(/The Neuron runtime also fails with a read-only cache/)
    ).toBeTruthy();
    // No root can be cleaned: the actions are disabled.
    expect(
      screen
        .getByRole('button', { name: 'Delete failed…' })
        .hasAttribute('disabled')
    ).toBe(true);
  });
});
