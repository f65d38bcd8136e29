"""Issue 3 workflows in the main window: memos, flags, clause edits, jump, search, filter,
coders, blind and reviewer mode — each asserted in the database and on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.gui.models import Role
from annotator.gui.settings import ProjectSettings
from annotator.services.project import Project
from tests.gui.conftest import name_giver, settle
from tests.gui.test_main_window import KEY1, make_window, row_of_label

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    w.open_document(KEY1)
    w.clause_view.setFocus()
    return w


def coder_id(path: Path) -> str:
    cid = ProjectSettings(path).coder_id
    assert cid is not None
    return cid


def fresh_coding(path: Path, label: str, coder: str | None = None):  # type: ignore[no-untyped-def]
    with Project.open(path) as fresh:
        clause = next(c for c in fresh.clauses(KEY1) if c.label == label)
        return fresh.clause_coding(clause.id, coder or coder_id(path))


def go(w: MainWindow, label: str) -> None:
    w.clause_view.go_to_row(row_of_label(w, label))


def test_clause_memo_saved_on_ctrl_enter_as_one_undo_step(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    go(window, "2")
    memo = window.detail.memo_edit
    memo.setFocus()
    assert window.workspace is not None
    steps = window.workspace.undo_stack.count()  # importing the plans is one already
    qtbot.keyClicks(memo, "Check the sum")
    assert window.workspace.undo_stack.count() == steps
    qtbot.keyClick(memo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.undo_stack.count() == steps + 1  # one step, not one per key
    assert window.actions_["undo"].text() == "Undo Edit memo of 2"
    assert fresh_coding(project_path, "2").memo == "Check the sum"
    assert window.clauses.index(row_of_label(window, "2")).data(Role.CODING).memo == "Check the sum"
    assert window.clause_view.hasFocus()  # Ctrl+Enter went back to the clause list
    # Back in the editor, leaving it with more text saves again (focus-out); undo takes back
    # only that.
    memo.setFocus()
    qtbot.keyClicks(memo, "!")
    window.clause_view.setFocus()
    assert fresh_coding(project_path, "2").memo == "Check the sum!"
    window.workspace.undo_stack.undo()
    assert fresh_coding(project_path, "2").memo == "Check the sum"
    assert memo.toPlainText() == "Check the sum"


def test_span_memo(qtbot: QtBot, window: MainWindow, project_path: Path) -> None:
    go(window, "2")
    cursor = window.detail.editor.textCursor()
    cursor.setPosition(3)
    cursor.setPosition(9, QTextCursor.MoveMode.KeepAnchor)
    window.detail.editor.setTextCursor(cursor)
    window.commands.apply_shortcut("3")
    assert window.detail.memo_target.count() == 2
    window.detail.memo_target.setCurrentIndex(1)
    window.detail.memo_edit.setFocus()
    qtbot.keyClicks(window.detail.memo_edit, "only the fund")
    window.detail.memo_edit.commit()
    coding = fresh_coding(project_path, "2")
    assert [s.memo for s in coding.spans] == ["only the fund"]
    assert coding.memo == ""
    assert window.actions_["undo"].text().startswith("Undo Edit memo on 2")


def test_flag_key_marks_row_and_database(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    go(window, "3")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_F)
    assert fresh_coding(project_path, "3").flagged
    assert window.clauses.index(row_of_label(window, "3")).data(Role.CODING).flagged
    assert window.detail.flag.isVisibleTo(window.detail)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not fresh_coding(project_path, "3").flagged
    assert not window.detail.flag.isVisibleTo(window.detail)


def labels(w: MainWindow) -> list[str]:
    return [w.clauses.clause(r).label for r in range(w.clauses.rowCount())]


def plan_total(w: MainWindow) -> int:
    """The clause count the plan list shows for the plan shown."""
    row = w.documents.row_of(KEY1)
    assert row is not None
    return w.documents.summary(row).clauses


def db_labels(path: Path) -> list[str]:
    with Project.open(path) as fresh:
        return [c.label for c in fresh.clauses(KEY1)]


def test_split_merge_and_move_boundary(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    go(window, "2")
    text = window.detail.editor.toPlainText()
    at = text.index("🕊") + 2  # past the dove: UTF-16 position 2 further, code points 1
    cursor = window.detail.editor.textCursor()
    cursor.setPosition(at)
    window.detail.editor.setTextCursor(cursor)
    before = labels(window)
    window.clause_view.setFocus()
    qtbot.keyClick(
        window.clause_view,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    after = labels(window)
    assert len(after) == len(before) + 1 and "2bis" in after
    assert db_labels(project_path) == after
    assert plan_total(window) == len(after)  # the plan list counts the new clause too
    row = row_of_label(window, "2bis")
    assert window.clauses.clause_text(row).startswith("supports")
    assert window.clauses.clause_text(row - 1).endswith("🕊")  # split in code points, not UTF-16
    # Join it back (Ctrl+Shift+J on clause 2), then undo the join.
    go(window, "2")
    qtbot.keyClick(
        window.clause_view,
        Qt.Key.Key_J,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    joined = labels(window)
    assert len(joined) == len(before) and "2bis" not in joined
    assert plan_total(window) == len(joined)
    assert joined == db_labels(project_path)
    assert window.clauses.clause_text(2) == text  # the whole clause again
    window.workspace.undo_stack.undo()  # type: ignore[union-attr]
    assert labels(window) == after == db_labels(project_path)
    window.workspace.undo_stack.undo()  # type: ignore[union-attr]
    assert labels(window) == before
    assert plan_total(window) == len(before)
    # Move the end of clause 3 back to after "forces".
    go(window, "3")
    cursor = window.detail.editor.textCursor()
    cursor.setPosition(window.detail.editor.toPlainText().index(" shall"))
    window.detail.editor.setTextCursor(cursor)
    window.actions_["move_boundary"].trigger()
    assert window.clauses.clause_text(row_of_label(window, "3")) == "3. Armed forces"
    with Project.open(project_path) as fresh:
        third = next(c for c in fresh.clauses(KEY1) if c.label == "3")
        assert fresh.document(KEY1).text[third.start : third.end] == "3. Armed forces"


def test_jump_to_label(window: MainWindow) -> None:
    assert window.navigator.jump_to_label("4")
    assert window.detail.clause is not None and window.detail.clause.label == "4"
    assert not window.navigator.jump_to_label("99")
    assert "No clause labelled" in window.statusBar().currentMessage()


def test_search_highlights_and_f3_steps(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.clause_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.search_bar
    assert bar.isVisible() and bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "the")
    bar.flush()
    hit_labels = [window.clauses.clause(r).label for r in window.navigator.hits]
    assert hit_labels == ["1", "2"]  # "the parties", "of the east"
    assert bar.count.text() == "2 clauses"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert window.detail.clause is not None and window.detail.clause.label in ("1", "2")
    window.clause_view.setFocus()
    go(window, "1")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_F3)
    assert window.detail.clause.label == "2"
    assert bar.count.text() == "2 of 2 clauses"
    qtbot.keyClick(window.clause_view, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.detail.clause.label == "1"
    # Hits are painted: the detail pane's highlighter and the rows' delegate know the pattern.
    assert window.detail.highlighter.search is not None
    assert window.clause_view.clause_delegate.search is not None
    # A regular expression.
    bar.regex.setChecked(True)
    bar.edit.setText(r"\d{3},\d{3}")
    bar.flush()
    assert [window.clauses.clause(r).label for r in window.navigator.hits] == ["3"]
    bar.edit.setText("(")
    bar.flush()
    assert bar.count.text() == "invalid expression" and window.navigator.hits == []
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and window.clause_view.clause_delegate.search is None


def test_filter_uncoded_flagged_category_keeps_keys_working(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.clause_view
    go(window, "1")
    qtbot.keyClick(view, Qt.Key.Key_1)  # security guarantee on 1
    go(window, "3")
    qtbot.keyClick(view, Qt.Key.Key_F)  # 3 flagged

    def shown() -> list[str]:
        return [labels(window)[r] for r in range(window.clauses.rowCount()) if view.is_shown(r)]

    window.navigator.set_filter("flagged")
    assert shown() == ["3"]
    window.navigator.set_filter("cat:security_guarantee")
    assert shown() == ["1"]
    assert window.filter_combo.currentData() == "cat:security_guarantee"
    window.navigator.set_filter("uncoded")
    assert "1" not in shown() and "3" in shown()
    go(window, row_label := shown()[0])
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert window.detail.clause is not None and window.detail.clause.label == shown()[1]
    assert row_label != window.detail.clause.label
    window.navigator.set_filter("all")
    assert shown() == labels(window)


def test_switch_coder_clears_undo_and_shows_their_work(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    go(window, "1")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    first = coder_id(project_path)
    assert window.projects.switch_coder("Taras")
    assert window.workspace is not None
    stack = window.workspace.undo_stack  # Olena's edits are gone; adding Taras can be undone
    assert [stack.text(i) for i in range(stack.count())] == ["Add coder Taras"]
    assert "undo history was cleared" in window.statusBar().currentMessage()
    assert window.coder_label.text() == "Coder: Taras"
    assert window.clauses.coding(window.clauses.clause(row_of_label(window, "1")).id).tags == set()
    assert coder_id(project_path) != first
    with Project.open(project_path) as fresh:
        assert sorted(c.name for c in fresh.coders()) == ["Olena", "Taras"]


def test_reviewer_mode_with_blind_mode(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    go(window, "1")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    window.projects.switch_coder("Taras")
    go(window, "1")
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)
    # Two coders: blind mode is on by default; the reviewer mode asks first.
    assert window.actions_["blind"].isChecked()
    asked: list[str] = []
    window.confirm = lambda _p, title, _t: asked.append(title) or False  # type: ignore[func-returns-value]
    window.actions_["reviewer"].trigger()
    assert asked == ["Blind mode is on"] and not window.clauses.reviewing
    assert not window.actions_["reviewer"].isChecked()
    window.confirm = lambda *_: True
    window.actions_["reviewer"].trigger()
    assert window.clauses.reviewing and window.actions_["reviewer"].isChecked()
    index = window.clauses.index(row_of_label(window, "1"))
    coders = index.data(Role.CODERS)
    assert [(name, [c.name for c in cats or []]) for name, cats, _ in coders] == [
        ("Taras", ["Territorial"]),
        ("Olena", ["Security guarantee"]),
    ]
    assert index.data(Role.DISAGREE) is True
    assert window.clauses.index(row_of_label(window, "2")).data(Role.DISAGREE) is False
    # Own edits update the own column at once.
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)
    assert not index.data(Role.CODERS)[0][1]  # Taras untagged it: no chips left
    # Blind mode on closes the reviewer's view and is stored.
    window.actions_["blind"].trigger()  # off
    assert not window.actions_["blind"].isChecked() and window.clauses.reviewing
    window.actions_["blind"].trigger()  # on again
    assert not window.clauses.reviewing
    from annotator.services.review import blind_mode

    with Project.open(project_path) as fresh:
        assert blind_mode(fresh)


def test_reviewer_mode_without_blind_needs_no_confirmation(window: MainWindow) -> None:
    window.projects.set_blind_mode(False)
    window.confirm = lambda *_: pytest.fail("no question without blind mode")  # type: ignore[assignment]
    assert window.navigator.set_reviewer_mode(True)
    assert window.clauses.index(0).data(Role.CODERS) is not None


def test_reload_after_codebook_and_title_edits(window: MainWindow) -> None:
    from annotator.services.codebook import update_category
    from annotator.services.documents import set_document_properties

    ws = window.workspace
    assert ws is not None
    ws.ops.edit(lambda: update_category(ws.project, "territorial", name="Land"))
    assert window.actions_["key2"].text() == "Land"
    assert any(c.name == "Land" for c in ws.categories)
    texts = [window.codebook.model.index(r).data() for r in range(window.codebook.model.rowCount())]
    assert any(t.endswith("Land") for t in texts)
    ws.ops.edit(lambda: set_document_properties(ws.project, KEY1, title="Framework 2"))
    row = window.documents.row_of(KEY1)
    assert row is not None and window.documents.index(row).data(Role.LABEL) == "Framework 2"
    ws.undo_stack.undo()
    assert window.documents.index(row).data(Role.LABEL) == "Framework for peace"


def test_name_giver_is_used_for_switch(qtbot: QtBot, window: MainWindow) -> None:
    window.ask_name = name_giver("Iryna")
    assert window.projects.switch_coder()
    assert window.coder_label.text() == "Coder: Iryna"


def test_a_link_between_plans_leaves_the_shown_plan_alone(window: MainWindow) -> None:
    """Links are not shown in the clause list: accepting one (side by side) and undoing it move
    nothing in the main window, though the edit names the other plan."""
    from annotator.services import links as link_service
    from tests.gui.test_main_window import KEY2

    ws = window.workspace
    assert ws is not None
    first = ws.project.clauses(KEY1)[1].id
    other = ws.project.clauses(KEY2)[1].id
    window.open_document(KEY2)
    go(window, "1")
    where = window.navigator.current_clause_id()
    edit = ws.ops.edit(lambda: link_service.accept(ws.project, first, other, ws.coder_id))
    assert edit is not None and not edit.empty and edit.document_key == KEY1
    assert window.clauses.document_key == KEY2
    assert window.navigator.current_clause_id() == where
    ws.undo_stack.undo()
    assert window.clauses.document_key == KEY2
    assert link_service.links(ws.project, KEY1, KEY2) == []
