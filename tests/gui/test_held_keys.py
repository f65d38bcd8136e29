"""Keys pressed while start-up's first screen is shown are held, then delivered to the live
project as Qt's own dispatch would (gui/first_screen.py ``HeldKeys``/``deliver_key``): a text
field that has the focus takes what is typed into it, a window shortcut fires only where Qt would
fire it, and the keys act in the order pressed, exactly once."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.first_screen import HeldKeys
from annotator.gui.main_window import MainWindow
from tests.gui.conftest import settle
from tests.gui.test_coding_features import fresh_coding, go
from tests.gui.test_main_window import KEY1, chips, make_window

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    w.open_document(KEY1)
    go(w, "1")
    w.clause_view.setFocus()
    return w


def press(w: MainWindow, *keys: str | tuple[Qt.Key, Qt.KeyboardModifier]) -> None:
    """Keys pressed at the focused widget (held ones never move the focus)."""
    for key in keys:
        target = QApplication.focusWidget() or w
        if isinstance(key, tuple):
            QTest.keyClick(target, key[0], key[1])
        else:
            QTest.keyClick(target, Qt.Key(ord(key.upper())))


def test_digits_typed_into_find_after_ctrl_f_are_searched_not_coded(
    window: MainWindow, project_path: Path
) -> None:
    held = HeldKeys(window)
    press(window, (Qt.Key.Key_F, CTRL), "1", "2")
    assert held.held and not chips(window, "1")  # nothing acted yet
    held.release()
    settle(window)
    assert window.search_bar.isVisible() and window.search_bar.edit.hasFocus()
    assert window.search_bar.edit.text() == "12"
    assert not chips(window, "1") and not fresh_coding(project_path, "1").tags  # not coded


def test_held_coding_keys_undo_and_moves_apply_in_order_once(
    window: MainWindow, project_path: Path
) -> None:
    held = HeldKeys(window)
    press(window, "1", "j", "2", (Qt.Key.Key_Z, CTRL), "3", "k", "4")
    held.release()
    settle(window)
    one, two = fresh_coding(project_path, "1").tags, fresh_coding(project_path, "2").tags
    assert len(one) == 2 and len(two) == 1  # 1 and 4 on clause 1; 2 undone, then 3 on clause 2
    assert len(chips(window, "1")) == 2 and len(chips(window, "2")) == 1
    assert window.clauses.clause(window.clause_view.current_row()).label == "1"


def test_a_widget_context_shortcut_fires_only_with_its_widget_focused(
    window: MainWindow, project_path: Path
) -> None:
    """An action bound to the plan list alone (WidgetShortcut): with the clause list focused Qt
    does not fire it, so the held key must not either; the digit still codes the clause."""
    fired: list[str] = []
    action = QAction("plans only", window.document_view)
    action.setShortcut(QKeySequence("1"))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(lambda: fired.append("plans"))
    window.document_view.addAction(action)
    held = HeldKeys(window)
    press(window, "1")
    held.release()
    settle(window)
    assert fired == [] and len(fresh_coding(project_path, "1").tags) == 1


def test_arrows_at_start_up_move_clauses_even_if_the_window_activates_before_its_panels_show(
    qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    """Under X the window may be activated between build() and the turn in which Qt would show
    the panels just added; Qt then focused the first visible one (the plan list, its dock shown
    by the saved layout), so Down at start-up moved plans instead of clauses."""
    from PySide6.QtWidgets import QWidget

    earlier = make_window(qtbot)  # a layout saved by an earlier session
    earlier.close()
    w = MainWindow(skeleton=True, ask_name=lambda *_: "Olena")
    qtbot.addWidget(w)
    w.show()
    other = QWidget()  # the window is on screen but not yet active
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not w.isActiveWindow())
    w.build()
    with warnings.catch_warnings():  # deprecated, but the one way to activate synchronously
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(w)  # activated now, before the event loop turns
    assert QApplication.focusWidget() is w.clause_view
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    w.open_document(KEY1)
    before = w.clause_view.current_row()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert w.clause_view.current_row() == before + 1 and w.clauses.document_key == KEY1
