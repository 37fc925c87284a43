"""Data preparation shared by the BERT-ja and ViT (beans) tutorials.

The notebooks keep the real loading calls visible
(``load_dataset("tyqiangz/multilingual-sentiments", "japanese")``,
``BertJapaneseTokenizer.from_pretrained(...)``); these helpers do the plumbing
around them: a clear message when the Hugging Face Hub cannot be reached,
deterministic subsets, small summaries, and image folders that the training
scripts read with PIL alone (no ``datasets`` needed inside the workers).

Nothing here imports torch, transformers or datasets at module level.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .i18n import Lang, Messages

#: The file, inside an image folder, that lists the label names in label order.
LABELS_FILE = "labels.json"

#: Image file suffixes read back from an image folder.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")

MESSAGES = Messages(
    {
        "unreachable": {
            "ja": (
                "Hugging Face Hub から{kind}「{name}」をダウンロードできませんでした"
                "（ネットワークに接続できないか、オフラインモードです）。\n"
                "対処: インターネット（またはプロキシ、VPC エンドポイント）への接続を確認するか、"
                "接続できる環境で一度ダウンロードしてキャッシュ（HF_HOME、既定は "
                "~/.cache/huggingface）をこのインスタンスにコピーしてください。"
                "ネットワークなしで手順の流れだけを確認するには、パラメーターの SMOKE を True に"
                "して、最初のセルから実行し直してください。"
            ),
            "en": (
                "The {kind} '{name}' could not be downloaded from the Hugging Face Hub (no "
                "network connection, or offline mode).\n"
                "What to do: check the connection to the internet (or the proxy / VPC "
                "endpoint), or download it once where you can and copy the cache (HF_HOME, "
                "by default ~/.cache/huggingface) to this instance. To walk through the "
                "steps without a network, set SMOKE = True in the parameters and run again "
                "from the first cell."
            ),
        },
        "not_found": {
            "ja": (
                "Hugging Face Hub に{kind}「{name}」が見つからないか、"
                "アクセスが許可されていません。"
                "名前のつづりを確認し、必要なら `huggingface-cli login` でログインしてください。"
            ),
            "en": (
                "The {kind} '{name}' does not exist on the Hugging Face Hub or access is "
                "denied. Check the name and, if needed, log in with `huggingface-cli login`."
            ),
        },
        "missing_package": {
            "ja": (
                "パッケージ {package} がこのカーネルの環境にありません。最初のステップの"
                "インストールを実行するか、`{python} -m pip install {package}` を実行してください。"
            ),
            "en": (
                "The package {package} is not installed in this kernel's environment. Run the "
                "installation of the first step, or `{python} -m pip install {package}`."
            ),
        },
        "kind.dataset": {"ja": "データセット", "en": "dataset"},
        "kind.model": {"ja": "モデル", "en": "model"},
        "summary.header": {"ja": "分割", "en": "split"},
        "summary.rows": {"ja": "件数", "en": "rows"},
    }
)

#: Exception class names that mean "the Hub could not be reached".
_UNREACHABLE_TYPES = frozenset(
    {
        "ConnectionError",
        "ConnectTimeout",
        "ReadTimeout",
        "Timeout",
        "MaxRetryError",
        "NewConnectionError",
        "NameResolutionError",
        "LocalEntryNotFoundError",
        "OfflineModeIsEnabled",
    }
)

#: Exception class names that mean "it does not exist, or you may not see it".
_NOT_FOUND_TYPES = frozenset(
    {"RepositoryNotFoundError", "GatedRepoError", "DatasetNotFoundError", "RevisionNotFoundError"}
)

#: Message fragments (lower case) of the same failures, for wrapped errors.
_UNREACHABLE_TEXT = (
    "couldn't connect to",
    "could not connect to",
    "connection error",
    "failed to resolve",
    "temporary failure in name resolution",
    "network is unreachable",
    "max retries exceeded",
    "offline mode",
    "hf_hub_offline",
    "cannot find the requested files in the disk cache",
    "we couldn't connect",
)


class HubUnavailable(RuntimeError):
    """A model or dataset could not be obtained from the Hugging Face Hub."""


class MissingPackage(ImportError):
    """A package a step needs is not installed in the kernel's environment."""


def _error_chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def classify_download_error(error: BaseException) -> str | None:
    """``"unreachable"``, ``"not_found"`` or ``None`` for an error raised while loading."""
    for item in _error_chain(error):
        names = {cls.__name__ for cls in type(item).__mro__}
        if names & _NOT_FOUND_TYPES:
            return "not_found"
        if names & _UNREACHABLE_TYPES:
            return "unreachable"
        text = str(item).lower()
        if any(fragment in text for fragment in _UNREACHABLE_TEXT):
            return "unreachable"
    return None


