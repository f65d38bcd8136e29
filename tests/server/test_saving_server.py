"""Issue 15, item 3 on a real PostgreSQL: a write or undo waiting for a lock never blocks the UI.

Another connection (the owner's) locks the annotation table, so the coder's write waits for the
lock. The key press must return at once with the row showing the guess and "saving…" while the Qt
event loop keeps running; once the lock is released the write commits (database written, edit on
the undo stack); if it is held past the lock timeout the row says "not saved: …" and neither the
database nor the undo stack has the edit.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from sqlalchemy import text

from annotator.gui.models import ClauseListModel, Role
from annotator.gui.ops import Change
from annotator.gui.saving import Saving
from annotator.gui.workspace import Workspace
from annotator.services.project import Project
from annotator.storage.server import LOCK_TIMEOUT_MS, add_coder_role, open_server_engine
from tests.server.conftest import Team


@dataclass
class Desk:
    """A coder's workspace on the server and a clause list model wired like the navigator's."""

    ws: Workspace
    model: ClauseListModel
    clause_id: int
    errors: list[str]

    def status(self) -> str:
        return str(self.model.index(self.model.row_of(self.clause_id) or 0).data(Role.STATUS))

    def chips(self) -> list[str]:
        index = self.model.index(self.model.row_of(self.clause_id) or 0)
        return [c.key for c in index.data(Role.CATEGORIES)]

    def db_tags(self) -> frozenset[str]:
        return self.ws.project.clause_coding(self.clause_id, self.ws.coder_id).tags


@pytest.fixture
def desk(team: Team, qapp: object) -> Iterator[Desk]:
    olena = add_coder_role(team.owner, team.role("olena"), "pw-olena", display_name="Olena")
    engine = open_server_engine(team.url(team.role("olena"), "pw-olena"))
    team.disposables.append(engine)
    project = Project(engine)
    assert project.on_server
    ws = Workspace(project, olena)
    clauses = project.clauses(team.document_key)
    model = ClauseListModel()
    model.set_categories(ws.categories)
    model.set_document(team.document_key, "", clauses, {})
    errors: list[str] = []
    ws.ops.report = lambda _title, message: errors.append(message)

    def saving(state: Saving) -> None:
        if state.done:
            model.end_saving(state.clause_id, state.token, state.error)
        else:
            model.begin_saving(state.clause_id, state.token, state.guess)

    def changed(change: Change) -> None:
        for cid in change.clause_ids:
            model.update_coding(cid, project.clause_coding(cid, olena))

    ws.ops.saving.connect(saving)
    ws.ops.changed.connect(changed)
    yield Desk(ws, model, clauses[1].id, errors)
    ws.ops.shutdown()


def hold_lock(team: Team, seconds: float, locked: threading.Event) -> threading.Thread:
    """Lock the annotation table from the owner's connection for ``seconds``."""

    def hold() -> None:
        with team.owner.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE annotation IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(10)
    return thread


def pump_until(condition, seconds: float) -> int:  # type: ignore[no-untyped-def]
    """Run the event loop until ``condition``; returns how many 10 ms timer ticks it delivered."""
    ticks = [0]
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start(10)
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QCoreApplication.processEvents()
        time.sleep(0.002)
    timer.stop()
    return ticks[0]


def test_a_write_waiting_for_a_lock_shows_saving_and_commits_after(team: Team, desk: Desk) -> None:
    steps = desk.ws.undo_stack.count()
    locked = threading.Event()
    holder = hold_lock(team, 1.0, locked)
    started = time.monotonic()
    assert desk.ws.toggle_tag(desk.clause_id, "economic") is None  # not written yet
    assert time.monotonic() - started < 0.3  # the key press did not wait for the lock
    assert desk.chips() == ["economic"] and desk.status() == "saving…"
    # The event loop keeps running while the write waits: timers fire.
    ticks = pump_until(lambda: not desk.ws.ops.writes_pending(), 15)
    holder.join()
    assert ticks >= 20  # ~1 s of 10 ms ticks, give or take a busy machine
    assert desk.db_tags() == frozenset({"economic"})
    assert desk.status() == "" and desk.chips() == ["economic"]
    assert desk.ws.undo_stack.count() == steps + 1
    assert desk.errors == []


def test_a_write_past_the_lock_timeout_says_not_saved_and_changes_nothing(
    team: Team, desk: Desk
) -> None:
    steps = desk.ws.undo_stack.count()
    locked = threading.Event()
    holder = hold_lock(team, LOCK_TIMEOUT_MS / 1000 + 2, locked)
    desk.ws.toggle_tag(desk.clause_id, "economic")
    assert desk.status() == "saving…"
    pump_until(lambda: not desk.ws.ops.writes_pending(), LOCK_TIMEOUT_MS / 1000 + 10)
    holder.join()
    assert desk.status().startswith("not saved: ")
    assert "lock timeout" in desk.status()
    assert desk.chips() == []
    assert desk.db_tags() == frozenset()
    assert desk.ws.undo_stack.count() == steps
    assert len(desk.errors) == 1 and "lock timeout" in desk.errors[0]


def tag_committed(desk: Desk) -> int:
    desk.ws.toggle_tag(desk.clause_id, "economic")
    pump_until(lambda: not desk.ws.ops.writes_pending(), 15)
    assert desk.db_tags() == frozenset({"economic"})
    return desk.ws.undo_stack.index()


def test_an_undo_waiting_for_a_lock_moves_the_stack_only_when_it_commits(
    team: Team, desk: Desk
) -> None:
    steps = tag_committed(desk)
    locked = threading.Event()
    holder = hold_lock(team, 1.0, locked)
    started = time.monotonic()
    desk.ws.undo_stack.undo()
    assert time.monotonic() - started < 0.3  # Ctrl+Z did not wait for the lock
    assert desk.ws.undo_stack.index() == steps and desk.ws.ops.writes_pending()
    ticks = pump_until(lambda: not desk.ws.ops.writes_pending(), 15)
    holder.join()
    assert ticks >= 20
    assert desk.ws.undo_stack.index() == steps - 1
    assert desk.db_tags() == frozenset() and desk.chips() == []
    assert desk.errors == []


def test_an_undo_past_the_lock_timeout_keeps_the_stack_and_the_database(
    team: Team, desk: Desk
) -> None:
    steps = tag_committed(desk)
    locked = threading.Event()
    holder = hold_lock(team, LOCK_TIMEOUT_MS / 1000 + 2, locked)
    desk.ws.undo_stack.undo()
    pump_until(lambda: not desk.ws.ops.writes_pending(), LOCK_TIMEOUT_MS / 1000 + 10)
    holder.join()
    assert desk.ws.undo_stack.index() == steps
    assert desk.db_tags() == frozenset({"economic"})
    assert len(desk.errors) == 1 and "lock timeout" in desk.errors[0]
    assert "undo history is unchanged" in desk.errors[0]
    # The server answers again: the same step undoes.
    desk.ws.undo_stack.undo()
    pump_until(lambda: not desk.ws.ops.writes_pending(), 15)
    assert desk.ws.undo_stack.index() == steps - 1
    assert desk.db_tags() == frozenset()
