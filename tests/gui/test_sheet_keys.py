"""The shortcut sheet against the real actions: every key it lists, pressed in the clause list,
reaches the very action it is listed for through Qt's own shortcut dispatch (the action's slot is
not run: its Shortcut event is caught), and it lists no platform extras nobody can press."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest

from annotator.gui.main_window import MainWindow
from annotator.gui.shortcut_sheet import menu_keys, sheet_html
from tests.gui.test_saving import window as window  # the fixture

pytestmark = pytest.mark.gui


class Caught(QObject):
    """Records which action Qt's shortcut map sends a key to, and stops it there."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut and isinstance(obj, QAction):
            self.seen.append(obj.text())
            return True
        return False


def test_every_key_on_the_sheet_reaches_its_action(window: MainWindow) -> None:
    caught = Caught()
    for action in window.findChildren(QAction):
        action.installEventFilter(caught)
    rows = menu_keys(window)
    assert len(rows) > 30
    enabled = {a.text().replace("&", "") for a in window.findChildren(QAction) if a.isEnabled()}
    wrong = []
    for menu, keys, text in rows:
        if text not in enabled:  # Redo with nothing to redo: Qt rightly sends it nowhere
            continue
        for key in keys.split(" or "):
            caught.seen.clear()
            window.clause_view.setFocus()
            QTest.keySequence(window.clause_view, QKeySequence(key))
            if [t.replace("&", "") for t in caught.seen] != [text]:
                wrong.append((menu, key, text, caught.seen[:]))
    assert wrong == []


def test_the_sheet_lists_no_key_a_usual_keyboard_lacks(window: MainWindow) -> None:
    text = sheet_html(window)
    assert "Ctrl+Z" in text and "F14" not in text and "or Undo" not in text
