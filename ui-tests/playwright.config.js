/**
 * Playwright configuration of the browser tests.
 *
 * Browsers cannot be downloaded on our machines: the tests drive Debian's
 * Chromium (/usr/bin/chromium, override with CHROMIUM_PATH).
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// NEURON_UI_PORT moves both servers (for running two test runs side by side).
const simulatedPort = Number(process.env.NEURON_UI_PORT || 8888);
const noToolsPort = simulatedPort + 1;
// An S3 compile cache (cache-s3.spec.ts): moto's S3 server on loopback, and a server using it.
const s3ServerPort = simulatedPort + 2;
const s3EndpointPort = Number(
  process.env.NEURON_UI_S3_PORT || 12000 + simulatedPort
);
// The cluster view (cluster.spec.ts): Prometheus scraping simulated exporters, on loopback.
const prometheusPort = Number(
  process.env.NEURON_UI_PROMETHEUS_PORT || 11000 + simulatedPort
);

const launchOptions = {
  executablePath: chromiumPath,
  args: [
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run'
  ]
};

module.exports = {
  ...baseConfig,
  // Two cores: one browser at a time keeps the timings honest.
  workers: 1,
  timeout: 120000,
  expect: {
    timeout: 15000,
    toMatchSnapshot: { maxDiffPixelRatio: 0.02 }
  },
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    // Recording video needs a Playwright-downloaded ffmpeg, which we cannot fetch.
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions,
    locale: 'en-US'
  },
  projects: [
    {
      name: 'simulated',
      testIgnore: /no-tools\.spec\.ts|cache-s3\.spec\.ts/,
      use: { baseURL: `http://localhost:${simulatedPort}` }
    },
    {
      name: 'no-tools',
      testMatch: /no-tools\.spec\.ts/,
      use: { baseURL: `http://localhost:${noToolsPort}` }
    },
    {
      name: 's3',
      testMatch: /cache-s3\.spec\.ts/,
      use: { baseURL: `http://localhost:${s3ServerPort}` }
    }
  ],
  webServer: [
    {
      command: `python -m jupyterlab_neuron.cluster.demo --port ${prometheusPort}`,
      url: `http://127.0.0.1:${prometheusPort}/-/ready`,
      timeout: 60 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      command: `jupyter lab --config jupyter_server_test_config.py --port ${simulatedPort}`,
      url: `http://localhost:${simulatedPort}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI,
      env: {
        ...process.env,
        NEURON_UI_TEST_MODE: 'simulated',
        NEURON_UI_PROMETHEUS_URL: `http://127.0.0.1:${prometheusPort}`
      }
    },
    {
      command: `jupyter lab --config jupyter_server_test_config.py --port ${noToolsPort}`,
      url: `http://localhost:${noToolsPort}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI,
      env: { ...process.env, NEURON_UI_TEST_MODE: 'no-tools' }
    },
    {
      command: `python ../jupyterlab_neuron/tests/cache/s3/s3_server.py ${s3EndpointPort}`,
      port: s3EndpointPort,
      timeout: 60 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      command: `jupyter lab --config jupyter_server_test_config.py --port ${s3ServerPort}`,
      url: `http://localhost:${s3ServerPort}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI,
      env: {
        ...process.env,
        NEURON_UI_TEST_MODE: 's3',
        NEURON_UI_S3_ENDPOINT: `http://127.0.0.1:${s3EndpointPort}`
      }
    }
  ]
};
