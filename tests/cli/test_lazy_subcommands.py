"""A subcommand imports what it needs only: ``annotator merge`` never loads numpy or SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli.main import build_parser
from annotator.services.project import Project


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_merge_parser_loads_neither_numpy_nor_sqlalchemy() -> None:
    loaded = _modules_after("from annotator.cli.main import build_parser; build_parser('merge')")
    assert "annotator.cli.merge" in loaded
    assert not {"numpy", "sqlalchemy", "annotator.cli.agreement"} & loaded


def test_opening_a_project_file_does_not_load_the_team_server_code(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    Project.open(path, seed_samples=False).close()  # created (and migrated) here, not below
    loaded = _modules_after(
        "from annotator.services.project import Project\n"
        f"Project.open({str(path)!r}, create=False).close()"
    )
    assert "annotator.services.project" in loaded
    assert not {"alembic", "annotator.storage.server"} & loaded


@pytest.mark.parametrize("command", ["merge", "import", "agreement", "export"])
def test_one_subcommand_parses_like_the_full_parser(command: str) -> None:
    one = build_parser(command)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    full = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert list(one) == [command]
    assert one[command].format_help() == full[command].format_help()
