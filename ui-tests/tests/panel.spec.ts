import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { languageSettings, PANEL_ID } from './helpers';

/**
 * The Neuron sidebar on a laptop-sized screen (950 px high) with every
 * section open: nothing is cut, product names keep their case, and
 * Japanese launcher labels break where Japanese text may break.
 */

const SLOW = { timeout: 45_000 };

/** Open the Neuron panel with every section expanded. */
async function openAllSections(page: IJupyterLabPageFixture): Promise<void> {
  await page.sidebar.openTab(PANEL_ID);
  const titles = page.locator(`[id="${PANEL_ID}"] .jp-AccordionPanel-title`);
  await expect(titles.first()).toBeVisible();
  const count = await titles.count();
  for (let i = 0; i < count; i++) {
    const title = titles.nth(i);
    if ((await title.getAttribute('aria-expanded')) !== 'true') {
      await title.click();
    }
  }
}

/** Scroll to an element and check that no part of it is clipped. */
async function expectWhole(element: Locator): Promise<void> {
  await element.scrollIntoViewIfNeeded();
  // Clipping by any scrolling or overflow-hidden ancestor counts.
  await expect(element).toBeInViewport({ ratio: 1 });
}

/**
 * The characters that start a rendered line of an element's text.
 */
async function lineStarts(element: Locator): Promise<string[]> {
  return element.evaluate(node => {
    const starts: string[] = [];
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    let previousTop: number | null = null;
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const value = text.textContent ?? '';
      for (let i = 0; i < value.length; i++) {
        const range = document.createRange();
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect || value[i].trim() === '') {
          continue;
        }
        if (previousTop === null || rect.top > previousTop + 2) {
          starts.push(value[i]);
        }
        previousTop = rect.top;
      }
    }
    return starts;
  });
}

test.use({ viewport: { width: 1280, height: 950 } });

test.describe('Neuron sidebar at 950 px, in English', () => {
  test.use({ mockSettings: languageSettings('en') });

  test('every section shows all of its content and buttons', async ({
    page
  }) => {
    await openAllSections(page);
    const panel = page.locator(`[id="${PANEL_ID}"]`);
    // The environment facts arrive from the server.
    const facts = panel
      .locator('#jp-Neuron-section-environment .jp-Neuron-Facts dd')
      .filter({ visible: true });
    await expect(facts.first()).toBeVisible(SLOW);
    await expectWhole(facts.last());

    const open = panel.getByRole('button', {
      name: 'Open NeuronCore Dashboard'
    });
    await expectWhole(open);
    await open.click();
    await expect(page.locator('.jp-Neuron-Dashboard')).toBeVisible();

    for (const button of await panel.getByRole('button').all()) {
      if (await button.isVisible()) {
        await expectWhole(button);
      }
    }
  });

  test('section headers keep product names as written', async ({ page }) => {
    await openAllSections(page);
    const headers = page
      .locator(`[id="${PANEL_ID}"] .jp-AccordionPanel-title`)
      .filter({ hasText: 'NeuronCore' });
    // innerText is the text as rendered, after any CSS case change.
    const rendered = await headers.evaluateAll(nodes =>
      nodes.map(node => (node as HTMLElement).innerText)
    );
    expect(rendered.some(text => text.includes('NeuronCore Monitor'))).toBe(
      true
    );
    for (const text of rendered) {
      expect(text).toContain('NeuronCore');
    }
  });
});

test.describe('Neuron launcher cards in Japanese', () => {
  test.use({ mockSettings: languageSettings('ja') });

  test('labels never start a line with a small kana or a long vowel mark', async ({
    page
  }) => {
    await page.evaluate(async () => {
      await (window as any).jupyterapp.commands.execute('launcher:create');
    });
    const labels = page
      .locator(
        '.jp-LauncherCard[data-category="Neuron"] .jp-LauncherCard-label'
      )
      .filter({ visible: true });
    await expect(labels.first()).toBeVisible(SLOW);
    await expect(
      labels.filter({ hasText: 'NeuronCore ダッシュボード' })
    ).toBeVisible();
    for (const label of await labels.all()) {
      const starts = await lineStarts(label);
      const text = await label.textContent();
      for (const start of starts.slice(1)) {
        expect(
          'ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー',
          `a line of "${text}" starts with ${start}`
        ).not.toContain(start);
      }
    }
  });
});
