// Takes the README screenshots from a running JupyterLab (for example `make demo`,
// started with --LabApp.expose_app_in_browser=True).
// Usage: node scripts/readme-screenshots.mjs URL [ja|en] [panel,dashboard,cache,tutorial,cluster]
// (cluster: a server pointed at a Prometheus, as `make demo-cluster` starts it)
// The tutorial shot runs the first steps of a new BERT-ja notebook in CPU smoke mode: it
// needs the smoke kernel (`make kernel-env`, which `make demo` then offers).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(
  path.join(here, '..', 'ui-tests', 'package.json')
);
const { chromium } = require('@playwright/test');

const [url, language = 'ja', shots = 'panel,dashboard,cache,tutorial'] =
  process.argv.slice(2);
const wanted = new Set(shots.split(','));
const out = path.join(here, '..', 'docs', 'images');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--disable-background-networking'
  ]
});

/** Run a JupyterLab command in the page. */
async function execute(page, command, args = {}) {
  await page.evaluate(
    ([id, options]) =>
      window.jupyterapp.commands.execute(id, options).then(() => null),
    [command, args]
  );
}

try {
  const page = await browser.newPage({
    locale: language === 'ja' ? 'ja-JP' : 'en-US',
    viewport: { width: 1400, height: 900 }
  });
  // A workspace of its own, reset: no tabs or sidebars left from earlier use.
  const start = new URL(url);
  start.pathname = start.pathname.replace(
    /\/lab(\/.*)?$/,
    '/lab/workspaces/readme-screenshots'
  );
  start.searchParams.set('reset', '');
  await page.goto(start.toString(), { timeout: 120000 });
  const tab = page.locator('.jp-SideBar [data-id="jupyterlab-neuron:panel"]');
  await tab.waitFor({ timeout: 120000 });
  // (Shown even when a saved layout left the sidebar collapsed.)
  await page.evaluate(() =>
    window.jupyterapp.shell.activateById('jupyterlab-neuron:panel')
  );
  await page.locator('.jp-Neuron-Environment[data-state="ready"]').waitFor();
  // JupyterLab's own question about its news is not part of the pictures.
  await page
    .locator('.jp-Notification-Toast-default')
    .filter({ hasText: 'Jupyter news' })
    .getByRole('button', { name: 'No', exact: true })
    .click({ timeout: 5000 })
    .catch(() => undefined);
  await page.waitForTimeout(3000);
  if (wanted.has('panel')) {
    await page.screenshot({ path: path.join(out, `panel-${language}.png`) });
  }
  if (wanted.has('dashboard')) {
    await execute(page, 'jupyterlab-neuron:open-monitor-dashboard');
    await page.waitForTimeout(6000);
    await page.screenshot({
      path: path.join(out, `dashboard-${language}.png`)
    });
  }
  if (wanted.has('cluster')) {
    // Needs a server with prometheus_url set, e.g. `make demo-cluster`.
    await execute(page, 'jupyterlab-neuron:open-cluster');
    await page.waitForTimeout(6000);
    await page
      .locator('[data-testid="cluster-group"]')
      .selectOption('team')
      .catch(() => undefined);
    const map = page.locator('[data-testid="cluster-heatmap"]');
    await map.click({ position: { x: 40, y: 20 + 7 } });
    await page.waitForTimeout(3000);
    await page.screenshot({ path: path.join(out, `cluster-${language}.png`) });
  }
  if (wanted.has('cache')) {
    await execute(page, 'jupyterlab-neuron:open-compile-cache');
    await page.waitForTimeout(4000);
    await page.screenshot({ path: path.join(out, `cache-${language}.png`) });
  }
  if (wanted.has('tutorial')) {
    await execute(page, 'jupyterlab-neuron:new-notebook-from-template', {
      id: 'bert-ja'
    });
    // (The offer shows once per notebook: the command works every time.)
    await page.locator('.jp-NotebookPanel').waitFor();
    await execute(page, 'jupyterlab-neuron:toggle-tutorial');
    const current = page.locator('.jp-Neuron-Guide-current');
    for (let i = 0; i < 3; i++) {
      const step = await current.getAttribute('data-step');
      await current.locator('.jp-Neuron-Guide-next').click();
      await page
        .locator(
          `.jp-Neuron-Guide-step[data-step="${step}"][data-status="done"]`
        )
        .waitFor({ timeout: 180000 });
    }
    // The notebook and its guide only.
    await execute(page, 'application:toggle-left-area');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(2000);
    await page.screenshot({
      path: path.join(out, `tutorial-${language}.png`)
    });
  }
} finally {
  await browser.close();
}
