"""The rows of the side-by-side view: the aligned-rows model, its chip delegate and the tables.

Split from :mod:`annotator.gui.side_by_side`, which builds the window from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QWidget,
)

from annotator.core.links import ADDED, DROPPED, LINKED, MOVED, align
from annotator.gui.colors import category_color, text_on
from annotator.gui.delegates import compact_text
from annotator.gui.markdown import without_markers
from annotator.gui.workspace import Workspace
from annotator.services import links as link_service
from annotator.services.types import ClauseInfo

if TYPE_CHECKING:
    from annotator.core.codebook import Category
    from annotator.gui.side_by_side import SideBySideView
    from annotator.services.project import Project

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
        ws = self.workspace
        self.show(read_pair(ws.project, ws.coder_id, ws.categories, left_key, right_key))

    def show(self, pair: Pair) -> None:
        """The rows of ``pair`` (read by :func:`read_pair`, on a team server off the UI thread)."""
        self.beginResetModel()
        self.left_key, self.right_key = pair.left_key, pair.right_key
        self.rows, self.texts = pair.rows, pair.texts
        self.endResetModel()

    def clause_text(self, side: int, clause: ClauseInfo) -> str:
        raw = self.texts[side][clause.start : clause.end]
        return compact_text(without_markers(raw)).strip()  # as the clause list shows it

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


@dataclass(frozen=True)
class Pair:
    """Everything the side-by-side view shows for two plans, read in one go."""

    left_key: str | None
    right_key: str | None
    rows: list[SideRow]
    texts: tuple[str, str]
    suggestions: list[link_service.LinkSuggestion]
    family: list[str]  # the left plan's revisions, oldest first
    coder_name: str


def read_pair(
    project: Project,
    coder_id: str,
    categories: list[Category],
    left_key: str | None,
    right_key: str | None,
) -> Pair:
    """The aligned rows of two plans, the link suggestions between them, the left plan's
    revisions and the coder's name (any thread: on a team server the view reads it off the UI
    thread)."""
    coder = project.coder(coder_id)
    name = coder.name if coder else "?"
    family = [d.key for d in link_service.revisions_in_order(project, left_key)] if left_key else []
    if not (left_key and right_key and left_key != right_key):
        return Pair(left_key, right_key, [], ("", ""), [], family, name)
    left, right = project.clauses(left_key), project.clauses(right_key)
    texts = (project.document(left_key).text, project.document(right_key).text)
    left_at = {c.id: i for i, c in enumerate(left)}
    right_at = {c.id: j for j, c in enumerate(right)}
    link_of: dict[tuple[int, int], str] = {}
    for link in link_service.links(project, left_key, right_key):
        pair = (left_at[link.source_clause.id], right_at[link.target_clause.id])
        link_of.setdefault(pair, link.id)
    left_cats = {k: c.categories for k, c in project.coding(left_key, coder_id).items()}
    right_cats = {k: c.categories for k, c in project.coding(right_key, coder_id).items()}
    order = {c.key: n for n, c in enumerate(categories)}
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
                    [(k, "left") for k in mine - theirs] + [(k, "right") for k in theirs - mine],
                    key=lambda d: (d[1], order.get(d[0], len(order)), d[0]),
                )
            )
        link_id = None
        if row.source is not None and row.target is not None:
            link_id = link_of.get((row.source, row.target))
        rows.append(SideRow(a, b, row.status, link_id, differences))
    suggestions = link_service.suggest(project, left_key, right_key)
    return Pair(left_key, right_key, rows, texts, suggestions, family, name)
