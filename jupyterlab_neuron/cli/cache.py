"""``jupyter neuron cache``: status, list and clean the Neuron compile cache.

The same core as the server's REST API (:mod:`jupyterlab_neuron.cache`):
``clean`` makes a dry run, shows it, asks (on a terminal) and then runs the
plan, which fails with a conflict if the cache changed in between.

Also provides ``jupyter neuron simulate cache`` (registered by ``simulate``).

Exit statuses: 0 done; 1 refused, cancelled or some items could not be
removed; 2 bad arguments or ids; 3 the cache changed since the dry run.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from typing import Any, TextIO

from neuron_kernel_helpers.i18n import Lang, Messages, format_table, list_separator, resolve_lang

from ..cache.actions import CleanPlan, CleanRequest
from ..cache.errors import CacheConflictError, CacheError
from ..cache.listing import EntryQuery
from ..cache.messages import MESSAGES
from ..cache.scanner import ENTRY_STATES
from ..cache.service import CacheServiceConfig, CompileCacheService
from .arguments import add_lang_argument, write_json

SubParsers = argparse._SubParsersAction  # type: ignore[type-arg]

#: Texts of ``jupyter neuron cache`` (the core's own texts are in ``cache.messages``).
TEXT = Messages(
    {
        "state.success": {"en": "success", "ja": "成功"},
        "state.failed": {"en": "failed", "ja": "失敗"},
        "state.compiling": {"en": "compiling", "ja": "コンパイル中"},
        "state.stale_lock": {"en": "stale lock", "ja": "古いロック"},
        "state.empty": {"en": "empty", "ja": "空"},
        "state.link": {"en": "link", "ja": "リンク"},
        "state.locked": {"en": "locked", "ja": "ロックあり"},
        "simulated_written": {
            "en": "Simulated compile cache written to {root}: {entries} entries ({counts}) in "
            "{versions} compiler versions, {files} files, {size} ({sizes} sizes). It is not "
            "a real cache. Try: {command}",
            "ja": "シミュレーション用のコンパイルキャッシュを {root} に書き出しました。"
            "エントリ {entries} 件（{counts}）、コンパイラーのバージョン {versions} 個、"
            "ファイル {files} 個、{size}（サイズ: {sizes}）です。実際のキャッシュではありません。"
            "次のコマンドで試せます: {command}",
        },
        "root_header": {
            "en": "Compile cache {path} ({state})",
            "ja": "コンパイルキャッシュ {path}（{state}）",
        },
        "root_state.ok": {"en": "ok", "ja": "正常"},
        "root_state.missing": {"en": "missing", "ja": "なし"},
        "root_state.not_directory": {"en": "not a folder", "ja": "フォルダーではありません"},
        "root_state.unreadable": {"en": "unreadable", "ja": "読み取り不可"},
        "root_state.read_only": {"en": "read-only", "ja": "読み取り専用"},
        "root_state.remote": {
            "en": "S3, boto3 not installed",
            "ja": "S3（boto3 が未インストール）",
        },
        "totals": {
            "en": "  {entries} entries, {size}; free space {free}",
            "ja": "  エントリ {entries} 件、{size}、空き容量 {free}",
        },
        "totals_s3": {
            "en": "  {entries} entries, {size} on S3",
            "ja": "  エントリ {entries} 件、S3 上で {size}",
        },
        "counts": {"en": "  by state: {counts}", "ja": "  状態別: {counts}"},
        "version_line": {
            "en": "  {name}: {entries} entries, {size}{newest}",
            "ja": "  {name}: エントリ {entries} 件、{size}{newest}",
        },
        "newest": {"en": " (newest)", "ja": "（最新）"},
        "no_roots": {
            "en": "No compile cache root found.",
            "ja": "コンパイルキャッシュのルートが見つかりません。",
        },
        "no_entries": {"en": "No entries.", "ja": "エントリはありません。"},
        "column.id": {"en": "ID", "ja": "ID"},
        "column.state": {"en": "STATE", "ja": "状態"},
        "column.size": {"en": "SIZE", "ja": "サイズ"},
        "column.last_used": {"en": "LAST USED", "ja": "最終使用"},
        "column.version": {"en": "VERSION", "ja": "バージョン"},
        "plan_header": {
            "en": "To remove: {count} item(s); space freed: {size}",
            "ja": "削除対象: {count} 件、解放される容量: {size}",
        },
        "kind.entry": {"en": "entry", "ja": "エントリ"},
        "kind.lock": {"en": "lock", "ja": "ロックファイル"},
        "kind.version": {"en": "version", "ja": "バージョンフォルダー"},
        "skipped_item": {"en": "  kept: {path}: {reason}", "ja": "  対象外: {path}: {reason}"},
        "nothing_to_remove": {
            "en": "Nothing to remove.",
            "ja": "削除するものはありません。",
        },
        "confirm": {
            "en": "Remove these {count} item(s)? [y/N] ",
            "ja": "この {count} 件を削除しますか？ [y/N] ",
        },
        "no_tty": {
            "en": "Refusing to remove anything without confirmation: no terminal to ask on. "
            "Pass --yes to confirm, or --dry-run to only see what would be removed.",
            "ja": "確認できる端末がないため、削除を中止しました。削除するには --yes を付けて"
            "ください。対象の確認だけなら --dry-run を使ってください。",
        },
        "cancelled": {
            "en": "Cancelled; nothing was removed.",
            "ja": "中止しました。何も削除していません。",
        },
        "removed": {
            "en": "Removed {count} item(s), freed {size}.",
            "ja": "{count} 件を削除し、{size} を解放しました。",
        },
        "failed_item": {
            "en": "  not removed: {id}: {message}",
            "ja": "  削除できませんでした: {id}: {message}",
        },
        "dry_run_note": {
            "en": "Dry run: nothing was removed.",
            "ja": "ドライランのため、何も削除していません。",
        },
        "bad_size": {
            "en": "Invalid size {value!r}: use a number of bytes or a unit such as 500M, 20G, 1T.",
            "ja": "サイズ {value!r} が正しくありません。バイト数か、500M・20G・1T のような"
            "単位付きで指定してください。",
        },
        "bad_state": {
            "en": "Unknown state {value!r}: use one of {states}.",
            "ja": "不明な状態です: {value!r}。{states} のいずれかを指定してください。",
        },
    }
)

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_CONFLICT = 3

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}


def parse_size(text: str) -> int:
    """``"20G"`` -> bytes. Units K, M, G, T, P are powers of 1024 (``GB``/``GiB`` too)."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(text)
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def format_bytes(size: int | None) -> str:
    """``1536`` -> ``1.5 KiB``."""
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def _format_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


