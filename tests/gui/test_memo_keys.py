"""Leaving the memo by keyboard: Ctrl+Enter saves and Esc drops the unsaved change, and both go
back to the clause list, so the coding key or J pressed next codes or moves instead of being
typed into the memo (and saved with it after the typing pause)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from tests.gui.conftest import settle
from tests.gui.test_coding_features import fresh_coding
from tests.gui.test_held_keys import window as window  # the fixture: clause 1 current

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def test_ctrl_enter_saves_the_memo_and_the_next_digit_codes_the_clause(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    press(qtbot, Qt.Key.Key_M, CTRL)
    assert window.detail.memo_edit.hasFocus()
    qtbot.keyClicks(window.detail.memo_edit, "unclear wording")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(window)
    assert window.clause_view.hasFocus()
    press(qtbot, Qt.Key.Key_1)
    settle(window)
    saved = fresh_coding(project_path, "1")
    assert saved.memo == "unclear wording" and len(saved.tags) == 1
    assert window.detail.memo_edit.toPlainText() == "unclear wording"


def test_esc_drops_the_change_and_j_moves_on(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    press(qtbot, Qt.Key.Key_M, CTRL)
    qtbot.keyClicks(window.detail.memo_edit, "second thoughts")
    press(qtbot, Qt.Key.Key_Escape)
    assert window.clause_view.hasFocus() and window.detail.memo_edit.toPlainText() == ""
    press(qtbot, Qt.Key.Key_J)
    settle(window)
    assert window.clauses.clause(window.clause_view.current_row()).label == "2"
    assert fresh_coding(project_path, "1").memo == ""
