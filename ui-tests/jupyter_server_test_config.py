"""Jupyter server started by Playwright for the browser tests.

Two servers run side by side: one on the simulated trn1.2xlarge (the
default), and one with no Neuron tools at all (``NEURON_UI_TEST_MODE=no-tools``)
for the "tools not found" state.
"""

import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by traitlets

# The machines running these tests are containers where everything runs as root.
c.ServerApp.allow_root = True  # noqa: F821

# The template walkthrough (tutorial.spec.ts) runs the BERT-ja notebook in CPU smoke
# mode in the separate kernel environment of scripts/make-kernel-env.sh: its
# "neuron-smoke" kernel spec is made visible, and nothing may be downloaded.
smoke_kernel_env = os.environ.get("NEURON_SMOKE_KERNEL")
if smoke_kernel_env:
    kernel_share = os.path.join(smoke_kernel_env, "share", "jupyter")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        path for path in (kernel_share, os.environ.get("JUPYTER_PATH")) if path
    )
    os.environ.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        HF_HOME=tempfile.mkdtemp(prefix="jupyterlab-neuron-ui-hf-"),
    )

mode = os.environ.get("NEURON_UI_TEST_MODE", "simulated")
if mode == "no-tools":
    c.JupyterLabNeuron.simulate = ""  # noqa: F821
    c.JupyterLabNeuron.tools_path = [tempfile.mkdtemp(prefix="no-neuron-tools-")]  # noqa: F821
    c.JupyterLabNeuron.search_system_path = False  # noqa: F821
else:
    c.JupyterLabNeuron.simulate = os.environ.get("NEURON_UI_TEST_INSTANCE", "trn1.2xlarge")  # noqa: F821
    # NeuronCore monitor (monitor.spec.ts): train-dual, run through monitor_hooks.py so that
    # the spec can switch the scenario and attach a kernel's child process by writing files.
    import sys

    monitor_hooks = os.environ.get("NEURON_UI_MONITOR_HOOKS") or os.path.join(
        tempfile.gettempdir(), "jupyterlab-neuron-ui-monitor"
    )
    c.JupyterLabNeuron.monitor_scenario = "train-dual"  # noqa: F821
    c.JupyterLabNeuron.monitor_command = [  # noqa: F821
        sys.executable,
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "monitor_hooks.py"),
        "--hooks",
        monitor_hooks,
        "--instance",
        c.JupyterLabNeuron.simulate,  # noqa: F821
    ]
    # Long enough a pause between restarts for the crash scenario's state to be seen.
    c.JupyterLabNeuron.monitor_restart_backoff = 2.0  # noqa: F821
    # Cluster view (cluster.spec.ts): the Prometheus of jupyterlab_neuron.cluster.demo,
    # started by playwright.config.js, scraping four simulated exporters.
    c.JupyterLabNeuron.prometheus_url = os.environ.get("NEURON_UI_PROMETHEUS_URL", "")  # noqa: F821
    # Compile cache (cache.spec.ts): two small simulated caches, one per language test,
    # generated afresh at every start so that their failed entries are there to delete.
    # A fixed folder keeps the paths in screenshots the same from run to run.
    import shutil

    from jupyterlab_neuron.simulator.cache_tree import generate_cache_tree

    ui_cache = os.path.join(tempfile.gettempdir(), "jupyterlab-neuron-ui-cache")
    shutil.rmtree(ui_cache, ignore_errors=True)
    c.JupyterLabNeuron.compile_cache_roots = [  # noqa: F821
        generate_cache_tree(
            os.path.join(ui_cache, name), 60, versions=3, failed_ratio=0.1, seed=seed
        ).root
        for seed, name in ((1, "cache-en"), (2, "cache-ja"))
    ]

if mode == "s3":
    # Compile cache on S3 (cache-s3.spec.ts): only an S3 root, on the moto server that
    # playwright.config.js starts on loopback; its entries are written at every start.
    import boto3

    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL=os.environ["NEURON_UI_S3_ENDPOINT"],
    )
    s3 = boto3.client("s3")
    bucket = "ui-s3-cache"
    existing = {item["Name"] for item in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket)
    version = "neuronxcc-2.15.128.0+56dc5a86"
    for n in range(12):
        base = f"team/cache/{version}/MODULE_{n:020x}+d41d8cd9/"
        s3.put_object(Bucket=bucket, Key=base + "compile_flags.json", Body=b"[]")
        if n % 4 == 0:
            s3.put_object(Bucket=bucket, Key=base + "model.log", Body=b"ERROR: failed\n")
        else:
            s3.put_object(Bucket=bucket, Key=base + "model.neff", Body=b"n" * 4096)
            s3.put_object(Bucket=bucket, Key=base + "model.done", Body=b"")
    c.JupyterLabNeuron.compile_cache_roots = [f"s3://{bucket}/team/cache"]  # noqa: F821
    c.JupyterLabNeuron.compile_cache_project_search = False  # noqa: F821
