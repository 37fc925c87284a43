/**
 * Playwright configuration of the cluster view benchmark (not a test suite): one
 * Chromium page against its own Jupyter server (port 8891). Run it with
 * run.sh, which also makes the ui-tests packages resolvable from here.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = Number(process.env.BENCH_PORT || 8891);

module.exports = {
  ...baseConfig,
  testDir: '.',
  testMatch: /\.bench\.ts$/,
  workers: 1,
  retries: 0,
  timeout: 600000,
  reporter: [['list']],
  outputDir:
    process.env.BENCH_OUTPUT || '/tmp/jupyterlab-neuron-bench-cluster-output',
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${port}`,
    video: 'off',
    trace: 'off',
    // A fixed, roomy viewport: the dashboard shows all 128 cores at once.
    viewport: { width: 1600, height: 1000 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--disable-dev-shm-usage', '--disable-gpu', '--no-first-run']
    }
  },
  webServer: {
    command: `jupyter lab --config jupyter_server_bench_config.py --port ${port}`,
    url: `http://localhost:${port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false
  }
};
