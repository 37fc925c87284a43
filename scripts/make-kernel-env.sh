#!/usr/bin/env bash
# Create (or bring up to date) the notebook-kernel environment in which the
# template smoke tests run the rendered notebooks on CPU.
#
# The environment deliberately holds only what a notebook kernel on a Neuron
# instance would hold for these templates: the kernel helpers, ipykernel, torch
# and the ML packages the templates import. It never contains jupyterlab_neuron
# or jupyter_server, so the tests also prove that the notebooks do not depend on
# the server's environment.
#
# Usage: scripts/make-kernel-env.sh DIR [--name NAME] [--prefix PREFIX] [--python PYTHON] [--dry-run]
#   DIR        the virtual environment to create or update (e.g. .venv-kernel)
#   NAME       kernel spec name (default: neuron-smoke)
#   PREFIX     where the kernel spec is registered: PREFIX/share/jupyter/kernels/NAME
#              (default: DIR itself, so nothing outside DIR is touched)
#   PYTHON     interpreter used to create the venv (default: python3.11, else python3)
#   --dry-run  create DIR if needed, resolve everything with pip and print what
#              would be downloaded, then stop (nothing is installed)
#
# torch is resolved by pip as pip is configured (its config files, PIP_INDEX_URL,
# PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS), preferring a CPU build: first the CPU
# build (torch==VERSION+cpu, found in a find-links folder or an index that has
# it), then the index's default build (on Linux, PyPI's is the CUDA build, about
# 3 GB with its libraries; it runs the smoke tests on the CPU just the same).
# Environment variables:
#   TORCH_INDEX_URL   an index with CPU builds, e.g. https://download.pytorch.org/whl/cpu
#   TORCH_WHEEL       a torch wheel file (or requirement) to use as it is
#   TORCH_VERSION     the torch release (default: the one the smoke tests use)
#   NEURON_KERNEL_ENV_WHEEL_DIRS     local wheel folders also searched (default: /opt/wheels)
#   NEURON_KERNEL_ENV_NO_WHEEL_DIRS  set to 1 to search none of those folders
#
# Running it again is safe: installed packages are kept, the kernel helpers are
# reinstalled from the working tree and the kernel spec is rewritten.
# Then point the tests at it:  NEURON_SMOKE_KERNEL=DIR pytest ...
set -euo pipefail

usage() {
    sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'
}

ENV_DIR=""
KERNEL_NAME="neuron-smoke"
PREFIX=""
PYTHON_BIN=""
DRY_RUN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --name) KERNEL_NAME="$2"; shift 2 ;;
        --prefix) PREFIX="$2"; shift 2 ;;
        --python) PYTHON_BIN="$2"; shift 2 ;;
        --dry-run) DRY_RUN=1; shift ;;
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

TORCH_VERSION="${TORCH_VERSION:-2.13.0}"

if [ ! -x "$ENV_DIR/bin/python" ]; then
    echo "Creating the kernel environment in $ENV_DIR with $PYTHON_BIN"
    "$PYTHON_BIN" -m venv "$ENV_DIR"
fi
# Keep the environment out of version control wherever it is created.
printf '*\n' > "$ENV_DIR/.gitignore"

PIP=("$ENV_DIR/bin/python" -m pip)
# The plan needs `install --dry-run --report` (pip 22.2), and pip 25.3 or later:
# older ones still download every wheel of a dry run whole (with fast-deps too).
if ! "$ENV_DIR/bin/python" -c 'import pip, sys; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (25, 3))' 2>/dev/null; then
    "${PIP[@]}" install --quiet --upgrade "pip>=25.3" \
        || echo "Could not upgrade pip in $ENV_DIR; the plan below may download whole wheels."
fi

# transformers stays on the 4.x line that the Neuron SDK's PyTorch environments use.
# accelerate is needed because the templates' training script uses the Trainer API,
# which the smoke run executes on CPU. No torchvision, datasets or evaluate: the
# smoke path builds its data locally and does its image transforms with PIL/numpy.
REQUIREMENTS=(
    "ipykernel>=6"
    "transformers>=4.44,<5"
    "accelerate>=0.26"
    "fugashi>=1.3"
    "unidic-lite>=1.0.8"
    "pillow>=10"
    "numpy>=1.24"
)

