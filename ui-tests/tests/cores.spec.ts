import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { languageSettings, PANEL_ID, setMonitorHook } from './helpers';

/**
 * NeuronCores per kernel on the simulated trn1.2xlarge (two NeuronCores):
 * two notebooks whose kernelspec uses the neuron-cores provisioner with one
 * core each get their own core, shown in the panel and in each notebook's
 * toolbar, in English and Japanese.
 */

const SLOW = { timeout: 45_000 };
const KERNEL = 'ui-neuron-cores-1';
const PREFIX = path.resolve(__dirname, '..', '..', '.venv');
const PYTHON = path.join(PREFIX, 'bin', 'python');
const KERNEL_DIR = path.join(PREFIX, 'share', 'jupyter', 'kernels', KERNEL);

test.beforeAll(() => {
  // No simulated runtime holds the two cores (train-dual would).
  setMonitorHook('scenario', 'idle');
  // The real CLI writes the kernelspec where the test server finds it.
  execFileSync(PYTHON, [
    '-m',
    'jupyterlab_neuron.cli',
    'kernelspec',
    'install',
    '--name',
    KERNEL,
    '--cores',
    '1',
    '--display-name',
    'Python 3 (1 NeuronCore)',
    '--sys-prefix'
  ]);
});

test.afterAll(() => {
  setMonitorHook('scenario', null);
  fs.rmSync(KERNEL_DIR, { recursive: true, force: true });
});

async function openCoresSection(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  await page.sidebar.openTab(PANEL_ID);
  const titles = page.locator(`[id="${PANEL_ID}"] .jp-AccordionPanel-title`);
  await expect(titles.first()).toBeVisible();
  const count = await titles.count();
  for (let i = 0; i < count; i++) {
    const title = titles.nth(i);
    const wanted =
      (await title.getAttribute('aria-controls')) === 'jp-Neuron-section-cores';
    const expanded = (await title.getAttribute('aria-expanded')) === 'true';
    if (expanded !== wanted) {
      await title.click();
    }
  }
  return page.locator('#jp-Neuron-section-cores');
}

/** Wait until the monitor reports no process outside Jupyter. */
async function waitForIdleCores(page: IJupyterLabPageFixture): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.request.get('/jupyterlab-neuron/monitor/snapshot');
        const cores = await (
          await page.request.get('/jupyterlab-neuron/cores')
        ).json();
        return cores.busy_outside.length + cores.leases.length;
      },
      { timeout: 45_000 }
    )
    .toBe(0);
}

async function shutDown(page: IJupyterLabPageFixture, names: string[]) {
  const sessions = await (await page.request.get('/api/sessions')).json();
  for (const session of sessions) {
    if (names.some(name => session.path.endsWith(name))) {
      await page.request.delete(`/api/sessions/${session.id}`);
    }
  }
}

for (const [language, heading, hint] of [
  ['en', 'NeuronCores per kernel', 'restart required'],
  ['ja', 'カーネルごとの NeuronCore', '再起動が必要です']
] as const) {
  test.describe(`NeuronCores per kernel (${language})`, () => {
    test.use({ mockSettings: languageSettings(language) });

    test('two notebooks on their own cores', async ({ page }) => {
      const left = `cores-left-${language}.ipynb`;
      const right = `cores-right-${language}.ipynb`;
      await waitForIdleCores(page);
      try {
        await page.notebook.createNew(left, { kernel: KERNEL });
        await expect(
          page.locator('.jp-NotebookPanel:visible .jp-Neuron-CoresButton')
        ).toHaveText('NC 0', SLOW);
        await page.notebook.createNew(right, { kernel: KERNEL });
        const button = page.locator(
          '.jp-NotebookPanel:visible .jp-Neuron-CoresButton'
        );
        await expect(button).toHaveText('NC 1', SLOW);
        expect(await button.getAttribute('title')).toContain(hint);

        const section = await openCoresSection(page);
        await expect(
          page.locator(
            `[id="${PANEL_ID}"] .jp-AccordionPanel-title[aria-controls="jp-Neuron-section-cores"]`
          )
        ).toContainText(heading);
        await expect(section.locator('tr', { hasText: left })).toContainText(
          'NC 0',
          SLOW
        );
        await expect(section.locator('tr', { hasText: right })).toContainText(
          'NC 1',
          SLOW
        );
      } finally {
        await shutDown(page, [left, right]);
      }
    });
  });
}
