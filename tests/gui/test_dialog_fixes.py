"""Small dialogs that used to mislead: the name prompt cancelled, a cut title, a doubled key."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.test_main_window import make_window

pytestmark = pytest.mark.gui


def test_cancelled_name_prompt_can_be_answered_later(
    qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    answers: list[str | None] = [None, "Olena"]

    def ask(_parent: QWidget | None, _known: Sequence[str]) -> str | None:
        return answers.pop(0)

    window = make_window(qtbot, ask, active=False)
    assert not window.open_project(project_path, [str(p) for p in plan_files])
    assert "Switch coder" in window.heading.text()
    action = window.actions_["switch_coder"]
    assert action.isEnabled()  # not greyed out: the way on is offered
    action.trigger()
    assert window.workspace is not None and window.workspace.coder_name == "Olena"
    assert window.projects.unchosen_project is None and window.heading.text() != ""
    assert "Switch coder" not in window.heading.text()


def test_new_category_dialog_is_wide_enough_for_its_title(qtbot: QtBot) -> None:
    from annotator.gui.dialogs import ask_text

    seen: list[int] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "askText"
        title_room = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle()) + 120
        seen.append(dialog.width() - title_room)
        edit = dialog.findChild(QLineEdit)
        assert edit is not None
        edit.setText("Sanctions")
        dialog.accept()

    got: list[str] = []
    ask_text(None, "New category", "Name:", "", got.append)  # returns at once
    answer()
    assert got == ["Sanctions"]
    assert seen and seen[0] >= 0


def test_plan_properties_mnemonics_are_unique(qtbot: QtBot) -> None:
    from annotator.gui import document_dialog

    source = Path(document_dialog.__file__).read_text("utf-8")
    labels = [line.split('"')[1] for line in source.splitlines() if "form.addRow(" in line]
    keys = [label[label.index("&") + 1].lower() for label in labels if "&" in label]
    assert len(keys) == len(set(keys)), labels
    assert QFormLayout and QLabel  # the form is a QFormLayout of labelled rows
