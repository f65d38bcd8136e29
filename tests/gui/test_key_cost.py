"""What a coding key costs in SQL on a local project, and that the row it shows is what is stored.

A digit key used to run 12-13 statements: the clause, the category's name and then its
``codable`` flag, three reads of the coder's annotations, each row read again before its write
and once more to see whether it exists, and, after the commit, four more to read the clause back
for the window. Now the service reads twice (the clause with the review and the category; the
coder's annotations there) and writes; the window applies the edit's rows to what it shows. The
counts are pinned here so they cannot creep back.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from annotator.gui.main_window import MainWindow
from tests.gui.test_coding_features import go
from tests.gui.test_main_window import KEY1, chips, row_of_label
from tests.gui.test_saving import window as window  # the fixture

pytestmark = pytest.mark.gui


@contextmanager
def statements(w: MainWindow) -> Iterator[list[str]]:
    """The SQL statements run on the window's project while the block runs."""
    assert w.workspace is not None
    engine = w.workspace.project.engine
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def press(qtbot: QtBot, w: MainWindow, key: Qt.Key) -> list[str]:
    with statements(w) as seen:
        qtbot.keyClick(w.clause_view, key)
    return seen


def kinds(seen: list[str]) -> list[str]:
    return [s.split(" ", 1)[0] for s in seen]


def test_a_digit_key_runs_three_statements(qtbot: QtBot, window: MainWindow) -> None:
    go(window, "2")
    tag = press(qtbot, window, Qt.Key.Key_1)
    assert chips(window, "2") == ["Security guarantee"]
    assert kinds(tag) == ["SELECT", "SELECT", "INSERT"], tag
    untag = press(qtbot, window, Qt.Key.Key_1)
    assert chips(window, "2") == []
    assert kinds(untag) == ["SELECT", "SELECT", "UPDATE"], untag
    again = press(qtbot, window, Qt.Key.Key_1)  # the tombstone comes back to life
    assert kinds(again) == ["SELECT", "SELECT", "UPDATE"], again
    none = press(qtbot, window, Qt.Key.Key_0)  # the tag goes, the review comes
    assert kinds(none) == ["SELECT", "SELECT", "UPDATE", "INSERT"], none
    assert window.clauses.index(row_of_label(window, "2")).data(Qt.ItemDataRole.DisplayRole)
    other = press(qtbot, window, Qt.Key.Key_2)  # a tag after "none applies": reviewed as done
    assert kinds(other) == ["SELECT", "SELECT", "INSERT", "UPDATE"], other
    assert chips(window, "2") == ["Territorial"]


def test_an_undo_reads_each_row_once_and_the_window_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    go(window, "3")
    press(qtbot, window, Qt.Key.Key_1)
    assert window.workspace is not None
    with statements(window) as seen:
        window.workspace.undo_stack.undo()
    # The replay's check of the row (a colleague may have changed it) and its write; no read-back.
    assert kinds(seen) == ["SELECT", "UPDATE"], seen
    assert chips(window, "3") == []


def test_what_the_keys_show_is_what_is_stored(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    """Keys, spans, memos, flags, undo and redo in a seeded random order: after each, every
    clause shows exactly what a fresh read of the database says."""
    ws = window.workspace
    assert ws is not None
    rows = window.clauses.rowCount()
    rng = random.Random(17)
    keys = [Qt.Key.Key_0, Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_F]
    for step in range(80):
        row = rng.randrange(rows)
        window.clause_view.go_to_row(row)
        clause = window.clauses.clause(row)
        what = rng.random()
        if what < 0.6:
            qtbot.keyClick(window.clause_view, rng.choice(keys))
        elif what < 0.7:
            end = min(clause.end, clause.start + 5)
            ws.toggle_span(clause.id, "economic", clause.start, end)
        elif what < 0.8:
            window.commands.save_memo(clause.id, None, rng.choice(["", "check", "see 4"]))
        elif what < 0.9:
            ws.undo_stack.undo()
        else:
            ws.undo_stack.redo()
        stored = ws.project.coding(KEY1, ws.coder_id)
        for r in range(rows):
            cid = window.clauses.clause(r).id
            assert window.clauses.coding(cid) == stored.get(cid, type(window.clauses.coding(cid))())
            assert window.clauses.coding(cid).coded == (cid in stored and stored[cid].coded), step
        assert window.clauses.coded_count == sum(1 for c in stored.values() if c.coded)


def test_a_digit_key_on_a_selected_span_runs_three_statements(
    qtbot: QtBot, window: MainWindow
) -> None:
    go(window, "1")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_S)  # into the clause text
    editor = window.detail.editor
    for _ in range(3):
        qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(
        editor,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.detail.selected_span() is not None
    with statements(window) as seen:
        qtbot.keyClick(editor, Qt.Key.Key_2)
    assert kinds(seen) == ["SELECT", "SELECT", "INSERT"], seen
    ws = window.workspace
    assert ws is not None
    clause = window.clauses.clause(row_of_label(window, "1"))
    [span] = ws.project.clause_coding(clause.id, ws.coder_id).spans
    assert window.clauses.coding(clause.id).spans == (span,)
