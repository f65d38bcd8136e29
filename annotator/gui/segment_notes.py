"""The notes bar above a plan's clauses: what the segmenter noticed about the source.

A coder should know before coding that a leaked text lacks points 13, 15 and 16, or that the
author numbered two points "4". The bar stays hidden for plans without notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:
    from annotator.core.segment_result import Note
    from annotator.services.project import Project

MAX_SHOWN = 4


class SegmentNotesBar(QFrame):
    """One line per note (at most four, then "… and N more"), hidden when there are none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("segmentNotes")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#segmentNotes { background: palette(alternate-base); border: none;"
            " border-left: 4px solid #c98a00; }"
        )
        self.label = QLabel()
        self.label.setObjectName("segmentNotesText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.label, 1)
        self.messages: list[str] = []
        self.hide()

    def show_for(self, project: Project, document_key: str) -> None:
        """Show the stored notes of a plan (nothing for plans imported before notes existed)."""
        self.set_messages(read_messages(project, document_key))

    def set_messages(self, messages: list[str]) -> None:
        self.messages = list(messages)
        if not messages:
            self.label.clear()
            self.hide()
            return
        shown = [_escape(m) for m in messages[:MAX_SHOWN]]
        if len(messages) > MAX_SHOWN:
            shown.append(f"… and {len(messages) - MAX_SHOWN} more (Code ▸ Re-segment plan)")
        self.label.setText("<b>Source notes:</b> " + " &nbsp;·&nbsp; ".join(shown))
        self.label.setToolTip("\n".join(messages))
        self.show()


def read_messages(project: Project, document_key: str) -> list[str]:
    """The notes the bar shows for a plan (any thread: a team server's plan is read off the UI
    thread)."""
    from annotator.services.segmentation import segment_mode, segment_notes

    try:
        notes = segment_notes(project, document_key)
        mode = segment_mode(project, document_key)
    except AnnotatorError:
        notes, mode = [], "auto"
    return notes_messages(mode, notes)


def notes_messages(mode: str, notes: Sequence[Note]) -> list[str]:
    """The bar's lines for a plan cut in ``mode`` with the segmenter's ``notes``."""
    messages = [n.message for n in notes]
    if mode == "paragraphs" and not messages:
        messages = ["cut into paragraphs only (Code ▸ Re-segment plan to use the numbering)"]
    return messages


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
