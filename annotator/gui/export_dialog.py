"""Export the project: exchange file, long/wide/plans CSV, an xlsx workbook or a .qdpx project.

The dialog previews the first rows of the dataset the chosen format and scope give, with the full
row count, before anything is written: read on the runner's thread by
:func:`~annotator.services.export_stream.export_preview`, which keeps only those rows. The file
itself is written on a worker thread by the service the CLI uses
(:func:`~annotator.services.exports.write_export`): the exchange file and the long CSV stream from
the tables to the disk, never whole in memory, and every format is put in place atomically: a
failed export leaves no file, never a half-written one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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

from annotator.core.wording import plural
from annotator.gui.ops import Job, Progress, show_message
from annotator.gui.workspace import Workspace
from annotator.services.export_stream import PREVIEW_ROWS, ExportPreview, export_preview
from annotator.services.exports import NARROWED, write_export

if TYPE_CHECKING:
    from annotator.services.project import Project

_NUMBER = re.compile(r"-?\d+(\.\d+)?")

__all__ = ["PREVIEW_ROWS", "ExportDialog", "open_export_dialog", "resolve_scope"]


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


def resolve_scope(
    project: Project, fmt: str, coder: str | None, consensus: bool
) -> tuple[str | None, bool]:
    """``(coder, consensus)`` for :func:`write_export`: a file that holds one coder's rows
    (exchange, .qdpx) holds the consensus layer's for the consensus scope. Reads the project:
    call it on the job's thread."""
    if consensus and fmt in NARROWED:
        from annotator.services.review import CONSENSUS_ID

        if project.coder(CONSENSUS_ID) is None:
            from annotator.core.errors import InputError

            raise InputError("no consensus coder in this project yet: settle clauses first")
        coder = CONSENSUS_ID
    return coder, consensus


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
        self._preview_job: Job[ExportPreview] | None = None  # the newest preview supersedes
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

    def done(self, result: int) -> None:
        """Closed: a preview still being read is not wanted any more."""
        if self._preview_job is not None:
            self._preview_job.cancel()
            self._preview_job = None
        super().done(result)

    @property
    def preview_pending(self) -> bool:
        """True while the preview is being read."""
        return self._preview_job is not None

    def _project_changed(self, _edit: object) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Show the first rows and the counts of what the current choices would export.

        Read on the runner's thread, only the head kept (a million tags must neither freeze the
        window nor fill the memory); "Preparing preview…" meanwhile. A newer request cancels an
        older one, whose result, should it come anyway, is dropped.
        """
        fmt = self.fmt()
        self.bom.setEnabled(fmt.suffix == ".csv")
        self.model.clear()
        self.summary.setText("Preparing preview…")
        if self._preview_job is not None:
            self._preview_job.cancel()
        coder, consensus = self._selection()
        project = self.workspace.project

        def read(progress: Progress) -> ExportPreview:
            chosen, selected = resolve_scope(project, fmt.key, coder, consensus)
            return export_preview(
                project, fmt.key, coder=chosen, consensus=selected, progress=progress
            )

        job = self.workspace.ops.run(
            read,
            on_done=lambda preview: self._show_preview(job, preview),
            on_failed=lambda message: self._preview_failed(job, message),
            owner=self,
        )
        self._preview_job = job

    def _show_preview(self, job: Job[ExportPreview], preview: ExportPreview) -> None:
        if job is not self._preview_job:
            return  # superseded
        self._preview_job = None
        self.model.clear()
        self.model.setHorizontalHeaderLabels(preview.header)
        for row in preview.rows:
            self.model.appendRow([_cell(value) for value in row])
        self.table.resizeColumnsToContents()
        for column, name in enumerate(preview.header):  # long text and keys must not crowd
            cap = 110 if name.endswith("_key") and name != "category_key" else 260
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))
        self.export_button.setEnabled(self._job is None)
        self.summary.setText(self._describe(preview))

    def _preview_failed(self, job: Job[ExportPreview], message: str) -> None:
        if job is not self._preview_job:
            return
        self._preview_job = None
        self.summary.setText(f"<span style='color:#b00020'>{_escape(message)}</span>")
        self.export_button.setEnabled(False)

    def _describe(self, preview: ExportPreview) -> str:
        total, shown = preview.total, len(preview.rows)
        noun = {"wide": "clause", "plans": "plan"}.get(preview.fmt, "tag")
        rows = f"{total} {noun} row{'s' if total != 1 else ''}"
        head = f"showing the first {shown}" if shown < total else "all shown"
        if preview.fmt == "exchange":
            return (
                f"{plural(preview.plans or 0, 'plan')}, {plural(preview.coders or 0, 'coder')}, "
                f"{plural(preview.annotations or 0, 'annotation')} (with deletions) · "
                f"{rows} of live tags ({head})"
            )
        if preview.fmt == "xlsx":
            return f"Sheet “long”: {rows} ({head}); also wide, plans, codebook, provenance"
        if preview.fmt == "qdpx":
            return f"{preview.plans or 0} plans as REFI-QDA sources · {rows} ({head})"
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
        selected = self._selection()
        bom = self.bom.isChecked() and self.bom.isEnabled()
        project = self.workspace.project

        def write(_progress: Progress) -> str:  # on the runner's thread: the window stays live
            coder, consensus = resolve_scope(project, fmt.key, *selected)  # reads the project
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


def _cell(text: str) -> QStandardItem:
    item = QStandardItem(text.replace("\n", " ⏎ "))
    item.setToolTip(text if len(text) > 40 else "")
    if _NUMBER.fullmatch(text):  # counts and offsets read right-aligned
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
