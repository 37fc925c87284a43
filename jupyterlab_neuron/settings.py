"""Server-side settings of jupyterlab-neuron, as one traitlets class.

Every trait is ``config=True`` with help text, and is documented in README.md.
Set them on the command line (``--JupyterLabNeuron.simulate=trn1.2xlarge``) or
in ``jupyter_server_config.py`` (``c.JupyterLabNeuron.simulate = ...``).
Capabilities keep their traits in their own section below.
"""

from __future__ import annotations

import os

from traitlets import Bool, Dict, Float, Int, List, Unicode, default, validate
from traitlets.config import Configurable

from neuron_kernel_helpers.instances import INSTANCE_TYPES

#: Where the Neuron tools live on the Deep Learning AMIs; only on PATH through
#: the AMI's profile scripts, so it is searched explicitly and first.
DEFAULT_NEURON_TOOLS_DIR = "/opt/aws/neuron/bin"


class JupyterLabNeuron(Configurable):
    """Settings of the jupyterlab-neuron server extension."""

    # --- environment -----------------------------------------------------
    tools_path = List(
        Unicode(),
        config=True,
        help=(
            "Folders searched for the Neuron tools (neuron-ls, neuron-monitor), in "
            "order, before the server's PATH. Default: the JUPYTERLAB_NEURON_TOOLS_PATH "
            f"environment variable (os.pathsep-separated), else ['{DEFAULT_NEURON_TOOLS_DIR}']."
        ),
    )

    @default("tools_path")
    def _default_tools_path(self) -> list[str]:
        from_env = os.environ.get("JUPYTERLAB_NEURON_TOOLS_PATH")
        if from_env:
            return [p for p in from_env.split(os.pathsep) if p]
        return [DEFAULT_NEURON_TOOLS_DIR]

    search_system_path = Bool(
        True,
        config=True,
        help="Also search the server's PATH for the Neuron tools after tools_path.",
    )

    simulate = Unicode(
        "",
        config=True,
        help=(
            "Run on the bundled Neuron simulator instead of real Neuron tools, for the "
            "given instance type (for example 'trn1.2xlarge'); empty for real tools. "
            "Everything the simulator produces is marked 'simulated' in the UI. "
            "Default: the JUPYTERLAB_NEURON_SIMULATE environment variable."
        ),
    )

    @default("simulate")
    def _default_simulate(self) -> str:
        return os.environ.get("JUPYTERLAB_NEURON_SIMULATE", "")

    @validate("simulate")
    def _validate_simulate(self, proposal: dict) -> str:
        value = (proposal["value"] or "").strip()
        if value and value not in INSTANCE_TYPES:
            known = ", ".join(sorted(INSTANCE_TYPES))
            raise ValueError(f"Unknown instance type to simulate: {value!r}. Known: {known}")
        return value

    tool_timeout = Float(
        10.0,
        config=True,
        help="Seconds a one-shot Neuron tool call (neuron-ls) may take before it is "
        "reported as hanging and killed.",
    )

    packages_python = Unicode(
        "",
        config=True,
        help=(
            "Python interpreter whose Neuron packages (torch-neuronx, neuronx-cc, ...) the "
            "environment report lists, for example the notebook kernel's venv "
            "('/home/ubuntu/aws_neuron_venv_pytorch/bin/python'); empty for the server's own. "
            "Default: the JUPYTERLAB_NEURON_PACKAGES_PYTHON environment variable."
        ),
    )

    @default("packages_python")
    def _default_packages_python(self) -> str:
        return os.environ.get("JUPYTERLAB_NEURON_PACKAGES_PYTHON", "")

    # --- monitor -----------------------------------------------------------
    # Everything below drives the one neuron-monitor child of the server
    # (jupyterlab_neuron.monitor); docs/monitor-api.md describes what clients see.
    monitor_period = Float(
        1.0,
        config=True,
        help="Seconds between neuron-monitor reports (the 'period' of the configuration "
        "file passed with -c). Default: JUPYTERLAB_NEURON_MONITOR_PERIOD, else 1.",
    )

    @default("monitor_period")
    def _default_monitor_period(self) -> float:
        try:
            return float(os.environ.get("JUPYTERLAB_NEURON_MONITOR_PERIOD", "") or 1.0)
        except ValueError:
            return 1.0

    @validate("monitor_period")
    def _validate_monitor_period(self, proposal: dict) -> float:
        if not 0.05 <= proposal["value"] <= 3600:
            raise ValueError("monitor_period must be between 0.05 and 3600 seconds")
        return proposal["value"]

    monitor_runtime_metrics = List(
        Unicode(),
        default_value=[
            "neuroncore_counters",
            "memory_used",
            "neuron_runtime_vcpu_usage",
            "execution_stats",
        ],
        config=True,
        help="neuron-monitor metric groups collected per Neuron runtime (process).",
    )
    monitor_system_metrics = List(
        Unicode(),
        default_value=["vcpu_usage", "memory_info", "neuron_hw_counters"],
        config=True,
        help="neuron-monitor metric groups collected for the whole instance.",
    )
    monitor_history_length = Int(
        3600,
        config=True,
        help="Reports kept in the server's monitor history (3600 = one hour at 1 s).",
    )
    monitor_grace_period = Float(
        30.0,
        config=True,
        help="Seconds neuron-monitor keeps running after the last viewer (WebSocket or "
        "polling client) has gone, so that reloading a page does not restart it.",
    )
    monitor_max_line_bytes = Int(
        16 * 1024 * 1024,
        config=True,
        help="Longest neuron-monitor output line accepted, in bytes; longer lines are "
        "counted and skipped.",
    )
    monitor_watchdog_timeout = Float(
        30.0,
        config=True,
        help="Seconds without any output after which neuron-monitor is considered stuck "
        "and restarted (at least three periods are always allowed).",
    )
    monitor_restart_backoff = Float(
        1.0,
        config=True,
        help="Seconds before the first restart of a neuron-monitor that exited or stalled; "
        "doubled after every further failure up to monitor_restart_backoff_max.",
    )
    monitor_restart_backoff_max = Float(
        30.0, config=True, help="Longest wait between neuron-monitor restarts, in seconds."
    )
    monitor_max_failures = Int(
        8,
        config=True,
        help="Consecutive neuron-monitor failures without a single report before the monitor "
        "gives up (state 'failed') until a client asks for a restart.",
    )
    monitor_crash_loop_restarts = Int(
        5,
        config=True,
        help="neuron-monitor exits within monitor_crash_loop_window seconds that make a crash "
        "loop (state 'crash_loop'): restarts then wait monitor_crash_loop_backoff seconds.",
    )
    monitor_crash_loop_window = Float(
        60.0,
        config=True,
        help="Seconds in which monitor_crash_loop_restarts exits make a crash loop; a crash "
        "loop ends once neuron-monitor has reported for this long.",
    )
    monitor_crash_loop_backoff = Float(
        300.0,
        config=True,
        help="Seconds between restarts of a neuron-monitor in a crash loop.",
    )
    monitor_command = List(
        Unicode(),
        config=True,
        help="Command that runs neuron-monitor, for example ['sudo', '-n', "
        "'/opt/aws/neuron/bin/neuron-monitor']; '-c CONFIG' is appended. Empty (default): "
        "neuron-monitor found like the other Neuron tools (tools_path, then PATH).",
    )
    monitor_scenario = Unicode(
        config=True,
        help="When simulating: the simulated workload (idle, train-single, train-dual, "
        "inference, full-load, crash, garbage). Default: JUPYTERLAB_NEURON_MONITOR_SCENARIO, "
        "else train-dual.",
    )

    @default("monitor_scenario")
    def _default_monitor_scenario(self) -> str:
        return os.environ.get("JUPYTERLAB_NEURON_MONITOR_SCENARIO", "") or "train-dual"

    # --- compile cache -------------------------------------------------------
    compile_cache_roots = List(
        Unicode(),
        config=True,
        help=(
            "Extra compile-cache roots to show and manage, besides the default "
            "/var/tmp/neuron-compile-cache, the --cache_dir of NEURON_CC_FLAGS and "
            "NEURON_COMPILE_CACHE_URL (of the server's environment) and per-project caches. "
            "Relative paths are taken from the Jupyter root directory; s3://bucket/prefix "
            "roots are read with boto3 (extra s3). Default: the "
            "JUPYTERLAB_NEURON_CACHE_ROOTS environment variable (os.pathsep-separated), "
            "else none."
        ),
    )

    @default("compile_cache_roots")
    def _default_compile_cache_roots(self) -> list[str]:
        from_env = os.environ.get("JUPYTERLAB_NEURON_CACHE_ROOTS", "")
        roots: list[str] = []
        for part in from_env.split(os.pathsep):
            if roots and roots[-1].strip().lower() == "s3" and part.startswith("//"):
                roots[-1] += os.pathsep + part  # s3://... holds the separator ':'
            else:
                roots.append(part)
        return [p for p in roots if p.strip()]

    compile_cache_project_search = Bool(
        True,
        config=True,
        help="Search the Jupyter root directory for per-project compile caches (folders "
        "holding neuronxcc-* or USER_neuroncc-* folders, like ./compiler_cache).",
    )
    compile_cache_project_search_depth = Int(
        3,
        config=True,
        help="How many folder levels below the Jupyter root directory the per-project "
        "cache search goes (hidden folders, node_modules and virtual environments are skipped).",
    )
    compile_cache_project_search_limit = Int(
        2000,
        config=True,
        help="At most this many folders are read by the per-project cache search, so a "
        "large home directory cannot slow the server down.",
    )
    compile_cache_trash_name = Unicode(
        ".jupyterlab-neuron-trash",
        config=True,
        help="Folder inside each cache root where entries are moved (atomically) before "
        "they are removed. Leftovers after a crash are removed by the next clean.",
    )

    @validate("compile_cache_trash_name")
    def _validate_compile_cache_trash_name(self, proposal: dict) -> str:
        value = str(proposal["value"]).strip()
        if not value or value in (".", "..") or "/" in value or "\0" in value:
            raise ValueError(f"The trash folder must be a plain folder name, not {value!r}")
        return value

    compile_cache_scan_max_age = Float(
        10.0,
        config=True,
        help="Seconds a compile-cache scan is reused by the API before it scans again "
        "(re-scans only read what changed; ?refresh=1 always re-scans).",
    )
    compile_cache_fresh_lock_seconds = Float(
        60.0,
        config=True,
        help="A lock file younger than this counts as a compile that is starting, even "
        "before a neuronx-cc process shows up; older locks without a running compiler are "
        "stale.",
    )

    # --- cluster -----------------------------------------------------------------
    # The cluster view reads the Prometheus that scrapes every node's exporter
    # (jupyterlab_neuron.cluster); the browser never talks to Prometheus itself.
    prometheus_url = Unicode(
        config=True,
        help=(
            "Base URL of the Prometheus server that scrapes the Neuron nodes (for example "
            "'http://prometheus.internal:9090'); empty turns the cluster view off. Default: "
            "the JUPYTERLAB_NEURON_PROMETHEUS_URL environment variable."
        ),
    )

    @default("prometheus_url")
    def _default_prometheus_url(self) -> str:
        return os.environ.get("JUPYTERLAB_NEURON_PROMETHEUS_URL", "").strip()

    prometheus_bearer_token = Unicode(
        "",
        config=True,
        help="Bearer token sent to Prometheus in the Authorization header (empty: none).",
    )
    prometheus_username = Unicode(
        "",
        config=True,
        help="User name for HTTP basic authentication to Prometheus (empty: none).",
    )
    prometheus_password = Unicode(
        "",
        config=True,
        help="Password for HTTP basic authentication to Prometheus (with prometheus_username).",
    )
    prometheus_headers = Dict(
        value_trait=Unicode(),
        config=True,
        help="Extra HTTP headers sent with every Prometheus query (for example a tenant id).",
    )
    prometheus_verify_tls = Bool(
        True,
        config=True,
        help="Verify Prometheus's TLS certificate on https URLs (turn off only for tests).",
    )
    prometheus_timeout = Float(
        10.0,
        config=True,
        help="Seconds one Prometheus query may take before the cluster view says it timed out.",
    )
    cluster_stale_after = Float(
        60.0,
        config=True,
        help=(
            "A node whose exporter's latest neuron-monitor report is older than this many "
            "seconds is marked stale in the cluster view."
        ),
    )

    # --- templates -------------------------------------------------------------
    template_dirs = List(
        Unicode(),
        config=True,
        help=(
            "Extra folders of notebook templates (*.json files following "
            "jupyterlab_neuron/templates/template.schema.json), searched after the shipped "
            "templates and before <jupyter data dir>/jupyterlab_neuron/templates. Invalid "
            "files are reported in the template list, never fatal. Default: the "
            "JUPYTERLAB_NEURON_TEMPLATE_DIRS environment variable (os.pathsep-separated)."
        ),
    )

    @default("template_dirs")
    def _default_template_dirs(self) -> list[str]:
        from_env = os.environ.get("JUPYTERLAB_NEURON_TEMPLATE_DIRS", "")
        return [p for p in from_env.split(os.pathsep) if p]
