import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { languageSettings, openPanelSection } from './helpers';

/**
 * The Templates section of the Neuron panel, on the simulated trn1.2xlarge of
 * the test server: insertion into a notebook (one undo removes it) and new
 * notebooks from the launcher.
 */

/**
 * The Templates section, its template cards loaded.
 */
async function openTemplates(page: IJupyterLabPageFixture): Promise<Locator> {
  const section = await openPanelSection(page, 'templates');
  await expect(
    section.locator('.jp-Neuron-TemplateCard').first()
  ).toBeVisible();
  return section;
}

/** Cells of the current notebook, read from its model. */
async function notebookCells(
  page: IJupyterLabPageFixture
): Promise<{ source: string; lang: string | null; step: string | null }[]> {
  return page.evaluate(() => {
    const widget = (window as any).jupyterapp.shell.currentWidget;
    return widget.content.model.sharedModel.cells.map((cell: any) => {
      const meta = cell.getMetadata().jupyterlab_neuron ?? null;
      return {
        source: cell.getSource(),
        lang: meta?.lang ?? null,
        step: meta?.step ?? null
      };
    });
  });
}

test.describe('Templates in Japanese', () => {
  test.use({ mockSettings: languageSettings('ja') });

  test('inserts BERT-ja into a new notebook, and one undo removes it', async ({
    page,
    request,
    baseURL
  }) => {
    await page.notebook.createNew('bert-ja-inserted.ipynb', { kernel: null });
    expect(await notebookCells(page)).toEqual([
      { source: '', lang: null, step: null }
    ]);

    const section = await openTemplates(page);
    await expect(section.getByText('シミュレーション').first()).toBeVisible();
    const card = section.locator('[data-template-id="bert-ja"]');
    await card.getByRole('button', { name: /日本語 BERT/ }).click();
    await expect(card.locator('legend')).toHaveText('パラメーター');
    // Parameters come from the simulated environment: two NeuronCores.
    await expect(
      card.getByText(
        'パラメーターの基準: trn1.2xlarge（NeuronCore 2 個、シミュレーション）'
      )
    ).toBeVisible();
    await expect(card.getByLabel(/^ワーカー数/)).toHaveValue('2');
    await expect(card.getByText('1. 事前準備')).toBeVisible();

    // What the server renders for these parameters, to compare with.
    const rendered = await request.post(
      `${baseURL}/jupyterlab-neuron/templates/bert-ja/render`,
      { data: { lang: 'ja', format: 'cells' } }
    );
    expect(rendered.ok()).toBe(true);
    const expected = (await rendered.json()).cells as { source: string }[];
    expect(expected.length).toBeGreaterThan(20);

    await card.getByRole('button', { name: 'ノートブックに挿入' }).click();
    await expect(card.getByRole('status')).toContainText(
      `bert-ja-inserted.ipynb に ${expected.length} 個のセルを挿入しました。`
    );

    // The template replaced the empty cell of the new notebook.
    const cells = await notebookCells(page);
    expect(cells.map(cell => cell.source)).toEqual(
      expected.map(cell => cell.source)
    );
    expect(new Set(cells.map(cell => cell.lang))).toEqual(new Set(['ja']));
    expect(cells[0].step).toBe('setup');
    // The notebook now says which template (and parameters) it was made from.
    expect(
      await page.evaluate(
        () =>
          (
            window as any
          ).jupyterapp.shell.currentWidget.content.model.getMetadata(
            'jupyterlab_neuron'
          )?.template
      )
    ).toBe('bert-ja');
    await expect(
      page.locator('.jp-NotebookPanel .jp-MarkdownOutput h1').first()
    ).toContainText('日本語 BERT によるテキスト分類');

    // One undo, in the notebook's command mode, removes every inserted cell.
    await page.keyboard.press('Escape');
    await page.keyboard.press('z');
    await expect.poll(async () => (await notebookCells(page)).length).toBe(1);
    expect(await notebookCells(page)).toEqual([
      { source: '', lang: null, step: null }
    ]);
  });

  test('explains an invalid parameter in Japanese', async ({ page }) => {
    const section = await openTemplates(page);
    const card = section.locator('[data-template-id="bert-ja"]');
    expect(await card.screenshot()).toMatchSnapshot('templates-card-ja.png');
    await card.getByRole('button', { name: /日本語 BERT/ }).click();
    const field = card.locator('[data-parameter="epochs"]');
    await field.getByLabel(/^エポック数/).fill('0');
    await expect(field.getByRole('alert')).toHaveText(
      '1 以上の値を入力してください。'
    );
    expect(await field.screenshot()).toMatchSnapshot(
      'templates-invalid-ja.png'
    );
  });
});

test.describe('Templates in English', () => {
  test.use({ mockSettings: languageSettings('en') });

  test('creates a ViT notebook from the launcher', async ({
    page,
    tmpPath
  }) => {
    // The launcher of a fresh workspace, else a new one.
    if ((await page.locator('.jp-Launcher').count()) === 0) {
      await page.evaluate(() =>
        (window as any).jupyterapp.commands.execute('launcher:create')
      );
    }
    const launcher = page.locator('.jp-Launcher').first();
    const cards = launcher.locator('.jp-LauncherCard[data-category="Neuron"]');
    // One card per template, besides the other Neuron cards.
    const card = cards.filter({ hasText: 'ViT image classification (beans)' });
    await expect(card).toHaveCount(1);
    await expect(
      cards.filter({ hasText: 'Japanese BERT text classification' })
    ).toHaveCount(1);
    await card.click();

    await expect(
      page.getByRole('tab', { name: /vit-beans\.ipynb/ })
    ).toBeVisible();
    await expect(
      page.locator('.jp-NotebookPanel .jp-MarkdownOutput h1').first()
    ).toContainText(
      'ViT image classification (beans): from fine-tuning to inference'
    );
    const cells = await notebookCells(page);
    expect(cells.length).toBeGreaterThan(20);
    expect(new Set(cells.map(cell => cell.lang))).toEqual(new Set(['en']));
    expect(cells.some(cell => /^## 1\. /.test(cell.source))).toBe(true);
    // Created in the launcher's folder.
    expect(
      await page.evaluate(
        () => (window as any).jupyterapp.shell.currentWidget.context.path
      )
    ).toBe(`${tmpPath}/vit-beans.ipynb`);
  });
});
