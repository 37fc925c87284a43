// Takes the README screenshots from a running JupyterLab (for example `make demo`).
// Usage: node scripts/readme-screenshots.mjs http://127.0.0.1:8888/lab?token=... [ja|en]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(
  path.join(here, '..', 'ui-tests', 'package.json')
);
const { chromium } = require('@playwright/test');

const [url, language = 'ja'] = process.argv.slice(2);
const out = path.join(here, '..', 'docs', 'images');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--disable-background-networking'
  ]
});
try {
  const page = await browser.newPage({
    locale: language === 'ja' ? 'ja-JP' : 'en-US',
    viewport: { width: 1400, height: 900 }
  });
  await page.goto(url, { timeout: 120000 });
  const tab = page.locator('.jp-SideBar [data-id="jupyterlab-neuron:panel"]');
  await tab.waitFor({ timeout: 120000 });
  if ((await tab.getAttribute('aria-selected')) !== 'true') {
    await tab.click();
  }
  await page.locator('.jp-Neuron-Environment[data-state="ready"]').waitFor();
  await page.waitForTimeout(3000);
  await page.screenshot({ path: path.join(out, `panel-${language}.png`) });
  await page.evaluate(() =>
    window.jupyterapp.commands
      .execute('jupyterlab-neuron:open-monitor-dashboard')
      .then(() => null)
  );
  await page.waitForTimeout(6000);
  await page.screenshot({ path: path.join(out, `dashboard-${language}.png`) });
  await page.evaluate(() =>
    window.jupyterapp.commands
      .execute('jupyterlab-neuron:open-compile-cache')
      .then(() => null)
  );
  await page.waitForTimeout(4000);
  await page.screenshot({ path: path.join(out, `cache-${language}.png`) });
} finally {
  await browser.close();
}
