#!/usr/bin/env bash
# Create (or bring up to date) the notebook-kernel environment in which the
# template smoke tests run the rendered notebooks on CPU.
#
# The environment deliberately holds only what a notebook kernel on a Neuron
# instance would hold for these templates: the kernel helpers, ipykernel, a CPU
# build of torch and the ML packages the templates import. It never contains
# jupyterlab_neuron or jupyter_server, so the tests also prove that the
# notebooks do not depend on the server's environment.
#
# Usage: scripts/make-kernel-env.sh DIR [--name NAME] [--prefix PREFIX] [--python PYTHON]
#   DIR      the virtual environment to create or update (e.g. .venv-kernel)
#   NAME     kernel spec name (default: neuron-smoke)
#   PREFIX   where the kernel spec is registered: PREFIX/share/jupyter/kernels/NAME
#            (default: DIR itself, so nothing outside DIR is touched)
#   PYTHON   interpreter used to create the venv (default: python3.11, else python3)
#
# Running it again is safe: installed packages are kept, the kernel helpers are
# reinstalled from the working tree and the kernel spec is rewritten.
# Then point the tests at it:  NEURON_SMOKE_KERNEL=DIR pytest ...
set -euo pipefail

usage() {
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
}

ENV_DIR=""
KERNEL_NAME="neuron-smoke"
PREFIX=""
PYTHON_BIN=""
while [ $# -gt 0 ]; do
    case "$1" in
        --name) KERNEL_NAME="$2"; shift 2 ;;
        --prefix) PREFIX="$2"; shift 2 ;;
        --python) PYTHON_BIN="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
        *)
            if [ -n "$ENV_DIR" ]; then echo "Only one DIR may be given." >&2; exit 2; fi
            ENV_DIR="$1"; shift ;;
    esac
done
if [ -z "$ENV_DIR" ]; then usage >&2; exit 2; fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$ENV_DIR"
ENV_DIR="$(cd "$ENV_DIR" && pwd)"
PREFIX="${PREFIX:-$ENV_DIR}"

if [ -z "$PYTHON_BIN" ]; then
    if command -v python3.11 >/dev/null 2>&1; then PYTHON_BIN=python3.11; else PYTHON_BIN=python3; fi
fi

# torch must be the CPU build of exactly this version. A plain `pip install
# torch` would pull a multi-GB CUDA build (and a newer version), so the wheel is
# looked up in the find-links folders and installed by its path.
TORCH_VERSION="2.13.0"
find_torch_wheel() {
    local dirs="${PIP_FIND_LINKS:-} /opt/wheels"
    local dir wheel
    for dir in $dirs; do
        dir="${dir#file://}"
        [ -d "$dir" ] || continue
        for wheel in "$dir"/torch-"$TORCH_VERSION"+cpu-*.whl; do
            if [ -f "$wheel" ]; then echo "$wheel"; return 0; fi
        done
    done
    return 1
}
TORCH_REQUIREMENT="${TORCH_WHEEL:-}"
if [ -z "$TORCH_REQUIREMENT" ]; then
    if ! TORCH_REQUIREMENT="$(find_torch_wheel)"; then
        echo "No CPU wheel torch-$TORCH_VERSION+cpu-*.whl found in PIP_FIND_LINKS or /opt/wheels." >&2
        echo "Set TORCH_WHEEL=/path/to/the/wheel (a CPU build) and run again." >&2
        exit 1
    fi
fi

if [ ! -x "$ENV_DIR/bin/python" ]; then
    echo "Creating the kernel environment in $ENV_DIR with $PYTHON_BIN"
    "$PYTHON_BIN" -m venv "$ENV_DIR"
fi
# Keep the environment out of version control wherever it is created.
printf '*\n' > "$ENV_DIR/.gitignore"

PIP=("$ENV_DIR/bin/python" -m pip)
# transformers stays on the 4.x line that the Neuron SDK's PyTorch environments use.
# accelerate is needed because the templates' training script uses the Trainer API,
# which the smoke run executes on CPU. No torchvision, datasets or evaluate: the
# smoke path builds its data locally and does its image transforms with PIL/numpy.
"${PIP[@]}" install --quiet \
    "$TORCH_REQUIREMENT" \
    "ipykernel>=6" \
    "transformers>=4.44,<5" \
    "accelerate>=0.26" \
    "fugashi>=1.3" \
    "unidic-lite>=1.0.8" \
    "pillow>=10" \
    "numpy>=1.24"
# Always refresh the helpers from the working tree (cheap, and keeps them current).
"${PIP[@]}" install --quiet --force-reinstall --no-deps "$REPO_ROOT/python-kernel-helpers"

"$ENV_DIR/bin/python" - "$TORCH_VERSION" <<'PY'
import sys

import torch

expected = sys.argv[1]
if not torch.__version__.startswith(expected) or torch.version.cuda is not None:
    sys.exit(f"Unexpected torch build {torch.__version__} (cuda={torch.version.cuda}); "
             f"expected the CPU build of {expected}.")
import fugashi  # noqa: F401  (the MeCab binding must load its shared library)
import ipykernel  # noqa: F401
import neuron_kernel_helpers  # noqa: F401
import numpy  # noqa: F401
import PIL  # noqa: F401
import transformers
import unidic_lite  # noqa: F401

print(f"torch {torch.__version__}, transformers {transformers.__version__}")
PY

"$ENV_DIR/bin/python" -m ipykernel install --prefix "$PREFIX" --name "$KERNEL_NAME" \
    --display-name "Python (Neuron templates, CPU smoke)" >/dev/null
echo "Kernel spec '$KERNEL_NAME' registered in $PREFIX/share/jupyter/kernels/$KERNEL_NAME"
echo "Run the smoke tests with: NEURON_SMOKE_KERNEL=$ENV_DIR"
