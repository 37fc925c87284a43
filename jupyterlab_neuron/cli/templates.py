"""``jupyter neuron templates``: list the notebook templates and render one to a file.

``list`` shows the shipped templates and administrators' own (bad files are
reported on stderr). ``render`` writes an nbformat v4 notebook with the
parameters derived for the detected environment, or for ``--instance`` when
planning a notebook for another machine. Both use the server's templates core.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from neuron_kernel_helpers.i18n import Lang, Messages, format_table, list_separator, resolve_lang

from ..templates.parameters import (
    EnvironmentFacts,
    ParameterError,
    facts_for_instance,
    facts_from_report,
)
from ..templates.service import TemplateNotFound, TemplateService
from .arguments import add_lang_argument, instance_type_argument, write_json
from .config import server_settings

MESSAGES = Messages(
    {
        "problem": {"ja": "警告: {message}", "en": "warning: {message}"},
        "warning": {"ja": "注意: {message}", "en": "note: {message}"},
        "wrote": {
            "ja": (
                "{path} を書き出しました。セル: {cells} 個、環境: {environment}、"
                "スモークモード: {smoke}"
            ),
            "en": "Wrote {path} ({cells} cells, {environment}, smoke mode: {smoke}).",
        },
        "on": {"ja": "オン", "en": "on"},
        "off": {"ja": "オフ", "en": "off"},
        "column.id": {"ja": "ID", "en": "ID"},
        "column.steps": {"ja": "ステップ数", "en": "STEPS"},
        "column.languages": {"ja": "言語", "en": "LANGUAGES"},
        "column.title": {"ja": "タイトル", "en": "TITLE"},
        "no_smoke": {
            "ja": "テンプレート「{template_id}」にはスモークモードがありません。",
            "en": "The template '{template_id}' has no smoke mode.",
        },
    }
)


def param_argument(value: str) -> tuple[str, Any]:
    """argparse type: ``NAME=VALUE``; VALUE is read as JSON when it parses, else as text."""
    name, separator, raw = value.partition("=")
    if not separator or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        parsed = raw
    return name.strip(), parsed


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``templates`` sub-command and its ``list`` / ``render`` actions."""
    parser = subparsers.add_parser(
        "templates",
        help="list the notebook templates or render one to a notebook file",
        description="Guided notebook templates (BERT-ja, ViT beans and administrators' own).",
    )
    actions = parser.add_subparsers(dest="templates_command", metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False)
    add_lang_argument(common, "messages and the notebook")
    common.add_argument(
        "--template-dir",
        metavar="DIR",
        action="append",
        default=[],
        help="extra folder of template files (besides JUPYTERLAB_NEURON_TEMPLATE_DIRS and "
        "<jupyter data dir>/jupyterlab_neuron/templates)",
    )

    listing = actions.add_parser(
        "list", parents=[common], help="list the templates", description="List the templates."
    )
    listing.add_argument(
        "--json", action="store_true", help="print [{id, title, languages, steps}] as JSON"
    )
    listing.set_defaults(func=run_list)

    render = actions.add_parser(
        "render",
        parents=[common],
        help="render a template to a notebook file",
        description=(
            "Render a template to an .ipynb file. Parameters are derived from the detected "
            "Neuron environment (or the simulator, JUPYTERLAB_NEURON_SIMULATE), or from "
            "--instance when planning for another instance type."
        ),
    )
    render.add_argument("template_id", metavar="ID", help="template id (see 'templates list')")
    render.add_argument(
        "--instance",
        metavar="INSTANCE",
        type=instance_type_argument,
        help="derive parameters for this instance type instead of the detected environment",
    )
    render.add_argument(
        "--smoke", action="store_true", help="CPU smoke mode (tiny local model and data)"
    )
    render.add_argument("--step", metavar="STEP", help="render only this step")
    render.add_argument(
        "--param",
        metavar="NAME=VALUE",
        type=param_argument,
        action="append",
        default=[],
        help="set a parameter (VALUE as JSON, e.g. epochs=2 or benchmark_batch_sizes=[1,2])",
    )
    render.add_argument(
        "--kernel", metavar="NAME", help="kernel spec name recorded in the notebook"
    )
    render.add_argument(
        "--out", metavar="FILE.ipynb", required=True, help="output notebook ('-' for stdout)"
    )
    render.set_defaults(func=run_render)

    def show_help(_: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(func=show_help)


def _service(args: argparse.Namespace) -> TemplateService:
    settings = server_settings()
    return TemplateService.with_default_sources([*settings.template_dirs, *args.template_dir])


def _report_problems(payload: dict[str, Any], lang: Lang) -> None:
    for problem in payload["problems"]:
        print(MESSAGES("problem", lang, message=problem["message"]), file=sys.stderr)


def run_list(args: argparse.Namespace) -> int:
    """Print the templates (and, on stderr, the files that could not be used)."""
    lang = resolve_lang(args.lang)
    payload = _service(args).list_templates(lang)
    _report_problems(payload, lang)
    if args.json:
        entries = [
            {
                "id": template["id"],
                "title": template["title"],
                "languages": template["languages"],
                "steps": template["steps"],
            }
            for template in payload["templates"]
        ]
        write_json(entries)
        return 0
    columns = ("id", "steps", "languages", "title")
    rows = [[MESSAGES(f"column.{column}", lang) for column in columns]]
    rows += [
        [
            template["id"],
            str(len(template["steps"])),
            list_separator(lang).join(template["languages"]),
            template["title"],
        ]
        for template in payload["templates"]
    ]
    for line in format_table(rows, align=("left", "right", "left", "left"), indent=""):
        print(line)
    return 0


def _detected_facts(lang: Lang) -> EnvironmentFacts:
    """Facts from the environment the server would see (real or simulated tools)."""
    from ..environment.service import EnvironmentService

    service = EnvironmentService.from_settings(server_settings())
    try:
        report = service.refresh()
    finally:
        service.close()
    return facts_from_report(report.to_dict(lang))


def run_render(args: argparse.Namespace) -> int:
    """Render the template and write the notebook."""
    lang = resolve_lang(args.lang)
    service = _service(args)
    facts = facts_for_instance(args.instance) if args.instance else _detected_facts(lang)
    params = dict(args.param)
    try:
        if args.smoke:
            smoke = service.template(args.template_id, lang).derived("smoke")
            if smoke is None:
                print(MESSAGES("no_smoke", lang, template_id=args.template_id), file=sys.stderr)
                return 2
            params[smoke.name] = True
        payload = service.render(
            args.template_id,
            facts,
            lang=lang,
            params=params,
            step_id=args.step,
            output="notebook",
            kernel_name=args.kernel,
        )
    except TemplateNotFound as error:
        print(str(error), file=sys.stderr)
        return 2
    except ParameterError as error:
        for message in error.errors:
            print(message, file=sys.stderr)
        return 2
    for warning in payload["warnings"]:
        print(MESSAGES("warning", lang, message=warning), file=sys.stderr)
    notebook = payload["notebook"]
    text = json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        target = Path(args.out)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        smoke = MESSAGES("on" if payload["smoke"] else "off", lang)
        print(
            MESSAGES(
                "wrote",
                lang,
                path=target,
                cells=len(notebook["cells"]),
                environment=facts.describe(lang),
                smoke=smoke,
            ),
            file=sys.stderr,
        )
    return 0
