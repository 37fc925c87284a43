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
log=$(mktemp -t jupyterlab-neuron-bench-writes.XXXXXX)
export BENCH_LOG="$log"
status=0
sh "$here/../../ui_common/playwright.sh" "$here" || status=$?
rm -f "$log"
exit $status
