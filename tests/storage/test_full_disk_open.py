"""A disk filled by another program before the project opens: one clear message, nothing lost.

SQLite needs room for its -wal and -shm files beside the project; on a full disk it says only
"disk I/O error" (it cannot grow the shared-memory file), which reads like failing hardware. The
disk is a small tmpfs filled from outside the process; freeing space makes it open as before.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.services.project import Project
from tests.storage.test_disk_errors import _fill, _tmpfs, needs_tmpfs


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[tuple[Path, str, int]]:
    source = tmp_path / "source.sqlite"
    with Project.open(source, seed_samples=True) as project:
        coder = project.add_coder("Olena").id
        key = project.documents()[0].key
        clause = project.clauses(key)[0].id
        project.toggle_tag(coder, clause, "economic")
    with _tmpfs(tmp_path / "disk", "4m") as disk:
        shutil.copy(source, disk / "project.sqlite")
        _fill(disk)
        yield disk / "project.sqlite", coder, clause


@needs_tmpfs
def test_opening_on_a_full_disk_says_the_disk_is_full(full_disk: tuple[Path, str, int]) -> None:
    path, coder, clause = full_disk
    with pytest.raises(ProjectError) as caught:
        Project.open(path, create=False, seed_samples=False)
    message = str(caught.value)
    assert "disk is full" in message and str(path) in message, message
    (path.parent / "filler").unlink()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with Project.open(path, create=False, seed_samples=False) as project:
        assert project.clause_coding(clause, coder).tags == {"economic"}
        project.toggle_tag(coder, clause, "territorial")  # it works again


@needs_tmpfs
def test_the_command_line_says_the_disk_is_full(full_disk: tuple[Path, str, int]) -> None:
    path = full_disk[0]
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "coder", "add", "--project", str(path), "Taras"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "disk is full" in done.stderr, done.stderr
