"""The preview shown before a merge writes anything: what would change, and every conflict."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # the service pulls in SQLAlchemy: not before the window is shown
    from annotator.services.merge import MergePreview

#: Rows of the counts table, in order: (count key, what the row says).
COUNT_ROWS = (
    ("coders_added", "Coders added"),
    ("documents_added", "Plans added"),
    ("categories_added", "Categories added"),
    ("annotations_added", "Annotations added"),
    ("annotations_updated", "Annotations updated"),
    ("annotations_deleted", "Annotations deleted"),
    ("reviews_changed", "Reviews changed"),
    ("links_changed", "Clause links changed"),
)


def conflict_text(conflict: Any) -> str:
    """One line for a conflict, whatever shape the core reports it in."""
    if isinstance(conflict, str):
        return conflict
    if isinstance(conflict, dict):
        parts = [f"{k}: {v}" for k, v in conflict.items() if v not in (None, "", [], {})]
        return "; ".join(parts)
    kind = getattr(conflict, "kind", None)
    if kind is not None:  # core.merge.Conflict
        sources = ", ".join(getattr(conflict, "sources", ()))
        detail = getattr(conflict, "detail", "")
        text = f"{kind.replace('_', ' ')} {getattr(conflict, 'identifier', '')}"
        text += f" ({sources})" if sources else ""
        text += f": {detail}" if detail else ""
        return f"{text} → {getattr(conflict, 'resolution', '')}"
    return str(conflict)


class MergePreviewDialog(QDialog):
    """Summary, counts and conflicts of a :class:`MergePreview`; Apply accepts the dialog."""

    def __init__(self, preview: MergePreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview = preview
        self.setObjectName("mergePreview")
        names = ", ".join(Path(s).name for s in preview.sources)
        self.setWindowTitle(f"Merge {names}")
        self.summary = QLabel(f"<b>Merging {names}</b><br>{preview.summary()}")
        self.summary.setObjectName("mergeSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.counts = QTableWidget(len(COUNT_ROWS), 2, self)
        self.counts.setObjectName("mergeCounts")
        self.counts.setHorizontalHeaderLabels(["Change", "Count"])
        self.counts.verticalHeader().hide()
        self.counts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.counts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for row, (key, text) in enumerate(COUNT_ROWS):
            self.counts.setItem(row, 0, QTableWidgetItem(text))
            value = QTableWidgetItem(str(preview.counts.get(key, 0)))
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.counts.setItem(row, 1, value)
        row_h = self.fontMetrics().height() + 8
        self.counts.verticalHeader().setDefaultSectionSize(row_h)
        self.counts.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        height = row_h * len(COUNT_ROWS)
        self.counts.setFixedHeight(height + self.counts.horizontalHeader().height() + 4)

        self.conflicts = QListWidget(self)
        self.conflicts.setObjectName("mergeConflicts")
        self.conflicts.setWordWrap(True)
        self.conflicts.setAlternatingRowColors(True)
        for conflict in preview.conflicts:
            self.conflicts.addItem(conflict_text(conflict))
        if not preview.conflicts:
            self.conflicts.addItem("No conflicts.")
        conflicts_label = QLabel(
            f"&Conflicts ({len(preview.conflicts)}), and how they were settled:"
        )
        conflicts_label.setBuddy(self.conflicts)

        # What the reader of a foreign file (.qdpx) corrected, split or skipped, and stamps from a
        # fast clock: shown before anything is written, so nothing is lost or moved unseen.
        warnings = list(getattr(preview, "warnings", []) or [])
        self.warnings = QListWidget(self)
        self.warnings.setObjectName("mergeWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setAlternatingRowColors(True)
        for warning in warnings:
            self.warnings.addItem(warning)
        warnings_label = QLabel(
            f"&Warnings ({len(warnings)}): what was corrected, split or skipped while reading:"
        )
        warnings_label.setBuddy(self.warnings)
        warnings_label.setWordWrap(True)
        self.warnings.setVisible(bool(warnings))
        warnings_label.setVisible(bool(warnings))

        buttons = QDialogButtonBox(self)
        self.apply_button = buttons.addButton(
            "&Apply merge", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setObjectName("applyMerge")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        note = QLabel("Nothing is written until you apply; Edit ▸ Undo takes the merge back.")
        note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.summary)
        layout.addWidget(self.counts)
        layout.addWidget(conflicts_label)
        layout.addWidget(self.conflicts, 1)
        layout.addWidget(warnings_label)
        layout.addWidget(self.warnings, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(620, 680 if warnings else 560)
        self.apply_button.setDefault(True)
        self.apply_button.setFocus()
