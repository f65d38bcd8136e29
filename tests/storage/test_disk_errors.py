"""Read-only folders and full disks: a clear AnnotatorError, never a traceback or a partial file.

Real conditions where the machine allows them (as root: a tiny or read-only tmpfs; otherwise
chmod for read-only folders), and a portable fallback that makes the OS calls fail with ENOSPC.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc

from annotator.core.errors import AnnotatorError, InputError, ProjectError
from annotator.services import exchange as exchange_service
from annotator.services.exchange import atomic_write, write_exchange_file
from annotator.services.project import Project
from annotator.storage.db import backup_sqlite
from tests.helpers.ci import unavailable, under_ci

PLAN = "".join(f"{i}. The parties agree to clause {i} of this framework.\n" for i in range(1, 301))


def _can_mount() -> bool:
    if os.name != "posix" or os.geteuid() != 0:
        return False
    probe = Path(tempfile.mkdtemp(prefix="annotator-mount-probe-"))
    try:
        ok = _run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe))
        if ok:
            _run("umount", str(probe))
        return ok
    finally:
        probe.rmdir()


def _run(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True).returncode == 0


CAN_MOUNT = _can_mount()
# Under CI the tests run even without a mount, and so fail: CI must not go green by skipping.
needs_tmpfs = pytest.mark.skipif(
    not CAN_MOUNT and not under_ci(), reason="needs root and tmpfs to fill a real disk"
)


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    assert _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where))
    try:
        yield where
    finally:
        _run("umount", "-l", str(where))


def _fill(folder: Path) -> Path:
    """Write until the disk is full; the filler is removed to free space again."""
    filler = folder / "filler"
    with contextlib.suppress(OSError), open(filler, "wb") as fh:
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()
    return filler


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only for this process: remount (root ignores modes) or chmod."""
    if CAN_MOUNT and os.path.ismount(folder):
        assert _run("mount", "-o", "remount,ro", str(folder))
        try:
            yield
        finally:
            assert _run("mount", "-o", "remount,rw", str(folder))
    else:
        folder.chmod(0o555)
        try:
            if os.access(folder, os.W_OK):
                unavailable("this user can write to read-only folders (root without mount)")
            yield
        finally:
            folder.chmod(0o755)


@pytest.fixture
def ro_folder(tmp_path: Path) -> Iterator[Path]:
    """An empty folder that can be turned read-only (a tmpfs when we may mount)."""
    if CAN_MOUNT:
        with _tmpfs(tmp_path / "ro", "4m") as folder:
            yield folder
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        yield folder


def _project(path: Path) -> tuple[Project, str, list[int]]:
    project = Project.open(path, seed_samples=False)
    key = project.import_text("Framework", PLAN).document_key
    coder = project.add_coder("Olena").id
    return project, coder, [c.id for c in project.clauses(key)]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- read-only folders ---------------------------------------------------------------------------


def test_new_project_in_read_only_folder(ro_folder: Path) -> None:
    with _read_only(ro_folder), pytest.raises(ProjectError) as info:
        Project.open(ro_folder / "new.sqlite", seed_samples=False)
    assert str(ro_folder / "new.sqlite") in str(info.value)
    assert sorted(os.listdir(ro_folder)) == []


