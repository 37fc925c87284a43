import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as path from 'path';

import { languageSettings, MONITOR_HOOKS, setMonitorHook } from './helpers';

/**
 * The NeuronCore monitor on the simulated trn1.2xlarge of the test server,
 * whose neuron-monitor runs scenario train-dual through monitor_hooks.py (see
 * jupyter_server_test_config.py). Writing the hook files switches the
 * scenario or attaches a simulated runtime to a real process; the simulated
 * neuron-monitor then restarts with them.
 */

const OPEN_DASHBOARD = 'jupyterlab-neuron:open-monitor-dashboard';
const SLOW = { timeout: 45_000 };

async function openDashboard(page: IJupyterLabPageFixture) {
  await page.evaluate(async command => {
    await (window as any).jupyterapp.commands.execute(command);
  }, OPEN_DASHBOARD);
  const dashboard = page.locator('.jp-Neuron-Dashboard');
  await expect(dashboard).toBeVisible();
  return dashboard;
}

/** Utilization percentages shown by the core bars. */
async function barValues(page: IJupyterLabPageFixture): Promise<number[]> {
  const texts = await page
    .locator('.jp-Neuron-CoreBar-value')
    .allTextContents();
  return texts.map(text => parseFloat(text));
}

test.beforeEach(() => {
  // Back to plain train-dual (restarts the simulated tool only if changed).
  setMonitorHook('scenario', null);
  setMonitorHook('pids', null);
});

