"""A damaged project in the window: one message, an offer of its backup, never a hang.

The damage is real: pages in the middle of a project file are overwritten from outside the
process. The dialogs are answered with the keyboard, as a user would.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from annotator.services.project import Project
from annotator.storage import lock as lock_module
from annotator.storage.db import backup_sqlite
from tests.gui.test_main_window import make_window

pytestmark = pytest.mark.gui
PLAN = "".join(f"{i}. The parties agree to clause {i} of this framework.\n" for i in range(1, 401))


def make_project(path: Path) -> str:
    with Project.open(path, seed_samples=False) as project:
        key = project.import_text("Framework", PLAN).document_key
        coder = project.add_coder("Olena").id
        for clause in project.clauses(key)[:40]:
            project.toggle_tag(coder, clause.id, "economic")
    return key


def corrupt_middle(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(4096 * (size // 4096 // 2))
        fh.write(random.Random(5).randbytes(3 * 4096))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def answer(qtbot: QtBot, act: Callable[[QMessageBox], None], seen: list[str]) -> None:
    """When a message box is up, record its text and let ``act`` press keys in it."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            seen.append(f"{box.windowTitle()}\n{box.text()}\n{box.informativeText()}")
            act(box)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def press_restore(box: QMessageBox) -> None:
    button = next(b for b in box.findChildren(QPushButton) if b.text().startswith("Open a Copy"))
    button.setFocus()
    QTest.keyClick(button, Qt.Key.Key_Space)


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, Path, str]:
    path = tmp_path / "plan.annotator.sqlite"
    key = make_project(path)
    backup = tmp_path / "plan.annotator.sqlite.bak-0007"
    backup_sqlite(path, backup)  # as an upgrade makes it
    corrupt_middle(path)
    return path, backup, key


def test_damaged_project_offers_a_copy_of_its_backup(
    qtbot: QtBot, damaged: tuple[Path, Path, str]
) -> None:
    path, backup, key = damaged
    before = (sha(path), sha(backup))
    window = make_window(qtbot, active=False)
    seen: list[str] = []
    answer(qtbot, press_restore, seen)
    assert window.open_project(path)
    assert len(seen) == 1 and "damaged" in seen[0] and "bak-0007" in seen[0]
    assert window.project is not None and window.project.path is not None
    copy = Path(window.project.path)
    assert copy.name == "plan (from bak-0007).annotator.sqlite"
    assert window.documents.rowCount() == 1 and window.clauses.document_key == key
    assert window.heading.text() != "Opening project…"
    assert (sha(path), sha(backup)) == before  # neither the damaged file nor the backup changed


def test_enter_keeps_the_damaged_project_closed(
    qtbot: QtBot, damaged: tuple[Path, Path, str]
) -> None:
    path, _backup, _key = damaged
    window = make_window(qtbot)
    seen: list[str] = []
    answer(qtbot, lambda box: QTest.keyClick(box, Qt.Key.Key_Return), seen)
    assert not window.open_project(path)  # returns: nothing waits behind the dialog
    assert len(seen) == 1
    assert window.heading.text() == "No project open"
    assert window.project is None
    assert sorted(p.name for p in path.parent.iterdir() if "from bak" in p.name) == []


def test_damaged_project_without_backup_is_one_message(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "lonely.annotator.sqlite"
    make_project(path)
    corrupt_middle(path)
    window = make_window(qtbot, active=False)
    shown: list[tuple[str, str]] = []
    window.show_error = lambda title, message: shown.append((title, message))  # type: ignore[method-assign]
    assert not window.open_project(path)
    assert len(shown) == 1 and "damaged" in shown[0][1] and "no backup" in shown[0][1]
    assert window.heading.text() == "No project open"


def test_foreign_database_is_refused_without_a_lock_file(qtbot: QtBot, tmp_path: Path) -> None:
    other = tmp_path / "accounts.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("PRAGMA application_id=42")
        conn.execute("CREATE TABLE invoice (id INTEGER)")
    window = make_window(qtbot, active=False)
    shown: list[tuple[str, str]] = []
    window.show_error = lambda title, message: shown.append((title, message))  # type: ignore[method-assign]
    assert not window.open_project(other)
    assert len(shown) == 1 and "not a Plan Annotator project" in shown[0][1]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("accounts")) == [
        "accounts.sqlite"
    ]


def test_read_only_media_opens_read_only_with_a_notice(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated EROFS on the lock file (tests/storage/test_disk_errors.py mounts a real one)."""
    path = tmp_path / "usb.annotator.sqlite"
    make_project(path)
    real_open = os.open

    def read_only_open(name: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(name).endswith(".lock") and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(name))
        return real_open(name, flags, *args)

    monkeypatch.setattr(lock_module.os, "open", read_only_open)
    window = make_window(qtbot, active=False)
    assert window.open_project(path)
    assert window.project is not None and window.project.read_only
    assert "Read-only" in window.coder_label.text()
    assert "read-only media" in window.statusBar().currentMessage()