def _service(args: argparse.Namespace) -> CompileCacheService:
    """The core service, with the roots the command line asks for."""
    from .config import server_settings

    settings = server_settings()  # the server's config files and environment
    roots = list(args.root or [])
    config = CacheServiceConfig.from_settings(
        settings, project_dir=os.getcwd(), cli_roots=roots, only_cli_roots=bool(roots)
    )
    return CompileCacheService(config)


def _lang(args: argparse.Namespace) -> Lang:
    return resolve_lang(getattr(args, "lang", None))


def _fail(error: CacheError, lang: Lang) -> int:
    print(error.message(lang), file=sys.stderr)
    return EXIT_CONFLICT if isinstance(error, CacheConflictError) else EXIT_USAGE


# -- status ------------------------------------------------------------------------------


def _run_status(args: argparse.Namespace) -> int:
    lang = _lang(args)
    service = _service(args)
    status = service.status(lang, refresh=True)
    if args.json:
        write_json(status)
        return 0
    if not status["roots"]:
        print(TEXT("no_roots", lang))
        return 0
    for root in status["roots"]:
        state = TEXT(f"root_state.{root['state']}", lang)
        print(TEXT("root_header", lang, path=root["path"], state=state))
        for note in [root["message"], *root["notes"]]:
            if note:
                print(f"  {note}")
        if not root["scanned"]:
            continue
        if root.get("store") == "s3":
            totals = TEXT(
                "totals_s3",
                lang,
                entries=root["entries"],
                size=format_bytes(root["total_bytes"]),
            )
        else:
            totals = TEXT(
                "totals",
                lang,
                entries=root["entries"],
                size=format_bytes(root["total_bytes"]),
                free=format_bytes(root["free_bytes"]),
            )
        print(totals)
        counts = list_separator(lang).join(
            f"{TEXT(f'state.{state}', lang)} {root['counts'][state]}" for state in ENTRY_STATES
        )
        print(TEXT("counts", lang, counts=counts))
        for version in root["versions"]:
            newest = TEXT("newest", lang) if version["newest"] else ""
            print(
                TEXT(
                    "version_line",
                    lang,
                    name=version["name"],
                    entries=version["entries"],
                    size=format_bytes(version["bytes"]),
                    newest=newest,
                )
            )
    return 0


