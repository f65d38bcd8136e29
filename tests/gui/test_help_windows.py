"""Help: the shortcut sheet (F1, Ctrl+/), Preferences, and the undo history, driven by keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.colors import contrast_ratio
from annotator.gui.main_window import MainWindow
from annotator.gui.preferences import Preferences, PreferencesDialog, apply, dark_palette, load
from tests.gui.conftest import settle
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


@pytest.mark.parametrize("key", ["F1", "Ctrl+/"])
def test_shortcut_sheet_lists_the_menus_keys(qtbot: QtBot, window: MainWindow, key: str) -> None:
    action = window.actions_["shortcuts"]
    assert key in [s.toString() for s in action.shortcuts()]
    action.trigger()
    sheet = window.tools.views["shortcuts"]
    text = sheet.browser.toPlainText()  # type: ignore[attr-defined]
    for words in ("Next uncoded clause", "Select a span by keyboard", "Undo history"):
        assert words in text
    assert "Ctrl+Shift+←" in text and "Esc" in text  # keys that belong to widgets, too
    sheet.close()


def test_undo_history_shows_and_steps_back(qtbot: QtBot, window: MainWindow) -> None:
    base = window.workspace.undo_stack.count()  # type: ignore[union-attr]  # the plans' import
    window.clause_view.go_to_row(row_of_label(window, "1"))
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_J)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)
    window.actions_["undo_history"].trigger()
    history = window.tools.views["undo_history"]
    view = history.view  # type: ignore[attr-defined]
    stack = window.workspace.undo_stack  # type: ignore[union-attr]
    # "Project as opened", the import, then the two tags.
    assert view.model().rowCount() == base + 3 and stack.index() == base + 2
    view.setCurrentIndex(view.model().index(base + 1, 0))  # back to after the first tag
    assert stack.index() == base + 1
    history.close()


def test_preferences_save_and_apply(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before_font, before_palette = app.font(), app.palette()
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.font_size.setValue(14)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.coder.setText("Olena")
    dialog.blind.setCurrentIndex(dialog.blind.findData("on"))
    dialog.accept()
    try:
        assert load() == Preferences(14, "dark", "Olena", "on")
        assert app.font().pointSize() == 14
        base = app.palette().color(app.palette().ColorRole.Base)
        text = app.palette().color(app.palette().ColorRole.Text)
        assert contrast_ratio(base, text) >= 7
    finally:
        apply(app, Preferences())
        app.setFont(before_font)
        app.setPalette(before_palette)


def test_dark_palette_reads_well() -> None:
    p = dark_palette()
    for fg, bg in (
        (p.ColorRole.Text, p.ColorRole.Base),
        (p.ColorRole.WindowText, p.ColorRole.Window),
        (p.ColorRole.PlaceholderText, p.ColorRole.Base),
    ):
        assert contrast_ratio(p.color(fg), p.color(bg)) >= 4.5


def test_default_coder_is_offered_first(qtbot: QtBot) -> None:
    from annotator.gui.dialogs import ask_coder_name
    from annotator.gui.preferences import save

    save(Preferences(default_coder="Taras"))
    offered: list[str] = []

    def answer() -> None:
        from PySide6.QtWidgets import QInputDialog

        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        offered.append(dialog.textValue())
        dialog.accept()

    QTimer.singleShot(0, answer)
    assert ask_coder_name(None, ["Olena", "Taras"]) == "Taras"
    assert offered == ["Taras"]