# Where pip looks besides its own configuration: local wheel folders (a CPU
# wheel lying there is preferred) and the optional CPU index.
SOURCES=()
if [ "${NEURON_KERNEL_ENV_NO_WHEEL_DIRS:-0}" != 1 ]; then
    for dir in ${NEURON_KERNEL_ENV_WHEEL_DIRS-/opt/wheels}; do
        if [ -d "$dir" ]; then SOURCES+=(--find-links "$dir"); fi
    done
fi
if [ -n "${TORCH_INDEX_URL:-}" ]; then SOURCES+=(--extra-index-url "$TORCH_INDEX_URL"); fi

if [ -n "${TORCH_WHEEL:-}" ]; then
    CANDIDATES=("$TORCH_WHEEL")
else
    CANDIDATES=("torch==$TORCH_VERSION+cpu" "torch==$TORCH_VERSION")
fi

# The dry run reads each wheel's dependency metadata. Where the index does not
# publish it on its own (PEP 658), fast-deps reads it with HTTP range requests
# instead of downloading whole wheels (gigabytes for a CUDA torch).
RESOLVE=(--dry-run --quiet)
if "${PIP[@]}" install --use-feature=fast-deps --help >/dev/null 2>&1; then
    RESOLVE+=(--use-feature=fast-deps)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kernel-env-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
TORCH_REQUIREMENT=""
for candidate in "${CANDIDATES[@]}"; do
    echo "Resolving $candidate and the template packages with pip..."
    if "${PIP[@]}" install "${RESOLVE[@]}" --report "$WORK/report.json" \
        ${SOURCES[@]+"${SOURCES[@]}"} "$candidate" "${REQUIREMENTS[@]}" > "$WORK/pip.log" 2>&1; then
        TORCH_REQUIREMENT="$candidate"
        break
    fi
    if grep -q "No matching distribution found for torch" "$WORK/pip.log"; then
        echo "  no $candidate available from the configured indexes and folders."
    else
        echo "  pip could not resolve it:"
        sed 's/^/    /' "$WORK/pip.log" | tail -15
    fi
done
if [ -z "$TORCH_REQUIREMENT" ]; then
    echo "No torch could be resolved (tried: ${CANDIDATES[*]})." >&2
    echo "Check the network or pip's configuration (pip config list), or set TORCH_WHEEL" >&2
    echo "to a torch wheel file, or TORCH_INDEX_URL to an index with CPU builds." >&2
    exit 1
fi

PLAN="$("$ENV_DIR/bin/python" "$REPO_ROOT/scripts/kernel_env_plan.py" "$WORK/report.json")"
echo "$PLAN" | sed '$d'
TORCH_PLAN="$(echo "$PLAN" | tail -1)"
case "$TORCH_PLAN" in
    "torch: "*" cuda "*|"torch: "*" default "*)
        echo "Note: no CPU build of torch $TORCH_VERSION was found, so the index's default build"
        echo "is used (it runs the smoke tests on the CPU just the same, but is much larger)."
        echo "For the CPU build, run again with TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu"
        echo "or with a torch-$TORCH_VERSION+cpu wheel in a folder of PIP_FIND_LINKS." ;;
esac
echo "$TORCH_PLAN"
if [ "$DRY_RUN" = 1 ]; then
    echo "Dry run: nothing installed."
    exit 0
fi

"${PIP[@]}" install --quiet ${SOURCES[@]+"${SOURCES[@]}"} "$TORCH_REQUIREMENT" "${REQUIREMENTS[@]}"
# Always refresh the helpers from the working tree (cheap, and keeps them current).
"${PIP[@]}" install --quiet --force-reinstall --no-deps "$REPO_ROOT/python-kernel-helpers"

"$ENV_DIR/bin/python" - "$TORCH_VERSION" <<'PY'
import sys

import torch

expected = sys.argv[1]
# Only a warning: a CUDA build runs the smoke tests on the CPU just the same.
if torch.version.cuda is not None:
    print(f"Warning: torch {torch.__version__} is a CUDA build (CUDA {torch.version.cuda}); "
          "the smoke tests run on the CPU with it all the same, but the CPU build is "
          "much smaller (see TORCH_INDEX_URL in scripts/make-kernel-env.sh).")
if torch.__version__.split("+")[0] != expected:
    print(f"Warning: torch {torch.__version__} is not {expected}, the release the smoke "
          "tests are checked with.")
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
