"""``jupyter neuron kernelspec install``: a kernelspec whose kernels get their own NeuronCores.

Copies an existing kernelspec (``--from``, default the environment's
``python3``): its argv, environment, language, display name and resource files
(logos), and adds the ``neuron-cores`` kernel provisioner with the ``cores``
to lease (a number, or ``auto``). On a Deep Learning AMI::

    jupyter neuron kernelspec install --name aws_neuron_venv_pytorch_cores \\
        --from aws_neuron_venv_pytorch --cores auto --user

Exit status: 0 when installed, 1 when ``--from`` does not exist, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from neuron_kernel_helpers.i18n import Messages, resolve_lang

from .arguments import add_lang_argument

PROVISIONER = "neuron-cores"

TEXT = Messages(
    {
        "installed": {
            "ja": "カーネル仕様 {name}（{display_name}）を {path} にインストールしました。"
            "カーネルごとに NeuronCore を {cores} 個割り当てます。",
            "en": "Installed kernelspec {name} ({display_name}) in {path}; each kernel gets "
            "{cores} NeuronCores.",
        },
        "auto": {"ja": "自動で決めた数だけ", "en": "an automatic number of"},
        "no_source": {
            "ja": "コピー元のカーネル仕様 {name} が見つかりません。あるもの: {known}",
            "en": "The kernelspec to copy, {name}, was not found. Known: {known}",
        },
        "bad_name": {
            "ja": "カーネル仕様の名前 {name!r} は使えません。"
            "英小文字・数字・.-_ だけにしてください。",
            "en": "Kernelspec name {name!r} is not allowed: use lowercase letters, digits, "
            "'.', '-' and '_' only.",
        },
    }
)

_NAME = re.compile(r"^[a-z0-9._-]+$")


def cores_value(text: str) -> int | str:
    """``--cores``: a number of at least 1, or ``auto``."""
    if text.strip().lower() == "auto":
        return "auto"
    if text.strip().isdigit() and int(text) >= 1:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected a number of at least 1 or 'auto', got {text!r}")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``kernelspec`` sub-command (``kernelspec install``)."""
    parser = subparsers.add_parser(
        "kernelspec",
        help="install a kernelspec whose kernels get their own NeuronCores",
        description="Kernelspecs using the neuron-cores kernel provisioner.",
    )
    actions = parser.add_subparsers(dest="kernelspec_command", metavar="ACTION", required=True)
    install = actions.add_parser(
        "install",
        help="copy a kernelspec and give its kernels their own NeuronCores",
        description=(
            "Copy a kernelspec (argv, env, display name, logos) and add the neuron-cores "
            "kernel provisioner: each kernel started from it leases a free aligned range of "
            "NeuronCores and sees it in NEURON_RT_VISIBLE_CORES."
        ),
    )
    install.add_argument("--name", required=True, help="name of the new kernelspec")
    install.add_argument(
        "--from",
        dest="source",
        default="python3",
        metavar="EXISTING",
        help="kernelspec to copy (default: python3)",
    )
    install.add_argument(
        "--cores",
        type=cores_value,
        default="auto",
        help="NeuronCores per kernel: a number or 'auto' (default: auto, the largest "
        "documented worker count that fits)",
    )
    install.add_argument("--display-name", help="name shown in JupyterLab (default: copied)")
    where = install.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for this user (default)")
    where.add_argument("--sys-prefix", action="store_true", help="install in sys.prefix")
    where.add_argument("--prefix", metavar="DIR", help="install under DIR/share/jupyter/kernels")
    add_lang_argument(install)
    install.set_defaults(func=run_install)


def kernelspec_with_cores(
    source: dict[str, Any], cores: int | str, display_name: str | None
) -> dict[str, Any]:
    """``source``'s kernel.json with the neuron-cores provisioner and ``display_name``."""
    spec = json.loads(json.dumps(source))
    if display_name:
        spec["display_name"] = display_name
    metadata = spec.setdefault("metadata", {})
    metadata["kernel_provisioner"] = {"provisioner_name": PROVISIONER, "config": {"cores": cores}}
    return spec


def run_install(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Install the kernelspec; returns the exit status."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    out = stdout or sys.stdout
    lang = resolve_lang(getattr(args, "lang", None))
    if not _NAME.match(args.name):
        print(TEXT("bad_name", lang, name=args.name), file=sys.stderr)
        return 2
    manager = KernelSpecManager()
    try:
        source = manager.get_kernel_spec(args.source)
    except NoSuchKernel:
        known = ", ".join(sorted(manager.find_kernel_specs())) or "-"
        print(TEXT("no_source", lang, name=args.source, known=known), file=sys.stderr)
        return 1
    # The spec as loaded (ipykernel's built-in python3 has no kernel.json file).
    spec = kernelspec_with_cores(source.to_dict(), args.cores, args.display_name)
    prefix = sys.prefix if args.sys_prefix else args.prefix
    with tempfile.TemporaryDirectory() as folder:
        staged = Path(folder) / args.name
        shutil.copytree(source.resource_dir, staged, ignore=shutil.ignore_patterns("__pycache__"))
        (staged / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
        path = manager.install_kernel_spec(
            str(staged), args.name, user=prefix is None, replace=True, prefix=prefix
        )
    cores = args.cores if isinstance(args.cores, int) else TEXT("auto", lang)
    out.write(
        TEXT(
            "installed",
            lang,
            name=args.name,
            display_name=spec["display_name"],
            path=path,
            cores=cores,
        )
        + "\n"
    )
    return 0
