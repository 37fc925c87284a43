import { expect, test } from '@jupyterlab/galata';

import { languageSettings, PANEL_ID } from './helpers';

/**
 * A compile cache on S3, read from moto's S3 server on loopback (see
 * jupyter_server_test_config.py, mode "s3": 12 entries, 3 of them failed).
 */
const ROOT = 's3://ui-s3-cache/team/cache';

const WORDS = {
  en: {
    openView: 'Open compile cache view',
    available: 'Available',
    badgeTitle: /shared on Amazon S3/,
    filterState: 'Filter by state',
    matchesFailed: '3 entries match'
  },
  ja: {
    openView: 'コンパイルキャッシュを開く',
    available: '利用可能',
    badgeTitle: /Amazon S3 上で共有/,
    filterState: '状態で絞り込む',
    matchesFailed: '該当するエントリ: 3 件'
  }
} as const;

for (const language of ['en', 'ja'] as const) {
  const words = WORDS[language];

  test.describe(`Compile cache on S3 (${language})`, () => {
    test.use({ mockSettings: languageSettings(language) });

    test('shows the S3 root with its badge and entries', async ({ page }) => {
      await page.sidebar.openTab(PANEL_ID);
      const section = page.locator('#jp-Neuron-section-compile-cache');
      await expect(
        section.locator('.jp-Neuron-CacheSummary[data-state="ready"]')
      ).toBeVisible();
      const root = section
        .locator('.jp-Neuron-CacheRoot')
        .filter({ hasText: ROOT });
      await expect(root).toHaveAttribute('data-root-state', 'ok');
      await expect(root.getByText(words.available)).toBeVisible();
      const badge = root.locator('.jp-Neuron-StateBadge', { hasText: /^S3$/ });
      await expect(badge).toBeVisible();
      await expect(badge).toHaveAttribute('title', words.badgeTitle);

      await section.getByRole('button', { name: words.openView }).click();
      const view = page.locator('.jp-Neuron-CacheView');
      await expect(view).toHaveAttribute('data-state', 'ready');
      await view.getByLabel(words.filterState).selectOption('failed');
      await expect(view.getByText(words.matchesFailed)).toBeVisible();
      const rows = view.locator('.jp-Neuron-VirtualTable-row[data-id]');
      await expect(rows).toHaveCount(3);
    });
  });
}
