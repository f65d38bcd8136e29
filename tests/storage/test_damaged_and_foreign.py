"""Damaged and foreign files: refused before anything is locked, created or written.

Damage is made from outside the process, as a failing disk or a bad copy would: pages in the
middle of a real project are overwritten, or the file is cut short.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import random
import sqlite3
import time
from pathlib import Path

import pytest

from annotator.core.errors import DamagedProjectError, ProjectError
from annotator.services.project import Project
from annotator.storage.db import (
    APPLICATION_ID,
    backup_sqlite,
    check_integrity,
    open_engine,
    sqlite_engine,
)
from annotator.storage.lock import acquire_project_lock, lock_path
from annotator.storage.projectfile import is_new_project_file, newest_backup

PLAN = "".join(f"{i}. The parties agree to clause {i} of this framework.\n" for i in range(1, 401))


def make_project(path: Path) -> None:
    with Project.open(path, seed_samples=False) as project:
        key = project.import_text("Framework", PLAN).document_key
        coder = project.add_coder("Olena").id
        for clause in project.clauses(key)[:60]:
            project.toggle_tag(coder, clause.id, "economic")


def corrupt_middle(path: Path, seed: int = 1) -> None:
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(4096 * (size // 4096 // 2))
        fh.write(random.Random(seed).randbytes(3 * 4096))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_corrupt_pages_are_one_damage_error_naming_the_backup(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "p.annotator.sqlite"
    make_project(path)
    backup_sqlite(path, tmp_path / "p.annotator.sqlite.bak-0005")
    time.sleep(0.01)
    backup_sqlite(path, tmp_path / "p.annotator.sqlite.bak-0006")
    Project.open(path).close()  # as after an upgrade: the backup's reader left -wal/-shm
    corrupt_middle(path, seed)
    before = (sha(path), siblings(path))
    with pytest.raises(DamagedProjectError) as info:
        Project.open(path, create=False)
    message = str(info.value)
    assert message.startswith(str(path)) and "damaged" in message and "\n" not in message
    assert "p.annotator.sqlite.bak-0006" in message
    assert info.value.backup == str(tmp_path / "p.annotator.sqlite.bak-0006")
    assert (sha(path), siblings(path)) == before
    with pytest.raises(DamagedProjectError):  # import, export, merge all open it this way
        open_engine(path, read_only=True)


def test_a_file_cut_short_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    make_project(path)
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(DamagedProjectError, match="cut short"):
        Project.open(path)
    path.write_bytes(b"SQLite for")
    with pytest.raises(DamagedProjectError, match="cut short"):
        Project.open(path)


def test_damage_found_after_opening_is_still_a_damage_error(tmp_path: Path) -> None:
    """Beyond the quick check's budget, damage surfaces on first use, in the same words."""
    path = tmp_path / "p.sqlite"
    make_project(path)
    engine = open_engine(path)
    engine.dispose()
    corrupt_middle(path)
    with pytest.raises(DamagedProjectError):
        check_integrity(engine, path)
    raw = sqlite_engine(path)  # as if the quick check had run out of time
    with pytest.raises(DamagedProjectError), raw.connect() as conn:
        conn.exec_driver_sql("SELECT * FROM clause ORDER BY id").all()
        conn.exec_driver_sql("SELECT * FROM annotation ORDER BY id").all()
        conn.exec_driver_sql("SELECT * FROM document").all()
    raw.dispose()


