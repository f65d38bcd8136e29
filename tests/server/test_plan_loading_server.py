"""Issue 15 on a real PostgreSQL: opening a plan while another connection holds its table.

The main window is connected to a team database (as its owner). Another connection takes an
ACCESS EXCLUSIVE lock on the clause table, so reading a plan waits for it. Choosing a plan must
return at once with "Loading …" over the clause list, the window keep answering keys and firing
its timers while the read waits, the plan appear when the lock is released (the latest choice
winning), and a lock held past the lock timeout end in one line over the list, not a traceback.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from annotator.storage.server import LOCK_TIMEOUT_MS, open_server_engine
from tests.gui.conftest import name_giver, settle
from tests.server.conftest import Team
from tests.server.test_saving_dialogs_server import hold_lock_on
from tests.server.test_saving_server import pump_until

AT_ONCE = 0.3  # the lock is held 1 s: a click that waited for it would take longer
SECOND = "Counter-proposal\n\n1. Territory is returned.\n2. Guarantors deploy monitors.\n"


@pytest.fixture
def window(qtbot: QtBot, team: Team, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    second = Project(team.owner).import_text("Counter", SECOND, source_name="counter.txt")
    engine = open_server_engine(team.url())
    project = Project(engine)
    assert project.on_server
    w = MainWindow(ask_name=name_giver("Olena"))
    qtbot.addWidget(w)
    w.show()
    assert w.projects.open_server_project(project, None)  # what a connect answers with
    settle(w)
    w.open_document(team.document_key)
    settle(w)  # read in the background
    errors: list[tuple[str, str]] = []
    w.ops.report = lambda title, text: errors.append((title, text))
    w.errors = errors  # type: ignore[attr-defined]
    w.second = second.document_key  # type: ignore[attr-defined]
    yield w
    w.ops.shutdown()
    w.close()
    engine.dispose()


def choose(w: MainWindow, key: str) -> float:
    row = w.documents.row_of(key)
    assert row is not None
    started = time.monotonic()
    w.document_view.setCurrentIndex(w.documents.index(row))
    return time.monotonic() - started


def note(w: MainWindow) -> str:
    label = w.navigator.loader.note
    return label.text() if label.isVisible() else ""


def test_a_plan_read_waits_for_the_lock_and_the_window_answers(
    qtbot: QtBot, team: Team, window: MainWindow
) -> None:
    second: str = window.second  # type: ignore[attr-defined]
    locked = threading.Event()
    holder = hold_lock_on(team, "clause", 1.5, locked)
    assert choose(window, second) < AT_ONCE
    assert note(window) == "Loading “Counter”…" and window.clauses.rowCount() == 0
    # Keys are answered while the read waits: the coder moves back to the first plan...
    window.document_view.setFocus()
    started = time.monotonic()
    qtbot.keyClick(window.document_view, Qt.Key.Key_Up)
    assert time.monotonic() - started < AT_ONCE
    assert note(window) == "Loading “Framework”…"
    # ... and on to the second again: the latest choice wins whichever read returns first.
    qtbot.keyClick(window.document_view, Qt.Key.Key_Down)
    ticks = pump_until(lambda: not window.ops.running(), 15)
    holder.join()
    settle(window)
    assert ticks >= 50  # the timers kept firing for the 1.5 s the lock was held
    assert window.clauses.document_key == second and window.clauses.rowCount() == 3
    assert not note(window) and window.errors == []  # type: ignore[attr-defined]
    assert "Counter" in window.heading.text()


def test_a_plan_read_past_the_lock_timeout_says_why(
    qtbot: QtBot, team: Team, window: MainWindow, capsys: pytest.CaptureFixture[str]
) -> None:
    second: str = window.second  # type: ignore[attr-defined]
    locked = threading.Event()
    holder = hold_lock_on(team, "clause", LOCK_TIMEOUT_MS / 1000 + 2, locked)
    choose(window, second)
    pump_until(lambda: not window.ops.running(), LOCK_TIMEOUT_MS / 1000 + 10)
    holder.join()
    settle(window)
    shown = note(window)
    assert shown.startswith("Cannot open “Counter”: ") and "lock timeout" in shown, shown
    assert window.errors == []  # type: ignore[attr-defined]
    assert "Traceback" not in capsys.readouterr().err
    choose(window, second)  # the lock is gone: choosing it again opens it
    pump_until(lambda: window.clauses.document_key == second, 15)
    assert window.clauses.rowCount() == 3 and not note(window)


def test_the_disagreements_list_waits_for_the_lock_and_the_window_answers(
    qtbot: QtBot, team: Team, window: MainWindow
) -> None:
    from annotator.gui.review_view import ReviewView

    owner = Project(team.owner)
    clause = owner.clauses(team.document_key)[1].id
    owner.toggle_tag(owner.add_coder("Taras").id, clause, "economic")
    owner.toggle_tag(owner.add_coder("Iryna").id, clause, "territorial")
    ws = window.workspace
    assert ws is not None
    locked = threading.Event()
    holder = hold_lock_on(team, "annotation", 1.5, locked)
    started = time.monotonic()
    view = ReviewView(ws, window, document_key=team.document_key, plans=[(team.document_key, "F")])
    qtbot.addWidget(view)
    view.show()
    assert time.monotonic() - started < AT_ONCE
    assert view.counter.text() == "Loading…"
    view.category_combo.setFocus()
    qtbot.keyClick(view.category_combo, Qt.Key.Key_Down)  # answered: a category, read anew
    assert view.category_combo.currentIndex() == 1
    ticks = pump_until(lambda: not window.ops.running(), 15)
    holder.join()
    assert ticks >= 50
    qtbot.keyClick(view.category_combo, Qt.Key.Key_Home)  # any category again
    pump_until(lambda: not window.ops.running(), 15)
    assert view.counter.text() == "1 disagreement, 0 settled"
    assert len(view.accept_buttons) == 2 and window.errors == []  # type: ignore[attr-defined]
    window.ops.changed.disconnect(view._edit_written)
