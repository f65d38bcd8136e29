"""What the codebook editor asks the user, and its coding-rule box.

The name prompt and the colour picker open window-modal through :func:`annotator.gui.modal.
open_modal` and return at once: the answer comes to a callback, so a save still running behind
them finishes in the application's own loop (no nested event loop, issue 16). The editor holds
the name prompt and the file pickers as replaceable hooks (tests answer them directly).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QColorDialog, QFileDialog, QPlainTextEdit, QWidget

from annotator.gui.modal import accepted, open_modal

FILE_FILTER = "Codebooks (*.json *.qdc);;JSON codebook (*.json);;REFI-QDA codebook (*.qdc)"

#: ``(parent, title, label, text, answer)``: asks for a category name window-modal and returns
#: at once; ``answer(name)`` runs once it is accepted (never if cancelled).
AskText = Callable[[QWidget, str, str, str, Callable[[str], object]], object]
#: ``(parent, title) -> path | None``: asks for a file to read or write.
AskPath = Callable[[QWidget, str], "str | None"]


def ask_name(
    parent: QWidget, title: str, label: str, text: str, answer: Callable[[str], object]
) -> None:
    from annotator.gui.dialogs import ask_text

    ask_text(parent, title, label, text, answer)


def ask_colour(
    parent: QWidget, title: str, colour: QColor, answer: Callable[[str], object]
) -> QColorDialog:
    """A colour picked window-modal (returns the picker at once); ``answer("#rrggbb")`` once
    accepted, never if cancelled."""
    picker = QColorDialog(colour, parent)
    picker.setObjectName("categoryColour")
    picker.setWindowTitle(title)

    def picked(code: int) -> None:
        chosen = picker.selectedColor()
        if accepted(code) and chosen.isValid():
            answer(QColor(chosen).name())

    open_modal(picker, picked)
    return picker


def ask_open(parent: QWidget, title: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", FILE_FILTER)
    return path or None


def ask_save(parent: QWidget, title: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, "codebook.json", FILE_FILTER)
    return path or None


class DescriptionEdit(QPlainTextEdit):
    """A coding-rule box that commits on focus-out and on Enter (Shift+Enter for a new line)."""

    committed = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.committed.emit(self.toPlainText())
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.committed.emit(self.toPlainText())
        super().focusOutEvent(event)
