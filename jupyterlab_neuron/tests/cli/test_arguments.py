"""The options every sub-command shares mean and check the same thing everywhere."""

from __future__ import annotations

import argparse

import pytest

from jupyterlab_neuron.cli import build_parser, main

#: Sub-commands reading neuron-monitor reports (cli/monitor_source.py).
MONITOR_READERS = ("monitor", "exporter")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def _leaf_parsers() -> dict[str, argparse.ArgumentParser]:
    """Every runnable sub-command's parser, by its command line (``cache clean``)."""
    found: dict[str, argparse.ArgumentParser] = {}
    pending = [("", build_parser())]
    while pending:
        prefix, parser = pending.pop()
        children = _subparsers(parser)
        if not children and prefix:
            found[prefix] = parser
        for name, child in children.items():
            pending.append((f"{prefix} {name}".strip(), child))
    return found


def _option(parser: argparse.ArgumentParser, flag: str) -> argparse.Action | None:
    return next((a for a in parser._actions if flag in a.option_strings), None)


def test_every_lang_option_takes_the_same_languages() -> None:
    parsers = _leaf_parsers()
    assert {"doctor", "monitor", "exporter", "cache clean", "templates render"} <= set(parsers)
    for name, parser in parsers.items():
        option = _option(parser, "--lang")
        if option is None:
            continue
        assert tuple(option.choices or ()) == ("ja", "en"), name
        assert option.default is None, name
        assert "default: from the locale" in (option.help or ""), name


@pytest.mark.parametrize("command", MONITOR_READERS)
def test_monitor_readers_have_the_same_source_options(command: str) -> None:
    reference = _leaf_parsers()["monitor"]
    parser = _leaf_parsers()[command]
    for flag in (
        "--source",
        "--simulate",
        "--scenario",
        "--seed",
        "--period",
        "--tools-path",
        "--no-system-path",
    ):
        mine, theirs = _option(parser, flag), _option(reference, flag)
        assert mine is not None and theirs is not None, (command, flag)
        assert (mine.type, mine.choices, mine.help) == (theirs.type, theirs.choices, theirs.help)


@pytest.mark.parametrize("command", MONITOR_READERS)
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--scenario", "idle"], "--scenario and --seed only apply with --simulate."),
        (["--seed", "3"], "--scenario and --seed only apply with --simulate."),
        (
            ["--source", "x", "--simulate", "inf2.xlarge"],
            "--source and --simulate cannot be used together.",
        ),
    ],
)
def test_monitor_readers_refuse_the_same_combinations(
    command: str, options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, *options, "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == message


@pytest.mark.parametrize("command", MONITOR_READERS)
def test_monitor_readers_refuse_in_japanese(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--seed", "1", "--lang", "ja"]) == 2
    assert "--simulate と一緒に指定してください" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["doctor", "--simulate", "trn9.huge"],
        ["monitor", "--simulate", "trn9.huge"],
        ["exporter", "--simulate", "trn9.huge"],
        ["templates", "render", "x", "--out", "-", "--instance", "trn9.huge"],
        ["simulate", "tools", "--dir", "d", "--instance", "trn9.huge"],
        ["doctor", "--timeout", "0"],
        ["monitor", "--period", "-1"],
        ["exporter", "--period", "soon"],
    ],
)
def test_bad_instance_types_and_durations_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "unknown instance type 'trn9.huge'" in err or "expected a positive number" in err
