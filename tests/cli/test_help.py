"""Every subcommand's --help is plain text with a description (no reStructuredText markup)."""

from __future__ import annotations

import argparse

import pytest

from annotator.cli.main import build_parser


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    out = []
    todo = [("annotator", build_parser())]
    while todo:
        name, parser = todo.pop()
        out.append((name, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend((f"{name} {sub}", p) for sub, p in action.choices.items())
    return out


@pytest.mark.parametrize(("name", "parser"), _parsers(), ids=lambda v: str(v))
def test_help_is_plain_text_with_a_description(name: str, parser: argparse.ArgumentParser) -> None:
    text = parser.format_help()
    assert parser.description, f"{name} --help has no description"
    assert "``" not in text and ":func:" not in text, f"{name} --help shows markup"


def test_launcher_sends_every_subcommand_to_the_cli() -> None:
    """A subcommand the launcher does not know would open the window instead (and hang a script)."""
    from annotator.cli.main import SUBCOMMAND_MODULES
    from annotator.launcher import SUBCOMMANDS

    assert {m.rstrip("_").replace("_", "-") for m in SUBCOMMAND_MODULES} == set(SUBCOMMANDS)


def test_every_subcommand_is_listed() -> None:
    names = {n for n, _ in _parsers()}
    assert {"annotator coder", "annotator coder add", "annotator info"} <= names
