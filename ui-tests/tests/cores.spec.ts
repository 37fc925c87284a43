import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import {
  languageSettings,
  openPanelSection,
  PANEL_ID,
  setMonitorHook
} from './helpers';

/**
 * NeuronCores per kernel on the simulated trn1.2xlarge (two NeuronCores):
 * two notebooks whose kernelspec uses the neuron-cores provisioner with one
 * core each get their own core, shown in the panel and in each notebook's
 * toolbar, in English and Japanese. One of them runs the simulated workload
 * (`python -m jupyterlab_neuron.simulator workload`, which loads only the
 * cores of its NEURON_RT_VISIBLE_CORES): the dashboard shows each notebook on
 * its own core, the other one leased but idle.
 */

const SLOW = { timeout: 45_000 };
const OPEN_DASHBOARD = 'jupyterlab-neuron:open-monitor-dashboard';
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

/** Start the simulated workload from the kernel of the visible notebook. */
async function startWorkload(page: IJupyterLabPageFixture): Promise<number> {
  await page.notebook.setCell(
    0,
    'code',
    [
      'import subprocess, sys',
      'job = subprocess.Popen([sys.executable, "-m", "jupyterlab_neuron.simulator", "workload", "--seconds", "90"])',
      'print("workload pid", job.pid)'
    ].join('\n')
  );
  await page.notebook.runCell(0);
  const output = (await page.notebook.getCellTextOutput(0))?.join('') ?? '';
  const pid = Number(/workload pid (\d+)/.exec(output)?.[1]);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

function stopWorkload(pid: number | null): void {
  if (pid === null) {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already ended.
  }
}

for (const [language, heading, hint, idle, busy] of [
  [
    'en',
    'NeuronCores per kernel',
    'restart required',
    'leased, idle',
    'in use'
  ],
  [
    'ja',
    'カーネルごとの NeuronCore',
    '再起動が必要です',
    '割り当て済み・未使用',
    '使用中'
  ]
] as const) {
  test.describe(`NeuronCores per kernel (${language})`, () => {
    test.use({ mockSettings: languageSettings(language) });

    test('two notebooks on their own cores', async ({ page }) => {
      const left = `cores-left-${language}.ipynb`;
      const right = `cores-right-${language}.ipynb`;
      await waitForIdleCores(page);
      let workload: number | null = null;
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

        const section = await openPanelSection(page, 'cores');
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

        // The right notebook's kernel runs the workload on its core only.
        workload = await startWorkload(page);
        await page.evaluate(async command => {
          await (window as any).jupyterapp.commands.execute(command);
        }, OPEN_DASHBOARD);
        const leases = page.locator(
          '.jp-Neuron-Dashboard .jp-Neuron-CoreLease'
        );
        const leftRow = leases.filter({ hasText: left });
        const rightRow = leases.filter({ hasText: right });
        await expect(rightRow).toHaveAttribute('data-state', 'busy', SLOW);
        await expect(rightRow).toHaveAttribute('data-cores', '1');
        await expect(rightRow).toContainText('NC 1');
        await expect(rightRow).toContainText(busy);
        await expect(leftRow).toHaveAttribute('data-state', 'idle');
        await expect(leftRow).toHaveAttribute('data-cores', '0');
        await expect(leftRow).toContainText('NC 0');
        await expect(leftRow).toContainText(idle);
        // No process outside the two leases.
        await expect(leases).toHaveCount(2);
        // The workload is the right notebook's, on core 1 only.
        await expect(
          page.locator(`.jp-Neuron-ProcessTable tr[data-pid="${workload}"]`)
        ).toContainText(right, SLOW);
        await expect(
          page.locator('.jp-Neuron-CoreBar[data-core="0"]')
        ).toHaveAttribute('data-in-use', 'false');
      } finally {
        stopWorkload(workload);
        await shutDown(page, [left, right]);
      }
    });
  });
}
