"""Two plans side by side: linked clauses aligned, added and dropped clauses marked.

:class:`SideBySideView` shows the rows of :func:`annotator.core.links.align` for two plans: the
left clause, the link status (linked, moved, added, dropped) in colour, the right clause, and the
categories the current coder gave one side only, as chips. Below, the suggested links (ranked by
text similarity) are accepted with A or Enter and rejected with R; the selected link is removed
with Delete. Every decision goes through the operation runner (``workspace.ops.edit``) and so
can be undone. "Previous / next revision" step through the plan's revisions in order (:func:`revisions_in_order`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFontMetrics, QKeyEvent, QPainter, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Kind
from annotator.core.edits import Edit
from annotator.core.links import ADDED, DROPPED, LINKED, MOVED, align
from annotator.gui.colors import category_color, text_on
from annotator.gui.delegates import compact_text
from annotator.gui.ops import Change
from annotator.gui.workspace import Workspace
from annotator.services import links as link_service
from annotator.services.types import ClauseInfo

Index = QModelIndex | QPersistentModelIndex

LEFT, STATUS, RIGHT, DIFFERENCES = range(4)
HEADERS = ("Left plan", "Status", "Right plan", "Categories on one side only")
STATUS_COLORS = {
    LINKED: "#d7ecd9",
    MOVED: "#dcdcf4",
    ADDED: "#fbe3c2",
    DROPPED: "#f6d0d0",
}
#: Item data role holding a row's list of (category key, side) differences ("left" / "right").
DIFFERENCES_ROLE = Qt.ItemDataRole.UserRole + 1
#: Item data role holding the clause id (left / right columns) or the link id (status column).
ID_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class SideRow:
    """One row as shown: a clause (or nothing) on each side, the status, the link if any."""

    left: ClauseInfo | None
    right: ClauseInfo | None
    status: str
    link_id: str | None
    differences: tuple[tuple[str, str], ...]


class SideBySideModel(QAbstractTableModel):
    """The aligned rows of two plans (a thin adapter over the link service and ``align``)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.rows: list[SideRow] = []
        self.texts: tuple[str, str] = ("", "")
        self.left_key: str | None = None
        self.right_key: str | None = None

    def load(self, left_key: str | None, right_key: str | None) -> None:
        """Recompute the rows for this pair of plans (either may be None: no rows)."""
        self.beginResetModel()
        self.left_key, self.right_key = left_key, right_key
        self.rows = []
        if left_key and right_key and left_key != right_key:
            self.rows = self._build(left_key, right_key)
        self.endResetModel()

    def _build(self, left_key: str, right_key: str) -> list[SideRow]:
        project = self.workspace.project
        left, right = project.clauses(left_key), project.clauses(right_key)
        self.texts = (project.document(left_key).text, project.document(right_key).text)
        left_at = {c.id: i for i, c in enumerate(left)}
        right_at = {c.id: j for j, c in enumerate(right)}
        link_of: dict[tuple[int, int], str] = {}
        for link in link_service.links(project, left_key, right_key):
            pair = (left_at[link.source_clause.id], right_at[link.target_clause.id])
            link_of.setdefault(pair, link.id)
        coder = self.workspace.coder_id
        left_cats = {k: c.categories for k, c in project.coding(left_key, coder).items()}
        right_cats = {k: c.categories for k, c in project.coding(right_key, coder).items()}
        order = {c.key: n for n, c in enumerate(self.workspace.categories)}
        rows = []
        for row in align(len(left), len(right), link_of):
            a = left[row.source] if row.source is not None else None
            b = right[row.target] if row.target is not None else None
            differences: tuple[tuple[str, str], ...] = ()
            if a is not None and b is not None:
                mine = left_cats.get(a.id, frozenset())
                theirs = right_cats.get(b.id, frozenset())
                differences = tuple(
                    sorted(
                        [(k, "left") for k in mine - theirs]
                        + [(k, "right") for k in theirs - mine],
                        key=lambda d: (d[1], order.get(d[0], len(order)), d[0]),
                    )
                )
            link_id = None
            if row.source is not None and row.target is not None:
                link_id = link_of.get((row.source, row.target))
            rows.append(SideRow(a, b, row.status, link_id, differences))
        return rows

    def clause_text(self, side: int, clause: ClauseInfo) -> str:
        return compact_text(self.texts[side][clause.start : clause.end]).strip()

    # -- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column in (LEFT, RIGHT):
                clause = row.left if column == LEFT else row.right
                if clause is None:
                    return ""
                return self.clause_text(0 if column == LEFT else 1, clause)
            if column == STATUS:
                return row.status
            if column == DIFFERENCES:
                return ", ".join(f"{k} ({side})" for k, side in row.differences)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == STATUS:
                return QColor(STATUS_COLORS[row.status])
            if column == DIFFERENCES and row.differences:
                return QColor("#fff4c2")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignHCenter if column == STATUS else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignTop)
        if role == DIFFERENCES_ROLE and column == DIFFERENCES:
            return list(row.differences)
        if role == ID_ROLE:
            if column == LEFT:
                return row.left.id if row.left else None
            if column == RIGHT:
                return row.right.id if row.right else None
            return row.link_id
        if role == Qt.ItemDataRole.ToolTipRole and column == STATUS:
            return {
                LINKED: "Linked clauses, in the order of both plans",
                MOVED: "Linked, but the clause moved to another place",
                ADDED: "Only in the right plan",
                DROPPED: "Only in the left plan",
            }[row.status]
        return None


