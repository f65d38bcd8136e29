"""Two plans side by side: linked clauses aligned, added and dropped clauses marked.

:class:`SideBySideView` shows the rows of :func:`annotator.core.links.align` for two plans: the
left clause, the link status (linked, moved, added, dropped) in colour, the right clause, and the
categories the current coder gave one side only, as chips. Below, the suggested links (ranked by
text similarity) are accepted with A or Enter and rejected with R; the selected link is removed
with Delete. Every decision goes through ``workspace.edit`` (on a team server a background write,
see :mod:`annotator.gui.saving`) and so can be undone. "Previous / next revision" step through
the plan's revisions in order (:func:`revisions_in_order`). The rows (model, chips, tables) are
in :mod:`.side_by_side_rows`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    Qt,
    QTimer,
)
from PySide6.QtGui import QResizeEvent, QShowEvent
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
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Kind
from annotator.core.edits import Edit
from annotator.core.links import ADDED, DROPPED, LINKED, MOVED
from annotator.gui.ops import Change
from annotator.gui.side_by_side_rows import (
    DIFFERENCES,
    LEFT,
    RIGHT,
    STATUS,
    AlignedTable,
    ChipDelegate,
    Pair,
    SideBySideModel,
    SuggestionTable,
    read_pair,
)
from annotator.gui.workspace import Workspace
from annotator.services import links as link_service

if TYPE_CHECKING:
    from annotator.services.project import Project


class SideBySideView(QDialog):
    """Two plans side by side, with link suggestions to accept or reject.

    Open it with ``open_modal(SideBySideView(workspace, parent, left_key, right_key))`` (or
    ``show()``).
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
        self.family: list[str] = []  # the left plan's revisions, read with the rows
        self._reading = 0  # the latest rebuild (a team server): older ones are dropped

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

        if not workspace.background:
            self._fill_pickers(*_pickers(workspace.project, left_key, right_key))
        self.left_combo.currentIndexChanged.connect(self.refresh)
        self.right_combo.currentIndexChanged.connect(self.refresh)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.accept_button.clicked.connect(self.accept_current)
        self.reject_button.clicked.connect(self.reject_current)
        self.unlink_button.clicked.connect(self.unlink_current)
        workspace.ops.changed.connect(self._on_changed)
        if workspace.background:  # the plan list and the revisions too, off the UI thread
            self._read_pickers(left_key, right_key)
        else:
            self.refresh()
        self.suggestion_table.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._sizer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sizer.start()

    # -- plans ---------------------------------------------------------------------------------

    def _read_pickers(self, left_key: str | None, right_key: str | None) -> None:
        """On a team server: the plans to choose from, then the rows, read in the background."""
        project = self.workspace.project
        self.summary.setText("Loading…")
        for button in (self.accept_button, self.reject_button):
            button.setEnabled(False)

        def read(_progress: object) -> Pickers:
            from annotator.services.reads import read_mapped

            return read_mapped(lambda: _pickers(project, left_key, right_key))

        def done(pickers: Pickers) -> None:
            self._fill_pickers(*pickers)
            self.refresh()

        self.workspace.ops.run(
            read,
            on_done=done,
            on_failed=lambda message: self.summary.setText(f"Cannot read the plans: {message}"),
            title="Cannot read the plans",
            owner=self,
        )

    def _fill_pickers(
        self, documents: list[tuple[str, str]], left_key: str | None, right_key: str | None
    ) -> None:
        for combo in (self.left_combo, self.right_combo):
            combo.blockSignals(True)
            combo.clear()
            for key, title in documents:
                combo.addItem(title, key)
            combo.blockSignals(False)
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
        family = self.family if left in self.family else []  # read with the rows
        if not family:
            return [], None
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
        """Reload the rows and the suggestions for the chosen plans: on a team server in the
        background ("Loading…" meanwhile; a rebuild overtaken by another one is dropped)."""
        ws, left, right = self.workspace, self.left_key, self.right_key
        project, coder, categories = ws.project, ws.coder_id, list(ws.categories)
        self._reading += 1
        if not ws.background:
            self._show(read_pair(project, coder, categories, left, right))
            return
        token = self._reading
        self.summary.setText("Loading…")
        for button in (self.accept_button, self.reject_button):
            button.setEnabled(False)  # the suggestions shown may be gone

        def read(_progress: object) -> Pair:
            from annotator.services.reads import read_mapped

            return read_mapped(lambda: read_pair(project, coder, categories, left, right))

        def failed(message: str) -> None:
            if token == self._reading:
                self.summary.setText(f"Cannot read the plans: {message}")

        ws.ops.run(
            read,
            on_done=lambda pair: self._show(pair) if token == self._reading else None,
            on_failed=failed,
            title="Cannot read the plans",
            owner=self,
        )

    def _show(self, pair: Pair) -> None:
        left, right = pair.left_key, pair.right_key
        self.model.show(pair)
        self.table.resizeRowsToContents()
        self.suggestions, self.family = pair.suggestions, pair.family
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
                f"{pair.coder_name}. {len(self.suggestions)} suggestions."
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
        if not self.accept_button.isEnabled():  # a rebuild still loading (a team server)
            return None
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
        return self.workspace.edit(lambda: link_service.accept(project, a, b, coder))

    def reject_current(self) -> Edit | None:
        """Reject the current suggestion: it is not suggested again."""
        s = self._current_suggestion()
        if s is None:
            return None
        project, coder = self.workspace.project, self.workspace.coder_id
        a, b = s.source_clause.id, s.target_clause.id
        return self.workspace.edit(lambda: link_service.reject(project, a, b, coder))

    def unlink_current(self) -> Edit | None:
        """Remove the link of the selected aligned row."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        link_id = self.model.rows[index.row()].link_id
        if link_id is None:
            return None
        project = self.workspace.project
        return self.workspace.edit(lambda: link_service.unlink(project, link_id))

    def _on_changed(self, change: Change) -> None:
        # The view is cheap to rebuild: any change to what it shows rebuilds it.
        if change.touches(Kind.LINKS, Kind.CODING, Kind.CLAUSES, Kind.DOCUMENTS, Kind.CODEBOOK):
            self.refresh()


Pickers = tuple[list[tuple[str, str]], str | None, str | None]


def _pickers(project: Project, left_key: str | None, right_key: str | None) -> Pickers:
    """The plans (key, title) and the pair to show: ``left_key`` (else the first plan) and
    ``right_key`` (else the left plan's next revision, else another plan)."""
    documents = [(d.key, d.title) for d in project.documents()]
    keys = [key for key, _ in documents]
    if left_key is None and keys:
        left_key = keys[0]
    if right_key is None and left_key is not None:
        family = [d.key for d in link_service.revisions_in_order(project, left_key)]
        at = family.index(left_key)
        others = [k for k in keys if k != left_key]
        if at + 1 < len(family):
            right_key = family[at + 1]
        elif others:
            right_key = others[0]
    return documents, left_key, right_key
