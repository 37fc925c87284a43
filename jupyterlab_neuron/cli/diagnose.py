"""``jupyter neuron diagnose``: explain a Neuron error text from a file or stdin.

Same catalogue and matcher as the guide panel (``POST diagnose``); this module
only reads the text and prints the result.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from neuron_kernel_helpers.i18n import Lang, Messages, resolve_lang

from ..diagnose.matcher import default_catalogue
from .arguments import add_lang_argument

MESSAGES = Messages(
    {
        "help": {
            "ja": "エラーのテキストを既知の Neuron のエラーと照合し、意味と対処を表示します。",
            "en": "Match an error text against the known Neuron errors and explain it.",
        },
        "paste_hint": {
            "ja": "エラーのテキストを貼り付けて、Ctrl-D で終了してください。",
            "en": "Paste the error text, then press Ctrl-D.",
        },
        "unreadable": {
            "ja": "{source} を読み込めません: {error}",
            "en": "Cannot read {source}: {error}",
        },
        "binary": {
            "ja": "{source} はテキストファイルではないようです（NUL バイトを含んでいます）。",
            "en": "{source} does not look like a text file (it contains NUL bytes).",
        },
        "stdin": {"ja": "標準入力", "en": "standard input"},
        "diagnosis": {"ja": "診断", "en": "Diagnosis"},
        "meaning": {"ja": "意味", "en": "What it means"},
        "cause": {"ja": "原因", "en": "Why it happens on Neuron"},
        "steps": {"ja": "対処", "en": "What to do"},
        "actions": {
            "ja": "JupyterLab の Neuron パネルでの操作",
            "en": "In the JupyterLab Neuron panel",
        },
        "details": {"ja": "エラーから読み取った情報", "en": "Found in the error"},
        "excerpt": {"ja": "該当箇所", "en": "Matched line"},
        "reference": {"ja": "参考", "en": "Reference"},
    }
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``diagnose`` sub-command."""
    parser = subparsers.add_parser(
        "diagnose",
        help=MESSAGES("help", "en"),
        description=(
            f"{MESSAGES('help', 'en')} Exit status: 0 when the text was read (matched or "
            f"not), 2 when it could not be read. / {MESSAGES('help', 'ja')}"
        ),
    )
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE|-",
        help="file holding the error output (cell output, log); '-' or nothing reads stdin",
    )
    add_lang_argument(parser, "explanation")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"match": null} or {"match": {...}, "details": {...}} as JSON',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the text, diagnose it, print the result; 2 when the text cannot be read."""
    lang = resolve_lang(args.lang)
    try:
        text = read_error_text(args.file, lang)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    result = default_catalogue().diagnose(text, lang)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(format_diagnosis(result, lang))
    return 0


def read_error_text(source: str, lang: Lang, stdin: TextIO | None = None) -> str:
    """The text of ``source`` (a path, or ``-`` for stdin), decoded as UTF-8.

    Undecodable bytes are replaced rather than refused: logs often hold a few.

    Raises:
        ValueError: with a localized message, when the source cannot be read
            or is clearly not text.
    """
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin
        if stream.isatty():
            print(MESSAGES("paste_hint", lang), file=sys.stderr)
        buffer = getattr(stream, "buffer", None)
        data = buffer.read() if buffer is not None else stream.read().encode("utf-8")
        name = MESSAGES("stdin", lang)
    else:
        name = source
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            raise ValueError(
                MESSAGES("unreadable", lang, source=source, error=error.strerror or error)
            ) from error
    if b"\x00" in data:
        raise ValueError(MESSAGES("binary", lang, source=name))
    return data.decode("utf-8", errors="replace")


def format_diagnosis(result: dict[str, Any], lang: Lang) -> str:
    """A readable, localized explanation of a :meth:`ErrorCatalogue.diagnose` result."""
    catalogue = default_catalogue()
    match = result.get("match")
    if match is None:
        fallback = catalogue.describe(lang)["fallback"]
        reference = fallback["reference"]
        return "\n".join(
            [
                fallback["title"],
                fallback["explanation"],
                "",
                f"{MESSAGES('reference', lang)}: {reference['title']}",
                f"  {reference['url']}",
            ]
        )
    labels = catalogue.action_labels(lang)
    lines = [f"{MESSAGES('diagnosis', lang)}: {match['title']}  [{match['id']}]", ""]
    for heading, body in (("meaning", match["explanation"]), ("cause", match["cause"])):
        lines += [f"{MESSAGES(heading, lang)}:", f"  {body}", ""]
    lines.append(f"{MESSAGES('steps', lang)}:")
    lines += [f"  {number}. {step}" for number, step in enumerate(match["steps"], start=1)]
    if match["actions"]:
        lines += ["", f"{MESSAGES('actions', lang)}:"]
        lines += [f"  - {labels.get(action, action)}" for action in match["actions"]]
    details = result.get("details") or {}
    if details:
        lines += ["", f"{MESSAGES('details', lang)}:"]
        lines += [f"  {name}: {value}" for name, value in details.items()]
    if match.get("excerpt"):
        lines += ["", f"{MESSAGES('excerpt', lang)}:", f"  {match['excerpt']}"]
    reference = match["reference"]
    lines += ["", f"{MESSAGES('reference', lang)}: {reference['title']}", f"  {reference['url']}"]
    return "\n".join(lines)
