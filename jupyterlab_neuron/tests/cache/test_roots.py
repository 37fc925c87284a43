"""Root discovery: environment, settings, per-project search, states and messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyterlab_neuron.cache.roots import (
    DEFAULT_COMPILE_CACHE_ROOT,
    describe_root,
    discover_roots,
    find_project_caches,
)

from .builders import V2024, write
from .conftest import mode_bits_access


def _cache(path: Path) -> Path:
    (path / V2024).mkdir(parents=True)
    return path


def test_default_root_only(tmp_path: Path) -> None:
    discovery = discover_roots(environ={}, project_dir=None)
    assert [root.path for root in discovery.roots] == [DEFAULT_COMPILE_CACHE_ROOT]
    root = discovery.roots[0]
    assert root.sources == ("default",) and root.active


def test_cache_dir_flag_wins_and_url_is_listed_too(tmp_path: Path) -> None:
    flags_root = _cache(tmp_path / "flags")
    url_root = _cache(tmp_path / "url")
    env = {
        "NEURON_CC_FLAGS": f"--model-type=transformer --cache_dir={flags_root}",
        "NEURON_COMPILE_CACHE_URL": str(url_root),
    }
    roots = {root.path: root for root in discover_roots(environ=env).roots}
    assert roots[str(flags_root)].active and roots[str(flags_root)].sources == ("NEURON_CC_FLAGS",)
    assert not roots[str(url_root)].active
    assert roots[str(url_root)].sources == ("NEURON_COMPILE_CACHE_URL",)
    assert "NEURON_CC_FLAGS" in roots[str(url_root)].notes("en")[0]
    assert roots[DEFAULT_COMPILE_CACHE_ROOT].sources == ("default",)
    first = discover_roots(environ=env).roots[0]
    assert first.path == str(flags_root)  # the active root comes first


def test_s3_url_without_boto3_is_remote_and_not_managed(monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyterlab_neuron.cache import s3_store

    monkeypatch.setattr(s3_store, "boto3_available", lambda: False)
    env = {"NEURON_COMPILE_CACHE_URL": "s3://my-bucket/neuron-cache"}
    root = discover_roots(environ=env).roots[0]
    assert root.remote and root.state == "remote" and root.active and root.store == "s3"
    data = root.to_dict("en")
    assert data["managed"] is False and data["scannable"] is False
    assert "S3" in data["message"] and "jupyterlab-neuron[s3]" in data["message"]
    assert "S3" in root.to_dict("ja")["message"]


def test_s3_url_with_boto3_is_a_managed_s3_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyterlab_neuron.cache import s3_store

    monkeypatch.setattr(s3_store, "boto3_available", lambda: True)
    env = {"NEURON_COMPILE_CACHE_URL": "s3://my-bucket/neuron-cache/"}
    root = discover_roots(environ=env).roots[0]
    assert root.path == "s3://my-bucket/neuron-cache" and root.store == "s3"
    assert root.state == "ok" and not root.remote and root.writable
    assert root.to_dict("en")["managed"] is True and root.message("en") is None


def test_no_cache_flag_is_noted() -> None:
    root = discover_roots(environ={"NEURON_CC_FLAGS": "--no_cache"}).roots[0]
    assert root.disabled
    assert "--no_cache" in root.notes("ja")[0]


def test_same_folder_from_several_sources_is_listed_once(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "compiler_cache")
    link = tmp_path / "link-to-cache"
    link.symlink_to(cache)
    env = {"NEURON_CC_FLAGS": f"--cache_dir {link}"}
    discovery = discover_roots(
        environ=env, extra_roots=["compiler_cache"], project_dir=str(tmp_path)
    )
    matching = [root for root in discovery.roots if root.path == str(cache)]
    assert len(matching) == 1
    assert matching[0].sources == ("NEURON_CC_FLAGS", "settings", "project")


def test_project_search_finds_caches_and_skips_what_it_should(tmp_path: Path) -> None:
    _cache(tmp_path / "vit" / "compiler_cache")
    _cache(tmp_path / "a" / "b" / "deep_cache")  # depth 3
    _cache(tmp_path / "a" / "b" / "c" / "too_deep")  # depth 4
    _cache(tmp_path / ".hidden" / "cache")
    _cache(tmp_path / "node_modules" / "cache")
    venv = tmp_path / "venv-x"
    write(venv / "pyvenv.cfg", "home = /usr/bin")
    _cache(venv / "lib" / "cache")
    (tmp_path / "linked").symlink_to(tmp_path / "vit")
    # A found cache is not searched further.
    _cache(tmp_path / "vit" / "compiler_cache" / V2024 / "nested")
    search = find_project_caches(str(tmp_path), max_depth=3, max_dirs=1000)
    assert sorted(search.found) == sorted(
        [str(tmp_path / "vit" / "compiler_cache"), str(tmp_path / "a" / "b" / "deep_cache")]
    )
    assert not search.truncated


def test_project_search_stops_at_the_folder_limit(tmp_path: Path) -> None:
    for index in range(30):
        (tmp_path / f"project{index:02d}").mkdir()
    _cache(tmp_path / "project29" / "compiler_cache")
    search = find_project_caches(str(tmp_path), max_depth=3, max_dirs=10)
    assert search.truncated and search.visited == 10 and search.found == ()


def test_states_missing_not_a_folder_and_ok(tmp_path: Path) -> None:
    assert describe_root(str(tmp_path / "none"), ["settings"]).state == "missing"
    write(tmp_path / "file")
    assert describe_root(str(tmp_path / "file"), ["settings"]).state == "not_directory"
    ok = describe_root(str(tmp_path), ["settings"])
    assert ok.state == "ok" and ok.writable and ok.message("en") is None
    missing = describe_root(str(tmp_path / "none"), ["default"])
    assert "first compile" in missing.message("en")
    assert "最初のコンパイル" in missing.message("ja")


def test_read_only_and_unreadable_roots(tmp_path: Path) -> None:
    read_only = _cache(tmp_path / "ro")
    read_only.chmod(0o555)
    unreadable = _cache(tmp_path / "secret")
    unreadable.chmod(0o000)
    try:
        ro = describe_root(str(read_only), ["settings"], access=mode_bits_access)
        assert ro.state == "read_only" and ro.scannable and not ro.writable
        english = ro.message("en")
        assert f"{read_only}/lock" in english and "runtime" in english
        assert "ランタイム" in ro.message("ja")
        hidden = describe_root(str(unreadable), ["settings"], access=mode_bits_access)
        assert hidden.state == "unreadable" and not hidden.scannable
        assert "読み取れません" in hidden.message("ja")
    finally:
        read_only.chmod(0o755)
        unreadable.chmod(0o755)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
def test_read_only_root_with_real_permissions(tmp_path: Path) -> None:
    read_only = _cache(tmp_path / "ro")
    read_only.chmod(0o555)
    try:
        assert describe_root(str(read_only), ["settings"]).state == "read_only"
    finally:
        read_only.chmod(0o755)


def test_relative_settings_roots_use_the_project_dir(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "shared-cache")
    discovery = discover_roots(
        environ={}, extra_roots=["shared-cache"], project_dir=str(tmp_path), project_search_depth=0
    )
    assert any(root.path == str(cache) and "settings" in root.sources for root in discovery.roots)


def test_only_cli_roots(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "c")
    discovery = discover_roots(environ={}, cli_roots=[str(cache)], only_cli_roots=True)
    assert [(root.path, root.sources) for root in discovery.roots] == [(str(cache), ("cli",))]


def test_an_s3_url_without_a_bucket_or_with_dot_parts_is_unreadable() -> None:
    for url in ("s3://", "s3://bucket/team/../other"):
        root = describe_root(url, ["settings"], active=True)
        assert (root.store, root.state, root.scannable) == ("s3", "unreadable", False)
        assert root.detail and url.rstrip("/") in root.detail
        assert root.sources == ("settings",) and root.active and root.configured == url
