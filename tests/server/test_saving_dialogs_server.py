"""Issue 15, items 1, 2 and 6 on a real PostgreSQL: a dialog's write waiting for a lock never
blocks the window.

The main window is connected to a team database (as its owner). Another connection locks the
table a dialog's write needs; the dialog's action must return at once, the window (or the dialog)
keep answering keys and its timers keep firing while the write waits, and the write commit once
the lock is released — or, held past the lock timeout, end in a message naming what was not
saved, with the database and the undo stack unchanged.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui import file_actions, import_preview
from annotator.gui.codebook_editor import CodebookEditor
from annotator.gui.main_window import MainWindow
from annotator.gui.review_view import ReviewView
from annotator.services import exchange, merge
from annotator.services.project import Project
from annotator.services.review import CONSENSUS_ID, blind_mode
from annotator.storage.server import LOCK_TIMEOUT_MS, open_server_engine
from tests.gui.conftest import name_giver, settle
from tests.server.conftest import PLAN, Team
from tests.server.test_saving_server import hold_lock, pump_until

AT_ONCE = 0.3  # the lock is held 1 s: a call that waited for it would take longer


@pytest.fixture
def window(qtbot: QtBot, team: Team, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
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
    w.clause_view.setFocus()
    errors: list[tuple[str, str]] = []
    w.show_error = lambda title, text: errors.append((title, text))  # type: ignore[method-assign]
    w.errors = errors  # type: ignore[attr-defined]
    yield w
    w.ops.shutdown()
    w.close()
    engine.dispose()


def owner_reads(team: Team, query: Callable[[Project], Any]) -> Any:
    """What the database holds, read on the owner's own connection."""
    return query(Project(team.owner))


def waits_then_commits(
    qtbot: QtBot, w: MainWindow, team: Team, table: str, start: Callable[[], object]
) -> int:
    """Hold a lock on ``table`` for 1 s, start the write: it returns at once, the window answers
    a key and its timers fire while the write waits; then it commits. Returns the ticks seen."""
    locked = threading.Event()
    holder = hold_lock_on(team, table, 1.0, locked)
    started = time.monotonic()
    start()
    assert time.monotonic() - started < AT_ONCE
    assert w.ops.writes_pending()
    row = w.clause_view.current_row()
    qtbot.keyClick(w.clause_view, Qt.Key.Key_Down)
    assert w.clause_view.current_row() == row + 1  # answered while the write waits
    ticks = pump_until(lambda: not w.ops.writes_pending(), 15)
    holder.join()
    settle(w)
    assert getattr(w, "errors") == []  # noqa: B009
    return ticks


def hold_lock_on(team: Team, table: str, seconds: float, locked: threading.Event) -> Any:
    if table == "annotation":
        return hold_lock(team, seconds, locked)
    from sqlalchemy import text

    def hold() -> None:
        with team.owner.connect() as conn, conn.begin():
            conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(10)
    return thread


def test_a_codebook_edit_waits_for_the_lock_and_the_dialog_answers(
    qtbot: QtBot, team: Team, window: MainWindow
) -> None:
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    editor = CodebookEditor(ws, window)
    qtbot.addWidget(editor)
    editor.show()
    settle(window)  # the codebook is read in the background
    editor.ask_text = lambda *args: args[-1]("Land")  # type: ignore[assignment]
    editor.select("territorial")
    locked = threading.Event()
    holder = hold_lock_on(team, "category", 1.0, locked)
    started = time.monotonic()
    editor.rename()
    assert time.monotonic() - started < AT_ONCE
    assert "Saving the name of “Territorial”…" in editor.status.text()
    qtbot.keyClick(editor.tree, Qt.Key.Key_Down)  # the dialog answers meanwhile
    assert editor.current_key() != "territorial"
    ticks = pump_until(lambda: not window.ops.writes_pending(), 15)
    holder.join()
    settle(window)
    assert ticks >= 20
    names = owner_reads(team, lambda p: {c.key: c.name for c in p.categories()})
    assert names["territorial"] == "Land" and editor.status.text() == ""
    assert ws.undo_stack.count() == steps + 1
    window.ops.changed.disconnect(editor._edited)


