"""The codebook dock: each category with its key, colour and name; the coding rule as tooltip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QVBoxLayout, QWidget

from annotator.core.codebook import Category
from annotator.gui.colors import category_color
from annotator.gui.models import Role

Index = QModelIndex | QPersistentModelIndex
NONE_KEY = ""  # the "no category applies" row


def swatch(color: QColor, size: int = 14) -> QIcon:
    """A small rounded colour square for a category."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(color.darker(130))
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3)
    painter.end()
    return QIcon(pixmap)


class CodebookModel(QAbstractListModel):
    """Categories in codebook order, then a last row for "0 none applies"."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._cats: list[Category] = []
        self._icons: list[QIcon] = []

    def set_categories(self, categories: Sequence[Category]) -> None:
        if list(categories) == self._cats:  # read again unchanged: keep the selection
            return
        self.beginResetModel()
        self._cats = list(categories)
        self._icons = [swatch(category_color(c.color)) for c in self._cats]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._cats) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() <= len(self._cats):
            return None
        if index.row() == len(self._cats):
            if role == Qt.ItemDataRole.DisplayRole:
                return "0    None applies"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "No category applies to this clause (key 0)."
            return NONE_KEY if role == Role.KEY else None
        cat = self._cats[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{cat.shortcut or '·'}    {cat.name}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            key = f" (key {cat.shortcut})" if cat.shortcut else ""
            return f"<b>{cat.name}</b>{key}<p>{cat.description or 'No coding rule yet.'}</p>"
        if role == Role.KEY:
            return cat.key
        return None


class CodebookPanel(QWidget):
    """The list of categories; activating one (Enter, double-click) applies it."""

    #: A category key, or "" for "none applies".
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = CodebookModel(self)
        self.view = QListView(self)
        self.view.setObjectName("codebookView")
        self.view.setModel(self.model)
        self.view.setIconSize(QSize(14, 14))
        self.view.setSpacing(2)
        self.view.setUniformItemSizes(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.activated.connect(lambda index: self.chosen.emit(index.data(Role.KEY)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Preferences ▸ text size: taller rows
            self._fit()

    def set_categories(self, categories: Sequence[Category]) -> None:
        self.model.set_categories(categories)
        self._fit()

    def _fit(self) -> None:
        # As tall as its rows (up to a dozen), so the clause below gets the rest of the dock.
        rows = min(self.model.rowCount(), 12)
        row_h = self.view.sizeHintForRow(0) + 2 * self.view.spacing() if rows else 20
        self.view.setFixedHeight(rows * row_h + 2 * self.view.frameWidth() + 4)
