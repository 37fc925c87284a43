# jupyterlab-neuron: the two commands of README.md, and the steps behind them.
#
#   make demo   set up everything and start JupyterLab with the extension
#               (on a simulated trn1.2xlarge where no Neuron tools exist)
#   make test   set up everything and run every test suite
#
# Both are idempotent and use the project-local virtual environment .venv.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV ?= .venv
KERNEL_VENV ?= .venv-kernel
PYTHON ?= python3
PY := $(CURDIR)/$(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

DEMO_PORT ?= 8888
DEMO_INSTANCE ?= trn1.2xlarge
DEMO_DIR ?= .demo
NEURON_TOOLS_DIR ?= /opt/aws/neuron/bin
# Jupyter refuses to run as root unless told (containers, fresh cloud machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# The simulated compile cache of the demo (generated once, marked simulated).
DEMO_CACHE := $(DEMO_DIR)/compile-cache
DEMO_CACHE_ENTRIES ?= 2500

TS_SOURCES := $(shell find src style schema scripts -type f 2>/dev/null) package.json tsconfig.json

.PHONY: demo demo-cluster test setup build system-deps kernel-env test-kernel-env lint test-python test-kernel-helpers test-server test-js test-wheel test-ui clean

# --- set-up ----------------------------------------------------------------

.make/python-deps: pyproject.toml python-kernel-helpers/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2> /dev/null || { \
	  found=$$($(PYTHON) --version 2> /dev/null | head -1 || true); \
	  echo "Python 3.10 or later is needed; '$(PYTHON)' is $${found:-not found}."; \
	  echo "Name another interpreter, e.g.: make PYTHON=python3.12 $(MAKECMDGOALS)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "jupyterlab>=4.4,<5" "hatchling>=1.21" "hatch-nodejs-version>=0.3.2" \
	  "hatch-jupyter-builder>=0.9" editables build ruff
	mkdir -p .make && touch $@

.make/node-deps: package.json $(wildcard package-lock.json)
	@command -v npm > /dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' 2> /dev/null || { \
	  echo "Node.js 20 or later with npm is needed to build the front end (found: $$(node --version 2> /dev/null || echo none)): https://nodejs.org/"; exit 1; }
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	mkdir -p .make && touch $@

.make/ui-node-deps: ui-tests/package.json $(wildcard ui-tests/package-lock.json)
	cd ui-tests && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	mkdir -p .make && touch $@

# The front end and the locale catalog, built into jupyterlab_neuron/labextension.
.make/built: .make/node-deps .make/python-deps $(TS_SOURCES)
	npm run build
	mkdir -p .make && touch $@

.make/installed: .make/python-deps .make/built
	$(PY) -m pip install -q --no-build-isolation -e python-kernel-helpers -e ".[test]"
	jupyter labextension develop --overwrite . > /dev/null
	mkdir -p .make && touch $@

setup: .make/installed

build: .make/built

# Debian packages the tests need: Chromium for the browser tests (Playwright
# cannot download its own), Japanese fonts for the screenshots, promtool.
# Only `make test` needs them (`make demo` needs neither apt nor root). Without
# apt-get, or without root and sudo, it names what is missing and stops before
# anything else is set up.
system-deps:
	@missing=""; \
	command -v chromium > /dev/null || missing="$$missing chromium"; \
	{ command -v promtool && command -v prometheus; } > /dev/null || missing="$$missing prometheus"; \
	[ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  if ! command -v apt-get > /dev/null || { [ -n "$$SUDO" ] && ! command -v sudo > /dev/null; }; then \
	    echo "make test needs these Debian packages, which are not installed:$$missing"; \
	    for package in $$missing; do case $$package in \
	      chromium) echo "  chromium        the browser for the Galata tests (the command 'chromium')" ;; \
	      fonts-noto-cjk) echo "  fonts-noto-cjk  Japanese glyphs in the screenshots (/usr/share/fonts/opentype/noto)" ;; \
	      prometheus) echo "  prometheus      'promtool' (checks /metrics) and 'prometheus' (the cluster tests)" ;; \
	    esac; done; \
	    echo "apt-get (as root or through sudo) is not available here: install them with"; \
	    echo "  sudo apt-get install$$missing"; \
	    echo "or your system's equivalents, then run make test again. (make demo needs none of them.)"; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian packages:$$missing"; \
	  $$SUDO apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing > /dev/null; \
	fi

# The separate kernel environment used to execute the templates in CPU smoke
# mode (only the kernel helpers and the ML packages, as on a real instance).
kernel-env:
	scripts/make-kernel-env.sh $(KERNEL_VENV)

# The same script on a fresh machine (no wheel folder, pip's configuration
# hidden), dry runs in a throw-away environment; skipped when PyPI is unreachable.
test-kernel-env:
	scripts/check-kernel-env.sh

# --- the two commands --------------------------------------------------------

# The CPU smoke kernel (scripts/make-kernel-env.sh), when it exists: the demo's template
# notebooks can then run end to end on a laptop, in the tutorial mode too.
SMOKE_KERNELS := $(wildcard $(KERNEL_VENV)/share/jupyter/kernels/neuron-smoke/kernel.json)
DEMO_ENV := $(if $(SMOKE_KERNELS),JUPYTER_PATH=$(CURDIR)/$(KERNEL_VENV)/share/jupyter$${JUPYTER_PATH:+:$$JUPYTER_PATH},)

