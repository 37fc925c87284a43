import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import {
  languageSettings,
  openPanelSection,
  screenshotOnScreen
} from './helpers';

/**
 * The Neuron panel's Environment section on the simulated trn1.2xlarge that the
 * test server runs (see jupyter_server_test_config.py).
 */

async function openEnvironment(page: IJupyterLabPageFixture) {
  const section = await openPanelSection(page, 'environment');
  await expect(
    section.locator('.jp-Neuron-Environment[data-state="ready"]')
  ).toBeVisible();
  return section;
}

/**
 * What differs between machines and runs (time, temporary and checkout paths,
 * the server's own Python) is masked in screenshots.
 */
function volatile(section: Locator): Locator[] {
  return [
    section.locator('.jp-Neuron-Environment-updated'),
    section.locator('.jp-Neuron-Path'),
    section.locator('.jp-Neuron-Notice-warning'),
    section.locator('.jp-Neuron-Section-body > p.jp-Neuron-Muted')
  ];
}

test.describe('Environment in English', () => {
  test.use({ mockSettings: languageSettings('en') });

  test('shows the simulated trn1.2xlarge', async ({ page }) => {
    const section = await openEnvironment(page);
    await expect(section.getByText('Simulated: trn1.2xlarge')).toBeVisible();
    await expect(section.getByText('Instance type')).toBeVisible();
    await expect(
      section.locator('.jp-Neuron-Facts').getByText('trn1.2xlarge')
    ).toBeVisible();
    // One device with the two NeuronCores of a trn1.2xlarge.
    const rows = section.locator('.jp-Neuron-DevicesTable tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('0, 1');
    await expect(rows.first()).toContainText('32');
    // Both NeuronCores free: the documented maximum of 2 workers, on cores 0-1.
    await expect(section.locator('.jp-Neuron-Workers')).toHaveText(
      '2 on NeuronCores 0-1 (NEURON_RT_VISIBLE_CORES=0-1; valid: 1, 2)'
    );
    // The server's own Python has no Neuron SDK.
    const sdk = section.locator('.jp-Neuron-SdkGeneration');
    await expect(sdk).toHaveAttribute('data-generation', 'none');
    await expect(sdk).toHaveText('None (torch-neuronx is not installed)');
    expect(
      await screenshotOnScreen(page, section, volatile(section))
    ).toMatchSnapshot('environment-en.png');
  });

  test('the panel is restored after a reload', async ({ page }) => {
    // The layout is saved to the workspace shortly after it changes.
    const saved = page.waitForRequest(
      request =>
        request.method() === 'PUT' && request.url().includes('/api/workspaces')
    );
    await openEnvironment(page);
    await saved;
    await page.reload();
    await expect(
      page.locator('#jp-Neuron-section-environment .jp-Neuron-Environment')
    ).toBeVisible();
  });

  test('commands are in the palette', async ({ page }) => {
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#modal-command-palette');
    await palette.locator('input').fill('Neuron');
    await expect(palette.getByText('Open Neuron Panel')).toBeVisible();
    await expect(palette.getByText('Refresh Neuron Environment')).toBeVisible();
    await palette.getByText('Open Neuron Panel').click();
    await expect(
      page.locator('#jp-Neuron-section-environment .jp-Neuron-Environment')
    ).toBeVisible();
  });
});

test.describe('Environment in Japanese', () => {
  test.use({ mockSettings: languageSettings('ja') });

  test('shows the simulated trn1.2xlarge in Japanese', async ({ page }) => {
    const section = await openEnvironment(page);
    await expect(
      section.getByText('シミュレーション: trn1.2xlarge')
    ).toBeVisible();
    await expect(section.getByText('インスタンスタイプ')).toBeVisible();
    await expect(section.getByText('Instance type')).toHaveCount(0);
    await expect(section.locator('.jp-Neuron-SdkGeneration')).toHaveText(
      'なし（torch-neuronx がインストールされていません）'
    );
    await expect(section.locator('.jp-Neuron-Workers')).toHaveText(
      '2（NeuronCore 0-1 を使用、NEURON_RT_VISIBLE_CORES=0-1。指定できる値: 1、2）'
    );
    expect(
      await screenshotOnScreen(page, section, volatile(section))
    ).toMatchSnapshot('environment-ja.png');
  });
});

test.describe('Language auto follows the browser', () => {
  test.use({ mockSettings: languageSettings('auto'), locale: 'ja-JP' });

  test('a Japanese browser sees Japanese without a language pack', async ({
    page
  }) => {
    const section = await openEnvironment(page);
    await expect(section.getByText('インスタンスタイプ')).toBeVisible();
  });
});

test.describe('Dark theme', () => {
  test.use({
    mockSettings: {
      ...languageSettings('en'),
      '@jupyterlab/apputils-extension:themes': { theme: 'JupyterLab Dark' }
    }
  });

  test('the panel follows the dark theme', async ({ page }) => {
    const section = await openEnvironment(page);
    await expect(page.locator('body')).toHaveAttribute(
      'data-jp-theme-light',
      'false'
    );
    expect(
      await screenshotOnScreen(page, section, volatile(section))
    ).toMatchSnapshot('environment-dark.png');
  });
});
