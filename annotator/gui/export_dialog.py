"""Export the project: exchange file, long/wide/plans CSV, an xlsx workbook or a .qdpx project.

The dialog previews the first rows of the dataset the chosen format and scope give, with the full
row count, before anything is written. The file itself is written on a worker thread by the
service the CLI uses (:func:`~annotator.services.exports.write_export`): the exchange file and
the long CSV stream from the tables to the disk, never whole in memory, and every format is put
in place atomically: a failed export leaves no file, never a half-written one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core import datasets
from annotator.core.errors import AnnotatorError
from annotator.core.wording import plural
from annotator.gui.ops import Job, Progress, show_message
from annotator.gui.workspace import Workspace
from annotator.services.exchange import export_exchange_dict
from annotator.services.exports import NARROWED, write_export

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Format:
    """One export format: its key (as ``annotator export --format``), label and file suffix."""

    key: str
    label: str
    suffix: str
    filter: str


FORMATS = (
    Format("exchange", "Exchange file, for merging (.json)", ".json", "Exchange file (*.json)"),
    Format("long", "Long CSV: one row per tag", ".csv", "CSV (*.csv)"),
    Format("wide", "Wide CSV: one row per clause", ".csv", "CSV (*.csv)"),
    Format("plans", "Plans CSV: one row per plan", ".csv", "CSV (*.csv)"),
    Format("xlsx", "Excel workbook: long, wide, plans, codebook", ".xlsx", "Excel (*.xlsx)"),
    Format("qdpx", "REFI-QDA project (.qdpx)", ".qdpx", "REFI-QDA project (*.qdpx)"),
)
SCOPES = ("all", "coder", "consensus")

#: ``(parent, title, suggested path, filter) -> path | None``: where to write.
AskPath = Callable[[QWidget, str, str, str], "str | None"]
#: ``(parent, title, message)``: tells the user an export failed.
Warn = Callable[[QWidget, str, str], object]


def _ask_path(parent: QWidget, title: str, suggested: str, filter_: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter_)
    return path or None


def _warn(parent: QWidget, title: str, message: str) -> object:
    # Not QMessageBox.warning: its nested loop would block whoever is waiting for the job.
    return show_message(parent, title, message)


def preview_table(
    doc: Mapping[str, Any], fmt: str, coder: str | None, consensus: bool
) -> datasets.Table:
    """The table a format's preview shows: its own for the CSVs, the long (tag) table for the
    rest (an exchange file or .qdpx holds those tags; the workbook's first sheet is that table)."""
    if fmt == "wide":
        return datasets.wide_table(doc, coder, consensus)
    if fmt == "plans":
        return datasets.plans_table(doc, coder, consensus)
    return datasets.long_table(doc, coder, consensus)


class ExportDialog(QDialog):
    """Choose format and scope, look at the first rows, then export to a file."""

    #: The file was written: its path and a summary ("12 rows").
    exported = Signal(str, str)
    #: The export failed: the path and why (also shown to the user).
    export_failed = Signal(str, str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.ask_path: AskPath = _ask_path
        self.warn: Warn = _warn
        self._job: Job[str] | None = None  # one export at a time
        self._doc: dict[str, Any] | None = None
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.resize(880, 520)

        self.format = QComboBox()
        for fmt in FORMATS:
            self.format.addItem(fmt.label, fmt.key)
        self.format.setCurrentIndex(1)  # the long CSV: what analysts ask for first
        self.scope = QComboBox()
        self.scope.addItem("All coders", "all")
        self.scope.addItem(f"Only my coding ({workspace.coder_name})", "coder")
        self.scope.addItem("Consensus", "consensus")
        self.bom = QCheckBox("Start with a byte-order mark (for Excel)")
        self.summary = QLabel()
        self.summary.setObjectName("exportSummary")
        self.summary.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        rows = self.table.verticalHeader()  # one line per row: a compact preview, not a reader
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        rows.setSectionResizeMode(rows.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the writers report no progress
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(10)
        self.busy.hide()

        form = QFormLayout()
        form.addRow("&Format:", self.format)
        form.addRow("&Scope:", self.scope)
        form.addRow("", self.bom)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = QPushButton("&Export…")
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.summary)
        box.addWidget(self.table, 1)
        box.addWidget(self.busy)
        box.addWidget(self.buttons)

        self.format.currentIndexChanged.connect(lambda _i: self.refresh())
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        workspace.ops.changed.connect(self._project_changed)
        self.refresh()

    # -- what would be exported ------------------------------------------------------------------

    def fmt(self) -> Format:
        """The chosen format."""
        return FORMATS[self.format.currentIndex()]

    def _selection(self) -> tuple[str | None, bool]:
        """``(coder, consensus)`` for the dataset writers."""
        scope = self.scope.currentData()
        if scope == "coder":
            return self.workspace.coder_id, False
        return None, scope == "consensus"

    def _document(self) -> dict[str, Any]:
        """The whole project as an exchange document, read once and kept until an edit."""
        if self._doc is None:
            self._doc = export_exchange_dict(self.workspace.project)
        return self._doc

    def _options(self) -> tuple[str | None, bool]:
        """``(coder, consensus)`` for :func:`write_export`: a file that holds one coder's rows
        (exchange, .qdpx) holds the consensus layer's for the consensus scope."""
        coder, consensus = self._selection()
        if consensus and self.fmt().key in NARROWED:
            from annotator.services.review import CONSENSUS_ID

            if self.workspace.project.coder(CONSENSUS_ID) is None:
                from annotator.core.errors import InputError

                raise InputError("no consensus coder in this project yet: settle clauses first")
            coder = CONSENSUS_ID
        return coder, consensus

    def _source(self) -> tuple[dict[str, Any], str | None, bool]:
        """The document the preview reads and the dataset options, for the format and scope."""
        coder, consensus = self._options()
        if self.fmt().key not in NARROWED:
            return self._document(), coder, consensus
        doc = (
            self._document()
            if coder is None
            else export_exchange_dict(self.workspace.project, coder)
        )
        return doc, None, False

    def _project_changed(self, _edit: object) -> None:
        self._doc = None
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Show the first rows and the row count of what the current choices would export."""
        fmt = self.fmt()
        self.bom.setEnabled(fmt.suffix == ".csv")
        self.model.clear()
        try:
            doc, coder, consensus = self._source()
            header, rows = preview_table(doc, fmt.key, coder, consensus)
            first = list(itertools.islice(rows, PREVIEW_ROWS))
            total = len(first) + sum(1 for _ in rows)
        except AnnotatorError as exc:
            self.summary.setText(f"<span style='color:#b00020'>{_escape(str(exc))}</span>")
            self.export_button.setEnabled(False)
            return
        self.model.setHorizontalHeaderLabels(header)
        for row in first:
            self.model.appendRow([_cell(value) for value in row])
        self.table.resizeColumnsToContents()
        for column, name in enumerate(header):  # long text and keys must not push all else away
            cap = 110 if name.endswith("_key") and name != "category_key" else 260
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))
        self.export_button.setEnabled(self._job is None)
        self.summary.setText(self._describe(fmt, doc, total, len(first)))

    def _describe(self, fmt: Format, doc: Mapping[str, Any], total: int, shown: int) -> str:
        noun = {"wide": "clause", "plans": "plan"}.get(fmt.key, "tag")
        rows = f"{total} {noun} row{'s' if total != 1 else ''}"
        head = f"showing the first {shown}" if shown < total else "all shown"
        if fmt.key == "exchange":
            return (
                f"{plural(len(doc['documents']), 'plan')}, {plural(len(doc['coders']), 'coder')}, "
                f"{plural(len(doc['annotations']), 'annotation')} (with deletions) · "
                f"{rows} of live tags ({head})"
            )
        if fmt.key == "xlsx":
            return f"Sheet “long”: {rows} ({head}); also wide, plans, codebook, provenance"
        if fmt.key == "qdpx":
            return f"{len(doc['documents'])} plans as REFI-QDA sources · {rows} ({head})"
        return f"{rows} ({head})"

    # -- writing ---------------------------------------------------------------------------------

    def suggested_name(self) -> str:
        """A file name for the chosen format: project name, format, suffix."""
        path = self.workspace.project.path
        stem = path.stem if path is not None else "plans"
        fmt = self.fmt()
        return f"{stem}-{fmt.key}{fmt.suffix}"

    def export(self) -> None:
        """Ask where to write, then write on a worker thread; ``exported`` says when done."""
        fmt = self.fmt()
        chosen = self.ask_path(self, "Export", self.suggested_name(), fmt.filter)
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(fmt.suffix)
        try:
            coder, consensus = self._options()
        except AnnotatorError as exc:
            self._failed(str(path), str(exc))
            return
        bom = self.bom.isChecked() and self.bom.isEnabled()
        project = self.workspace.project

        def write(_progress: Progress) -> str:  # on the runner's thread: the window stays live
            return write_export(project, fmt.key, path, coder=coder, consensus=consensus, bom=bom)

        self.export_button.setEnabled(False)
        self.busy.show()
        self.summary.setText(f"Writing {path.name}…")
        self._job = self.workspace.ops.run(
            write,
            on_done=lambda summary: self._done(str(path), summary),
            on_failed=lambda message: self._failed(str(path), message),
            owner=self,
        )

    def _finish(self) -> None:
        self._job = None
        self.busy.hide()
        self.export_button.setEnabled(True)

    def _done(self, path: str, summary: str) -> None:
        self._finish()
        self.summary.setText(f"Wrote {_escape(Path(path).name)}: {_escape(summary)}.")
        self.exported.emit(path, summary)

    def _failed(self, path: str, message: str) -> None:
        self._finish()
        self.summary.setText(f"<span style='color:#b00020'>{_escape(message)}</span>")
        self.warn(self, "Export failed", message)
        self.export_failed.emit(path, message)


def _cell(value: Any) -> QStandardItem:
    text = "" if value is None else str(value)
    item = QStandardItem(text.replace("\n", " ⏎ "))
    item.setToolTip(text if len(text) > 40 else "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_export_dialog(workspace: Workspace, parent: QWidget | None = None) -> QDialog:
    """Show the export dialog window-modal and return at once: its export and preview jobs
    finish in the application's loop, never into a nested one."""
    from annotator.gui.modal import open_modal

    dialog = ExportDialog(workspace, parent)
    return open_modal(
        dialog, lambda _code: workspace.ops.changed.disconnect(dialog._project_changed)
    )
