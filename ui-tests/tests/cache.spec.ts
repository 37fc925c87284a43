import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { languageSettings, PANEL_ID } from './helpers';

/**
 * The compile cache: the sidebar section and the main-area view, on the two
 * small simulated caches the test server generates at start (60 entries, 6
 * of them failed, one cache per language; see jupyter_server_test_config.py).
 */

const OPEN_VIEW = 'jupyterlab-neuron:open-compile-cache';

/** The words of the steps, in each language. */
const WORDS = {
  en: {
    root: 'cache-en',
    openView: 'Open compile cache view',
    simulated: 'Simulated compile cache',
    filterRoot: 'Filter by root',
    filterState: 'Filter by state',
    totalsBefore: /^60 entries · /,
    totalsAfter: /^54 entries · /,
    matchesFailed: '6 entries match',
    deleteFailed: 'Delete failed…',
    dialogTitle: 'Delete all failed entries',
    confirm: 'Delete 6 items',
    removed: /Removed 6 items and freed/,
    noMatch: 'No entry matches the filters.',
    failedChip: 'Failed 0'
  },
  ja: {
    root: 'cache-ja',
    openView: 'コンパイルキャッシュを開く',
    simulated: 'シミュレーションのコンパイルキャッシュ',
    filterRoot: 'ルートで絞り込む',
    filterState: '状態で絞り込む',
    totalsBefore: /^エントリ 60 件 · /,
    totalsAfter: /^エントリ 54 件 · /,
    matchesFailed: '該当するエントリ: 6 件',
    deleteFailed: '失敗したエントリを削除…',
    dialogTitle: '失敗したエントリをすべて削除',
    confirm: '6 件を削除',
    removed: /6 件を削除し、.* を解放しました。/,
    noMatch: '条件に一致するエントリはありません。',
    failedChip: '失敗 0'
  }
} as const;

/**
 * Open the cache view from the Compile cache section of the sidebar.
 */
async function openCacheView(
  page: IJupyterLabPageFixture,
  words: (typeof WORDS)['en' | 'ja']
): Promise<Locator> {
  await page.sidebar.openTab(PANEL_ID);
  const section = page.locator('#jp-Neuron-section-compile-cache');
  await expect(
    section.locator('.jp-Neuron-CacheSummary[data-state="ready"]')
  ).toBeVisible();
  await expect(section.getByText(words.simulated)).toBeVisible();
  await section.getByRole('button', { name: words.openView }).click();
  const view = page.locator('.jp-Neuron-CacheView');
  await expect(view).toHaveAttribute('data-state', 'ready');
  return view;
}

/**
 * Show only the given simulated root (the other language's test cleans the
 * other one).
 */
async function chooseRoot(view: Locator, label: string, rootName: string) {
  const select = view.getByLabel(label);
  const options = await select.locator('option').allTextContents();
  const root = options.find(option => option.endsWith(`/${rootName}`));
  expect(root, `a root ending with /${rootName} in ${options}`).toBeTruthy();
  await select.selectOption({ label: root! });
}

for (const language of ['en', 'ja'] as const) {
  const words = WORDS[language];

  test.describe(`Compile cache (${language})`, () => {
    test.use({ mockSettings: languageSettings(language) });

    test('deletes the failed entries through the dry-run dialog', async ({
      page
    }) => {
      const view = await openCacheView(page, words);
      await chooseRoot(view, words.filterRoot, words.root);
      const totals = view.getByTestId('cache-totals');
      await expect(totals).toHaveText(words.totalsBefore);

      // Filter the failed entries.
      await view.getByLabel(words.filterState).selectOption('failed');
      await expect(view.getByText(words.matchesFailed)).toBeVisible();
      const rows = view.locator('.jp-Neuron-VirtualTable-row[data-id]');
      await expect(rows).toHaveCount(6);
      for (const state of await rows.evaluateAll(nodes =>
        nodes.map(node => (node as HTMLElement).dataset.state)
      )) {
        expect(state).toBe('failed');
      }

      // The dialog shows the dry run before anything is removed.
      await view.getByRole('button', { name: words.deleteFailed }).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog.getByText(words.dialogTitle)).toBeVisible();
      await expect(dialog.locator('.jp-Neuron-DryRun')).toHaveAttribute(
        'data-count',
        '6'
      );
      await expect(dialog.locator('.jp-Neuron-DryRun-list li')).toHaveCount(6);
      expect(await rows.count()).toBe(6);
      expect(
        await dialog.locator('.jp-Dialog-content').screenshot()
      ).toMatchSnapshot(`cache-dry-run-${language}.png`);

      await dialog.getByRole('button', { name: words.confirm }).click();
      await expect(dialog).toHaveCount(0);
      await expect(page.getByText(words.removed)).toBeVisible();

      // The totals and the list follow at once.
      await expect(totals).toHaveText(words.totalsAfter);
      await expect(view.getByText(words.noMatch)).toBeVisible();
      await expect(rows).toHaveCount(0);
      await expect(
        view.locator('.jp-Neuron-StateChip[data-state="failed"]')
      ).toHaveText(words.failedChip);
    });
  });
}
