"""Bounds on what clients and files send: nesting depth, and quoting values back.

A client may send megabytes where an id, a language or a field name belongs,
or JSON nested deep enough to break recursive code. Pure Python: the core
modules and the handlers both use it.
"""

from __future__ import annotations

from typing import Any

#: Unknown values echoed in error messages are cut to this many characters.
MAX_ECHOED_CHARS = 80

#: Deepest nesting of arrays and objects accepted in request JSON and template
#: files; no payload comes near it, and code after the parser may recurse safely.
MAX_JSON_DEPTH = 64


def echo(value: object, limit: int = MAX_ECHOED_CHARS) -> str:
    """``value`` as text (``repr`` unless a string), cut to ``limit`` characters."""
    if isinstance(value, dict | list):  # its repr could be megabytes
        return f"({type(value).__name__})"
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def nesting_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays/objects in ``value`` nest deeper than ``limit`` (no recursion)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