def test_a_codebook_edit_past_the_lock_timeout_names_what_was_not_saved(
    qtbot: QtBot, team: Team, window: MainWindow
) -> None:
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    editor = CodebookEditor(ws, window)
    qtbot.addWidget(editor)
    editor.show()
    settle(window)  # the codebook is read in the background
    editor.ask_text = lambda *args: args[-1]("Land")  # type: ignore[assignment]
    editor.select("territorial")
    locked = threading.Event()
    holder = hold_lock_on(team, "category", LOCK_TIMEOUT_MS / 1000 + 2, locked)
    editor.rename()
    pump_until(lambda: not window.ops.writes_pending(), LOCK_TIMEOUT_MS / 1000 + 10)
    holder.join()
    settle(window)
    shown = editor.status.text()
    assert "Not saved: the name of “Territorial”." in shown and "lock timeout" in shown
    names = owner_reads(team, lambda p: {c.key: c.name for c in p.categories()})
    assert names["territorial"] == "Territorial"
    assert ws.undo_stack.count() == steps
    window.ops.changed.disconnect(editor._edited)


def test_blind_mode_waits_for_the_lock(qtbot: QtBot, team: Team, window: MainWindow) -> None:
    action = window.actions_["blind"]
    was = action.isChecked()
    ticks = waits_then_commits(qtbot, window, team, "setting", action.trigger)
    assert ticks >= 20
    assert owner_reads(team, blind_mode) is not was
    assert action.isChecked() is not was


def test_removing_a_plan_waits_for_the_lock(qtbot: QtBot, team: Team, window: MainWindow) -> None:
    window.confirm = lambda *_args: True  # type: ignore[method-assign]
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    waits_then_commits(
        qtbot, window, team, "document", lambda: file_actions.remove_current_plan(window)
    )
    assert owner_reads(team, lambda p: [d.key for d in p.documents()]) == []
    assert ws.undo_stack.count() == steps + 1


def test_applying_a_merge_waits_for_the_lock(
    qtbot: QtBot, team: Team, window: MainWindow, tmp_path: Path
) -> None:
    other = tmp_path / "taras.annotator.sqlite"
    with Project.open(other, seed_samples=False) as project:
        key = project.import_text("Framework", PLAN, source_name="plan.txt").document_key
        taras = project.add_coder("Taras").id
        project.toggle_tag(taras, project.clauses(key)[1].id, "economic")
        source = tmp_path / "taras.plan-annotations.json"
        exchange.write_exchange_file(project, source, taras)
    ws = window.workspace
    assert ws is not None
    preview = merge.preview_merge(ws.project, [source])
    waits_then_commits(
        qtbot,
        window,
        team,
        "annotation",
        lambda: file_actions.apply_previewed(window, preview, True),
    )
    coders = owner_reads(team, lambda p: [c.name for c in p.coders()])
    assert "Taras" in coders
    assert window.statusBar().currentMessage().startswith("Merge")


def test_re_segmenting_waits_for_the_lock(
    qtbot: QtBot, team: Team, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def accept(dialog: import_preview.ResegmentDialog) -> None:  # opened: answered at once
        dialog.paragraphs.setChecked(True)
        dialog.accept()

    monkeypatch.setattr(import_preview.ResegmentDialog, "open", accept)
    before = owner_reads(team, lambda p: len(p.clauses(team.document_key)))
    window.clause_view.go_to_row(0)
    waits_then_commits(
        qtbot, window, team, "clause", lambda: import_preview.resegment_current(window)
    )
    assert owner_reads(team, lambda p: len(p.clauses(team.document_key))) != before
    assert window.clauses.rowCount() != before


def test_settling_waits_for_the_lock(qtbot: QtBot, team: Team, window: MainWindow) -> None:
    ws = window.workspace
    assert ws is not None
    owner = Project(team.owner)
    ids = [c.id for c in owner.clauses(team.document_key)]
    olena, taras = owner.add_coder("Olena2").id, owner.add_coder("Taras").id
    owner.toggle_tag(olena, ids[1], "economic")
    owner.toggle_tag(taras, ids[1], "territorial")
    view = ReviewView(ws, document_key=team.document_key)
    qtbot.addWidget(view)
    view.open_view()
    settle(window)  # on a server the list is read in the background
    assert view.current() is not None and view.current().clause.id == ids[1]  # type: ignore[union-attr]
    view.accept_coder(0)
    locked = threading.Event()
    holder = hold_lock(team, 1.0, locked)
    started = time.monotonic()
    view.settle_current()
    assert time.monotonic() - started < AT_ONCE
    assert "Saving the consensus of clause" in view.status.text()
    ticks = pump_until(lambda: not window.ops.writes_pending(), 15)
    holder.join()
    settle(window)
    assert ticks >= 20
    assert owner.clause_coding(ids[1], CONSENSUS_ID).coded