demo: setup
	@mkdir -p $(DEMO_DIR)/notebooks
	@if [ -n "$(SMOKE_KERNELS)" ]; then \
	  echo "Kernel 'Python (Neuron templates, CPU smoke)' from $(KERNEL_VENV): template notebooks run in CPU smoke mode."; \
	else \
	  echo "To run the template notebooks in CPU smoke mode here, create their kernel with 'make kernel-env' first."; \
	fi
	@if [ ! -d $(DEMO_CACHE) ]; then \
	  rm -rf $(DEMO_CACHE).partial; \
	  $(PY) -m jupyterlab_neuron.cli simulate cache --out $(DEMO_CACHE).partial \
	    --entries $(DEMO_CACHE_ENTRIES) --versions 3 && mv $(DEMO_CACHE).partial $(DEMO_CACHE); \
	fi
	@if [ -x $(NEURON_TOOLS_DIR)/neuron-ls ]; then \
	  echo "Neuron tools found in $(NEURON_TOOLS_DIR): starting on the real hardware."; \
	  exec env $(DEMO_ENV) jupyter lab $(ROOT_FLAG) --port $(DEMO_PORT) --ServerApp.root_dir=$(DEMO_DIR)/notebooks; \
	else \
	  echo "No Neuron tools in $(NEURON_TOOLS_DIR): starting on a SIMULATED $(DEMO_INSTANCE)."; \
	  exec env $(DEMO_ENV) jupyter lab $(ROOT_FLAG) --port $(DEMO_PORT) --ServerApp.root_dir=$(DEMO_DIR)/notebooks \
	    --JupyterLabNeuron.simulate=$(DEMO_INSTANCE) \
	    --JupyterLabNeuron.compile_cache_roots=$(CURDIR)/$(DEMO_CACHE); \
	fi

# A small SIMULATED cluster: Prometheus (Debian's package, on 127.0.0.1) scraping four
# `jupyter neuron exporter` nodes, and JupyterLab's cluster view pointed at it.
DEMO_PROMETHEUS_PORT ?= 9090
demo-cluster: setup
	@command -v prometheus > /dev/null || { \
	  echo "make demo-cluster needs Prometheus: sudo apt-get install prometheus (Debian/Ubuntu),"; \
	  echo "or put a prometheus binary (https://prometheus.io/download/) on PATH."; exit 1; }
	@mkdir -p $(DEMO_DIR)/notebooks
	@$(PY) -m jupyterlab_neuron.cluster.demo --port $(DEMO_PROMETHEUS_PORT) & cluster=$$!; \
	  trap 'kill $$cluster 2> /dev/null; wait $$cluster' EXIT INT TERM; \
	  echo "Cluster view: Neuron Cluster in the launcher (simulated nodes, Prometheus on port $(DEMO_PROMETHEUS_PORT))."; \
	  env $(DEMO_ENV) jupyter lab $(ROOT_FLAG) --port $(DEMO_PORT) --ServerApp.root_dir=$(DEMO_DIR)/notebooks \
	    --JupyterLabNeuron.simulate=$(DEMO_INSTANCE) \
	    --JupyterLabNeuron.prometheus_url=http://127.0.0.1:$(DEMO_PROMETHEUS_PORT)

LOGS := .make/logs

# system-deps first: a missing Debian package stops the run before the long set-up.
test: system-deps setup .make/ui-node-deps kernel-env
	rm -rf $(LOGS) && mkdir -p $(LOGS)
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-kernel-helpers 2>&1 | tee $(LOGS)/0-kernel-helpers.log
	$(MAKE) --no-print-directory test-server 2>&1 | tee $(LOGS)/1-server.log
	$(MAKE) --no-print-directory test-js 2>&1 | tee $(LOGS)/2-jest.log
	$(MAKE) --no-print-directory test-wheel
	$(MAKE) --no-print-directory test-kernel-env
	$(MAKE) --no-print-directory test-ui 2>&1 | tee $(LOGS)/3-galata.log
	@$(PY) scripts/test-summary.py $(LOGS)

# --- the suites ----------------------------------------------------------------

lint:
	ruff check jupyterlab_neuron python-kernel-helpers bench scripts conftest.py
	ruff format --check jupyterlab_neuron python-kernel-helpers bench scripts conftest.py
	npm run --silent lint:check

test-python: test-kernel-helpers test-server

test-kernel-helpers:
	cd python-kernel-helpers && $(PY) -m pytest -q -p no:cacheprovider tests

test-server:
	NEURON_SMOKE_KERNEL=$(if $(wildcard $(KERNEL_VENV)/bin/python),$(CURDIR)/$(KERNEL_VENV),) \
	  $(PY) -m pytest -q -p no:cacheprovider jupyterlab_neuron/tests

test-js:
	npx jest --ci

test-wheel:
	scripts/check-wheel.sh

test-ui:
	cd ui-tests && NEURON_SMOKE_KERNEL=$(if $(wildcard $(KERNEL_VENV)/bin/python),$(CURDIR)/$(KERNEL_VENV),) \
	  npx playwright test

clean:
	rm -rf .make $(VENV) $(KERNEL_VENV) node_modules ui-tests/node_modules lib jupyterlab_neuron/labextension dist build $(DEMO_DIR)
