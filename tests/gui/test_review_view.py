"""The disagreement browser lists what coders coded differently and settles it from the keyboard
into the consensus layer, undoably."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.review_view import SETTLED, ReviewView
from annotator.gui.workspace import Workspace
from annotator.services.notes import set_clause_memo
from annotator.services.project import Project
from annotator.services.review import CONSENSUS_ID, disagreements
from tests.gui.conftest import PLAN, activate

pytestmark = pytest.mark.gui


@pytest.fixture
def setup(project_path: Path) -> Iterator[tuple[Workspace, str, list[int]]]:
    project = Project.open(project_path, seed_samples=False)
    key = project.import_text("Framework", PLAN).document_key
    ids = [c.id for c in project.clauses(key)]
    olena, taras = project.add_coder("Olena").id, project.add_coder("Taras").id
    # Clause 1: agree. Clause 2: Olena economic, Taras economic + territorial. Clause 3: differ.
    project.toggle_tag(olena, ids[1], "security_guarantee")
    project.toggle_tag(taras, ids[1], "security_guarantee")
    project.toggle_tag(olena, ids[2], "economic")
    project.toggle_tag(taras, ids[2], "economic")
    project.toggle_tag(taras, ids[2], "territorial")
    project.toggle_tag(olena, ids[3], "military_cap")
    project.mark_none(taras, ids[3])
    set_clause_memo(project, taras, ids[2], "the fund is also about the east")
    reviewer = project.add_coder("Rev").id
    yield Workspace(project, reviewer), key, ids
    project.close()


def opened(qtbot: QtBot, ws: Workspace, key: str) -> ReviewView:
    view = ReviewView(ws, document_key=key)
    qtbot.addWidget(view)
    view.open_view()
    activate(view)  # window shortcuts need the active window, as with a user
    return view


def consensus(ws: Workspace, clause_id: int) -> tuple[frozenset[str], bool]:
    coding = ws.project.clause_coding(clause_id, CONSENSUS_ID)
    return coding.categories, coding.coded


def test_lists_disagreements_and_shows_both_coders(
    qtbot: QtBot, setup: tuple[Workspace, str, list[int]]
) -> None:
    ws, key, ids = setup
    view = opened(qtbot, ws, key)
    listed = [view.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(view.list.count())]
    assert listed == [ids[2], ids[3]] == [d.clause.id for d in disagreements(ws.project, key)]
    assert view.counter.text() == "2 disagreements, 0 settled"
    assert "fund of 2.5 billion" in view.clause_text.toPlainText()
    shown = [view.coders_grid.itemAt(i).widget().text() for i in range(view.coders_grid.count())]
    assert any("Olena" in t for t in shown) and any("Taras" in t for t in shown)
    assert any("Territorial" in t for t in shown)
    assert "the fund is also about the east" in shown
    # Unsettled: the consensus row starts from what both coders agree on.
    assert view.consensus == {"economic"}
    # The category filter: only military_cap → only clause 3.
    view.category_combo.setCurrentIndex(view.category_combo.findData("military_cap"))
    assert view.list.count() == 1
    assert view.list.item(0).data(Qt.ItemDataRole.UserRole) == ids[3]


def test_keys_settle_and_undo(qtbot: QtBot, setup: tuple[Workspace, str, list[int]]) -> None:
    ws, key, ids = setup
    view = opened(qtbot, ws, key)
    view.list.setFocus()
    # Territorial is on key 2 and Military cap on key 4 in the default codebook.
    assert ws.category_for_shortcut("2").key == "territorial"
    qtbot.keyClick(view.list, Qt.Key.Key_2)
    qtbot.keyClick(view.list, Qt.Key.Key_4)
    qtbot.keyClick(view.list, Qt.Key.Key_4)  # toggled twice: off again
    assert view.consensus_buttons["territorial"].isChecked()
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert consensus(ws, ids[2]) == (frozenset({"economic", "territorial"}), True)
    rows = (
        ws.project.engine.connect()
        .exec_driver_sql(
            "SELECT category_key, adjudicator FROM annotation WHERE coder_id = ? AND deleted = 0",
            (CONSENSUS_ID,),
        )
        .fetchall()
    )
    assert sorted(rows) == [("economic", "Rev"), ("territorial", "Rev")]
    # Marked, and the view moved on to the next disagreement.
    assert view.list.item(0).text().startswith(SETTLED)
    assert view.list.currentRow() == 1
    assert view.counter.text() == "2 disagreements, 1 settled"
    # Alt+2 takes Taras's set (none applies) for clause 3; 0 would do the same.
    qtbot.keyClick(view.list, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert view.consensus == set()
    qtbot.keyClick(view.list, Qt.Key.Key_Enter)
    assert consensus(ws, ids[3]) == (frozenset(), True)
    assert ws.undo_stack.count() == 2
    # Ctrl+Z in the dialog undoes the last settle, then the first.
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert consensus(ws, ids[3]) == (frozenset(), False)
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert consensus(ws, ids[2]) == (frozenset(), False)
    assert not view.list.item(0).text().startswith(SETTLED)
    assert view.counter.text() == "2 disagreements, 0 settled"
    # A fresh connection sees the same.
    again = Project.open(ws.project.path, seed_samples=False, read_only_if_locked=True)
    try:
        assert not again.clause_coding(ids[2], CONSENSUS_ID).coded
    finally:
        again.close()


def test_settled_clause_reopens_with_its_set(
    qtbot: QtBot, setup: tuple[Workspace, str, list[int]]
) -> None:
    ws, key, _ids = setup
    view = opened(qtbot, ws, key)
    view.accept_coder(0)  # Olena: economic only
    view.settle_current()
    view.list.setCurrentRow(0)
    assert view.consensus == {"economic"}
    assert view.status.text().startswith(SETTLED)
