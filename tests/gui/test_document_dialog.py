"""The plan properties dialog: one undoable edit, partial dates, no plan revising itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from annotator.gui.document_dialog import DocumentDialog, date_problem
from annotator.gui.workspace import Workspace
from annotator.services.documents import STAGES
from annotator.services.project import Project
from annotator.services.types import DocumentMeta
from tests.gui.conftest import PLAN, SECOND

pytestmark = pytest.mark.gui


@pytest.fixture
def workspace(project_path: Path) -> Iterator[Workspace]:
    project = Project.open(project_path, seed_samples=False)
    project.import_text("Framework", PLAN)
    project.import_text("Counter-proposal", SECOND)
    yield Workspace(project, project.add_coder("Olena").id)
    project.close()


def keys(ws: Workspace) -> dict[str, str]:
    return {d.title: d.key for d in ws.project.documents()}


def dialog_for(qtbot: QtBot, ws: Workspace, title: str) -> DocumentDialog:
    dialog = DocumentDialog(ws, keys(ws)[title])
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def ok(dialog: DocumentDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.mark.parametrize(
    ("text", "good"),
    [
        ("", True),
        ("2025", True),
        ("2025-11", True),
        ("2025-11-20", True),
        ("2024-02-29", True),
        ("2025-02-29", False),
        ("2025-13", False),
        ("25-11-20", False),
        ("20 Nov 2025", False),
        ("2025-1-2", False),
    ],
)
def test_date_rule(text: str, good: bool) -> None:
    assert (date_problem(text) is None) is good


def test_ok_writes_one_edit_and_undo_restores(
    qtbot: QtBot, workspace: Workspace, project_path: Path
) -> None:
    dialog = dialog_for(qtbot, workspace, "Counter-proposal")
    # Only the other plan is offered as the revised one.
    offered = [dialog.revises.itemText(i) for i in range(dialog.revises.count())]
    assert offered == ["(none)", "Framework"]
    assert [dialog.stage.itemText(i) for i in range(1, dialog.stage.count())] == list(STAGES)
    dialog.title.clear()
    qtbot.keyClicks(dialog.title, "24-point counter-proposal")
    qtbot.keyClicks(dialog.date, "2025-11")
    qtbot.keyClicks(dialog.party, "Coalition of guarantors")
    qtbot.keyClicks(dialog.language, "en")
    dialog.stage.setCurrentText("counter-proposal")
    dialog.revises.setCurrentIndex(dialog.revises.findData(keys(workspace)["Framework"]))
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert workspace.undo_stack.count() == 1

    key = dialog.document_key
    with Project.open(project_path, create=False) as fresh:
        doc = fresh.document(key)
        assert doc.title == "24-point counter-proposal"
        assert doc.meta == DocumentMeta(
            date="2025-11",
            party="Coalition of guarantors",
            source=None,
            language="en",
            stage="counter-proposal",
            revises=keys(workspace)["Framework"],
        )
    workspace.undo_stack.undo()
    doc = workspace.project.document(key)
    assert (doc.title, doc.meta) == ("Counter-proposal", DocumentMeta())

    # The dialog opens on what is stored.
    workspace.undo_stack.redo()
    again = dialog_for(qtbot, workspace, "24-point counter-proposal")
    assert again.date.text() == "2025-11"
    assert again.stage.currentText() == "counter-proposal"
    assert again.revises.currentText() == "Framework"


def test_custom_stage_is_kept(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = dialog_for(qtbot, workspace, "Framework")
    dialog.stage.lineEdit().clear()
    qtbot.keyClicks(dialog.stage.lineEdit(), "leaked draft")
    qtbot.keyClick(dialog.stage.lineEdit(), Qt.Key.Key_Tab)
    ok(dialog)
    assert workspace.project.document(keys(workspace)["Framework"]).meta.stage == "leaked draft"


def test_bad_date_blocks_ok_and_says_why(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = dialog_for(qtbot, workspace, "Framework")
    qtbot.keyClicks(dialog.date, "2025-02-30")
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not button.isEnabled()
    assert "not a date" in dialog.error.text()
    dialog.accept()  # even forced, nothing is written
    assert dialog.isVisible()
    assert workspace.undo_stack.count() == 0
    dialog.date.clear()
    assert button.isEnabled() and dialog.error.text() == ""


def test_empty_title_is_refused(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = dialog_for(qtbot, workspace, "Framework")
    dialog.title.clear()
    assert "title" in dialog.error.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_unchanged_ok_pushes_nothing(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = dialog_for(qtbot, workspace, "Framework")
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert workspace.undo_stack.count() == 0


def test_service_refusal_keeps_dialog_open(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = dialog_for(qtbot, workspace, "Framework")
    # The other plan vanishes behind the dialog's back (e.g. another window's merge undone).
    dialog.revises.addItem("ghost", "0" * 64)
    dialog.revises.setCurrentIndex(dialog.revises.count() - 1)
    ok(dialog)
    assert dialog.isVisible()
    assert "not in this project" in dialog.error.text()
    assert workspace.undo_stack.count() == 0
