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
    """An :class:`Edit` the service has already applied, made undoable on a QUndoStack.

    ``applied`` follows the database, not the stack: a replay the service refuses leaves it as it
    was, and the workspace moves the stack back (see :meth:`Workspace.replay`).
    """

    def __init__(self, workspace: Workspace, edit: Edit):
        super().__init__(edit.label)
        self.workspace = workspace
        self.edit = edit
        self.applied = True  # pushing calls redo(); the service has done it already

    def redo(self) -> None:
        if self.applied:
            return
        if self.workspace.replay(self.workspace.project.redo, self.edit, "Redo"):
            self.applied = True

    def undo(self) -> None:
        if not self.applied:
            return
        if self.workspace.replay(self.workspace.project.undo, self.edit, "Undo"):
            self.applied = False


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
        # Where the stack must go back to after a refused undo or redo (None: nowhere).
        self._hold_index: int | None = None
        self.undo_stack.indexChanged.connect(self._index_changed)
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
        return self.record(edit)

    def record(self, edit: Edit, *, announce: bool = True) -> Edit:
        """Put an edit the service has already written on the undo stack, and announce it."""
        if edit.empty:
            return edit
        self.undo_stack.push(EditCommand(self, edit))
        if announce:
            self.changed.emit(edit)
        return edit

    def replay(self, how: Callable[[Edit], Edit], edit: Edit, verb: str = "Redo") -> bool:
        """Undo or redo ``edit`` through the service and announce what was written.

        On failure nothing was written (one transaction), so the stack is kept where it was and
        the reason is announced with :attr:`failed`. Returns whether the replay happened.
        """
        try:
            written = how(edit)
        except AnnotatorError as exc:
            message = str(exc)
        except Exception as exc:  # a database error must not take the window down
            traceback.print_exc()
            message = f"cannot {verb.lower()} \u201c{edit.label}\u201d: {exc}"
        else:
            self.changed.emit(written)
            return True
        # The stack moves its index after this returns: move it back once it has.
        self._hold_index = self.undo_stack.index()
        self.failed.emit(f"{message[:1].upper()}{message[1:]}. The undo history is unchanged.")
        return False

    def _index_changed(self, index: int) -> None:
        target, self._hold_index = self._hold_index, None
        if target is not None and index != target:
            # The command in between did not run (its ``applied`` says so): this replays nothing.
            self.undo_stack.setIndex(target)