class ChipDelegate(QStyledItemDelegate):
    """Paints the differences column as category chips: ◀ left only, ▶ right only."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace

    def _chips(self, index: Index) -> list[tuple[str, QColor]]:
        chips = []
        for key, side in index.data(DIFFERENCES_ROLE) or []:
            cat = self.workspace.category(key)
            name = cat.name if cat else key
            arrow = "◀" if side == "left" else "▶"
            chips.append((f"{arrow} {name}", category_color(cat.color if cat else None)))
        return chips

    @staticmethod
    def _layout(
        chips: list[tuple[str, QColor]], area: QRect, fm: QFontMetrics
    ) -> list[tuple[QRect, str, QColor]]:
        """Chips placed left to right, wrapping to a new line when the cell is full."""
        placed = []
        height = fm.height() + 4
        x, y = area.left() + 4, area.top() + 4
        for text, color in chips:
            width = fm.horizontalAdvance(text) + 12
            if x + width > area.right() - 4 and x > area.left() + 4:
                x, y = area.left() + 4, y + height + 3
            placed.append((QRect(x, y, width, height), text, color))
            x += width + 4
        return placed

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        chips = self._chips(index)
        if not chips:
            super().paint(painter, option, index)
            return
        painter.save()
        painter.fillRect(option.rect, QColor("#fff4c2"))  # a difference: highlighted
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for rect, text, color in self._layout(chips, option.rect, option.fontMetrics):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(text_on(color))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        base = super().sizeHint(option, index)
        chips = self._chips(index)
        if not chips:
            return base
        fm = option.fontMetrics
        width = option.rect.width() if option.rect.width() > 0 else 10_000
        placed = self._layout(chips, QRect(0, 0, width, 0), fm)
        bottom = max(rect.bottom() for rect, _, _ in placed) + 6
        right = max(rect.right() for rect, _, _ in placed) + 6
        return QSize(min(right, width), bottom)


class SuggestionTable(QTableWidget):
    """Suggested links; A or Enter accepts the current one, R rejects it."""

    def __init__(self, view: SideBySideView):
        super().__init__(0, 3, view)
        self.view = view
        self.setHorizontalHeaderLabels(["Left clause", "Right clause", "Similarity"])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_A, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.view.accept_current()
        elif key == Qt.Key.Key_R:
            self.view.reject_current()
        else:
            super().keyPressEvent(event)


class AlignedTable(QTableView):
    """The aligned rows; Delete removes the selected row's link."""

    def __init__(self, view: SideBySideView):
        super().__init__(view)
        self.view = view

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.view.unlink_current()
        else:
            super().keyPressEvent(event)


