"""A read-only project's memo looks read-only, says why, and keys typed into it change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.services import notes
from annotator.services.project import Project
from annotator.storage.lock import ProjectLockedError
from tests.gui.conftest import PLAN, name_giver

pytestmark = pytest.mark.gui


def _project_with_a_memo(path: Path) -> tuple[str, int, str]:
    with Project.open(path, seed_samples=False) as project:
        key = project.import_text("Framework", PLAN).document_key
        clause = next(c for c in project.clauses(key) if c.label == "1")
        coder = project.add_coder("Olena").id
        notes.set_clause_memo(project, coder, clause.id, "Ceasefire wording is vague")
    return key, clause.id, coder


def _memo_in_database(path: Path, key: str, clause_id: int, coder: str) -> str:
    with Project.open(path) as fresh:
        return fresh.coding(key, coder)[clause_id].memo


def test_memo_of_a_locked_project_refuses_keys_and_says_why(
    qtbot: QtBot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, clause_id, coder = _project_with_a_memo(project_path)

    def locked(path: object) -> object:
        raise ProjectLockedError("open elsewhere", source=str(path), pid=4242, host="h")

    monkeypatch.setattr("annotator.services.project.acquire_shared_lock", locked)
    window = MainWindow(ask_name=name_giver())
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(project_path)
    assert window.project is not None and window.project.read_only
    window.navigator.open_document(key, clause_id)
    memo = window.detail.memo_edit
    assert memo.toPlainText() == "Ceasefire wording is vague"
    assert memo.isReadOnly()
    assert "another Plan Annotator window (pid 4242)" in memo.toolTip()
    assert memo.property("readOnly") is True  # what the read-only style sheet rule matches
    assert window.detail.memo_label.text().endswith("(read-only)")
    assert "press" not in window.detail.tags.text()  # no keys suggested that do nothing
    memo.setFocus()
    qtbot.keyClicks(memo, " and more")
    qtbot.keyClick(memo, Qt.Key.Key_Backspace)
    qtbot.keyClick(memo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    memo.clearFocus()  # focus-out commits a memo that changed
    QCoreApplication.processEvents()
    assert memo.toPlainText() == "Ceasefire wording is vague"
    monkeypatch.undo()
    assert _memo_in_database(project_path, key, clause_id, coder) == "Ceasefire wording is vague"


def test_memo_of_a_writable_project_takes_keys(qtbot: QtBot, project_path: Path) -> None:
    key, clause_id, coder = _project_with_a_memo(project_path)
    window = MainWindow(ask_name=name_giver())
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(project_path)
    window.navigator.open_document(key, clause_id)
    memo = window.detail.memo_edit
    assert not memo.isReadOnly() and memo.toolTip() == ""
    assert "read-only" not in window.detail.memo_label.text()
    window.navigator.open_document(key, clause_id + 1)  # an uncoded clause: the keys' hint
    assert "press 1–9" in window.detail.tags.text()
    window.navigator.open_document(key, clause_id)
    memo.setFocus()
    memo.moveCursor(memo.textCursor().MoveOperation.End)
    qtbot.keyClicks(memo, "!")
    qtbot.keyClick(memo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    window.close()
    assert _memo_in_database(project_path, key, clause_id, coder) == "Ceasefire wording is vague!"
