"""Undo matches the database: a refused undo or redo leaves the stack where it was and says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from annotator.gui.main_window import MainWindow
from annotator.gui.workspace import Workspace
from annotator.services.project import Project
from annotator.storage.db import open_engine
from annotator.storage.tables import T_ANNOTATION
from tests.gui.conftest import PLAN, finish, settle, wait_for
from tests.gui.test_main_window import KEY1, make_window, row_of_label

pytestmark = pytest.mark.gui


def _colleague_writes(path: Path, **values: object) -> None:
    """Another connection (a colleague's window, a server client) changes every annotation."""
    engine = open_engine(path, create=False)
    try:
        with engine.begin() as conn:
            conn.execute(update(T_ANNOTATION).values(**values))
    finally:
        engine.dispose()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    project = Project.open(tmp_path / "p.sqlite", seed_samples=False)
    project.import_text("Framework", PLAN, source_name="plan.txt")
    ws = Workspace(project, project.add_coder("Olena").id)
    yield ws
    project.close()


def _clause(ws: Workspace) -> int:
    return ws.project.clauses(ws.project.documents()[0].key)[1].id


def test_refused_undo_keeps_the_stack_and_says_why(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    failures: list[str] = []
    workspace.ops.report = lambda _title, text: failures.append(text)
    clause = _clause(workspace)
    workspace.toggle_tag(clause, "economic")
    workspace.toggle_tag(clause, "territorial")
    stack = workspace.undo_stack
    assert (stack.count(), stack.index()) == (2, 2)
    _colleague_writes(tmp_path / "p.sqlite", memo="a colleague's memo")

    stack.undo()
    assert (stack.count(), stack.index()) == (2, 2), "the stack must not move"
    assert stack.undoText().startswith("Tag") and stack.canUndo() and not stack.canRedo()
    assert len(failures) == 1 and "changed since" in failures[0]
    assert "undo history is unchanged" in failures[0]
    # The database is as the colleague left it.
    assert workspace.project.clause_coding(clause, workspace.coder_id).tags == {
        "economic",
        "territorial",
    }
    # Undoing again after the colleague's change is undone works and moves the stack.
    _colleague_writes(tmp_path / "p.sqlite", memo="")
    stack.undo()
    assert stack.index() == 1 and len(failures) == 1
    assert workspace.project.clause_coding(clause, workspace.coder_id).tags == {"economic"}


def test_refused_redo_keeps_the_stack(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    failures: list[str] = []
    workspace.ops.report = lambda _title, text: failures.append(text)
    clause = _clause(workspace)
    workspace.toggle_tag(clause, "economic")
    stack = workspace.undo_stack
    stack.undo()
    assert stack.index() == 0
    # Meanwhile a colleague revives the tag (a merge, another window).
    _colleague_writes(tmp_path / "p.sqlite", deleted=False)
    stack.redo()
    assert (stack.count(), stack.index()) == (1, 0)
    assert stack.canRedo() and "added again" in failures[0]
    # The stack still works both ways once the row is as the undo left it.
    _colleague_writes(tmp_path / "p.sqlite", deleted=True)
    stack.redo()
    assert stack.index() == 1
    assert workspace.project.clause_coding(clause, workspace.coder_id).tags == {"economic"}


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    w.open_document(KEY1)
    w.clause_view.setFocus()
    return w


def test_ctrl_z_refused_in_the_window(qtbot: QtBot, window: MainWindow, project_path: Path) -> None:
    shown: list[str] = []
    window.show_error = lambda _title, message: shown.append(message)  # type: ignore[method-assign]
    view = window.clause_view
    assert window.workspace is not None
    steps = window.workspace.undo_stack.count()
    view.go_to_row(row_of_label(window, "1"))
    qtbot.keyClick(view, Qt.Key.Key_1)
    undo_text = window.actions_["undo"].text()
    assert undo_text.startswith("Undo Tag 1")
    _colleague_writes(project_path, memo="theirs")
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert shown and "changed since" in shown[0]
    assert window.actions_["undo"].text() == undo_text and window.actions_["undo"].isEnabled()
    assert not window.actions_["redo"].isEnabled()
    assert window.workspace.undo_stack.index() == steps + 1


def test_plan_import_and_blind_mode_undo_from_the_keyboard(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from annotator.gui import file_actions
    from annotator.services.review import blind_mode

    assert window.workspace is not None
    project = window.workspace.project
    third = tmp_path / "third.txt"
    third.write_text("Third plan\n\n1. Elections within 100 days.\n", encoding="utf-8")
    before = {d.key for d in project.documents()}
    finish(file_actions.import_plans(window, [str(third)]))
    assert len(project.documents()) == len(before) + 1
    assert window.actions_["undo"].text() == "Undo Import Third plan"
    view = window.clause_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert {d.key for d in project.documents()} == before
    assert window.documents.rowCount() == len(before)

    window.actions_["blind"].trigger()
    on = blind_mode(project)
    assert window.actions_["blind"].isChecked() == on
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert blind_mode(project) != on
    assert window.actions_["blind"].isChecked() == (not on)


def test_remove_plan_from_the_menu_and_undo_it(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    assert window.workspace is not None
    project, coder = window.workspace.project, window.workspace.coder_id
    view = window.clause_view
    view.go_to_row(row_of_label(window, "1"))
    qtbot.keyClick(view, Qt.Key.Key_1)
    tagged = project.coding(KEY1, coder)
    asked: list[str] = []
    window.confirm = lambda _p, _t, text: asked.append(text) or True  # type: ignore[method-assign]
    window.actions_["remove_plan"].trigger()
    assert asked and "Framework for peace" in asked[0]
    assert KEY1 not in {d.key for d in project.documents()}
    assert window.documents.row_of(KEY1) is None
    assert window.actions_["undo"].text() == "Undo Remove plan Framework for peace"
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.documents.row_of(KEY1) is not None
    restored = project.coding(KEY1, coder)
    assert {k: v.tags for k, v in restored.items()} == {k: v.tags for k, v in tagged.items()}
    # Declining the question changes nothing.
    window.confirm = lambda *_a: False  # type: ignore[method-assign]
    window.actions_["remove_plan"].trigger()
    assert KEY1 in {d.key for d in project.documents()}


def test_adding_a_coder_is_undone_back_to_the_previous_coder(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.workspace is not None
    project = window.workspace.project
    olena = window.workspace.coder_id
    assert window.projects.switch_coder("Taras")
    taras = window.workspace.coder_id
    assert taras != olena and window.actions_["undo"].text() == "Undo Add coder Taras"
    view = window.clause_view
    view.go_to_row(row_of_label(window, "1"))
    qtbot.keyClick(view, Qt.Key.Key_1)  # Taras tags, then takes it back
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: window.workspace is not None and window.workspace.coder_id == olena)
    assert project.coder(taras) is None
    assert window.coder_label.text() == "Coder: Olena"