test.describe('NeuronCore monitor in English', () => {
  test.use({ mockSettings: languageSettings('en') });

  test('the dashboard shows simulated train-dual utilization', async ({
    page
  }) => {
    await page.evaluate(async () => {
      await (window as any).jupyterapp.commands.execute('launcher:create');
    });
    // The card of the launcher on screen, in the "Neuron" category.
    await page
      .locator('.jp-LauncherCard[data-category="Neuron"]')
      .filter({ visible: true, hasText: 'NeuronCore Dashboard' })
      .click();
    const dashboard = page.locator('.jp-Neuron-Dashboard');
    await expect(
      page.locator('.jp-Neuron-Dashboard[data-monitor-state="running"]')
    ).toBeVisible(SLOW);
    await expect(dashboard.getByText('Simulated: trn1.2xlarge')).toBeVisible();
    await expect(dashboard.getByText('Live (WebSocket)')).toBeVisible();

    // Two workers keep both NeuronCores of the trn1.2xlarge busy.
    await expect(page.locator('.jp-Neuron-CoreBar')).toHaveCount(2);
    await expect
      .poll(
        async () => (await barValues(page)).every(value => value > 50),
        SLOW
      )
      .toBe(true);
    await expect(dashboard).toContainText('2 of 2 in use');
    await expect(
      dashboard.locator('.jp-Neuron-ProcessTable tbody tr')
    ).toHaveCount(2);
    await expect(dashboard.locator('canvas')).toHaveCount(2);
    await expect(dashboard).toContainText('No ECC errors on any device.');

    // The status bar says the same, marked simulated.
    const item = page.locator('.jp-Neuron-StatusItem');
    await expect(item).toContainText(/NeuronCore 2\/2 · \d+%/);
    await expect(item).toContainText('simulated');

    expect(
      await dashboard.locator('.jp-Neuron-Dashboard-titleRow').screenshot()
    ).toMatchSnapshot('monitor-header-en.png');
  });

  test('the sidebar section leads to the dashboard', async ({ page }) => {
    await page.sidebar.openTab('jupyterlab-neuron:panel');
    const section = page.locator('#jp-Neuron-section-monitor');
    await expect(section).toContainText('2 of 2 NeuronCores in use', SLOW);
    await section
      .getByRole('button', { name: 'Open NeuronCore Dashboard' })
      .click();
    await expect(page.locator('.jp-Neuron-Dashboard')).toBeVisible();
  });

  test('the process table names the notebook and shuts its kernel down', async ({
    page,
    tmpPath
  }) => {
    const name = 'monitor-owner.ipynb';
    await page.notebook.createNew(name);
    // A long-running child of the kernel plays the Neuron runtime; it ends
    // when its parent (the kernel) goes away.
    await page.notebook.setCell(
      0,
      'code',
      [
        'import subprocess, sys',
        'child = subprocess.Popen([sys.executable, "-c", "import os, time\\nparent = os.getppid()\\nwhile os.getppid() == parent:\\n    time.sleep(0.2)"])',
        `open(${JSON.stringify(path.join(MONITOR_HOOKS, 'pids'))}, "w").write(str(child.pid))`,
        'print("runtime pid", child.pid)'
      ].join('\n')
    );
    await page.notebook.runCell(0);
    const output = (await page.notebook.getCellTextOutput(0))?.join('') ?? '';
    const pid = /runtime pid (\d+)/.exec(output)?.[1];
    expect(pid).toBeTruthy();

    const sessions = await (await page.request.get('/api/sessions')).json();
    const session = sessions.find((s: any) => s.path.endsWith(name));
    expect(session).toBeTruthy();
    const kernelId: string = session.kernel.id;

    const dashboard = await openDashboard(page);
    const row = dashboard.locator(
      `.jp-Neuron-ProcessTable tr[data-pid="${pid}"]`
    );
    await expect(row).toContainText(name, SLOW);
    await expect(row).toContainText('(child process)');
    await expect(row.getByRole('button', { name })).toHaveAttribute(
      'title',
      `${tmpPath}/${name}`
    );

    await row.getByRole('button', { name: 'Shut down kernel' }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(`Shut down the kernel of ${name}?`);
    await dialog.getByRole('button', { name: 'Shut Down' }).click();

    await expect
      .poll(async () => {
        const kernels = await (await page.request.get('/api/kernels')).json();
        return kernels.map((kernel: any) => kernel.id);
      }, SLOW)
      .not.toContain(kernelId);
    // The process no longer belongs to any kernel.
    await expect(row).not.toContainText(name, SLOW);
  });

  test('the crash scenario shows the restart state', async ({ page }) => {
    const dashboard = await openDashboard(page);
    await expect(
      page.locator('.jp-Neuron-Dashboard[data-monitor-state="running"]')
    ).toBeVisible(SLOW);

    setMonitorHook('scenario', 'crash');
    try {
      await expect(
        page.locator('.jp-Neuron-Dashboard[data-monitor-state="restarting"]')
      ).toBeVisible(SLOW);
      await expect(dashboard).toContainText(
        'neuron-monitor stopped; restarting it'
      );
      // The crash scenario's own last words, once it has crashed.
      await expect(dashboard.locator('.jp-Neuron-Stderr')).toContainText(
        'lost the connection to the Neuron driver',
        SLOW
      );
      await expect(page.locator('.jp-Neuron-StatusItem')).toContainText(
        'NeuronCore: Restarting',
        SLOW
      );
    } finally {
      setMonitorHook('scenario', null);
    }
    await expect(
      page.locator('.jp-Neuron-Dashboard[data-monitor-state="running"]')
    ).toBeVisible(SLOW);
  });
});

test.describe('NeuronCore monitor in Japanese', () => {
  test.use({ mockSettings: languageSettings('ja') });

  test('the dashboard, the section and the status bar speak Japanese', async ({
    page
  }) => {
    const dashboard = await openDashboard(page);
    await expect(
      page.locator('.jp-Neuron-Dashboard[data-monitor-state="running"]')
    ).toBeVisible(SLOW);
    await expect(dashboard).toContainText('NeuronCore ダッシュボード');
    await expect(
      dashboard.getByText('シミュレーション: trn1.2xlarge')
    ).toBeVisible();
    await expect(dashboard).toContainText('2 個中 2 個が使用中');
    await expect(dashboard).toContainText('ノートブック');
    await expect(dashboard).toContainText('デバイスメモリ');
    await expect(page.locator('.jp-Neuron-StatusItem')).toContainText(
      'シミュレーション'
    );
    expect(
      await dashboard.locator('.jp-Neuron-Dashboard-titleRow').screenshot()
    ).toMatchSnapshot('monitor-header-ja.png');

    await page.sidebar.openTab('jupyterlab-neuron:panel');
    await expect(page.locator('#jp-Neuron-section-monitor')).toContainText(
      'NeuronCore ダッシュボードを開く'
    );
  });
});
