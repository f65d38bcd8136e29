"""Small dialogs: who is coding, and About."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

import annotator


def ask_coder_name(parent: QWidget | None, known: Sequence[str]) -> str | None:
    """Ask who is coding: pick a coder of this project or type a new name."""
    from annotator.gui.preferences import load

    suggestion = load().default_coder
    if not suggestion:
        try:
            suggestion = getpass.getuser()
        except Exception:  # no login name (containers, some Windows services)
            suggestion = ""
    items = list(known) or [suggestion]
    if suggestion and suggestion not in items:
        items.append(suggestion)
    name, ok = QInputDialog.getItem(
        parent,
        "Who is coding?",
        "Your name as a coder (it is recorded with every tag you make):",
        items,
        items.index(suggestion) if suggestion in items else 0,
        True,
    )
    return name.strip() if ok and name.strip() else None


def ask_text(
    parent: QWidget | None, title: str, label: str, text: str, answer: Callable[[str], object]
) -> QDialog:
    """One line of text asked window-modal, in a dialog wide enough for its whole title; returns
    the dialog at once, ``answer(text)`` runs once it is accepted (never if cancelled)."""
    from annotator.gui.modal import accepted, open_modal

    dialog = QDialog(parent)
    dialog.setObjectName("askText")
    dialog.setWindowTitle(title)
    edit = QLineEdit(text, dialog)
    caption = QLabel(label, dialog)
    caption.setBuddy(edit)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(caption)
    layout.addWidget(edit)
    layout.addWidget(buttons)
    # A window manager's title bar holds the title, buttons and an icon: leave room for them.
    room = QFontMetrics(dialog.font()).horizontalAdvance(title) + 180
    dialog.setMinimumWidth(max(360, room))
    edit.selectAll()
    open_modal(dialog, lambda code: accepted(code) and answer(edit.text()))
    return dialog


def show_about(parent: QWidget | None, data_folder: str, project_path: str) -> QMessageBox:
    """The About box: version, licence and where the data lives (window-modal, no nested loop)."""
    from annotator.gui.modal import open_modal

    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle("About Plan Annotator")
    box.setIconPixmap(QApplication.windowIcon().pixmap(64, 64))
    box.setText(
        f"<h3>Plan Annotator {annotator.__version__}</h3>"
        "<p>Code plan documents clause by clause, merge coders' work, measure agreement "
        "and export datasets.</p>"
        "<p>Licence: MIT</p>"
        f"<p>Data folder: <code>{data_folder}</code><br>"
        f"Project: <code>{project_path}</code></p>",
    )
    open_modal(box)
    return box
