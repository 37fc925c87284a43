#!/usr/bin/env bash
# Builds the two wheels and checks that they give a working extension in a
# fresh virtual environment with no Node.js on PATH (what `pip install
# jupyterlab-neuron` gives a user), then opens JupyterLab from that install in
# Chromium under a non-root base_url.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=${PYTHON:-$repo/.venv/bin/python}

work=$(mktemp -d -t neuron-wheel-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building wheels from a copy of the sources (the build hook compiles the labextension)"
# A copy, so that the production build never replaces the development build
# of this checkout.
src="$work/src"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
  if [ -f "$file" ]; then cp --parents "$file" "$src"; fi
done
ln -s "$repo/node_modules" "$src/node_modules"
dist="$repo/dist"
rm -rf "$dist"
"$python" -m build --wheel --no-isolation --outdir "$dist" "$src/python-kernel-helpers" > "$work/build-helpers.log" 2>&1 \
  || { cat "$work/build-helpers.log"; exit 1; }
"$python" -m build --wheel --no-isolation --outdir "$dist" "$src" > "$work/build.log" 2>&1 \
  || { tail -50 "$work/build.log"; exit 1; }
ls -l "$dist"
wheel=$(ls "$dist"/jupyterlab_neuron-*.whl)
"$python" - "$wheel" << 'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
required = [
    "share/jupyter/labextensions/jupyterlab-neuron/package.json",
    "share/jupyter/labextensions/jupyterlab-neuron/install.json",
    "etc/jupyter/jupyter_server_config.d/jupyterlab_neuron.json",
    "jupyterlab_neuron/locale/ja_JP/LC_MESSAGES/jupyterlab_neuron.json",
]
missing = [r for r in required if not any(n.endswith(r) for n in names)]
if missing:
    sys.exit(f"wheel is missing: {missing}")
if any("/tests/" in n for n in names):
    sys.exit("wheel contains tests")
print(f"wheel content OK ({len(names)} files)")
PY

echo "== fresh virtual environment without Node.js"
# A PATH holding every system command except Node.js and its package managers.
nonode="$work/bin"
mkdir -p "$nonode"
for dir in /usr/local/bin /usr/bin /bin; do
  for tool in "$dir"/*; do
    name=$(basename "$tool")
    case "$name" in node | nodejs | npm | npx | corepack | yarn | jlpm) continue ;; esac
    [ -e "$nonode/$name" ] || ln -s "$tool" "$nonode/$name"
  done
done
"$python" -m venv "$work/venv"
export PATH="$work/venv/bin:$nonode"
# A new user's Jupyter: none of this machine's settings, saved workspaces (a layout
# restoring notebooks of another folder) or user-level extensions.
export JUPYTER_CONFIG_DIR="$work/jupyter-config" JUPYTER_DATA_DIR="$work/jupyter-data"
if command -v node > /dev/null; then
  echo "node is still on PATH: $(command -v node)" >&2
  exit 1
fi
pip install -q --find-links "$repo/dist" "jupyterlab>=4.4,<5" "$repo"/dist/neuron_kernel_helpers-*.whl "$wheel"

echo "== jupyter server extension list"
jupyter server extension list 2>&1 | tee "$work/server-ext.txt"
grep -E "jupyterlab_neuron.*enabled" "$work/server-ext.txt" > /dev/null
grep -A2 -E "jupyterlab_neuron.*enabled" "$work/server-ext.txt" | grep -q "OK"

echo "== jupyter labextension list"
jupyter labextension list 2>&1 | tee "$work/labext.txt"
grep -E "jupyterlab-neuron.*enabled.*OK" "$work/labext.txt" > /dev/null

echo "== jupyterlab.browser_check (server side; its browser half downloads a browser, see below)"
root_flag=""
if [ "$(id -u)" = 0 ]; then root_flag="--allow-root"; fi
(cd "$work" && python -m jupyterlab.browser_check --no-browser-test $root_flag)

echo "== jupyter neuron doctor from the wheel"
jupyter neuron doctor --simulate trn1.2xlarge --json > "$work/doctor.json"
python -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['simulated'] and d['instance_type']=='trn1.2xlarge', d" "$work/doctor.json"

echo "== the installed extension in Chromium under base_url /neuron-check/"
port=${WHEEL_CHECK_PORT:-8890}
mkdir -p "$work/root"
jupyter lab --no-browser --allow-root --port "$port" --ServerApp.base_url=/neuron-check/ \
  --IdentityProvider.token=wheel-check --ServerApp.root_dir="$work/root" \
  --JupyterLabNeuron.simulate=trn1.2xlarge > "$work/server.log" 2>&1 &
server_pid=$!
python - "$port" << 'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/neuron-check/api/status?token=wheel-check"
deadline = time.monotonic() + 120
while True:
    try:
        urllib.request.urlopen(url, timeout=5)
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("the JupyterLab server of the wheel did not start")
        time.sleep(0.5)
PY
# The browser driver needs Node.js; the installed extension does not.
PATH="$repo/ui-tests/node_modules/.bin:/usr/local/bin:/usr/bin:/bin" \
  node "$repo/scripts/browser-smoke.mjs" "http://127.0.0.1:$port/neuron-check/lab?token=wheel-check" \
  || { echo "--- server log"; tail -40 "$work/server.log"; exit 1; }
echo "wheel check: all checks passed"