# -- list ----------------------------------------------------------------------------------

#: Keys of one ``list --json`` item.
LIST_KEYS = ("id", "root", "version", "module", "state", "bytes", "last_used")

#: Alignment of the columns of ``list``: state, size, last used, version, id.
LIST_ALIGN = ("left", "right", "left", "left", "left")


def _run_list(args: argparse.Namespace) -> int:
    lang = _lang(args)
    service = _service(args)
    states = tuple(args.state or ())
    unknown = [state for state in states if state not in ENTRY_STATES]
    if unknown:
        print(
            TEXT(
                "bad_state",
                lang,
                value=unknown[0],
                states=list_separator(lang).join(ENTRY_STATES),
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    service.snapshot(refresh=True)
    items: list[dict[str, Any]] = []
    offset = 0
    while True:  # page through everything with the same code the API uses
        page = service.list_entries(
            EntryQuery(states=states, sort=args.sort, order=args.order, offset=offset, limit=1000)
        )
        items.extend(page["items"])
        offset += len(page["items"])
        if offset >= page["total"] or not page["items"]:
            break
    if args.json:
        write_json([{key: item[key] for key in LIST_KEYS} for item in items])
        return 0
    if not items:
        print(TEXT("no_entries", lang))
        return 0
    rows = [
        [
            TEXT(f"column.{column}", lang)
            for column in ("state", "size", "last_used", "version", "id")
        ]
    ]
    rows += [
        [
            TEXT(f"state.{item['state']}", lang),
            format_bytes(item["bytes"]),
            _format_time(item["last_used"]),
            item["version"],
            item["id"],
        ]
        for item in items
    ]
    for line in format_table(rows, align=LIST_ALIGN, indent=""):
        print(line)
    return 0


# -- clean ---------------------------------------------------------------------------------


def _request(args: argparse.Namespace, service: CompileCacheService) -> CleanRequest:
    roots: tuple[str, ...] = ()
    if args.root:
        roots = tuple(root.id for root in service.discover().roots)
    versions: tuple[str, ...] = ()
    if args.version:
        wanted = set(args.version)
        snapshot = service.snapshot(refresh=True)
        versions = tuple(
            version.id
            for summary in snapshot.roots
            for version in summary.versions
            if version.name in wanted or version.id in wanted
        )
        found = {
            name
            for summary in snapshot.roots
            for version in summary.versions
            for name in (version.name, version.id)
            if name in wanted
        }
        missing = sorted(wanted - found)
        if missing:
            from ..cache.errors import UnknownIdError

            raise UnknownIdError("error.unknown_version", id=missing[0])
    return CleanRequest(
        roots=roots,
        entries=tuple(args.entry or ()),
        failed=args.failed,
        stale_locks=args.stale_locks,
        old_versions=args.old_versions,
        versions=versions,
        max_bytes=args.max_size,
        wipe=args.wipe,
    )


def _print_plan(plan: CleanPlan, lang: Lang, out: TextIO) -> None:
    if not plan.items:
        print(TEXT("nothing_to_remove", lang), file=out)
    else:
        print(
            TEXT("plan_header", lang, count=len(plan.items), size=format_bytes(plan.bytes)),
            file=out,
        )
        rows = [
            [
                TEXT(f"kind.{item.kind}", lang),
                format_bytes(item.bytes),
                os.path.join(item.root, item.path),
            ]
            for item in plan.items
        ]
        for line in format_table(rows, align=("left", "right", "left")):
            print(line, file=out)
    for skipped in plan.skipped:
        print(
            TEXT(
                "skipped_item",
                lang,
                path=skipped.path,
                reason=MESSAGES(f"skip.{skipped.reason}", lang),
            ),
            file=out,
        )
    for warning in plan.warnings:
        print(warning.message(lang), file=out)


def _clean_json(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("removed", "bytes_freed", "dry_run", "skipped", "missing", "failed", "warnings")
    return {key: data[key] for key in keys}


def _confirm(count: int, lang: Lang) -> bool | None:
    """Ask on the terminal; ``None`` when there is no terminal to ask on."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    sys.stderr.write(TEXT("confirm", lang, count=count))
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "はい")


def _run_clean(args: argparse.Namespace) -> int:
    lang = _lang(args)
    service = _service(args)
    try:
        request = _request(args, service)
        plan = service.plan(request)
    except CacheError as error:
        return _fail(error, lang)
    # Text for people goes to stderr when stdout carries JSON.
    human = sys.stderr if args.json else sys.stdout
    if args.dry_run:
        if args.json:
            write_json(_clean_json(plan.to_dict(lang)))
        else:
            _print_plan(plan, lang, human)
            print(TEXT("dry_run_note", lang), file=human)
        return 0
    if not plan.items:
        if args.json:
            write_json(_clean_json({**plan.to_dict(lang), "dry_run": False}))
        else:
            _print_plan(plan, lang, human)
        return 0
    if not args.yes:
        _print_plan(plan, lang, sys.stderr)
        confirmed = _confirm(len(plan.items), lang)
        if confirmed is None:
            print(TEXT("no_tty", lang), file=sys.stderr)
            return EXIT_REFUSED
        if not confirmed:
            print(TEXT("cancelled", lang), file=sys.stderr)
            return EXIT_REFUSED
    try:
        result = service.clean(request, plan.token)
    except CacheError as error:
        return _fail(error, lang)
    data = result.to_dict(lang)
    if args.json:
        write_json(_clean_json(data))
    else:
        print(
            TEXT(
                "removed",
                lang,
                count=len(result.removed),
                size=format_bytes(result.bytes_freed),
            )
        )
        for failed in data["failed"]:
            print(TEXT("failed_item", lang, id=failed["id"], message=failed["message"]))
    return EXIT_REFUSED if result.failed else 0


# -- registration ----------------------------------------------------------------------------


def _size_argument(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(TEXT("bad_size", resolve_lang(None), value=text)) from None


def _common(parser: argparse.ArgumentParser, *, json_help: str) -> None:
    parser.add_argument(
        "--root",
        action="append",
        metavar="DIR",
        help="only this cache root (repeatable); default: every root found",
    )
    parser.add_argument("--json", action="store_true", help=json_help)
    add_lang_argument(parser, "text output")


def register(subparsers: SubParsers) -> None:
    """Add ``cache`` with its ``status``, ``list`` and ``clean`` sub-commands."""
    parser = subparsers.add_parser(
        "cache",
        help="status, list and clean the Neuron compile cache",
        description="Inspect and clean Neuron compile caches (failed entries, stale locks, "
        "old compiler versions, size limit). Entries that are compiling or in use are "
        "never removed.",
    )
    commands = parser.add_subparsers(dest="cache_command", metavar="WHAT")

    status = commands.add_parser("status", help="totals per root, version and state")
    _common(status, json_help="print one JSON object: {roots: [...], totals, ...}")
    status.set_defaults(func=_run_status)

    listing = commands.add_parser("list", help="list entries")
    _common(
        listing,
        json_help="print a JSON list of {id, root, version, module, state, bytes, last_used}",
    )
    listing.add_argument(
        "--state",
        action="append",
        metavar="S",
        help=f"only entries in this state (repeatable): {', '.join(ENTRY_STATES)}",
    )
    listing.add_argument(
        "--sort",
        choices=("last_used", "bytes", "created", "module", "version", "state"),
        default="last_used",
    )
    listing.add_argument("--order", choices=("asc", "desc"), default="desc")
    listing.set_defaults(func=_run_list)

    clean = commands.add_parser(
        "clean",
        help="remove failed entries, stale locks, old versions, ... (dry run first)",
        description="Remove what the options choose (they combine). Without --yes and "
        "without --dry-run, asks for confirmation on a terminal and refuses without one.",
    )
    _common(clean, json_help='print {"removed": [ids], "bytes_freed": N, "dry_run": bool, ...}')
    clean.add_argument("--failed", action="store_true", help="all failed entries")
    clean.add_argument(
        "--stale-locks",
        action="store_true",
        help="lock files left by interrupted compiles (only the locks)",
    )
    clean.add_argument(
        "--old-versions",
        action="store_true",
        help="every compiler version but the newest, per root",
    )
    clean.add_argument(
        "--version",
        action="append",
        metavar="NAME",
        help="this compiler version folder (name or id; repeatable)",
    )
    clean.add_argument(
        "--max-size",
        type=_size_argument,
        metavar="SIZE",
        help="prune each root to SIZE (e.g. 20G), least recently used first",
    )
    clean.add_argument(
        "--entry", action="append", metavar="ID", help="this entry (id from 'list'; repeatable)"
    )
    clean.add_argument(
        "--wipe", action="store_true", help="everything in the one root given with --root"
    )
    clean.add_argument("--dry-run", action="store_true", help="only show what would be removed")
    clean.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    clean.set_defaults(func=_run_clean)

    parser.set_defaults(func=lambda args: _missing_subcommand(parser))


def _missing_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


# -- jupyter neuron simulate cache --------------------------------------------------------


def _run_simulate_cache(args: argparse.Namespace) -> int:
    from ..simulator.cache_tree import generate_cache_tree

    try:
        result = generate_cache_tree(
            args.out,
            args.entries,
            versions=args.versions,
            failed_ratio=args.failed_ratio,
            locked=args.locked,
            empty_ratio=args.empty_ratio,
            seed=args.seed,
            sizes=args.sizes,
        )
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        write_json(result.to_dict())
    else:
        lang = _lang(args)
        counts = list_separator(lang).join(
            f"{TEXT(f'state.{state}', lang)} {count}" for state, count in result.counts.items()
        )
        print(
            TEXT(
                "simulated_written",
                lang,
                root=result.root,
                entries=result.entries,
                counts=counts,
                versions=len(result.versions),
                files=result.files,
                size=format_bytes(result.apparent_bytes),
                sizes=result.sizes,
                command=f"jupyter neuron cache status --root {result.root}",
            )
        )
    return 0


def _ratio(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("expected a ratio between 0 and 1")
    return value


def register_simulate_cache(subparsers: SubParsers) -> None:
    """Add ``simulate cache``: generate a simulated compile cache tree."""
    from ..simulator.cache_tree import SIZE_MODES

    parser = subparsers.add_parser(
        "cache",
        help="generate a simulated compile cache (demos, tests, benchmarks)",
        description="Write a compile cache with the naming of several SDK generations, "
        "realistic sizes (sparse files by default: no disk used) and some failed, locked "
        "and empty entries. Same seed, same tree. Marked simulated.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="cache root to create")
    parser.add_argument("--entries", required=True, type=int, metavar="N")
    parser.add_argument(
        "--versions",
        type=int,
        default=3,
        metavar="K",
        help="compiler versions (default 3: one per naming generation)",
    )
    parser.add_argument("--failed-ratio", type=_ratio, default=0.05, metavar="R")
    parser.add_argument("--empty-ratio", type=_ratio, default=0.03, metavar="R")
    parser.add_argument(
        "--locked", type=int, default=2, metavar="N", help="entries left with a stale lock"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument(
        "--sizes",
        choices=SIZE_MODES,
        default="sparse",
        help="sparse: realistic sizes, no disk (default); small: small real "
        "files; full: write every byte",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_lang_argument(parser, "text output")
    parser.set_defaults(func=_run_simulate_cache)
