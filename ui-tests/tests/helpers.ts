/**
 * What the browser tests share: the extension's ids, the language setting,
 * the Neuron panel's sections and the monitor hook files of monitor_hooks.py.
 */

import { expect, galata, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The Neuron panel in the left sidebar. */
export const PANEL_ID = 'jupyterlab-neuron:panel';

/** The plugin whose settings hold the panel language. */
export const I18N_PLUGIN = 'jupyterlab-neuron:plugin';

/**
 * Galata's default settings with the panel language set.
 */
export function languageSettings(language: 'auto' | 'ja' | 'en') {
  return {
    ...galata.DEFAULT_SETTINGS,
    [I18N_PLUGIN]: { language }
  };
}

/**
 * Open the Neuron panel with only one section expanded and return that
 * section.
 */
export async function openPanelSection(
  page: IJupyterLabPageFixture,
  section:
    | 'environment'
    | 'monitor'
    | 'compile-cache'
    | 'templates'
    | 'cluster'
    | 'cores'
): Promise<Locator> {
  await page.sidebar.openTab(PANEL_ID);
  const titles = page.locator(`[id="${PANEL_ID}"] .jp-AccordionPanel-title`);
  await expect(titles.first()).toBeVisible();
  const count = await titles.count();
  for (let i = 0; i < count; i++) {
    const title = titles.nth(i);
    const wanted =
      (await title.getAttribute('aria-controls')) ===
      `jp-Neuron-section-${section}`;
    const expanded = (await title.getAttribute('aria-expanded')) === 'true';
    if (expanded !== wanted) {
      await title.click();
    }
  }
  return page.locator(`#jp-Neuron-section-${section}`);
}

/**
 * The folder of the hook files the test server's monitor_hooks.py reads.
 */
export const MONITOR_HOOKS =
  process.env.NEURON_UI_MONITOR_HOOKS ||
  path.join(os.tmpdir(), 'jupyterlab-neuron-ui-monitor');

/**
 * Write (or with `null` remove) a monitor hook file: `scenario` switches the
 * simulated workload, `pids` attaches processes to the simulated runtimes.
 */
export function setMonitorHook(
  name: 'scenario' | 'pids',
  value: string | null
): void {
  fs.mkdirSync(MONITOR_HOOKS, { recursive: true });
  const file = path.join(MONITOR_HOOKS, name);
  if (value === null) {
    fs.rmSync(file, { force: true });
  } else {
    fs.writeFileSync(file, value);
  }
}

/**
 * A screenshot of a panel section from its top, as far as the window shows
 * it: the panel scrolls as a whole, so a section can be taller than the
 * window (an element screenshot would try to capture what the panel has
 * scrolled away).
 */
export async function screenshotOnScreen(
  page: IJupyterLabPageFixture,
  section: Locator,
  mask: Locator[] = []
): Promise<Buffer> {
  // Scroll the panel so the section starts just below its (sticky) header.
  await section.evaluate(node => {
    const panel = node.parentElement!;
    const header = node.previousElementSibling as HTMLElement | null;
    panel.scrollTop +=
      node.getBoundingClientRect().top -
      panel.getBoundingClientRect().top -
      (header?.offsetHeight ?? 0);
  });
  const content = page.locator(`[id="${PANEL_ID}"] .jp-SidePanel-content`);
  const outer = await content.boundingBox();
  const inner = await section.boundingBox();
  if (!outer || !inner) {
    throw new Error('The panel section is not on screen');
  }
  const top = Math.max(outer.y, inner.y);
  const bottom = Math.min(outer.y + outer.height, inner.y + inner.height);
  return page.screenshot({
    clip: { x: inner.x, y: top, width: inner.width, height: bottom - top },
    mask
  });
}