def test_existing_project_in_read_only_folder_opens_read_only(
    ro_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Read-only media (a remounted tmpfs as root, else chmod): readable, never written."""
    from annotator.cli.main import run as cli_run

    plan = tmp_path / "plan.txt"
    plan.write_text("Another plan\n\n1. A second plan to import.\n", "utf-8")
    path = ro_folder / "p.sqlite"
    project, coder, clauses = _project(path)
    project.toggle_tag(coder, clauses[0], "economic")
    project.close()
    before = (sorted(os.listdir(ro_folder)), _sha(path))
    with _read_only(ro_folder):
        with Project.open(path, seed_samples=False, read_only_if_locked=True) as opened:
            assert opened.read_only
            assert opened.read_only_reason is not None
            assert "read-only" in opened.read_only_reason
            (doc,) = opened.documents()
            assert len(opened.clauses(doc.key)) == len(clauses)
            with pytest.raises(ProjectError, match="read-only here"):
                opened.toggle_tag(coder, clauses[1], "economic")
        # The command line on read-only media: reading works, writing is one clear line.
        assert cli_run(["info", "--project", str(path)]) == 0
        assert cli_run(["import", "--project", str(path), str(plan)]) == 2
        assert (sorted(os.listdir(ro_folder)), _sha(path)) == before
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "read-only here" in err[0]


def test_export_into_read_only_folder(tmp_path: Path, ro_folder: Path) -> None:
    project, coder, clauses = _project(tmp_path / "p.sqlite")
    project.toggle_tag(coder, clauses[0], "economic")
    with _read_only(ro_folder), pytest.raises(InputError) as info:
        write_exchange_file(project, ro_folder / "out.json")
    project.close()
    assert "out.json" in str(info.value)
    assert os.listdir(ro_folder) == []


# -- full disks (real) ---------------------------------------------------------------------------


@needs_tmpfs
def test_export_to_full_disk_keeps_the_old_file(tmp_path: Path) -> None:
    project, coder, clauses = _project(tmp_path / "p.sqlite")
    for cid in clauses:
        project.toggle_tag(coder, cid, "economic")
    with _tmpfs(tmp_path / "small", "64k") as small:
        target = small / "out.json"
        target.write_bytes(b"previous export")
        with pytest.raises(InputError, match=r"No space left|cannot write"):
            write_exchange_file(project, target)  # ~150 kB does not fit in 64 kB
        assert sorted(os.listdir(small)) == ["out.json"]  # no .part left behind
        assert target.read_bytes() == b"previous export"
    project.close()


@needs_tmpfs
def test_backup_to_full_disk_leaves_nothing(tmp_path: Path) -> None:
    project, _, _ = _project(tmp_path / "p.sqlite")
    project.close()
    with _tmpfs(tmp_path / "small", "64k") as small:
        _fill(small)
        with pytest.raises(ProjectError, match="cannot write backup"):
            backup_sqlite(tmp_path / "p.sqlite", small / "p.bak")
        assert os.listdir(small) == ["filler"]


def _tag_until_full(tmp_path: Path) -> tuple[Path, str, list[int], BaseException]:
    folder = tmp_path / "disk"
    cm = _tmpfs(folder, "2m")
    cm.__enter__()
    path = folder / "p.sqlite"
    project, coder, clauses = _project(path)
    project.toggle_tag(coder, clauses[0], "economic")  # acknowledged before the disk fills
    _fill(folder)
    error: BaseException | None = None
    try:
        for cid in clauses[1:]:
            project.toggle_tag(coder, cid, "territorial")
    except Exception as exc:
        error = exc
    project.close()
    assert error is not None, "a 2 MB disk held 300 tags and a full filler file?"
    return path, coder, clauses, error


@needs_tmpfs
def test_full_disk_while_tagging_loses_nothing(tmp_path: Path) -> None:
    path, coder, clauses, error = _tag_until_full(tmp_path)
    try:
        assert isinstance(error, AnnotatorError | sqlalchemy.exc.OperationalError)
        (path.parent / "filler").unlink()
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
        with Project.open(path, create=False) as project:
            assert project.clause_coding(clauses[0], coder).tags == {"economic"}
            project.toggle_tag(coder, clauses[-1], "economic")  # it works again
    finally:
        _run("umount", "-l", str(path.parent))


@needs_tmpfs
def test_full_disk_while_tagging_is_a_project_error(tmp_path: Path) -> None:
    path, _, _, error = _tag_until_full(tmp_path)
    _run("umount", "-l", str(path.parent))
    assert isinstance(error, ProjectError)


# -- full disks (portable: the OS call fails) ----------------------------------------------------


class _FullFile:
    """A file object whose writes fail half-way with ENOSPC, like a disk filling up."""

    def __init__(self, real: Any):
        self.real = real

    def write(self, data: bytes) -> int:
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


@pytest.mark.parametrize("fail", ["write", "fsync", "replace"])
def test_atomic_write_on_enospc_leaves_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: str
) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")

    def enospc(*_args: Any, **_kw: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if fail == "write":
        monkeypatch.setattr(
            exchange_service,
            "open",
            lambda *a, **k: _FullFile(open(*a, **k)),  # noqa: SIM115
            raising=False,
        )
    else:
        monkeypatch.setattr(exchange_service.os, fail, enospc)
    with pytest.raises(InputError, match="No space left on device") as info:
        atomic_write(target, b"new content " * 1000)
    monkeypatch.undo()
    assert str(target) in str(info.value)
    assert os.listdir(tmp_path) == ["out.json"]
    assert target.read_bytes() == b"old"
