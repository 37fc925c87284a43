#!/bin/sh
# Browser benchmark of the cluster view (issue 14): one update of the heat map
# at 64 nodes x 128 NeuronCores (scripting time from the view's performance
# measure, target <= 16 ms), against a real Prometheus (Debian's prometheus)
# scraping 64 simulated nodes. Prints p50/p95/max.
#
#   PATH=$PWD/.venv/bin:$PATH sh bench/cluster/ui/run.sh     (from the repository root)
#
# Needs the built extension (npm run build), ui-tests' packages (npm ci in
# ui-tests) and prometheus. BENCH_SAMPLES (default 100) and BENCH_PORT
# (default 8891) change the run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
url_file=$(mktemp -t jupyterlab-neuron-bench-prometheus.XXXXXX)
rm -f "$url_file"
python "$here/backend.py" "$url_file" &
backend=$!
trap 'kill "$backend" 2>/dev/null || true; wait "$backend" 2>/dev/null || true; rm -f "$url_file"' EXIT
tries=0
while [ ! -s "$url_file" ]; do
  if ! kill -0 "$backend" 2>/dev/null || [ "$tries" -ge 120 ]; then
    echo "the simulated cluster did not start" >&2
    exit 1
  fi
  tries=$((tries + 1))
  sleep 1
done
BENCH_PROMETHEUS_URL=$(cat "$url_file")
export BENCH_PROMETHEUS_URL
sh "$here/../../ui_common/playwright.sh" "$here"
