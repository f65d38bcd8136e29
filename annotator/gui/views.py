"""The two list views, configured for speed and keyboard use."""

from __future__ import annotations

import heapq

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QWidget

from annotator.gui.delegates import ClauseDelegate
from annotator.gui.document_delegate import DocumentDelegate
from annotator.gui.models import ClauseListModel, DocumentListModel

# Above this many clauses rows get one height (measured: 100,000 rows of a QListView take 6.9 s
# to lay out with per-row heights, 0.38 s with uniform sizes).
UNIFORM_ABOVE = 3000
BATCHED_ABOVE = 1000


class ClauseFilter(QSortFilterProxyModel):
    """The clauses the filter shows (see :data:`annotator.gui.models.FILTERS`, or "cat:<key>").

    Not dynamic: a clause tagged under "Uncoded" stays in view until the filter is applied again,
    so the coder sees the tag land instead of the row vanishing under the cursor.
    """

    def __init__(self, model: ClauseListModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.how = "all"
        self.setDynamicSortFilter(False)
        self.setSourceModel(model)
        self.clauses = model

    def set_how(self, how: str) -> None:
        """Filter by ``how`` now (and again, e.g. after edits, when called with the same)."""
        self.beginFilterChange()
        self.how = how
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return self.how == "all" or self.clauses.matches_filter(row, self.how)


class ClauseListView(QListView):
    """The open plan's clauses, one readable row each, through :class:`ClauseFilter`.

    Rows in this class's methods are rows of the clause model (the proxy maps them).
    """

    def __init__(self, model: ClauseListModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("clauseList")
        self.clauses = model
        self.shown = ClauseFilter(model, self)
        self.setModel(self.shown)
        self.clause_delegate = ClauseDelegate(self)
        self.setItemDelegate(self.clause_delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # rows wrap
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        model.modelAboutToBeReset.connect(self.clause_delegate.invalidate)
        model.modelReset.connect(self._size_mode)

    def _size_mode(self) -> None:
        model = self.clauses
        rows = model.rowCount()
        huge = rows > UNIFORM_ABOVE
        font = QFont(self.font())
        font.setBold(True)
        fm = QFontMetrics(font)
        # The longest labels by characters, from every row ("10000" is the last of 10,000).
        longest = heapq.nlargest(32, (model.clause(r).label for r in range(rows)), key=len)
        widest = max((fm.horizontalAdvance(label) for label in longest), default=0)
        self.clause_delegate.label_width = (
            max(fm.horizontalAdvance("00.0"), min(widest, fm.horizontalAdvance("Preamble ¶99"))) + 4
        )
        self.clause_delegate.fixed_lines = 3 if huge else None
        # Batches keep a long plan responsive while it is laid out, but make rows jump once.
        batched = rows > BATCHED_ABOVE
        self.setLayoutMode(
            QListView.LayoutMode.Batched if batched else QListView.LayoutMode.SinglePass
        )
        self.setUniformItemSizes(huge)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if event.size().width() == event.oldSize().width():
            # Rows depend on the width only: a shorter or taller list (the Find bar opening)
            # needs no new layout, which in batched mode would scroll back to the first rows.
            QAbstractItemView.resizeEvent(self, event)
            current = self.currentIndex()
            if current.isValid():
                self.scrollTo(current, QAbstractItemView.ScrollHint.EnsureVisible)
            return
        super().resizeEvent(event)
        if not self.uniformItemSizes():
            # Row heights follow the width (wrapped text): lay out again now, not in a while,
            # or rows painted at the new width sit in slots sized for the old one.
            if self.clauses.rowCount() <= BATCHED_ABOVE:
                self.doItemsLayout()
            else:
                self.scheduleDelayedItemsLayout()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Preferences ▸ text size: new row heights
            self.clause_delegate.invalidate()
            self._size_mode()
            self.doItemsLayout()
            if self.currentIndex().isValid():  # the clause being read stays in view
                self.scrollTo(self.currentIndex(), QAbstractItemView.ScrollHint.EnsureVisible)

    def keyboardSearch(self, search: str) -> None:
        """Letters are commands here (J, K, N), never a jump to a matching row."""

    def current_row(self) -> int:
        """The clause model's row of the current clause, or -1."""
        index = self.shown.mapToSource(self.currentIndex())
        return index.row() if index.isValid() else -1

    def is_shown(self, row: int) -> bool:
        """Whether the filter shows the clause model's ``row``."""
        return self.shown.mapFromSource(self.clauses.index(row, 0)).isValid()

    def shown_count(self) -> int:
        return self.shown.rowCount()

    def go_to_row(self, row: int) -> None:
        """Make the clause model's ``row`` current, if the filter shows it."""
        index = self.shown.mapFromSource(self.clauses.index(row, 0, QModelIndex()))
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)


class DocumentListView(QListView):
    """The project's plans with their progress."""

    def __init__(self, model: DocumentListModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("documentList")
        self.setModel(model)
        self.setItemDelegate(DocumentDelegate(self))
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # titles elide
        self.setMinimumWidth(180)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QFrame.Shape.NoFrame)
