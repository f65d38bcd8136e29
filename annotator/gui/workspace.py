"""The coding workspace: one open project, one coder, and the window's undo stack.

Widgets never call the service to change data; they ask the workspace, which calls the service,
puts the returned :class:`Edit` on the undo stack and announces it with :attr:`Workspace.changed`
so that each view refreshes only what the edit touched.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:  # the service pulls in SQLAlchemy: imported only once a project opens
    from annotator.core.codebook import Category
    from annotator.services.project import Project


class EditCommand(QUndoCommand):
    """An :class:`Edit` the service has already applied, made undoable on a QUndoStack."""

    def __init__(self, workspace: Workspace, edit: Edit):
        super().__init__(edit.label)
        self.workspace = workspace
        self.edit = edit
        self._applied = True  # pushing calls redo(); the service has done it already

    def redo(self) -> None:
        if self._applied:
            return
        self.workspace.replay(self.workspace.project.redo, self.edit)
        self._applied = True

    def undo(self) -> None:
        self.workspace.replay(self.workspace.project.undo, self.edit)
        self._applied = False


class Workspace(QObject):
    """The project, the current coder and the undo stack of one main window."""

    #: An edit was written (done, undone or redone); its document_key and clause_ids say where.
    changed = Signal(object)
    #: A user-caused error (an :class:`AnnotatorError` message) to show.
    failed = Signal(str)

    def __init__(self, project: Project, coder_id: str, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.coder_id = coder_id
        self.undo_stack = QUndoStack(self)
        self.categories: list[Category] = []
        self.reload_codebook()

    def reload_codebook(self) -> None:
        self.categories = self.project.categories()

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    def category_for_shortcut(self, shortcut: str) -> Category | None:
        return next((c for c in self.categories if c.shortcut == shortcut), None)

    @property
    def coder_name(self) -> str:
        coder = self.project.coder(self.coder_id)
        return coder.name if coder else "?"

    # -- edits ---------------------------------------------------------------------------------

    def toggle_tag(self, clause_id: int, category: str) -> Edit | None:
        return self._do(lambda: self.project.toggle_tag(self.coder_id, clause_id, category))

    def toggle_span(self, clause_id: int, category: str, start: int, end: int) -> Edit | None:
        return self._do(
            lambda: self.project.toggle_span(self.coder_id, clause_id, category, start, end)
        )

    def mark_none(self, clause_id: int) -> Edit | None:
        return self._do(lambda: self.project.mark_none(self.coder_id, clause_id))

    def _do(self, action: Callable[[], Edit]) -> Edit | None:
        try:
            edit = action()
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
            return None
        if edit.empty:
            return edit
        self.undo_stack.push(EditCommand(self, edit))
        self.changed.emit(edit)
        return edit

    def replay(self, how: Callable[[Edit], Edit], edit: Edit) -> None:
        """Undo or redo ``edit`` through the service and announce what was written."""
        try:
            written = how(edit)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a database error must not take the window down
            traceback.print_exc()
            self.failed.emit(f"{edit.label} could not be replayed: {exc}")
            return
        self.changed.emit(written)
