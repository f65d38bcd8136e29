"""Issue 15, item 3: on a team server a coding key never waits for the server.

The project here is a local file made to behave like a slow server: ``Project.on_server`` is
forced on and the service call sleeps (or fails after a while) on the runner's write thread. The
key press must show the chip and "saving…" at once, the window must keep answering keys while the
write is pending, and the row must end "saved" (database written, edit undoable) or "not saved:
why" (database and undo stack unchanged). tests/server/test_saving_server.py does the same against
a real PostgreSQL row lock.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.errors import EditError
from annotator.gui.main_window import MainWindow
from annotator.gui.models import Role
from annotator.services.project import Project
from tests.gui.conftest import settle, wait_for
from tests.gui.test_coding_features import fresh_coding, go
from tests.gui.test_main_window import KEY1, chips, make_window, row_of_label

pytestmark = pytest.mark.gui

LOCK_TIMEOUT = "another user holds this row too long (lock timeout); nothing was saved, try again"


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    w.open_document(KEY1)
    w.clause_view.setFocus()
    return w


def screenshots() -> Path:
    folder = Path(
        os.environ.get("SCREENSHOT_DIR")
        or Path(tempfile.gettempdir()) / "plan-annotator-screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def slow_server(
    monkeypatch: pytest.MonkeyPatch, seconds: float, error: Exception | None = None
) -> list[str]:
    """Make the project a 'server' whose coding writes take ``seconds`` (then fail with
    ``error``). Returns the names of the threads the writes ran on."""
    monkeypatch.setattr(Project, "on_server", property(lambda self: True))
    threads: list[str] = []

    def slowed(name: str) -> None:
        original: Callable[..., Any] = getattr(Project, name)

        def call(self: Project, *args: Any) -> Any:
            threads.append(threading.current_thread().name)
            time.sleep(seconds)
            if error is not None:
                raise error
            return original(self, *args)

        monkeypatch.setattr(Project, name, call)

    for name in ("toggle_tag", "mark_none", "toggle_span"):
        slowed(name)
    return threads


def slowed(
    target: Any,
    name: str,
    seconds: float,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception | None = None,
) -> None:
    """``target.name`` takes ``seconds`` on the write thread, then fails with ``error`` if any."""
    original: Callable[..., Any] = getattr(target, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        if error is not None:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, call)


def status(w: MainWindow, label: str) -> str:
    return str(w.clauses.index(row_of_label(w, label)).data(Role.STATUS))


def test_the_key_shows_at_once_and_the_window_answers_while_saving(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = slow_server(monkeypatch, 0.5)
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    go(window, "2")
    started = time.monotonic()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    assert time.monotonic() - started < 0.25  # the write (0.5 s) did not run on this thread
    assert chips(window, "2") == ["Security guarantee"]
    assert status(window, "2") == "saving…"
    assert "saving…" in window.clauses.index(row_of_label(window, "2")).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert window.ops.writes_pending()
    # The event loop answers: another key moves the cursor while the write is pending.
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Down)
    assert window.clause_view.current_row() == row_of_label(window, "3")
    assert window.ops.writes_pending()
    assert fresh_coding(project_path, "2").tags == frozenset()  # not committed yet

    shot = screenshots() / "15-row-saving.png"
    assert window.clause_view.grab().save(str(shot))

    settle(window)
    assert threads and all(t != "MainThread" for t in threads)
    assert fresh_coding(project_path, "2").tags == frozenset({"security_guarantee"})
    assert status(window, "2") == ""
    assert chips(window, "2") == ["Security guarantee"]
    assert ws.undo_stack.count() == steps + 1
    assert window.actions_["undo"].text() == "Undo Tag 2 Security guarantee"
    assert window.progress_label.text().startswith("1 of")
    # The committed edit undoes like any other (in the background too: see test_saving_undo.py).
    ws.undo_stack.undo()
    settle(window)
    assert fresh_coding(project_path, "2").tags == frozenset()
    assert chips(window, "2") == []


def test_quick_keys_are_saved_in_the_order_pressed(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.2)
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    go(window, "3")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)  # overlaps the first write
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)  # and takes the first tag back
    assert chips(window, "3") == ["Territorial"]
    assert status(window, "3") == "saving…"
    wait_for(lambda: ws.undo_stack.count() == steps + 1)
    # One committed, two still saving: the row keeps showing their guesses on top.
    assert chips(window, "3") == ["Territorial"] and status(window, "3") == "saving…"
    settle(window)
    assert fresh_coding(project_path, "3").tags == frozenset({"territorial"})
    assert [ws.undo_stack.text(i) for i in range(steps, steps + 3)] == [
        "Tag 3 Security guarantee",
        "Tag 3 Territorial",
        "Untag 3 Security guarantee",
    ]
    assert status(window, "3") == ""


def test_a_refused_write_says_not_saved_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    window.show_error = lambda title, text: shown.append((title, text))  # type: ignore[method-assign]
    slow_server(monkeypatch, 0.2, EditError(LOCK_TIMEOUT))
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    go(window, "4")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_0)  # none applies
    assert status(window, "4") == "saving…"
    assert window.clauses.index(row_of_label(window, "4")).data(Role.REVIEW) == "none"
    settle(window)
    assert status(window, "4") == f"not saved: {LOCK_TIMEOUT}"
    assert window.clauses.index(row_of_label(window, "4")).data(Role.REVIEW) is None
    assert not window.clauses.index(row_of_label(window, "4")).data(Role.CODED)
    assert fresh_coding(project_path, "4").review is None
    assert ws.undo_stack.count() == steps
    assert shown == [("Not saved", LOCK_TIMEOUT)]  # the reason once, besides the row's note
    window.clause_view.setFocus()
    shot = screenshots() / "15-row-not-saved.png"
    assert window.clause_view.grab().save(str(shot))
    # The next key on that clause starts afresh.
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)
    assert status(window, "4") == "saving…"
    settle(window)
    assert status(window, "4").startswith("not saved: ")


def test_a_local_project_still_writes_at_once(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    go(window, "2")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    assert not window.ops.writes_pending()
    assert fresh_coding(project_path, "2").tags == frozenset({"security_guarantee"})
    assert status(window, "2") == ""
