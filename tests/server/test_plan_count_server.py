"""On a real PostgreSQL, as a coder: a key's write that commits after the coder left its plan
brings that plan's coded count back with it (for the plan list), read under the coder's own
login; while the plan is shown, it reads no count (the clause list counts its own rows)."""

from __future__ import annotations

import threading

from annotator.gui.ops import Change
from tests.server.conftest import Team
from tests.server.test_saving_server import Desk, desk, hold_lock, pump_until

__all__ = ["desk"]  # the shared fixture


def test_the_plan_left_gets_its_count_with_the_write(team: Team, desk: Desk) -> None:
    changes: list[Change] = []
    desk.ws.ops.changed.connect(changes.append)
    desk.ws.shown_document = team.document_key
    locked = threading.Event()
    holder = hold_lock(team, 0.5, locked)
    desk.ws.toggle_tag(desk.clause_id, "economic")
    desk.ws.shown_document = "another plan"  # the coder moves on while it waits for the lock
    pump_until(lambda: not desk.ws.ops.writes_pending(), 20)
    holder.join()
    assert desk.errors == []
    read = changes[-1].read
    assert read is not None and read.coded == 1
    assert desk.ws.project.coded_count(team.document_key, desk.ws.coder_id) == 1

    desk.ws.shown_document = team.document_key  # back: the shown plan counts its own rows
    desk.ws.mark_none(desk.clause_id)
    pump_until(lambda: not desk.ws.ops.writes_pending(), 20)
    read = changes[-1].read
    assert read is not None and read.coded is None
