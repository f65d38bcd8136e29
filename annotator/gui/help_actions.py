"""The actions of issue 18's help windows, wired into the menus by one call from menus.build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


def _action(window: MainWindow, text: str, keys: list[str], slot: object) -> QAction:
    action = QAction(text, window)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def _keep(window: MainWindow, name: str, view: QWidget) -> QWidget:
    """One window of each kind, kept alive while open, in the window's tool-window registry."""
    window.tools.keep(name, view)
    view.show()
    view.raise_()
    view.activateWindow()
    return view


def open_shortcuts(window: MainWindow) -> QWidget:
    """Help ▸ Keyboard shortcuts (F1 or Ctrl+/)."""
    from annotator.gui.shortcut_sheet import ShortcutSheet

    return _keep(window, "shortcuts", ShortcutSheet(window))


def open_preferences(window: MainWindow) -> QWidget:
    """Edit ▸ Preferences… (Ctrl+,): window-modal, no nested event loop; applies on OK."""
    from annotator.gui.modal import open_modal
    from annotator.gui.preferences import PreferencesDialog

    return open_modal(PreferencesDialog(window))


def open_undo_history(window: MainWindow) -> QWidget | None:
    """Edit ▸ Undo history… (Ctrl+H): the open project's undo stack."""
    if window.workspace is None:
        return None
    from annotator.gui.undo_history import UndoHistory

    return _keep(window, "undo_history", UndoHistory(window.workspace.undo_stack, window))


def add_to_menus(window: MainWindow, acts: dict[str, QAction], edit_menu: QMenu) -> None:
    """Create the actions; Preferences and Undo history join the Edit menu's lasting part."""
    acts["shortcuts"] = _action(
        window, "&Keyboard shortcuts", ["F1", "Ctrl+/"], lambda: open_shortcuts(window)
    )
    acts["preferences"] = _action(
        window, "&Preferences…", ["Ctrl+,"], lambda: open_preferences(window)
    )
    acts["undo_history"] = _action(
        window, "Undo &history…", ["Ctrl+H"], lambda: open_undo_history(window)
    )
    extra = window.edit_extra  # type: ignore[attr-defined]
    extra += [acts["undo_history"], acts["preferences"]]
    edit_menu.addAction(acts["undo_history"])
    edit_menu.addAction(acts["preferences"])
