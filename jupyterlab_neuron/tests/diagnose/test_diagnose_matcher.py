"""The matcher: real error texts find their entry, unrelated errors find none."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from jupyterlab_neuron.diagnose.matcher import (
    clean_error_text,
    default_catalogue,
    describe_cache_path,
    diagnose,
)

SAMPLES = Path(__file__).with_name("samples")


def _samples(prefix: str | None) -> list[tuple[str, Path]]:
    """(expected entry id, file) of every sample; ``prefix`` None = the matching ones."""
    found = []
    for path in sorted(SAMPLES.glob("*.txt")):
        entry_id = path.name.split("__", 1)[0]
        if (prefix is None and entry_id != "unrelated") or entry_id == prefix:
            found.append((entry_id, path))
    return found


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


MATCHING = _samples(None)
UNRELATED = _samples("unrelated")


def colour(text: str) -> str:
    """Wrap every line in colour codes and end lines with \\r\\n, like a terminal log."""
    return "".join(f"\x1b[1;31m{line}\x1b[0m\r\n" for line in text.splitlines())


def test_every_entry_has_real_samples() -> None:
    ids = {entry.id for entry in default_catalogue().entries}
    assert ids == {entry_id for entry_id, _ in MATCHING}
    assert len(UNRELATED) >= 10


@pytest.mark.parametrize(("entry_id", "path"), MATCHING, ids=[p.name for _, p in MATCHING])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_sample_is_diagnosed_as_its_entry(entry_id: str, path: Path, lang: str) -> None:
    result = diagnose(_read(path), lang)  # type: ignore[arg-type]
    assert result["match"] is not None, path.name
    assert result["match"]["id"] == entry_id
    entry = default_catalogue().entry(entry_id)
    assert result["match"]["title"] == entry.text[lang]["title"]
    assert set(result["match"]) >= {
        "id",
        "title",
        "explanation",
        "cause",
        "steps",
        "actions",
        "reference",
        "excerpt",
    }
    assert "\x1b" not in result["match"]["excerpt"]


@pytest.mark.parametrize(("entry_id", "path"), MATCHING, ids=[p.name for _, p in MATCHING])
def test_sample_is_still_diagnosed_with_colour_codes_and_crlf(entry_id: str, path: Path) -> None:
    result = diagnose(colour(_read(path)), "en")
    assert result["match"] is not None and result["match"]["id"] == entry_id


@pytest.mark.parametrize(("_", "path"), UNRELATED, ids=[p.name for _, p in UNRELATED])
def test_unrelated_error_matches_nothing(_: str, path: Path) -> None:
    assert diagnose(_read(path), "ja") == {"match": None}
    assert diagnose(colour(_read(path)), "en") == {"match": None}


@pytest.mark.parametrize("text", ["", "\n\n", "Traceback (most recent call last):\n"])
def test_empty_or_bare_text_matches_nothing(text: str) -> None:
    assert diagnose(text) == {"match": None}


def test_ansi_codes_are_stripped() -> None:
    raw = "\x1b[0;31mRuntimeError\x1b[0m: boom\r\nnext\x1b]8;;https://x\x07link\x1b]8;;\x07\rdone"
    assert clean_error_text(raw) == "RuntimeError: boom\nnextlink\ndone"


def test_languages_differ_and_unknown_language_is_refused() -> None:
    text = _read(SAMPLES / "neuroncores-unavailable__requested_one.txt")
    ja, en = diagnose(text, "ja")["match"], diagnose(text, "en")["match"]
    assert ja["title"] == "NeuronCore を確保できません"
    assert en["title"] == "NeuronCores are not available"
    assert ja["actions"] == en["actions"] == ["show-core-holders", "shut-down-kernel"]
    assert ja["reference"]["url"] == en["reference"]["url"]
    with pytest.raises(ValueError, match="Unsupported language"):
        diagnose(text, "fr")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        diagnose(b"bytes", "en")  # type: ignore[arg-type]


# --- details ------------------------------------------------------------------------


def test_failed_neff_details_name_the_cache_entry() -> None:
    result = diagnose(_read(SAMPLES / "failed-neff-cached__training_log.txt"), "en")
    module = "neuronxcc-2.8.0.25+a3ad0f342/MODULE_12486829708343293975+d41d8cd9"
    assert result["details"] == {
        "neff_path": f"/var/tmp/neuron-compile-cache/{module}/model.neff",
        "cache_entry": f"/var/tmp/neuron-compile-cache/{module}",
        "cache_module": "MODULE_12486829708343293975+d41d8cd9",
        "cache_entry_key": module,
        "cache_root": "/var/tmp/neuron-compile-cache",
    }


def test_failed_neff_path_survives_colour_codes() -> None:
    result = diagnose(_read(SAMPLES / "failed-neff-cached__notebook_ansi.txt"), "ja")
    assert result["details"]["cache_entry"] == (
        "/var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/"
        "MODULE_2919486226386385393+d41d8cd9"
    )


V2024 = "neuronxcc-2.15.128.0+56dc5a86"
M2024 = "MODULE_98ba4c9111d5882d2331+39f12043"
V2022 = "USER_neuroncc-1.0.48875.0+7437fbf18"
M2022 = "MODULE_7223055628515330524"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            f"s3://my-bucket/cache/{V2024}/{M2024}/model.neff",
            {
                "cache_entry": f"s3://my-bucket/cache/{V2024}/{M2024}",
                "cache_module": M2024,
                "cache_entry_key": f"{V2024}/{M2024}",
                "cache_root": "s3://my-bucket/cache",
            },
        ),
        (
            f"./compiler_cache/{V2024}/MODULE_1+2/model.neff",
            {
                "cache_entry": f"./compiler_cache/{V2024}/MODULE_1+2",
                "cache_module": "MODULE_1+2",
                "cache_entry_key": f"{V2024}/MODULE_1+2",
                "cache_root": "./compiler_cache",
            },
        ),
        (
            # 2022 layout: the entry is the first MODULE_ folder.
            f"/var/tmp/neuron-compile-cache/{V2022}/{M2022}/"
            "MODULE_0_SyncTensorsGraph.14_7223055628515330524_host-e859998e/model.neff",
            {
                "cache_entry": f"/var/tmp/neuron-compile-cache/{V2022}/{M2022}",
                "cache_module": M2022,
                "cache_entry_key": f"{V2022}/{M2022}",
                "cache_root": "/var/tmp/neuron-compile-cache",
            },
        ),
        ("/var/tmp/neuron-compile-cache/lock", {"cache_root": "/var/tmp/neuron-compile-cache"}),
        ("/tmp/model.neff", {}),
    ],
)
def test_cache_paths_are_described(path: str, expected: dict[str, str]) -> None:
    assert describe_cache_path(path) == expected


def test_failed_neff_message_without_trailing_sentence() -> None:
    text = "INFO: Got a cached failed neff at /c/neuronxcc-2.1+a/MODULE_5+b/model.neff"
    details = diagnose(text)["details"]
    assert details["neff_path"] == "/c/neuronxcc-2.1+a/MODULE_5+b/model.neff"
    assert details["cache_entry"] == "/c/neuronxcc-2.1+a/MODULE_5+b"


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (
            "neuroncores-unavailable__training_troubleshooting.txt",
            {"requested": 1, "requested_cores": "nc1-nc1", "available": 0},
        ),
        ("neuroncores-unavailable__requested_one.txt", {"requested": 1, "available": 0}),
        ("neuroncores-unavailable__notebook_ansi.txt", {}),
    ],
)
def test_core_counts_are_extracted_when_present(sample: str, expected: dict[str, object]) -> None:
    assert diagnose(_read(SAMPLES / sample))["details"] == expected


def test_core_range_counts_every_core() -> None:
    text = (
        "ERROR NRT:nrt_allocate_neuron_cores NeuronCore(s) not available"
        " - Requested:nc0-nc3 Available:2"
    )
    assert diagnose(text)["details"] == {
        "requested": 4,
        "requested_cores": "nc0-nc3",
        "available": 2,
    }


def test_device_memory_details() -> None:
    details = diagnose(_read(SAMPLES / "device-out-of-memory__trace_ansi.txt"))["details"]
    assert details == {
        "requested_bytes": 180355072,
        "requested_size": "172.000MB",
        "usage": "tensors",
        "device": 0,
        "core": 0,
        "used_total": "15.855GB",
    }
    syslog = diagnose(_read(SAMPLES / "device-out-of-memory__mempool_syslog.txt"))["details"]
    assert syslog == {"device": 0, "core": 0, "requested_bytes": 1272, "available_bytes": 768}


def test_lock_details_name_the_locked_entry() -> None:
    details = diagnose(_read(SAMPLES / "compile-cache-locked__file_lock_timeout.txt"))["details"]
    assert details["lock_path"].endswith("/model.hlo_module.pb.lock")
    assert details["cache_entry_key"] == (
        "neuronxcc-2.15.128.0+56dc5a86/MODULE_98ba4c9111d5882d2331+39f12043"
    )
    status = diagnose(_read(SAMPLES / "compile-cache-locked__parallel_compile_interrupted.txt"))
    assert status["details"] == {"remaining": 3, "locked": 2}
    assert status["match"]["excerpt"].endswith("locked are 2, failed are 0, done are 0, total is 5")


def test_waiting_for_a_cache_lock_is_recognised() -> None:
    text = (
        "2024-03-04 10:20:00.000100:  40300  INFO ||NEURON_CC_WRAPPER||: Waiting for lock "
        "/var/tmp/neuron-compile-cache/neuronxcc-2.12.54.0+f631c2365/MODULE_1+abb26765/"
        "model.hlo_module.pb.lock held by another compilation"
    )
    result = diagnose(text)
    assert result["match"]["id"] == "compile-cache-locked"
    assert result["details"]["cache_entry_key"] == "neuronxcc-2.12.54.0+f631c2365/MODULE_1+abb26765"


@pytest.mark.parametrize(
    ("text", "module"),
    [
        ("ModuleNotFoundError: No module named 'torch_xla'", "torch_xla"),
        ("ModuleNotFoundError: No module named 'torch_xla.core'", "torch_xla.core"),
        ("ModuleNotFoundError: No module named 'neuronx_cc'", "neuronx_cc"),
        ("ModuleNotFoundError: No module named 'neuronxcc'", "neuronxcc"),
        ("ModuleNotFoundError: No module named 'libneuronxla'", "libneuronxla"),
        ("ModuleNotFoundError: No module named 'optimum.neuron'", "optimum.neuron"),
    ],
)
def test_missing_neuron_module_is_named(text: str, module: str) -> None:
    result = diagnose(text)
    assert result["match"]["id"] == "neuron-packages-missing"
    assert result["details"] == {"module": module}


@pytest.mark.parametrize(
    "text",
    [
        "ModuleNotFoundError: No module named 'torch_xla_extras'",
        "ModuleNotFoundError: No module named 'optimum'",
        "ModuleNotFoundError: No module named 'torch'",
        "bash: my_neuron_parallel_compile_helper: command not found",
    ],
)
def test_other_missing_modules_are_not_neuron_packages(text: str) -> None:
    assert diagnose(text) == {"match": None}


def test_missing_command_is_named() -> None:
    details = diagnose(_read(SAMPLES / "neuron-packages-missing__dash_not_found.txt"))["details"]
    assert details == {"command": "neuron_parallel_compile"}
    zsh = diagnose("zsh: command not found: torchrun")
    assert zsh["match"]["id"] == "neuron-packages-missing"
    assert zsh["details"] == {"command": "torchrun"}


def test_hang_details_name_the_script() -> None:
    result = diagnose(_read(SAMPLES / "one-worker-without-torchrun__python_train_py.txt"))
    assert result["details"] == {"script": "/home/ubuntu/bert-ja/train.py"}


def test_keyboard_interrupt_while_compiling_is_not_a_hang() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/venv/lib/python3.10/site-packages/torch_xla/runtime.py", line 180, '
        "in world_size\n"
        '  File "/venv/lib/python3.10/site-packages/libneuronxla/neuron_cc_wrapper.py", line 80, '
        "in compile\n"
        "KeyboardInterrupt\n"
    )
    assert diagnose(text) == {"match": None}


def test_offline_details_name_the_repository() -> None:
    model = diagnose(_read(SAMPLES / "offline-download__transformers_from_pretrained.txt"))
    assert model["details"]["repo_id"] == "cl-tohoku/bert-base-japanese-whole-word-masking"
    assert model["details"]["host"] == "huggingface.co"
    dataset = diagnose(_read(SAMPLES / "offline-download__datasets_load_dataset.txt"))
    assert dataset["details"] == {"repo_id": "tyqiangz/multilingual-sentiments"}


# --- priority and size ------------------------------------------------------------------


def test_first_entry_in_the_list_wins() -> None:
    """A failed NEFF explains a later compile error, so it outranks the lock status."""
    text = _read(SAMPLES / "compile-cache-locked__parallel_compile_interrupted.txt") + _read(
        SAMPLES / "failed-neff-cached__training_log.txt"
    )
    assert diagnose(text)["match"]["id"] == "failed-neff-cached"
    assert diagnose(_read(SAMPLES / "compile-cache-locked__parallel_compile_interrupted.txt"))[
        "match"
    ]["id"] == ("compile-cache-locked")


def test_only_the_last_parallel_compile_status_counts() -> None:
    finished = _read(SAMPLES / "unrelated__parallel_compile_finished.txt")
    assert diagnose(finished) == {"match": None}
    stuck = (
        finished
        + "INFO ||NEURON_CACHE||: Current remaining items are 1, locked are 4, "
        + ("failed are 0, done are 0, total is 5\n")
    )
    assert diagnose(stuck)["details"] == {"remaining": 1, "locked": 4}


def test_a_megabyte_of_log_is_diagnosed_quickly() -> None:
    """The REST limit is 1 MB: the worst realistic text must not take long."""
    status = "INFO ||NEURON_CACHE||: Current remaining items are 3, locked are 2, failed are 0, "
    lines = [
        status + "done are 0, total is 5",
        '  File "/venv/lib/python3.10/site-packages/torch_xla/core/xla_model.py", line 1, in x',
        "2024-Oct-15 18:01:18.347720  3882:3882  INFO  NRT:nrt_infodump  nothing to see " * 2,
    ]
    text = "\n".join(lines[i % 3] for i in range(9000))
    text = text[:1_000_000] + "\nINFO ||NEURON_CACHE||: Current remaining items are 0, locked "
    text += "are 0, failed are 0, done are 5, total is 5\n"
    started = time.perf_counter()
    for entry_text in (text, "x" * 1_000_000, "\n" * 1_000_000):
        diagnose(entry_text)
    # Measured well under a second; the bound only guards against quadratic patterns.
    assert time.perf_counter() - started < 5
