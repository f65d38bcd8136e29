"""Help ▸ Keyboard shortcuts (F1, Ctrl+/): every key of the window on one sheet.

The sheet is read from the menus themselves, so it can never list a key that does nothing or
miss one a menu offers; keys that belong to a widget rather than a menu are added by hand.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

#: Keys handled by widgets, not by menu actions: (group, keys, what).
WIDGET_KEYS = (
    ("Clause list", "↑ / ↓, Page Up / Page Down, Home / End", "move through the clauses"),
    ("Clause text", "Shift+arrows, Ctrl+Shift+← / →", "select characters, whole words"),
    ("Clause text", "a category key (1–9)", "tag the selected words as a span"),
    ("Clause text", "Esc", "back to the clause list"),
    ("Memo", "Ctrl+Enter", "save the memo, back to the clause list (leaving it saves it too)"),
    ("Memo", "Esc", "drop the unsaved change, back to the clause list"),
    ("Find bar", "Enter / Shift+Enter", "next / previous match"),
    ("Find bar", "Esc", "close the bar (the query is kept for next time)"),
    ("Disagreements", "1–9, 0", "toggle a category in the consensus, clear it"),
    ("Disagreements", "Alt+1 … Alt+9", "take that coder's set"),
    ("Disagreements", "Enter", "settle the clause and go to the next"),
)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def on_a_usual_keyboard(sequence: QKeySequence) -> bool:
    """False for the platform's extra bindings of a standard key (Undo is also F14 and the
    Undo key on X11): listed, they read as keys the coder is meant to find."""
    if sequence.isEmpty():
        return False
    key = sequence[0].key()  # type: ignore[index]  # QKeySequence[i] is a QKeyCombination
    extra = Qt.Key.Key_F13.value <= key.value <= Qt.Key.Key_F35.value
    return not extra and key.value < Qt.Key.Key_Back.value  # media and office keys beyond


def menu_keys(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, keys, action) for every menu action that has a shortcut, in menu order."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, title: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{title} ▸ {_plain(sub.title())}")
                continue
            keys = [
                s.toString(QKeySequence.SequenceFormat.NativeText)
                for s in action.shortcuts()
                if on_a_usual_keyboard(s)
            ]
            keys = [k for k in keys if k]
            if keys and not action.isSeparator() and action.isVisible():
                rows.append((title, " or ".join(keys), _plain(action.text())))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu, _plain(top.text()))
    return rows


def sheet_html(window: QMainWindow) -> str:
    """The sheet as HTML: a table per menu, then the keys of the widgets."""
    parts = ["<h2>Keyboard shortcuts</h2>"]
    groups: dict[str, list[tuple[str, str]]] = {}
    for group, keys, what in menu_keys(window):
        groups.setdefault(group, []).append((keys, what))
    for group, keys, what in WIDGET_KEYS:
        groups.setdefault(group, []).append((keys, what))
    for group, rows in groups.items():
        parts.append(f"<h3>{html.escape(group)}</h3><table cellspacing='0' cellpadding='3'>")
        for keys, what in rows:
            parts.append(
                f"<tr><td width='38%'><b>{html.escape(keys)}</b></td>"
                f"<td>{html.escape(what)}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)


class ShortcutSheet(QDialog):
    """A non-modal window listing every shortcut; Esc or F1 closes it."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("shortcutText")
        self.browser.setHtml(sheet_html(window))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(620, 640)
