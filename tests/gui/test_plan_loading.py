"""Issue 15: opening a plan never blocks the window on a team server.

The project is a local file made to behave like a slow server (``Project.on_server`` forced on,
the plan's reads slowed on the runner's thread). Choosing a plan in the plan list returns at
once, the clause list says "Loading …" and the window keeps answering keys; the plan appears when
the read returns; a plan chosen meanwhile wins over an older read; a failed read says why over the
list, with no message box and no traceback. Locally the plan is read where it is chosen.
tests/server/test_plan_loading_server.py does the same against a real PostgreSQL lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.errors import ProjectError
from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from tests.gui.conftest import settle
from tests.gui.test_main_window import KEY1, KEY2, make_window
from tests.gui.test_saving import screenshots
from tests.server.test_saving_server import pump_until

pytestmark = pytest.mark.gui

AT_ONCE = 0.25  # the slowed read takes 0.6 s or more
COUNTS: dict[str, int] = {}  # each plan's number of clauses


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    w.open_document(KEY1)
    errors: list[tuple[str, str]] = []
    w.ops.report = lambda title, text: errors.append((title, text))
    w.errors = errors  # type: ignore[attr-defined]
    assert w.workspace is not None
    COUNTS.update({k: len(w.workspace.project.clauses(k)) for k in (KEY1, KEY2)})
    return w


def slow_reads(
    monkeypatch: pytest.MonkeyPatch,
    seconds: Callable[[str], float],
    error: Exception | None = None,
) -> list[str]:
    """A 'server' whose ``Project.clauses(key)`` takes ``seconds(key)`` (then fails with
    ``error``). Returns the keys read, in order."""
    monkeypatch.setattr(Project, "on_server", property(lambda self: True))
    original: Callable[..., Any] = Project.clauses
    read: list[str] = []

    def clauses(self: Project, key: str) -> Any:
        read.append(key)
        time.sleep(seconds(key))
        if error is not None:
            raise error
        return original(self, key)

    monkeypatch.setattr(Project, "clauses", clauses)
    return read


def choose(w: MainWindow, key: str) -> float:
    """Click plan ``key`` in the plan list; how long the click took."""
    row = w.documents.row_of(key)
    assert row is not None
    started = time.monotonic()
    w.document_view.setCurrentIndex(w.documents.index(row))
    return time.monotonic() - started


def loading_note(w: MainWindow) -> str:
    note = w.navigator.loader.note
    return note.text() if note.isVisible() else ""


def test_a_plan_chosen_on_a_server_loads_in_the_background(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_reads(monkeypatch, lambda _key: 0.6)
    assert choose(window, KEY2) < AT_ONCE
    # At once: the list is empty (no clause of the plan left can be coded) and says why.
    assert window.clauses.rowCount() == 0 and window.navigator.current_clause_id() is None
    assert loading_note(window) == "Loading “Counter-proposal”…"
    assert window.heading.text() == "Loading “Counter-proposal”…"
    shot = screenshots() / "15-plan-loading.png"
    assert window.grab().save(str(shot))
    # The window answers keys meanwhile, each within a frame: Ctrl+F opens the search bar.
    window.clause_view.setFocus()
    started = time.monotonic()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert time.monotonic() - started < 0.05
    assert window.search_bar.isVisible()
    window.search_bar.close_bar()
    ticks = pump_until(lambda: window.clauses.document_key == KEY2, 10)
    assert ticks >= 20  # the timers kept firing while the plan was read
    settle(window)
    assert window.clauses.rowCount() == COUNTS[KEY2] and not loading_note(window)
    assert window.navigator.current_clause_id() is not None
    assert "Counter-proposal" in window.heading.text() and window.errors == []  # type: ignore[attr-defined]


def test_the_plan_chosen_last_wins_over_an_older_read(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first choice's read returns last: it must be dropped.
    read = slow_reads(monkeypatch, lambda key: 1.2 if key == KEY2 else 0.3)
    assert choose(window, KEY2) < AT_ONCE
    window.document_view.setFocus()
    qtbot.keyClick(window.document_view, Qt.Key.Key_Up)  # the coder moves on: plan 1
    assert window.document_view.currentIndex().row() == window.documents.row_of(KEY1)
    assert loading_note(window) == "Loading “Framework for peace”…"
    pump_until(lambda: not window.ops.running(), 10)
    settle(window)
    assert sorted(read) == sorted([KEY1, KEY2])  # both were read; the older one dropped
    assert window.clauses.document_key == KEY1 and window.clauses.rowCount() == COUNTS[KEY1]
    assert "Framework for peace" in window.heading.text()
    assert window.document_view.currentIndex().row() == window.documents.row_of(KEY1)


def test_a_failed_read_says_why_over_the_list(
    qtbot: QtBot,
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    why = ProjectError("the team server did not answer within 15 s (statement timeout)")
    slow_reads(monkeypatch, lambda _key: 0.3, why)
    choose(window, KEY2)
    pump_until(lambda: not window.ops.running(), 10)
    settle(window)
    shown = loading_note(window)
    assert shown == f"Cannot open “Counter-proposal”: {why}. Choose it again to retry."
    assert window.heading.text() == "Cannot open “Counter-proposal”"
    shot = screenshots() / "15-plan-not-loaded.png"
    assert window.grab().save(str(shot))
    assert window.errors == []  # type: ignore[attr-defined]  # said over the list, once
    assert "Traceback" not in capsys.readouterr().err
    # Choosing it again tries again (it is no longer the current row).
    monkeypatch.undo()
    slow_reads(monkeypatch, lambda _key: 0.0)
    choose(window, KEY2)
    pump_until(lambda: window.clauses.document_key == KEY2, 10)
    settle(window)
    assert not loading_note(window) and window.clauses.rowCount() == COUNTS[KEY2]


def test_a_write_committing_while_a_plan_loads_does_not_bring_its_plan_back(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan-wide write (blind mode) announced during the read leaves the chosen plan coming."""
    slow_reads(monkeypatch, lambda _key: 0.6)
    choose(window, KEY2)
    window.ops.announce()  # everything changed (a switch of coder, a merge)
    pump_until(lambda: not window.ops.running(), 10)
    settle(window)
    assert window.clauses.document_key == KEY2 and not loading_note(window)


def test_locally_a_plan_is_read_where_it_is_chosen(window: MainWindow) -> None:
    choose(window, KEY2)
    assert window.clauses.document_key == KEY2 and window.clauses.rowCount() == COUNTS[KEY2]
    assert not window.ops.running() and not loading_note(window)


def test_a_key_saved_after_the_coder_moved_to_another_plan_does_not_bring_its_plan_back(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.gui.test_saving import slow_server

    slow_server(monkeypatch, 0.5)  # the tag's write takes 0.5 s
    window.clause_view.setFocus()
    window.clause_view.go_to_row(1)
    tagged = window.navigator.current_clause_id()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    assert window.ops.writes_pending()
    choose(window, KEY2)  # the coder moves on before it commits
    pump_until(lambda: not window.ops.running(), 10)
    settle(window)
    assert window.clauses.document_key == KEY2  # still where the coder went
    assert window.workspace is not None and tagged is not None
    assert window.workspace.project.clause_coding(tagged, window.workspace.coder_id).tags
