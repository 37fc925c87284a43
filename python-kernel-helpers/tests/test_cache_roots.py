from __future__ import annotations

import pytest

from neuron_kernel_helpers.cache_roots import DEFAULT_COMPILE_CACHE_ROOT, resolve_compile_cache


def test_default_root() -> None:
    cache = resolve_compile_cache({})
    assert (cache.root, cache.source, cache.remote, cache.disabled) == (
        DEFAULT_COMPILE_CACHE_ROOT,
        "default",
        False,
        False,
    )
    assert DEFAULT_COMPILE_CACHE_ROOT == "/var/tmp/neuron-compile-cache"


@pytest.mark.parametrize(
    "flags",
    [
        "--cache_dir=/data/cache",
        "--model-type=transformer --cache_dir /data/cache",
        "--cache_dir='/data/cache' --model-type=transformer",
    ],
)
def test_cache_dir_in_flags(flags: str) -> None:
    cache = resolve_compile_cache({"NEURON_CC_FLAGS": flags})
    assert cache.root == "/data/cache"
    assert cache.source == "NEURON_CC_FLAGS"


def test_flags_win_over_url() -> None:
    cache = resolve_compile_cache(
        {"NEURON_CC_FLAGS": "--cache_dir=./compiler_cache", "NEURON_COMPILE_CACHE_URL": "s3://b/p"}
    )
    assert (cache.root, cache.source, cache.remote) == (
        "./compiler_cache",
        "NEURON_CC_FLAGS",
        False,
    )


def test_url_when_no_flag() -> None:
    cache = resolve_compile_cache(
        {"NEURON_CC_FLAGS": "--model-type=transformer", "NEURON_COMPILE_CACHE_URL": "/mnt/cache"}
    )
    assert (cache.root, cache.source) == ("/mnt/cache", "NEURON_COMPILE_CACHE_URL")


def test_s3_is_remote() -> None:
    cache = resolve_compile_cache({"NEURON_COMPILE_CACHE_URL": "s3://bucket/prefix"})
    assert cache.remote is True
    assert resolve_compile_cache({"NEURON_CC_FLAGS": "--cache_dir=S3://b"}).remote is True


def test_no_cache_disables() -> None:
    cache = resolve_compile_cache({"NEURON_CC_FLAGS": "--no_cache --model-type=transformer"})
    assert cache.disabled is True
    assert cache.root == DEFAULT_COMPILE_CACHE_ROOT


def test_cache_dir_without_value_is_ignored() -> None:
    assert resolve_compile_cache({"NEURON_CC_FLAGS": "--cache_dir"}).source == "default"
    assert resolve_compile_cache({"NEURON_CC_FLAGS": "--cache_dir="}).source == "default"


def test_unbalanced_quotes_do_not_break_resolution() -> None:
    cache = resolve_compile_cache({"NEURON_CC_FLAGS": "--cache_dir=/x --foo='bar"})
    assert cache.root == "/x"


def test_to_dict_matches_contract_keys() -> None:
    assert resolve_compile_cache({}).to_dict() == {
        "root": DEFAULT_COMPILE_CACHE_ROOT,
        "source": "default",
        "remote": False,
        "disabled": False,
    }


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEURON_CC_FLAGS", "--cache_dir=/from/env")
    assert resolve_compile_cache().root == "/from/env"