class SideBySideView(QDialog):
    """Two plans side by side, with link suggestions to accept or reject.

    Open it with ``SideBySideView(workspace, parent, left_key, right_key).exec()`` (or ``show()``).
    Without keys, the first plan and its next revision (or the second plan) are shown.
    """

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        left_key: str | None = None,
        right_key: str | None = None,
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Plans side by side")
        self.resize(1100, 720)
        self.suggestions: list[link_service.LinkSuggestion] = []

        self.left_combo = QComboBox()
        self.right_combo = QComboBox()
        for combo in (self.left_combo, self.right_combo):
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.previous_button = QPushButton("◀ Previous revision")
        self.next_button = QPushButton("Next revision ▶")
        self.previous_button.setToolTip("Show the revision pair before this one (Alt+Left)")
        self.next_button.setToolTip("Show the revision pair after this one (Alt+Right)")
        self.previous_button.setShortcut("Alt+Left")
        self.next_button.setShortcut("Alt+Right")
        pickers = QHBoxLayout()
        left_label = QLabel("&Left:")
        left_label.setBuddy(self.left_combo)
        right_label = QLabel("R&ight:")
        right_label.setBuddy(self.right_combo)
        pickers.addWidget(left_label)
        pickers.addWidget(self.left_combo, 1)
        pickers.addWidget(self.previous_button)
        pickers.addWidget(self.next_button)
        pickers.addWidget(right_label)
        pickers.addWidget(self.right_combo, 1)

        self.model = SideBySideModel(workspace, self)
        self.table = AlignedTable(self)
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setItemDelegateForColumn(DIFFERENCES, ChipDelegate(workspace, self.table))
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LEFT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(RIGHT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(DIFFERENCES, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(STATUS, 80)
        self.table.setColumnWidth(DIFFERENCES, 220)
        # Row heights depend on the column widths: recomputed once the widths settle.
        self._sizer = QTimer(self)
        self._sizer.setSingleShot(True)
        self._sizer.setInterval(30)
        self._sizer.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._sizer.start())
        self.summary = QLabel()

        self.suggestion_table = SuggestionTable(self)
        self.accept_button = QPushButton("&Accept (A)")
        self.reject_button = QPushButton("&Reject (R)")
        self.unlink_button = QPushButton("&Unlink selected row")
        hint = QLabel("Suggested links, most similar first:")
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.unlink_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(buttons)
        lower_layout.addWidget(self.suggestion_table)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table)
        upper_layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(pickers)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)

        self._fill_pickers(left_key, right_key)
        self.left_combo.currentIndexChanged.connect(self.refresh)
        self.right_combo.currentIndexChanged.connect(self.refresh)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.accept_button.clicked.connect(self.accept_current)
        self.reject_button.clicked.connect(self.reject_current)
        self.unlink_button.clicked.connect(self.unlink_current)
        workspace.ops.changed.connect(self._on_changed)
        self.refresh()
        self.suggestion_table.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._sizer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sizer.start()

    # -- plans ---------------------------------------------------------------------------------

    def _fill_pickers(self, left_key: str | None, right_key: str | None) -> None:
        documents = self.workspace.project.documents()
        for combo in (self.left_combo, self.right_combo):
            combo.blockSignals(True)
            combo.clear()
            for doc in documents:
                combo.addItem(doc.title, doc.key)
            combo.blockSignals(False)
        keys = [d.key for d in documents]
        if left_key is None and keys:
            left_key = keys[0]
        if right_key is None and left_key is not None:
            family = [
                d.key for d in link_service.revisions_in_order(self.workspace.project, left_key)
            ]
            at = family.index(left_key)
            others = [k for k in keys if k != left_key]
            if at + 1 < len(family):
                right_key = family[at + 1]
            elif others:
                right_key = others[0]
        self._select(left_key, right_key)

    def _select(self, left_key: str | None, right_key: str | None) -> None:
        for combo, key in ((self.left_combo, left_key), (self.right_combo, right_key)):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(key) if key is not None else -1)
            combo.blockSignals(False)

    @property
    def left_key(self) -> str | None:
        key = self.left_combo.currentData()
        return str(key) if key is not None else None

    @property
    def right_key(self) -> str | None:
        key = self.right_combo.currentData()
        return str(key) if key is not None else None

    def _revision_pairs(self) -> tuple[list[str], int | None]:
        """The family's revisions in order and the position of the shown consecutive pair."""
        left, right = self.left_key, self.right_key
        if left is None:
            return [], None
        family = [d.key for d in link_service.revisions_in_order(self.workspace.project, left)]
        at = family.index(left)
        return family, at if right in family else None

    def step(self, direction: int) -> None:
        """Show the pair of consecutive revisions before (-1) or after (+1) the shown one."""
        family, _ = self._revision_pairs()
        if len(family) < 2 or self.left_key is None:
            return
        at = family.index(self.left_key) + direction
        at = max(0, min(at, len(family) - 2))
        self._select(family[at], family[at + 1])
        self.refresh()

    # -- content -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the rows and the suggestions for the chosen plans."""
        left, right = self.left_key, self.right_key
        self.model.load(left, right)
        self.table.resizeRowsToContents()
        self.suggestions = []
        if left and right and left != right:
            self.suggestions = link_service.suggest(self.workspace.project, left, right)
        self._fill_suggestions()
        family, at = self._revision_pairs()
        position = family.index(left) if left in family else 0
        self.previous_button.setEnabled(len(family) > 1 and (at is None or position > 0))
        self.next_button.setEnabled(len(family) > 1 and (at is None or position + 2 < len(family)))
        counts = {s: 0 for s in (LINKED, MOVED, DROPPED, ADDED)}
        for row in self.model.rows:
            counts[row.status] += 1
        differing = sum(1 for r in self.model.rows if r.differences)
        if left == right and left is not None:
            self.summary.setText("Choose two different plans.")
        else:
            self.summary.setText(
                f"{counts[LINKED]} linked, {counts[MOVED]} moved, {counts[DROPPED]} dropped, "
                f"{counts[ADDED]} added; {differing} linked rows coded differently by "
                f"{self.workspace.coder_name}. {len(self.suggestions)} suggestions."
            )
        self.accept_button.setEnabled(bool(self.suggestions))
        self.reject_button.setEnabled(bool(self.suggestions))

    def _fill_suggestions(self) -> None:
        table = self.suggestion_table
        current = max(table.currentRow(), 0)
        table.setRowCount(len(self.suggestions))
        for n, s in enumerate(self.suggestions):
            for column, (side, clause) in enumerate(((0, s.source_clause), (1, s.target_clause))):
                text = self.model.clause_text(side, clause)
                item = QTableWidgetItem(text if len(text) <= 140 else text[:139] + "…")
                item.setToolTip(text)
                table.setItem(n, column, item)
            score = QTableWidgetItem(f"{s.score:.2f}")
            score.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.setItem(n, 2, score)
        if self.suggestions:
            table.setCurrentCell(min(current, len(self.suggestions) - 1), 0)

    def _current_suggestion(self) -> link_service.LinkSuggestion | None:
        row = self.suggestion_table.currentRow()
        return self.suggestions[row] if 0 <= row < len(self.suggestions) else None

    # -- decisions (each one undoable Edit) ----------------------------------------------------

    def accept_current(self) -> Edit | None:
        """Accept the current suggestion."""
        s = self._current_suggestion()
        if s is None:
            return None
        project, coder = self.workspace.project, self.workspace.coder_id
        a, b = s.source_clause.id, s.target_clause.id
        return self.workspace.ops.edit(lambda: link_service.accept(project, a, b, coder))

    def reject_current(self) -> Edit | None:
        """Reject the current suggestion: it is not suggested again."""
        s = self._current_suggestion()
        if s is None:
            return None
        project, coder = self.workspace.project, self.workspace.coder_id
        a, b = s.source_clause.id, s.target_clause.id
        return self.workspace.ops.edit(lambda: link_service.reject(project, a, b, coder))

    def unlink_current(self) -> Edit | None:
        """Remove the link of the selected aligned row."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        link_id = self.model.rows[index.row()].link_id
        if link_id is None:
            return None
        project = self.workspace.project
        return self.workspace.ops.edit(lambda: link_service.unlink(project, link_id))

    def _on_changed(self, change: Change) -> None:
        # The view is cheap to rebuild: any change to what it shows rebuilds it.
        if change.touches(Kind.LINKS, Kind.CODING, Kind.CLAUSES, Kind.DOCUMENTS, Kind.CODEBOOK):
            self.refresh()
