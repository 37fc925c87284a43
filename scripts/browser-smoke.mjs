// Opens JupyterLab in Debian's Chromium, opens the Neuron panel and checks
// that it shows the simulated environment with no page errors.
// Usage: node scripts/browser-smoke.mjs URL
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(
  path.join(here, '..', 'ui-tests', 'package.json')
);
const { chromium } = require('@playwright/test');

const url = process.argv[2];
if (!url) {
  console.error('usage: node scripts/browser-smoke.mjs URL');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--disable-background-networking'
  ]
});
const errors = [];
try {
  const page = await browser.newPage({ locale: 'en-US' });
  page.on('pageerror', error => errors.push(`page error: ${error.message}`));
  page.on('console', message => {
    if (message.type() === 'error') {
      errors.push(`console error: ${message.text()}`);
    }
  });
  await page.goto(url, { timeout: 120000 });
  const tab = page.locator('.jp-SideBar [data-id="jupyterlab-neuron:panel"]');
  await tab.waitFor({ timeout: 120000 });
  await tab.click();
  const banner = page.locator(
    '#jp-Neuron-section-environment .jp-Neuron-SimulatedBanner'
  );
  await banner.waitFor({ state: 'visible', timeout: 60000 });
  const text = await banner.textContent();
  if (!text || !text.includes('Simulated: trn1.2xlarge')) {
    throw new Error(`unexpected environment banner: ${text}`);
  }
  console.log('browser smoke: Neuron panel shows the simulated trn1.2xlarge');
} finally {
  await browser.close();
}
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}
