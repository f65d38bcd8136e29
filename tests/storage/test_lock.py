"""The project lock: one process at a time, freed when its holder dies, a message naming it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.storage.lock import (
    ProjectLockedError,
    acquire_project_lock,
    lock_path,
    read_lock_holder,
)

ROOT = Path(__file__).resolve().parents[2]


def _holder(project: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.lock_holder", str(project)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("locked "), line
    assert int(line.split()[1]) == proc.pid
    return proc


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    lock = acquire_project_lock(project)
    assert lock.held and lock_path(project).exists()
    assert read_lock_holder(project)["pid"] == os.getpid()
    # flock belongs to the open file, so a second open in the same process is refused too.
    with pytest.raises(ProjectLockedError) as info:
        acquire_project_lock(project)
    assert info.value.pid == os.getpid()
    lock.release()
    lock.release()  # twice is harmless
    assert not lock.held
    assert read_lock_holder(project) == {}  # no stale holder details
    with acquire_project_lock(project) as again:
        assert again.held
    assert not again.held


def test_second_process_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    proc = _holder(project)
    try:
        with pytest.raises(ProjectLockedError) as info:
            acquire_project_lock(project)
        err = info.value
        assert isinstance(err, ProjectError)
        assert err.pid == proc.pid
        assert f"pid {proc.pid}" in str(err)
        assert "already open in another Plan Annotator window" in str(err)
        assert str(project) in str(err)
        assert json.loads(lock_path(project).read_text())["pid"] == proc.pid
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)
    assert proc.returncode == 0
    with acquire_project_lock(project):
        pass


def test_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    proc = _holder(project)
    with pytest.raises(ProjectLockedError):
        acquire_project_lock(project)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    lock = acquire_project_lock(project)  # the OS dropped the dead holder's lock
    assert read_lock_holder(project)["pid"] == os.getpid()
    lock.release()


def test_unwritable_folder_gives_a_project_error(tmp_path: Path) -> None:
    project = tmp_path / "missing-folder" / "p.sqlite"
    with pytest.raises(ProjectError, match="cannot create the lock file"):
        acquire_project_lock(project)


def test_garbage_in_the_lock_file_is_ignored(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    lock_path(project).write_bytes(b"\x00\xff not json")
    assert read_lock_holder(project) == {}
    with acquire_project_lock(project):
        assert read_lock_holder(project)["pid"] == os.getpid()


def test_second_instance_opens_read_only_or_is_refused(tmp_path: Path) -> None:
    from annotator.core.errors import EditError
    from annotator.services.project import Project

    path = tmp_path / "p.sqlite"
    with Project.open(path, seed_samples=False) as project:
        key = project.import_text("Plan", "1. One.\n2. Two.\n").document_key
        clause = project.clauses(key)[0]
        coder = project.add_coder("Olena").id
    holder = _holder(path)
    try:
        with pytest.raises(ProjectLockedError, match="already open"):
            Project.open(path)
        with Project.open(path, read_only_if_locked=True) as second:
            assert second.read_only and second.locked_by is not None
            assert [c.label for c in second.clauses(key)] == ["1", "2"]
            with pytest.raises((EditError, ProjectError)):
                second.toggle_tag(coder, clause.id, "economic")
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(timeout=10)
    with Project.open(path) as again:
        assert again.clause_coding(clause.id, coder).tags == frozenset()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows cannot delete an open file")
def test_release_deletes_the_lock_file(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    with acquire_project_lock(project):
        assert lock_path(project).exists()
    assert not lock_path(project).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows cannot delete an open file")
def test_a_lock_file_deleted_under_a_late_opener_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A opens the lock file, the holder releases (deleting it), A locks the deleted file: A must
    start again on a new file, or A and a third process could both hold "the" lock."""
    from annotator.storage import lock as lock_module

    project = tmp_path / "p.sqlite"
    holder = acquire_project_lock(project)
    stale = os.open(lock_path(project), os.O_RDWR)
    holder.release()
    assert not lock_path(project).exists()
    opened: list[int] = []
    real_open = os.open

    def late_open(path: object, flags: int, *args: object) -> int:
        if not opened:  # the first open is the one that raced with the release
            opened.append(stale)
            return stale
        fd = real_open(path, flags, *args)  # type: ignore[arg-type]
        opened.append(fd)
        return fd

    monkeypatch.setattr(lock_module.os, "open", late_open)
    lock = acquire_project_lock(project)
    monkeypatch.undo()
    assert len(opened) == 2  # it tried again
    assert lock.held and lock_path(project).exists()
    with pytest.raises(ProjectLockedError):  # the lock on the file in the folder is real
        acquire_project_lock(project)
    lock.release()
