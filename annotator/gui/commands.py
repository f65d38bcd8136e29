"""The coding commands of the main window: what a key does to the current clause.

Each command reads where the coder is (the current clause, the selected span, the cursor in the
detail pane) and hands one service call to the operation runner, which writes it, puts it on the
undo stack and announces the change; the navigator redraws from that announcement.

To add a command: a method here, an action in :mod:`annotator.gui.menus` that calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from annotator.core.errors import EditError
from annotator.gui.codebook_panel import NONE_KEY
from annotator.gui.saving import PendingSpan, guess_flag, guess_memo, guess_span_memo

if TYPE_CHECKING:
    from annotator.core.edits import Edit
    from annotator.gui.main_window import MainWindow
    from annotator.gui.workspace import Workspace


class Commands(QObject):
    """Tag, span, none applies, memo, flag, split, join and move boundary."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window

    def _where(self) -> int | None:
        return self.w.navigator.current_clause_id()

    def apply_shortcut(self, key: str) -> None:
        """Keys 1–9: the category with that shortcut; 0: no category applies."""
        if key == "0":
            self.apply_category(NONE_KEY)
            return
        ws = self.w.workspace
        cat = ws.category_for_shortcut(key) if ws else None
        if cat is None:
            self.w.statusBar().showMessage(f"No category on key {key}.", 4000)
            return
        self.apply_category(cat.key)

    def apply_category(self, category: str) -> None:
        """Toggle ``category`` on the selected span if there is one, else on the whole clause."""
        ws, clause_id = self.w.workspace, self._where()
        if ws is None or clause_id is None:
            return
        if category == NONE_KEY:
            ws.mark_none(clause_id)
            return
        span = self.w.detail.selected_span()
        if span is None and self.w.detail.editor.textCursor().hasSelection():
            self.w.statusBar().showMessage("Nothing tagged: the selection is only spaces.", 4000)
            return
        if span is not None:
            if ws.toggle_span(clause_id, category, *span) is not None or ws.background:
                self.w.detail.clear_selection()
        else:
            ws.toggle_tag(clause_id, category)

    def save_memo(self, clause_id: int, annotation_id: object, text: str) -> None:
        """A memo from the detail pane: one undo step per save."""
        ws = self.w.workspace
        if ws is None or ws.project.read_only:
            return
        from annotator.services import notes

        if annotation_id is None:
            ws.write(
                clause_id,
                lambda: notes.set_clause_memo(ws.project, ws.coder_id, clause_id, text),
                guess_memo(text),
            )
        elif isinstance(annotation_id, PendingSpan):  # its tag still saving (a team server)
            ws.write(
                clause_id,
                lambda: memo_on_span(ws, clause_id, annotation_id, text),
                guess_span_memo(annotation_id, text),
            )
        else:
            ws.write(
                clause_id, lambda: notes.set_annotation_memo(ws.project, str(annotation_id), text)
            )

    def toggle_flag(self) -> None:
        """F: flag the current clause as uncertain, or clear the flag."""
        ws, clause_id = self.w.workspace, self._where()
        if ws is None or clause_id is None:
            return
        from annotator.services import notes

        ws.write(
            clause_id,
            lambda: notes.toggle_clause_flag(ws.project, ws.coder_id, clause_id),
            guess_flag,
        )

    def split_clause(self) -> None:
        """Ctrl+Shift+S: split the current clause at the cursor in the detail pane."""
        ws, clause_id, at = self.w.workspace, self._where(), self.w.detail.cursor_offset()
        if ws is None or clause_id is None or at is None:
            return
        from annotator.services.clauses import split_clause

        ws.edit(lambda: split_clause(ws.project, clause_id, at, ws.coder_id), (clause_id,))

    def merge_next(self) -> None:
        """Ctrl+Shift+J: join the current clause with the next one."""
        ws, clause_id = self.w.workspace, self._where()
        if ws is None or clause_id is None:
            return
        from annotator.services.clauses import merge_with_next

        ws.edit(lambda: merge_with_next(ws.project, clause_id, ws.coder_id), (clause_id,))

    def move_boundary(self) -> None:
        """Ctrl+Shift+B: end the current clause at the cursor (the rest joins the next one)."""
        ws, clause_id, at = self.w.workspace, self._where(), self.w.detail.cursor_offset()
        if ws is None or clause_id is None or at is None:
            return
        from annotator.services.clauses import move_boundary

        ws.edit(lambda: move_boundary(ws.project, clause_id, at, ws.coder_id), (clause_id,))


def memo_on_span(ws: Workspace, clause_id: int, place: PendingSpan, text: str) -> Edit:
    """On the write thread, behind the span tag's own write: the memo on the tag at ``place``,
    once it has committed and has an id (refused if it was not saved, or was removed)."""
    from annotator.services import notes
    from annotator.services.reads import read_mapped

    coding = read_mapped(lambda: ws.project.clause_coding(clause_id, ws.coder_id))
    found = next((s.annotation_id for s in coding.spans if PendingSpan.of(s) == place), None)
    if not found:
        raise EditError("its span tag was not saved")
    return notes.set_annotation_memo(ws.project, found, text)
