/**
 * Playwright configuration of the browser benchmark (not a test suite): one
 * Chromium page against its own Jupyter server (port 8890). Run it with
 * run.sh, which also makes the ui-tests packages resolvable from here.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');
const { benchConfig } = require('../../ui_common/playwright-config');

module.exports = benchConfig(baseConfig, {
  port: Number(process.env.BENCH_PORT || 8890),
  outputDir: process.env.BENCH_OUTPUT || '/tmp/jupyterlab-neuron-bench-output'
});