@contextmanager
def explain_download_errors(kind: str, name: str, *, lang: Lang = "en") -> Iterator[None]:
    """Turn Hub download failures inside the block into a clear :class:`HubUnavailable`.

    ``kind`` is ``"model"`` or ``"dataset"``; ``name`` is the Hub id. Other
    errors pass through unchanged.
    """
    try:
        yield
    except Exception as error:
        cause = classify_download_error(error)
        if cause is None:
            raise
        kind_text = MESSAGES(f"kind.{kind}", lang) if f"kind.{kind}" in MESSAGES else kind
        raise HubUnavailable(MESSAGES(cause, lang, kind=kind_text, name=name)) from error


def require_package(module: str, package: str | None = None, *, lang: Lang = "en") -> Any:
    """Import ``module`` or raise :class:`MissingPackage` saying how to install it."""
    import importlib
    import sys

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingPackage(
            MESSAGES("missing_package", lang, package=package or module, python=sys.executable)
        ) from error


def load_hub_dataset(
    dataset_id: str, config: str | None = None, *, lang: Lang = "en", **kwargs: Any
) -> Any:
    """``datasets.load_dataset(dataset_id, config, **kwargs)`` with clear failures."""
    datasets = require_package("datasets", lang=lang)
    with explain_download_errors("dataset", dataset_id, lang=lang):
        if config is None:
            return datasets.load_dataset(dataset_id, **kwargs)
        return datasets.load_dataset(dataset_id, config, **kwargs)


def take(rows: Sequence[Mapping[str, Any]], count: int | None, *, seed: int = 42) -> list[dict]:
    """A reproducible random subset of ``count`` rows (all rows, shuffled, when None)."""
    shuffled = [dict(row) for row in rows]
    random.Random(seed).shuffle(shuffled)
    return shuffled if count is None else shuffled[: max(count, 0)]


def label_counts(rows: Iterable[Mapping[str, Any]], key: str = "labels") -> dict[Any, int]:
    """How many rows carry each label, in label order."""
    counts = Counter(row[key] for row in rows)
    return dict(sorted(counts.items()))


def split_summary(
    splits: Mapping[str, Sequence[Mapping[str, Any]]],
    label_names: Sequence[str],
    *,
    key: str = "labels",
    lang: Lang = "en",
) -> str:
    """A small text table: rows per split and per label."""
    header = [MESSAGES("summary.header", lang), MESSAGES("summary.rows", lang), *label_names]
    lines = [header]
    for name, rows in splits.items():
        counts = label_counts(rows, key)
        lines.append(
            [name, str(len(rows)), *(str(counts.get(i, 0)) for i in range(len(label_names)))]
        )
    widths = [max(_display_width(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)) for line in lines
    )


def _display_width(text: str) -> int:
    # Japanese characters take two columns in a monospace font.
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def export_image_folder(
    examples: Iterable[Mapping[str, Any]],
    out_dir: str | os.PathLike[str],
    label_names: Sequence[str],
    *,
    image_key: str = "image",
    label_key: str = "labels",
) -> int:
    """Write images as ``out_dir/<label name>/<n>.<ext>`` plus ``labels.json`` (last).

    ``examples`` yields mappings holding a PIL image and an integer label (a
    split of the ``beans`` dataset does). Returns the number of images written.
    """
    root = Path(out_dir)
    for name in label_names:
        (root / name).mkdir(parents=True, exist_ok=True)
    written = 0
    for number, example in enumerate(examples):
        image = example[image_key]
        label = int(example[label_key])
        fmt = (getattr(image, "format", None) or "PNG").upper()
        suffix = ".jpg" if fmt in ("JPEG", "JPG") else ".png"
        target = root / label_names[label] / f"{number:05d}{suffix}"
        image.convert("RGB").save(target, format="JPEG" if suffix == ".jpg" else "PNG")
        written += 1
    # Written last: its presence means the export finished.
    (root / LABELS_FILE).write_text(json.dumps(list(label_names), ensure_ascii=False), "utf-8")
    return written


def read_image_folder(root: str | os.PathLike[str]) -> tuple[list[tuple[Path, int]], list[str]]:
    """The ``(path, label)`` pairs and label names of an image folder, sorted by path."""
    folder = Path(root)
    labels_file = folder / LABELS_FILE
    if labels_file.is_file():
        label_names = list(json.loads(labels_file.read_text("utf-8")))
    else:
        label_names = sorted(p.name for p in folder.iterdir() if p.is_dir())
    items = [
        (path, index)
        for index, name in enumerate(label_names)
        for path in sorted((folder / name).iterdir())
        if path.suffix.lower() in IMAGE_SUFFIXES
    ]
    return items, label_names
