"""A dock listing every coder's progress per plan (counts only), refreshed by polling.

The counts come from :func:`annotator.services.progress.coder_progress`, which blind mode cannot
hide (numbers, never tags). The query takes about 150 ms on a server with 20 coders who have each
coded 10,000 clauses, so it runs on the window's operation runner; a poll that finds the previous
one still running is skipped. The timer runs only while the dock is visible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHideEvent, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.delegates import draw_item_panel
from annotator.gui.ops import Job
from annotator.gui.workspace import Workspace

if TYPE_CHECKING:
    from annotator.services.project import Project

DEFAULT_INTERVAL_MS = 5000
Index = QModelIndex | QPersistentModelIndex
#: Item role holding ``(coded, clauses)`` for the bar delegate.
CELL_ROLE = Qt.ItemDataRole.UserRole + 1
DONE_COLOR = "#3d8b47"  # the document list's "finished" green


class ProgressModel(QAbstractTableModel):
    """Rows: coders; columns: plans; each cell ``(coded, clauses)``."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.coders: list[tuple[str, str]] = []
        self.plans: list[tuple[str, str]] = []  # (key, title)
        self.cells: dict[tuple[str, str], tuple[int, int]] = {}
        self.me: str | None = None

    def set_data(
        self,
        coders: list[tuple[str, str]],
        plans: list[tuple[str, str]],
        cells: dict[tuple[str, str], tuple[int, int]],
    ) -> None:
        """Replace the whole table (a poll returns everything; it is small)."""
        self.beginResetModel()
        self.coders, self.plans, self.cells = coders, plans, cells
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.coders)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.plans)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        coder_id, _name = self.coders[index.row()]
        key, title = self.plans[index.column()]
        coded, total = self.cells.get((coder_id, key), (0, 0))
        if role == CELL_ROLE:
            return (coded, total)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{coded}/{total}"
        if role == Qt.ItemDataRole.ToolTipRole:
            share = f" ({100 * coded / total:.0f}%)" if total else ""
            return f"{self.coders[index.row()][1]} — {title}: {coded} of {total} clauses{share}"
        if role == Qt.ItemDataRole.FontRole and coder_id == self.me:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.plans):
                return self.plans[section][1]
            return None
        if 0 <= section < len(self.coders):
            coder_id, name = self.coders[section]
            return f"{name} (you)" if coder_id == self.me else name
        return None


class BarDelegate(QStyledItemDelegate):
    """A thin bar with ``coded/total`` at its right, as in the document list."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(fm.horizontalAdvance("00000/00000") + 60, fm.height() + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = draw_item_panel(self, painter, option, index)
        coded, total = index.data(CELL_ROLE) or (0, 0)
        fm = QFontMetrics(opt.font)
        rect = opt.rect.adjusted(6, 0, -6, 0)
        count = f"{coded}/{total}"
        count_w = fm.horizontalAdvance(count) + 6
        bar = QRectF(rect.left(), rect.center().y() - 3, max(0, rect.width() - count_w), 6)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        trough = opt.palette.color(QPalette.ColorRole.Mid)
        trough.setAlpha(110)
        painter.setBrush(trough)
        painter.drawRoundedRect(bar, 3, 3)
        if total and coded:
            fill = QRectF(bar)
            fill.setWidth(max(6.0, bar.width() * min(coded, total) / total))
            painter.setBrush(
                QColor(DONE_COLOR)
                if coded >= total
                else opt.palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
            )
            painter.drawRoundedRect(fill, 3, 3)
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            QRect(rect.right() - count_w, rect.top(), count_w, rect.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            count,
        )
        painter.restore()


def _poll(project: Project) -> tuple[list[Any], list[tuple[str, str]]]:
    """One progress query, on the runner's pool (the engine's pool gives it its own connection)."""
    from annotator.services.progress import coder_progress

    rows = coder_progress(project)
    return rows, [(d.key, d.title) for d in project.documents()]


class TeamProgressPanel(QDockWidget):
    """Coders × plans, each cell a bar of clauses coded; polls while visible.

    ``refresh()`` starts a poll now (the timer calls it every ``interval_ms``); ``refreshed`` is
    emitted once the table shows the new counts, ``failed`` with a one-line message otherwise.
    """

    refreshed = Signal()
    failed = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
    ):
        super().__init__("Team progress", parent)
        self.setObjectName("teamProgressDock")
        self.workspace = workspace
        self._poll: Job[Any] | None = None
        self._again = False

        self.model = ProgressModel(self)
        self.model.me = workspace.coder_id
        self.view = QTableView(self)
        self.view.setObjectName("teamProgressTable")
        self.view.setModel(self.model)
        self.view.setItemDelegate(BarDelegate(self.view))
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setMinimumSectionSize(110)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.status = QLabel("")
        self.status.setObjectName("teamProgressStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: palette(mid);")

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self.setWidget(body)

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        workspace.ops.changed.connect(self._own_edit)

    # -- polling -------------------------------------------------------------------------------

    def set_interval(self, interval_ms: int) -> None:
        """Poll every ``interval_ms`` milliseconds (takes effect at once)."""
        self.timer.setInterval(interval_ms)

    @Slot()
    def refresh(self) -> None:
        """Query the counts in a worker thread; a poll already running makes this one wait."""
        if self._poll is not None:
            self._again = True
            return
        project = self.workspace.project
        self._poll = self.workspace.ops.run(
            lambda _progress: _poll(project),
            on_done=lambda result: self._arrived(result, None),
            on_failed=lambda message: self._arrived(
                None, f"cannot read the team's progress: {message}"
            ),
            owner=self,
        )

    def _own_edit(self, _edit: object) -> None:
        if self.isVisible():
            self.refresh()

    def _arrived(self, result: object, error: object) -> None:
        self._poll = None
        if error is not None:
            self.status.setText(str(error))
            self.failed.emit(str(error))
        else:
            rows, titles = cast("tuple[list[Any], list[tuple[str, str]]]", result)
            self._show(rows, titles)
            self.status.setText("")
            self.refreshed.emit()
        if self._again:
            self._again = False
            self.refresh()

    def _show(self, rows: list[Any], titles: list[tuple[str, str]]) -> None:
        from annotator.services.progress import progress_table

        coders, keys, cells = progress_table(rows)
        title_of = dict(titles)
        self.model.me = self.workspace.coder_id
        self.model.set_data(coders, [(k, title_of.get(k, k[:8])) for k in keys], cells)

    # -- visibility ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()  # a hidden dock costs the server nothing
        super().hideEvent(event)
