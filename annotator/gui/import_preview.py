"""See the cut before coding: the import preview and the re-segment dialog.

Both show the same :class:`CutPreview`: the notes the segmenter made (points missing from the
source, repeated numbers, changes of delimiter ...), a count of points and sub-points, and every
clause with its label, kind and first words, with a "Paragraphs only" switch that shows the other
cut at once. Nothing is written until the user accepts; re-segmenting is one undoable edit.

Cutting a long plan takes a while, so a cut not made yet is made as a quiet job of the window's
runner (:meth:`_CutDialog.show_mode`): the dialog says "Cutting…" and keeps answering keys; the
latest request wins (an older cut is kept for later, not shown); a failure is one line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError
from annotator.core.segment import Clause, Note, Segmentation, segment_plan
from annotator.gui.modal import accepted, open_modal
from annotator.gui.ops import Operations, Progress, message_for

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.gui.workspace import Workspace

PREVIEW_CHARS = 110
KIND_NAMES = {
    "point": "point",
    "subpoint": "sub-point",
    "bullet": "bullet",
    "heading": "heading",
    "preamble": "preamble",
    "paragraph": "paragraph",
}


def notes_html(notes: Sequence[Note]) -> str:
    """The notes as a short HTML list, or a sentence saying there is nothing to report."""
    if not notes:
        return "No notes: the numbering runs without gaps, repeats or changes of style."
    items = "".join(f"<li>{_escape(n.message)}</li>" for n in notes)
    return f"<b>The segmenter noticed:</b><ul style='margin: 2px 0 0 -20px'>{items}</ul>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def summary(clauses: Sequence[Clause]) -> str:
    """ "31 clauses: 19 points, 12 sub-points, 1 heading"."""
    counts: dict[str, int] = {}
    for c in clauses:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    parts = []
    for kind, name in KIND_NAMES.items():
        n = counts.get(kind, 0)
        if n:
            parts.append(f"{n} {name}{'s' if n != 1 else ''}")
    return f"{len(clauses)} clauses: " + ", ".join(parts) if clauses else "no clauses"


class CutPreview(QWidget):
    """Notes, counts and the clause table of one text cut in one mode."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.notes = QLabel()
        self.notes.setObjectName("cutNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = QLabel()
        self.counts.setObjectName("cutCounts")
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("cutClauses")
        self.table.setHorizontalHeaderLabels(["Label", "Kind", "Text"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)  # compact: more clauses seen
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.notes)
        box.addWidget(self.counts)
        box.addWidget(self.table, 1)

    def show_cut(self, text: str, clauses: Sequence[Clause], notes: Sequence[Note]) -> None:
        self.notes.setText(notes_html(notes))
        # An amber edge, as on the plan's notes bar, when there is something to know.
        self.notes.setStyleSheet(
            "QLabel { border-left: 4px solid #c98a00; padding-left: 8px; }" if notes else ""
        )
        self.counts.setText(summary(clauses))
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(clauses))
        for row, c in enumerate(clauses):
            words = " ".join(text[c.start : c.end].split())
            if len(words) > PREVIEW_CHARS:
                words = words[: PREVIEW_CHARS - 1] + "…"
            for col, value in enumerate((c.label, KIND_NAMES.get(c.kind, c.kind), words)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.setUpdatesEnabled(True)

    def labels(self) -> list[str]:
        items = (self.table.item(r, 0) for r in range(self.table.rowCount()))
        return [item.text() if item is not None else "" for item in items]


@dataclass
class PlanChoice:
    """One plan file the user is importing: its text once read, and the cut chosen for it."""

    path: str
    title: str = ""
    text: str = ""
    error: str = ""
    mode: str = "auto"
    #: The text cut in each mode asked for so far (each cut off the UI thread).
    cuts: dict[str, Segmentation] = field(default_factory=dict)

    def cut(self) -> Segmentation:
        """The text cut in the chosen mode, once only (on the reading job's thread)."""
        if self.mode not in self.cuts:
            self.cuts[self.mode] = segment_plan(self.text, self.mode)
        return self.cuts[self.mode]


class _CutDialog(QDialog):
    """A preview with a "Paragraphs only" switch; subclasses say what is being cut."""

    def __init__(self, parent: QWidget | None = None, ops: Operations | None = None):
        super().__init__(parent)
        #: The window's runner, which cuts; a dialog without a window gets one of its own.
        self.ops = ops if ops is not None else Operations(self)
        self._asked = 0  # the latest cut asked for: an older one is not shown
        self.resize(860, 620)
        self.heading = QLabel()
        self.heading.setObjectName("cutHeading")
        self.heading.setWordWrap(True)
        self.paragraphs = QCheckBox("&Paragraphs only (ignore the numbering)")
        self.paragraphs.setObjectName("paragraphsOnly")
        self.paragraphs.setToolTip(
            "Cut at blank lines only, for a text whose numbering the rules cannot follow"
        )
        self.paragraphs.toggled.connect(self._mode_changed)
        self.preview = CutPreview(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.box = QVBoxLayout(self)
        self.box.addWidget(self.heading)

    def _finish_layout(self) -> None:
        self.box.addWidget(self.paragraphs)
        self.box.addWidget(self.preview, 1)
        self.box.addWidget(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)

    @property
    def mode(self) -> str:
        return "paragraphs" if self.paragraphs.isChecked() else "auto"

    def _mode_changed(self, _checked: bool) -> None:
        self.refresh()

    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def ok(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def show_mode(self, text: str, cuts: dict[str, Segmentation], mode: str) -> None:
        """Show ``text`` cut in ``mode``: at once if it was cut before (``cuts``), else cut as a
        quiet job ("Cutting…" meanwhile). Only the latest request is shown; every cut is kept."""
        self._asked += 1
        asked = self._asked
        if mode in cuts:
            self._show_cut(text, cuts[mode])
            return
        self.say("Cutting…")

        def done(cut: Segmentation) -> None:
            cuts[mode] = cut
            if asked == self._asked:
                self._show_cut(text, cut)

        def failed(message: str) -> None:
            if asked == self._asked:
                self.say(f"Cannot cut the text: {message}", failed=True)

        self.ops.run(
            lambda _progress: segment_plan(text, mode),
            on_done=done,
            on_failed=failed,
            owner=self,
            title="Cannot cut the plan",
        )

    def say(self, text: str, failed: bool = False) -> None:
        """No cut to show yet (or none at all): ``text`` where the counts go, an empty table,
        and nothing to accept (a cut must be seen before it is written)."""
        self.preview.notes.hide()  # its empty line would push the message down
        self.preview.counts.setText(text)
        self.preview.counts.setStyleSheet("color: #b00020;" if failed else "")
        self.preview.table.setRowCount(0)
        self.ok.setEnabled(False)

    def _show_cut(self, text: str, cut: Segmentation) -> None:
        self.preview.notes.show()
        self.preview.counts.setStyleSheet("")
        self.preview.show_cut(text, cut.clauses, cut.notes)
        self.ok.setEnabled(True)


class ImportPreviewDialog(_CutDialog):
    """Before an import writes anything: each file's clauses, labels and notes."""

    def __init__(
        self,
        choices: list[PlanChoice],
        parent: QWidget | None = None,
        ops: Operations | None = None,
    ):
        super().__init__(parent, ops)
        self.setObjectName("importPreview")
        self.choices = choices
        n = len(choices)
        self.setWindowTitle("Import plan" if n == 1 else f"Import {n} plans")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "&Import" if n == 1 else f"&Import {n} plans"
        )
        self.files = QComboBox()
        self.files.setObjectName("previewFiles")
        self.files.addItems([Path(c.path).name for c in choices])
        self.files.setVisible(n > 1)
        self.files.currentIndexChanged.connect(self._file_changed)
        self.box.addWidget(self.files)
        self._finish_layout()
        self._file_changed(0)

    @property
    def current(self) -> PlanChoice:
        return self.choices[max(0, self.files.currentIndex())]

    def _file_changed(self, _index: int) -> None:
        blocked = self.paragraphs.blockSignals(True)
        self.paragraphs.setChecked(self.current.mode == "paragraphs")
        self.paragraphs.blockSignals(blocked)
        self.refresh()

    def _mode_changed(self, _checked: bool) -> None:
        self.current.mode = self.mode
        self.refresh()

    def refresh(self) -> None:
        choice = self.current
        self.paragraphs.setEnabled(not choice.error)
        if choice.error:
            self._asked += 1  # a cut of another file still running is not shown here
            self.heading.setText(f"<b>{_escape(Path(choice.path).name)}</b>: cannot be read")
            self.preview.show_cut("", [], [Note("error", choice.error)])
            self.preview.notes.show()
            self.preview.counts.setStyleSheet("")
            self.preview.counts.setText("This file will be skipped.")
            self.ok.setEnabled(True)
            return
        self.heading.setText(
            f"<b>{_escape(choice.title)}</b> — {_escape(Path(choice.path).name)}. "
            "Check the cut before coding; it can be changed later with Code ▸ Re-segment plan."
        )
        self.show_mode(choice.text, choice.cuts, choice.mode)


def read_choices(files: Sequence[str], progress: Progress | None = None) -> list[PlanChoice]:
    """Read each file as an import would and cut it (the preview's first view); a file that
    cannot be read keeps its error, naming the file. ``progress`` (a job's) counts files read
    and lets Cancel stop between them."""
    from annotator.core.readers import read_plan

    out = []
    for i, name in enumerate(files):
        if progress is not None:
            progress(i, len(files))
        try:
            plan = read_plan(name)
        except AnnotatorError as exc:
            out.append(PlanChoice(name, error=str(exc)))
            continue
        except OSError as exc:
            out.append(PlanChoice(name, error=f"{name}: {exc.strerror or exc}"))
            continue
        except Exception as exc:  # a reader's bug must not hide which file it was
            out.append(PlanChoice(name, error=f"{name}: {message_for(exc)}"))
            continue
        choice = PlanChoice(name, plan.title, plan.text)
        choice.cut()
        out.append(choice)
    if progress is not None:
        progress(len(files), len(files))
    return out


def review_import(
    parent: MainWindow, files: Sequence[str], answer: Callable[[list[PlanChoice] | None], None]
) -> None:
    """Read and cut the files as a job (progress and Cancel; the window keeps answering), then
    show the import preview window-modal. Returns at once; ``answer`` gets the choices to import,
    or None if the user cancelled (the reading or the preview). No nested event loop: a job that
    finishes meanwhile runs its callbacks in the application's own loop."""

    def show(choices: list[PlanChoice]) -> None:
        dialog = ImportPreviewDialog(choices, parent, parent.ops)
        open_modal(dialog, lambda code: answer(choices if accepted(code) else None))

    what = Path(files[0]).name if len(files) == 1 else f"{len(files)} plans"
    parent.ops.run(
        lambda progress: read_choices(files, progress),
        label=f"Reading {what}…",
        title="Cannot import",
        on_done=show,
        on_cancelled=lambda: answer(None),
    )


class ResegmentDialog(_CutDialog):
    """Re-segmenting the open plan: the new cut with its notes, before anything changes.

    It opens at once saying "Cutting…"; :meth:`show_plan` gives it the plan's text and current
    mode once they are read (on a team server off the UI thread), and the cut follows as a job.
    """

    def __init__(self, title: str, parent: QWidget | None = None, ops: Operations | None = None):
        super().__init__(parent, ops)
        self.setObjectName("resegmentDialog")
        self.setWindowTitle(f"Re-segment {title}")
        self.text: str | None = None  # not read yet
        self.cuts: dict[str, Segmentation] = {}
        self.heading.setText(
            f"<b>Re-segment {_escape(title)}</b>. Annotations on clauses whose text is unchanged "
            "stay; spans move with their text; the rest goes to the clause that holds most of "
            "its old text. Edit ▸ Undo restores the old cut."
        )
        self.ok.setText("&Re-segment")
        self._finish_layout()
        self.paragraphs.setEnabled(False)  # until the plan's current mode is known
        self.say("Cutting…")

    def show_plan(self, text: str, mode: str) -> None:
        """The plan was read: tick "Paragraphs only" as it is cut now, and cut it."""
        blocked = self.paragraphs.blockSignals(True)
        self.paragraphs.setChecked(mode == "paragraphs")
        self.paragraphs.blockSignals(blocked)
        self.paragraphs.setEnabled(True)
        self.text = text
        self.refresh()

    def failed(self, message: str) -> None:
        self.say(f"Cannot read the plan: {message}", failed=True)

    def refresh(self) -> None:
        if self.text is not None:
            self.show_mode(self.text, self.cuts, self.mode)


def resegment_current(window: MainWindow) -> None:
    """Code ▸ Re-segment plan…: preview the new cut, apply it as one undoable edit, report.

    Returns at once: the dialog opens saying "Cutting…", the plan is read through
    :meth:`Workspace.read` (on a team server off the UI thread) and cut as a job."""
    ws = window.workspace
    key = window.clauses.document_key
    if ws is None or not key:
        return
    from annotator.services.segmentation import segment_mode

    row = window.documents.row_of(key)
    title = window.documents.summary(row).title if row is not None else key
    project = ws.project
    dialog = ResegmentDialog(title, window, ws.ops)
    open_modal(dialog, lambda code: _resegment(window, ws, key, title, dialog.mode, code))

    def read() -> tuple[str, str]:
        return project.document(key).text, segment_mode(project, key)

    ws.read(
        read,
        lambda got: dialog.show_plan(*got),
        title="Cannot re-segment the plan",
        on_failed=dialog.failed,
        owner=dialog,
    )


def _resegment(
    window: MainWindow, ws: Workspace, key: str, title: str, chosen: str, code: int
) -> None:
    """The re-segment dialog's answer: apply the chosen cut as one undoable edit."""
    if not accepted(code) or window.workspace is not ws:  # cancelled, or another project now
        return
    from annotator.services.segmentation import resegment

    reports: list[list[str]] = []

    def action() -> Edit:
        result = resegment(ws.project, key, chosen)
        reports.append(result.report.lines())
        return result.edit

    def done(_edit: Edit) -> None:
        if reports:
            window.statusBar().showMessage("Re-segmented: " + "; ".join(reports[0]) + ".", 10000)

    # On a team server in the background: the status bar says so until it has committed.
    ws.edit(
        action,
        what=f"the re-segmentation of \u201c{title}\u201d",
        title="Cannot re-segment the plan",
        on_done=done,
    )
