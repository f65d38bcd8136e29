"""Window-modal dialogs without a nested event loop.

``QDialog.exec()`` (and the static ``QMessageBox``/``QInputDialog`` helpers) spin a second event
loop: a job that finishes meanwhile runs its callbacks inside it, and a dialog opened from one of
them can lock the application (issue 16). :func:`open_modal` shows a dialog with ``open()``
instead and continues in a callback when it closes; the caller returns at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QInputDialog, QWidget


def open_modal(dialog: QDialog, answer: Callable[[int], object] | None = None) -> QDialog:
    """Show ``dialog`` window-modal; ``answer(result code)`` runs once it closes, then it goes.

    Once only: QDialog emits ``finished`` again for a second ``accept()`` (a double Enter),
    which exec() used to swallow because its loop had already returned.
    """
    answered: list[int] = []

    def finished(code: int) -> None:
        if answered:
            return
        answered.append(code)
        try:
            if answer is not None:
                answer(code)
        finally:
            dialog.deleteLater()

    dialog.finished.connect(finished)
    dialog.open()
    return dialog


def accepted(code: int) -> bool:
    """True for the result code of an accepted dialog."""
    return code == QDialog.DialogCode.Accepted


def ask_line(
    parent: QWidget, title: str, label: str, answer: Callable[[str], object]
) -> QInputDialog:
    """One line of text asked window-modal; ``answer(text)`` once accepted (not if cancelled)."""
    ask = QInputDialog(parent)
    ask.setObjectName("askLine")
    ask.setWindowTitle(title)
    ask.setLabelText(label)
    open_modal(ask, lambda code: accepted(code) and answer(ask.textValue()))
    return ask
