#!/bin/sh
# Browser benchmark of the NeuronCore dashboard (issue 3): one dashboard update
# at trn2.48xlarge scale (scripting time, target <= 8 ms) and latency from the
# simulator writing a report line to the frame showing it being painted (p95
# over 100 samples, target <= 150 ms). Prints the figures.
#
#   PATH=$PWD/.venv/bin:$PATH sh bench/monitor/ui/run.sh     (from the repository root)
#
# Needs the built extension (npm run build) and ui-tests' packages (npm ci in
# ui-tests). BENCH_PERIOD (s, default 0.5) and BENCH_SAMPLES (default 100)
# change the run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# The benchmark uses the browser-test packages of ui-tests/.
if [ ! -e "$here/node_modules" ]; then
  ln -s "$root/ui-tests/node_modules" "$here/node_modules"
fi
log=$(mktemp -t jupyterlab-neuron-bench-writes.XXXXXX)
export BENCH_LOG="$log"
cd "$here"
status=0
"$root/ui-tests/node_modules/.bin/playwright" test -c playwright.config.js || status=$?
rm -f "$log"
exit $status
