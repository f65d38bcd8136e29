"""Issue 15, item 3: on a team server undo, redo and the clause edits never block the window.

As in test_saving.py the project is a local file made to behave like a slow server. Ctrl+Z and
Ctrl+Shift+S must return at once and the window keep answering keys; the undo stack moves only
when the replay commits, and a refused replay leaves database and stack where they were.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.errors import EditError
from annotator.gui.main_window import MainWindow
from annotator.services import clauses
from annotator.services.project import Project
from tests.gui.conftest import settle
from tests.gui.test_coding_features import db_labels, fresh_coding, go, labels
from tests.gui.test_main_window import chips, row_of_label
from tests.gui.test_saving import LOCK_TIMEOUT, slow_server, slowed
from tests.gui.test_saving import window as window  # the fixture

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_undo_and_redo_run_in_the_background_and_move_the_stack_on_commit(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.05)
    slowed(Project, "undo", 0.5, monkeypatch)
    slowed(Project, "redo", 0.5, monkeypatch)
    ws = window.workspace
    assert ws is not None
    go(window, "2")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    settle(window)
    steps = ws.undo_stack.index()
    assert fresh_coding(project_path, "2").tags == frozenset({"security_guarantee"})

    started = time.monotonic()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, CTRL)
    assert time.monotonic() - started < 0.25  # the replay (0.5 s) is not on this thread
    assert window.ops.writes_pending()
    assert ws.undo_stack.index() == steps  # not moved before it commits
    assert "Saving the undo" in window.statusBar().currentMessage()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Down)  # the window answers meanwhile
    assert window.clause_view.current_row() == row_of_label(window, "3")
    assert fresh_coding(project_path, "2").tags == frozenset({"security_guarantee"})
    settle(window)
    assert ws.undo_stack.index() == steps - 1 and ws.undo_stack.count() == steps
    assert fresh_coding(project_path, "2").tags == frozenset()
    assert chips(window, "2") == []
    assert window.actions_["redo"].text() == "Redo Tag 2 Security guarantee"

    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert ws.undo_stack.index() == steps - 1 and window.ops.writes_pending()
    settle(window)
    assert ws.undo_stack.index() == steps
    assert fresh_coding(project_path, "2").tags == frozenset({"security_guarantee"})
    assert chips(window, "2") == ["Security guarantee"]


def test_a_refused_undo_keeps_the_stack_and_the_database(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    window.show_error = lambda title, text: shown.append((title, text))  # type: ignore[method-assign]
    slow_server(monkeypatch, 0.05)
    ws = window.workspace
    assert ws is not None
    go(window, "2")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    settle(window)
    steps = ws.undo_stack.index()
    slowed(Project, "undo", 0.2, monkeypatch, EditError(LOCK_TIMEOUT))
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, CTRL)
    assert window.ops.writes_pending()
    settle(window)
    assert ws.undo_stack.index() == steps and ws.undo_stack.count() == steps
    assert fresh_coding(project_path, "2").tags == frozenset({"security_guarantee"})
    assert chips(window, "2") == ["Security guarantee"]
    assert len(shown) == 1 and shown[0][0] == "Cannot undo"
    assert "The undo history is unchanged" in shown[0][1]
    # Once the server answers again the same step undoes.
    monkeypatch.undo()
    slow_server(monkeypatch, 0.05)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, CTRL)
    settle(window)
    assert ws.undo_stack.index() == steps - 1
    assert fresh_coding(project_path, "2").tags == frozenset()


def test_split_saves_in_the_background_and_undoes(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.05)
    slowed(clauses, "split_clause", 0.5, monkeypatch)
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.index()
    go(window, "2")
    cursor = window.detail.editor.textCursor()
    cursor.setPosition(window.detail.editor.toPlainText().index("🕊") + 2)
    window.detail.editor.setTextCursor(cursor)
    before = labels(window)
    window.clause_view.setFocus()
    started = time.monotonic()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_S, CTRL | SHIFT)
    assert time.monotonic() - started < 0.25
    assert window.ops.writes_pending() and labels(window) == before
    assert window.statusBar().currentMessage() == "Saving…"
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Down)  # the window answers meanwhile
    assert window.clause_view.current_row() == row_of_label(window, "3")
    settle(window)
    after = labels(window)
    assert len(after) == len(before) + 1 and "2bis" in after
    assert db_labels(project_path) == after
    assert ws.undo_stack.index() == steps + 1
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, CTRL)
    settle(window)
    assert labels(window) == before == db_labels(project_path)
    assert ws.undo_stack.index() == steps


def test_a_refused_split_changes_nothing(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    window.show_error = lambda title, text: shown.append((title, text))  # type: ignore[method-assign]
    slow_server(monkeypatch, 0.05)
    slowed(clauses, "merge_with_next", 0.2, monkeypatch, EditError(LOCK_TIMEOUT))
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    before = labels(window)
    go(window, "2")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_J, CTRL | SHIFT)
    settle(window)
    assert labels(window) == before == db_labels(project_path)
    assert ws.undo_stack.count() == steps
    assert shown == [("Not saved", LOCK_TIMEOUT)]


def test_ctrl_z_while_saving_is_queued_and_runs_in_order(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.3)
    slowed(Project, "undo", 0.3, monkeypatch)
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.index()
    go(window, "2")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)  # saving (0.3 s)
    go(window, "3")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)  # queued behind it
    # Two Ctrl+Z while both tags are still saving: queued, the stack not moved, keys answered.
    started = time.monotonic()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, CTRL)
    assert time.monotonic() - started < 0.25
    assert ws.undo_stack.index() == steps and ws.replays == [True, True]
    assert "queued (2 waiting)" in window.statusBar().currentMessage()
    # A coding key now would overtake the undo pressed before it: it waits, with a note.
    qtbot.keyClick(window.clause_view, Qt.Key.Key_3)
    assert "queued undo" in window.statusBar().currentMessage()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Up)  # the window answers meanwhile
    assert window.clause_view.current_row() == row_of_label(window, "2")
    settle(window)
    # Both tags committed, then both undone, newest first: the stack is back where it was.
    assert ws.undo_stack.count() == steps + 2 and ws.undo_stack.index() == steps
    assert fresh_coding(project_path, "2").tags == frozenset()
    assert fresh_coding(project_path, "3").tags == frozenset()
    assert chips(window, "2") == [] and chips(window, "3") == []
    assert window.actions_["redo"].text() == "Redo Tag 2 Security guarantee"


def test_a_refused_replay_stops_the_queue_and_says_so(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    window.show_error = lambda title, text: shown.append((title, text))  # type: ignore[method-assign]
    slow_server(monkeypatch, 0.05)
    ws = window.workspace
    assert ws is not None
    go(window, "2")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    go(window, "3")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)
    settle(window)
    steps = ws.undo_stack.index()
    slowed(Project, "undo", 0.3, monkeypatch, EditError(LOCK_TIMEOUT))
    for _ in range(3):  # the first runs, two wait behind it
        qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, CTRL)
    assert ws.replays == [True, True]
    settle(window)
    assert ws.replays == [] and ws.undo_stack.index() == steps
    assert fresh_coding(project_path, "2").tags == frozenset({"security_guarantee"})
    assert fresh_coding(project_path, "3").tags == frozenset({"territorial"})
    assert len(shown) == 1 and shown[0][0] == "Cannot undo"
    assert "The undo history is unchanged. 2 queued undo or redo steps not run." in shown[0][1]
