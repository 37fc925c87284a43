"""Where the tests of the project's wording find its texts."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

#: The source checkout.
REPO = Path(__file__).resolve().parents[2]


def python_texts(path: Path, lang: str = "ja") -> Iterator[str]:
    """The texts of one language in a Python source: every ``"ja": "…"`` of a dict literal.

    Message tables (``Messages({...})``) and template parameter texts are dict
    literals keyed by language, so this finds them without importing anything.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and key.value == lang
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                yield value.value
