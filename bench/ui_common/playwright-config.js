/**
 * The Playwright configuration every browser benchmark (bench/<capability>/ui)
 * shares: one Chromium page (Debian's /usr/bin/chromium unless CHROMIUM_PATH),
 * a fixed 1600 x 1000 viewport, no retries, video or trace, against its own
 * Jupyter server started from the benchmark's jupyter_server_bench_config.py.
 *
 * Galata's base configuration is passed in: it resolves from the benchmark's
 * folder (where run.sh links ui-tests/node_modules), not from this one.
 *
 * @param {object} baseConfig `@jupyterlab/galata/lib/playwright-config`
 * @param {{port: number, outputDir: string}} options the server's port and
 *   where screenshots go
 */
function benchConfig(baseConfig, { port, outputDir }) {
  return {
    ...baseConfig,
    testDir: '.',
    testMatch: /\.bench\.ts$/,
    workers: 1,
    retries: 0,
    timeout: 600000,
    reporter: [['list']],
    outputDir,
    use: {
      ...baseConfig.use,
      baseURL: `http://localhost:${port}`,
      video: 'off',
      trace: 'off',
      // A fixed, roomy viewport: the views show everything at once.
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
}

module.exports = { benchConfig };
