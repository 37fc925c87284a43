#!/usr/bin/env bash
# Checks that `make kernel-env` (scripts/make-kernel-env.sh) gets through on a
# fresh machine, where no wheel folder is configured: pip's configuration files
# hidden (PIP_CONFIG_FILE=/dev/null), no PIP_FIND_LINKS, the default wheel
# folders ignored, in a throw-away environment. Dry runs only: pip resolves
# everything (`install --dry-run --report`), nothing is installed and no wheel
# is downloaded whole.
#
#   1. no local wheel at all: the script must resolve torch from the index and
#      print its plan instead of stopping;
#   2. a find-links folder holding a CPU build of torch (a stand-in wheel made
#      here, with no content): the script must prefer it.
#
# When the package index cannot be reached, the check is skipped (exit 0).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=${PYTHON:-python3}
torch_version=$(grep -m1 '^TORCH_VERSION=' scripts/make-kernel-env.sh | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+' || true)
[ -n "$torch_version" ] || { echo "FAIL: no TORCH_VERSION found in scripts/make-kernel-env.sh"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/neuron-kernel-env-check-XXXXXX")
trap 'rm -rf "$work"' EXIT

index=${PIP_INDEX_URL:-https://pypi.org/simple}
if ! "$python" - "${index%/}/pip/" << 'PY'
import sys
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=15) as response:
        response.read(1)
except Exception as error:  # any failure means: not reachable from here
    print(f"{sys.argv[1]}: {error}")
    sys.exit(1)
PY
then
  echo "SKIP: the package index $index cannot be reached; the kernel-env check needs it."
  exit 0
fi

# A machine with no wheel folder and no pip configuration of ours.
fresh() {
  env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT -u TORCH_WHEEL -u TORCH_INDEX_URL -u TORCH_VERSION \
    PIP_CONFIG_FILE=/dev/null "$@"
}

run() {  # run LOG ARGS...: the script in dry-run mode; fails the check if it stops
  local log=$1
  shift
  if ! "$@" scripts/make-kernel-env.sh "$work/venv" --dry-run > "$log" 2>&1; then
    cat "$log"
    echo "FAIL: scripts/make-kernel-env.sh stopped (see above)."
    exit 1
  fi
  cat "$log"
  grep -q '^Dry run: nothing installed\.$' "$log" \
    || { echo "FAIL: the dry run did not end with its plan."; exit 1; }
  if compgen -G "$work/venv/lib/python*/site-packages/torch" > /dev/null; then
    echo "FAIL: the dry run installed torch."
    exit 1
  fi
}

echo "== 1. no local wheel folder: torch $torch_version from $index"
run "$work/no-wheels.log" fresh NEURON_KERNEL_ENV_NO_WHEEL_DIRS=1
grep -Eq "^torch: $torch_version(\+[a-z0-9.]+)? (cpu|cuda|default) " "$work/no-wheels.log" \
  || { echo "FAIL: the plan names no torch $torch_version."; exit 1; }

echo "== 2. a CPU wheel in a find-links folder is preferred"
wheels="$work/wheels"
mkdir -p "$wheels"
"$work/venv/bin/python" - "$wheels" "$torch_version" << 'PY'
"""A stand-in torch wheel (metadata only) whose name says it is the CPU build."""
import base64
import hashlib
import sys
import zipfile

folder, version = sys.argv[1], sys.argv[2] + "+cpu"
info = f"torch-{version}.dist-info"
files = {
    f"{info}/METADATA": f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: check-kernel-env\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for name, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record.append(f"{name},sha256={digest},{len(text.encode())}")
record.append(f"{info}/RECORD,,")
files[f"{info}/RECORD"] = "\n".join(record) + "\n"
with zipfile.ZipFile(f"{folder}/torch-{version}-py3-none-any.whl", "w") as wheel:
    for name, text in files.items():
        wheel.writestr(name, text)
PY
run "$work/local-wheel.log" fresh NEURON_KERNEL_ENV_WHEEL_DIRS="$wheels"
grep -q "^torch: $torch_version+cpu cpu $wheels\$" "$work/local-wheel.log" \
  || { echo "FAIL: the CPU wheel in $wheels was not chosen."; exit 1; }

echo "PASS: make-kernel-env.sh resolves torch without a local wheel folder and prefers a local CPU wheel ($repo)."
