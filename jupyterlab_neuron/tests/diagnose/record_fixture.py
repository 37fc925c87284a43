"""Record the server's diagnoses for the front-end tests.

The jest tests of the diagnosis view (src/tutorial/__tests__/) show what this
server's matcher answers, not hand-written copies: for every catalogue entry,
one sample of ``samples/`` (the notebook variant with colour codes where there
is one) diagnosed in both languages, an unrelated error, and the catalogue's
action labels and fallback. ``test_recorded_fixture.py`` fails when the
recording no longer matches the catalogue; then run::

    .venv/bin/python -m jupyterlab_neuron.tests.diagnose.record_fixture
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from jupyterlab_neuron.diagnose.matcher import default_catalogue

SAMPLES = Path(__file__).parent / "samples"

#: Where the front-end tests read the recording (in a source checkout).
FIXTURE = Path(__file__).resolve().parents[3] / "src" / "tutorial" / "__tests__" / "diagnoses.json"

#: The error that matches no entry.
UNKNOWN_SAMPLE = "unrelated__value_error.txt"


def sample_for(entry_id: str) -> Path:
    """The sample recorded for an entry: its notebook variant, else the first one."""
    notebook = SAMPLES / f"{entry_id}__notebook_ansi.txt"
    if notebook.is_file():
        return notebook
    found = sorted(SAMPLES.glob(f"{entry_id}__*.txt"))
    if not found:
        raise LookupError(f"no sample error text for catalogue entry {entry_id!r} in {SAMPLES}")
    return found[0]


def _record(sample: Path) -> dict[str, Any]:
    catalogue = default_catalogue()
    text = sample.read_text(encoding="utf-8")
    return {
        "sample": sample.name,
        "text": text,
        "ja": catalogue.diagnose(text, "ja"),
        "en": catalogue.diagnose(text, "en"),
    }


def build_fixture() -> dict[str, Any]:
    """What the front-end tests read, from the current catalogue and samples."""
    catalogue = default_catalogue()
    catalogues = {}
    for lang in ("ja", "en"):
        described = catalogue.describe(lang)
        # The tests need the labels and the fallback, not the entries again.
        described["entries"] = []
        catalogues[lang] = described
    return {
        "entries": {entry.id: _record(sample_for(entry.id)) for entry in catalogue.entries},
        "unknown": _record(SAMPLES / UNKNOWN_SAMPLE),
        "catalogues": catalogues,
    }


def main() -> int:
    FIXTURE.write_text(
        json.dumps(build_fixture(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {FIXTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
