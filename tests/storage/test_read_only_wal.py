"""A -wal left behind by a killed writer, on read-only media or write-protected itself.

A writer SIGKILLed after committing leaves its last transactions in ``<project>-wal`` (SQLite
moves them into the file at the next open that may write). On read-only media the project used to
be read as immutable, which ignores the -wal: the window showed the coder's work without those
edits and said nothing. A -wal (or -shm) that may not be written used to open read-write, and then
every key failed. Both are made here from outside the process: a killed child, a remount, chattr.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.services.first_screen import read_first_screen
from annotator.services.project import Project
from annotator.storage.lock import lock_path
from tests.storage.test_disk_errors import _run, _tmpfs, needs_tmpfs

ROOT = Path(__file__).resolve().parents[2]
TAGS = 30


def _killed_writer(path: Path) -> tuple[str, str]:
    """A project whose last ``TAGS`` tags are only in its -wal: their writer was SIGKILLed."""
    with Project.open(path, seed_samples=True) as project:
        coder = project.add_coder("Olena").id
        key = project.documents()[0].key
    child = textwrap.dedent(f"""
        import os, signal
        from annotator.services.project import Project
        project = Project.open({str(path)!r}, create=False)
        for clause in project.clauses({key!r})[:{TAGS}]:
            project.toggle_tag({coder!r}, clause.id, "economic")
        os.kill(os.getpid(), signal.SIGKILL)
        """)
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT)
    assert done.returncode == -signal.SIGKILL
    assert Path(f"{path}-wal").stat().st_size > 0
    return coder, key


def _tagged(project: Project, coder: str, key: str) -> int:
    return sum(bool(c.tags) for c in project.coding(key, coder).values())


@needs_tmpfs
def test_read_only_media_show_what_the_killed_writer_committed(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "media", "16m") as media:
        path = media / "project.sqlite"
        coder, key = _killed_writer(path)
        assert _run("mount", "-o", "remount,ro", str(media))
        with Project.open(path, create=False) as project:
            assert project.read_only and project.read_only_reason
            assert _tagged(project, coder, key) == TAGS


def _protect(path: Path) -> None:
    if os.geteuid() == 0:  # root writes through modes; the immutable flag stops it too
        assert subprocess.run(["chattr", "+i", str(path)]).returncode == 0
    else:
        path.chmod(0o444)


def _unprotect(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)])
    path.chmod(0o644)


@pytest.mark.parametrize("side", ["-wal", "-shm"])
def test_a_write_protected_wal_opens_read_only_saying_why(tmp_path: Path, side: str) -> None:
    path = tmp_path / "project.sqlite"
    coder, key = _killed_writer(path)
    protected = Path(f"{path}{side}")
    _protect(protected)
    try:
        with Project.open(path, create=False) as project:
            assert project.read_only
            assert (
                project.read_only_reason
                == f"{protected.name} beside the project may not be written here"
            )
            assert _tagged(project, coder, key) == TAGS
        lock_path(path).unlink(missing_ok=True)  # no lock left: the quick read would try
        assert read_first_screen(path, coder_id=coder, coder_name=None, document_key=key) is None
        added = subprocess.run(
            [sys.executable, "-m", "annotator", "coder", "add", "--project", str(path), "Taras"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert added.returncode == 2 and added.stderr.count("\n") == 1, added.stderr
        assert "read-only" in added.stderr
    finally:
        _unprotect(protected)
    with Project.open(path, create=False) as project:  # writable again: nothing was lost
        assert not project.read_only and _tagged(project, coder, key) == TAGS
    shutil.rmtree(tmp_path, ignore_errors=True)