def test_the_quick_check_keeps_to_its_budget(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    make_project(path)
    engine = open_engine(path)
    check_integrity(engine, path, budget_s=0.0)  # interrupted at once: opens unchecked
    with engine.connect() as conn:  # the connection is usable after the interrupt
        assert conn.exec_driver_sql("SELECT count(*) FROM clause").scalar()
    engine.dispose()


def test_foreign_files_are_refused_and_nothing_is_left_beside_them(tmp_path: Path) -> None:
    text = tmp_path / "plan.txt"
    text.write_text(PLAN, "utf-8")
    other = tmp_path / "accounts.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("PRAGMA application_id=1234")
        conn.execute("CREATE TABLE invoice (id INTEGER)")
    unmarked = tmp_path / "unmarked.sqlite"
    with sqlite3.connect(unmarked) as conn:
        conn.execute("CREATE TABLE invoice (id INTEGER)")
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    pipe = tmp_path / "pipe.sqlite"
    os.mkfifo(pipe)  # opening it to read the header would wait for a writer forever
    before = {p: sha(p) for p in (text, other, unmarked)}
    names = siblings(text)
    for path, words in (
        (text, "not an SQLite file"),
        (other, "another program's SQLite database"),
        (unmarked, "unknown tables"),
        (folder, "a folder"),
        (pipe, "not a regular file"),
    ):
        with pytest.raises(ProjectError, match=words):
            Project.open(path, seed_samples=False)
        with pytest.raises(ProjectError, match=words):
            acquire_project_lock(path)
        assert not lock_path(path).exists()
    assert siblings(text) == names
    assert {p: sha(p) for p in before} == before


def test_projects_are_recognised_by_their_header(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    assert is_new_project_file(path)  # missing
    path.write_bytes(b"")
    assert is_new_project_file(path)  # empty: `touch p.sqlite` then open
    path.unlink()
    make_project(path)
    assert int.from_bytes(path.read_bytes()[68:72], "big") == APPLICATION_ID
    assert not is_new_project_file(path)
    empty_sqlite = tmp_path / "empty.sqlite"
    sqlite3.connect(empty_sqlite).execute("PRAGMA user_version=1").connection.close()
    assert is_new_project_file(empty_sqlite)  # an SQLite file with no tables: ours to fill


def test_newest_backup_ignores_partial_copies(tmp_path: Path) -> None:
    path = tmp_path / "p[1].sqlite"  # glob characters in the name
    assert newest_backup(path) is None
    (tmp_path / "p[1].sqlite.bak-0003").write_bytes(b"x")
    time.sleep(0.01)
    (tmp_path / "p[1].sqlite.bak-0004.part").write_bytes(b"x")
    assert newest_backup(path) == tmp_path / "p[1].sqlite.bak-0003"


def test_write_protected_file_opens_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the user may not write (os.access is faked: root may write anything)."""
    from annotator.services import project as project_module

    path = tmp_path / "p.sqlite"
    make_project(path)
    real_access = os.access
    monkeypatch.setattr(
        project_module.os,
        "access",
        lambda p, mode: False if mode == os.W_OK and Path(p) == path else real_access(p, mode),
    )
    before = sha(path)
    with Project.open(path, seed_samples=False) as project:
        assert project.read_only and project.read_only_reason
        assert project.documents()
        with pytest.raises(ProjectError):
            project.add_coder("Petro")
    assert sha(path) == before


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_unwritable_folder_or_medium_opens_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """The lock file cannot be made (faked errno: root may write anywhere; a real read-only
    mount is in test_disk_errors). A folder others may write is read in place, so their
    writes show; a read-only medium is read as immutable (no -wal/-shm beside it)."""
    from annotator.storage import lock as lock_module

    path = tmp_path / "p.sqlite"
    make_project(path)
    real_open = os.open

    def refuse_lock(name: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(name).endswith(".lock") and flags & os.O_CREAT:
            raise OSError(code, os.strerror(code), str(name))
        return real_open(name, flags, *args)

    monkeypatch.setattr(lock_module.os, "open", refuse_lock)
    with Project.open(path, seed_samples=False, read_only_if_locked=True) as project:
        assert project.read_only and "read-only" in (project.read_only_reason or "")
        names = {c.name for c in project.coders()}
        with contextlib.closing(sqlite3.connect(path)) as other, other:
            other.execute(
                "INSERT INTO coder (id, name, is_consensus, created) "
                "VALUES ('x', 'Petro', 0, '2026-01-01T00:00:00.000Z')"
            )
        seen = {c.name for c in project.coders()}
        if code == errno.EACCES:
            assert seen == names | {"Petro"}  # read in place: a colleague's write shows


def test_another_programs_alembic_database_is_not_a_newer_project(tmp_path: Path) -> None:
    # Many Python programs migrate with Alembic: its version table alone used to make such a file
    # "made by a newer version of Plan Annotator", and opening it switched it to WAL mode.
    other = tmp_path / "inventory.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('3f2a9c1b7d4e')")
        conn.execute("CREATE TABLE item (id INTEGER, name TEXT)")
    before = sha(other)
    names = siblings(other)
    with pytest.raises(ProjectError, match="not a Plan Annotator project"):
        Project.open(other, seed_samples=False)
    assert sha(other) == before and siblings(other) == names
