"""Edit ▸ Undo history: every edit of this session by name; click one to go back to it."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QUndoView, QVBoxLayout, QWidget


class UndoHistory(QDialog):
    """A :class:`QUndoView` of the workspace's stack: the rows are the edits, the current one
    is selected; selecting another undoes or redoes up to it (in this project, this session)."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("undoHistory")
        self.setWindowTitle("Undo history")
        self.view = QUndoView(stack, self)
        self.view.setObjectName("undoView")
        self.view.setEmptyLabel("Project as opened")
        note = QLabel(
            "Select an edit to undo everything after it; select a later one to redo. "
            "Every step is saved at once.",
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(420, 480)
