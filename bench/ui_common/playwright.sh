#!/bin/sh
# Runs the browser benchmark of one folder (bench/<capability>/ui) with the
# browser-test packages of ui-tests/, linked into that folder so that its
# playwright.config.js and *.bench.ts resolve them. The caller's run.sh sets
# up what the benchmark needs (a backend, environment variables) first.
#
#   sh bench/ui_common/playwright.sh BENCH_FOLDER [PLAYWRIGHT OPTIONS...]
set -eu
bench=$(cd "$1" && pwd)
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -e "$bench/node_modules" ]; then
  ln -s "$root/ui-tests/node_modules" "$bench/node_modules"
fi
cd "$bench"
exec "$root/ui-tests/node_modules/.bin/playwright" test -c playwright.config.js "$@"
