"""Where templates come from: the shipped ones and administrators' own.

Administrators add templates as ``*.json`` files in
``<jupyter data dir>/jupyterlab_neuron/templates/`` (any folder of
``jupyter --paths``' data list) or in folders named by the
``JupyterLabNeuron.template_dirs`` setting. Every file is validated; a bad file
becomes a :class:`TemplateProblem` in the listing and never hides the other
templates. The shipped templates win over an administrator's file with the
same id (reported as a duplicate): administrators add templates, they do not
silently replace the reviewed ones.

Files are parsed again only when their size or modification time changes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from neuron_kernel_helpers.i18n import Lang, Messages

from .format import Origin, Template, TemplateError, load_template_file

#: The templates shipped with the extension.
BUILTIN_DIR = Path(__file__).with_name("data")

#: Sub-folder of each Jupyter data directory searched for administrators' templates.
DATA_SUBDIR = ("jupyterlab_neuron", "templates")

ProblemKind = Literal["invalid", "duplicate"]

MESSAGES = Messages(
    {
        "problem.invalid": {
            "ja": "テンプレート {path} は使用できません: {errors}",
            "en": "The template {path} cannot be used: {errors}",
        },
        "problem.duplicate": {
            "ja": (
                "テンプレート {path} の ID「{template_id}」は {other} ですでに使われているため、"
                "無視しました。"
            ),
            "en": (
                "The template {path} was ignored: its id '{template_id}' is already used by "
                "{other}."
            ),
        },
    }
)


@dataclass(frozen=True)
class TemplateSource:
    """A folder of template files and who put them there."""

    directory: Path
    origin: Origin


@dataclass(frozen=True)
class TemplateProblem:
    """A template file that is not offered, and why."""

    path: str
    origin: Origin
    kind: ProblemKind
    errors: tuple[str, ...] = ()
    template_id: str | None = None
    other: str | None = None

    def message(self, lang: Lang) -> str:
        """The problem as one sentence in ``lang``."""
        if self.kind == "duplicate":
            return MESSAGES(
                "problem.duplicate",
                lang,
                path=self.path,
                template_id=self.template_id,
                other=self.other,
            )
        return MESSAGES("problem.invalid", lang, path=self.path, errors="; ".join(self.errors))

    def to_json(self, lang: Lang) -> dict[str, object]:
        """The problem as sent to clients."""
        return {
            "path": self.path,
            "origin": self.origin,
            "kind": self.kind,
            "message": self.message(lang),
            "errors": list(self.errors),
        }


@dataclass(frozen=True)
class CatalogueSnapshot:
    """The usable templates (in listing order) and the problems found."""

    templates: dict[str, Template] = field(default_factory=dict)
    problems: tuple[TemplateProblem, ...] = ()


def data_dir_sources(data_dirs: Iterable[str | os.PathLike[str]]) -> list[TemplateSource]:
    """Template folders under the given Jupyter data directories."""
    return [TemplateSource(Path(d).joinpath(*DATA_SUBDIR), "admin") for d in data_dirs]


def default_sources(extra_dirs: Sequence[str | os.PathLike[str]] = ()) -> list[TemplateSource]:
    """Shipped templates, then ``extra_dirs``, then every Jupyter data directory."""
    from jupyter_core.paths import jupyter_path

    sources = [TemplateSource(BUILTIN_DIR, "builtin")]
    sources += [TemplateSource(Path(d), "admin") for d in extra_dirs]
    sources += data_dir_sources(jupyter_path())
    return sources


class TemplateCatalogue:
    """Loads every template of its sources, caching parsed files."""

    def __init__(self, sources: Sequence[TemplateSource]) -> None:
        self.sources = list(sources)
        self._lock = threading.Lock()
        self._parsed: dict[tuple[str, int, int], Template | TemplateError] = {}

    def _files(self) -> list[tuple[Path, Origin]]:
        files: list[tuple[Path, Origin]] = []
        seen: set[Path] = set()
        for source in self.sources:
            try:
                entries = sorted(source.directory.glob("*.json"))
            except OSError:
                continue
            for path in entries:
                resolved = path.resolve()
                if resolved in seen or not path.is_file():
                    continue
                seen.add(resolved)
                files.append((path, source.origin))
        return files

    def _load(self, path: Path, origin: Origin) -> Template | TemplateError:
        try:
            stat = path.stat()
        except OSError as error:
            return TemplateError([f"cannot read the file: {error}"])
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._parsed.get(key)
        if cached is not None:
            return cached
        try:
            result: Template | TemplateError = load_template_file(path, origin=origin)
        except TemplateError as error:
            # Cached: without its traceback, whose frames hold the file's text.
            result = error.with_traceback(None)
            result.__cause__ = result.__context__ = None
        with self._lock:
            self._parsed = {k: v for k, v in self._parsed.items() if k[0] != str(path)}
            self._parsed[key] = result
        return result

    def snapshot(self) -> CatalogueSnapshot:
        """Every usable template and every problem, as of now (blocking file I/O)."""
        templates: dict[str, Template] = {}
        problems: list[TemplateProblem] = []
        for path, origin in self._files():
            loaded = self._load(path, origin)
            if isinstance(loaded, TemplateError):
                problems.append(TemplateProblem(str(path), origin, "invalid", tuple(loaded.errors)))
                continue
            existing = templates.get(loaded.id)
            if existing is not None:
                problems.append(
                    TemplateProblem(
                        str(path),
                        origin,
                        "duplicate",
                        template_id=loaded.id,
                        other=existing.path,
                    )
                )
                continue
            templates[loaded.id] = loaded
        return CatalogueSnapshot(templates, tuple(problems))

    def get(self, template_id: str) -> Template | None:
        """One template by id, ``None`` when unknown or invalid."""
        return self.snapshot().templates.get(template_id)
