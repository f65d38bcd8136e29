"""The coding workspace: one open project, one coder, and the window's undo stack.

Widgets never call the service to change data themselves: they hand the call to the window's
operation runner (:attr:`Workspace.ops`, see :mod:`annotator.gui.ops`), which puts the returned
:class:`Edit` on :attr:`Workspace.undo_stack` and announces what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from annotator.core.edits import Edit
from annotator.gui.ops import Operations, message_for
from annotator.gui.saving import (
    Guess,
    guess_none,
    guess_span,
    guess_tag,
    save_in_background,
    write_in_background,
)

T = TypeVar("T")

if TYPE_CHECKING:  # the service pulls in SQLAlchemy: imported only once a project opens
    from annotator.core.codebook import Category
    from annotator.services.project import Project


class Workspace(QObject):
    """The project, the current coder and the undo stack of one main window."""

    def __init__(
        self,
        project: Project,
        coder_id: str,
        *,
        ops: Operations | None = None,
        parent: QObject | None = None,
    ):
        """``ops`` is the window's runner; a workspace without a window gets a runner of its own."""
        super().__init__(parent)
        self.project = project
        self.coder_id = coder_id
        self.ops = ops if ops is not None else Operations(self.parent_widget(parent))
        self.ops.workspace = self
        self.undo_stack = QUndoStack(self)
        # Where the stack must go back to after a refused undo or redo (None: nowhere).
        self._hold_index: int | None = None
        #: Undo (True) and redo (False) steps asked for while a write was saving, in order.
        self.replays: list[bool] = []
        self._draining = False
        self.undo_stack.indexChanged.connect(self._index_changed)
        self.categories: list[Category] = []
        #: The plan the window shows (set by the navigator; read by a team server's writes).
        self.shown_document: str | None = None
        self._named: tuple[str, str] | None = None  # (coder id, name)
        self.reload_codebook()

    def queue_replay(self, undo: bool) -> None:
        """Ctrl+Z (or redo) while a write is saving: run it once the writes before it commit."""
        self.replays.append(undo)
        what = "Undo" if undo else "Redo"
        waiting = f" ({len(self.replays)} waiting)" if len(self.replays) > 1 else ""
        self.ops.said.emit(f"{what} queued{waiting}: it runs once the last change is saved.")

    def run_queued_replay(self) -> None:
        """A write ended: the next queued undo or redo, once nothing is saving any more."""
        while self.replays and not self.ops.writes_pending() and self.ops.workspace is self:
            undo = self.replays.pop(0)
            self._draining = True
            try:
                (self.undo_stack.undo if undo else self.undo_stack.redo)()  # submits the replay
            finally:
                self._draining = False

    @property
    def replays_waiting(self) -> bool:
        """Undo or redo steps are queued (a new one, or an edit, must go behind them)."""
        return bool(self.replays) and not self._draining

    def drop_replays(self) -> int:
        """A replay was refused: the undo steps queued after it are not run. How many."""
        dropped, self.replays = len(self.replays), []
        return dropped

    def hold_stack(self) -> None:
        """Keep the undo stack where it is: the replay running now was refused."""
        # The stack moves its index after the command returns: move it back once it has.
        self._hold_index = self.undo_stack.index()

    def _index_changed(self, index: int) -> None:
        target, self._hold_index = self._hold_index, None
        if target is not None and index != target:
            # The command in between did not run (its ``applied`` says so): this replays nothing.
            self.undo_stack.setIndex(target)

    @staticmethod
    def parent_widget(parent: QObject | None) -> QWidget | None:
        return parent if isinstance(parent, QWidget) else None

    def reload_codebook(self, codebook: list[Category] | None = None) -> None:
        """The live categories: from ``codebook`` (all of them, as a write read them back on a
        team server) or from the project."""
        if codebook is not None:
            self.categories = [c for c in codebook if not c.retired]
        else:
            self.categories = self.project.categories()

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    def category_for_shortcut(self, shortcut: str) -> Category | None:
        return next((c for c in self.categories if c.shortcut == shortcut), None)

    @property
    def coder_name(self) -> str:
        """The current coder's name, read once per coder: the heading asks for it on every
        redraw, and on a team server a read on the UI thread waits for the network."""
        if self._named is None or self._named[0] != self.coder_id:
            coder = self.project.coder(self.coder_id)
            if coder is None:
                return "?"
            self._named = (self.coder_id, coder.name)  # no edit renames a coder
        return self._named[1]

    def read(
        self,
        read: Callable[[], T],
        show: Callable[[T], None],
        *,
        title: str,
        on_failed: Callable[[str], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        """A read a view asks for: at once locally (a few milliseconds); on a team server off the
        UI thread, a database error as one line (:func:`annotator.services.reads.read_mapped`).
        A failure goes to ``on_failed`` (a view saying it inline) or a message titled ``title``;
        once ``owner`` is deleted (a dialog closed meanwhile) ``show`` is not called."""
        if not self.background:
            try:
                value = read()
            except Exception as exc:
                self.ops.fail(title, message_for(exc), on_failed)
                return
            show(value)
            return
        from annotator.services.reads import read_mapped

        self.ops.run(
            lambda _p: read_mapped(read),
            on_done=show,
            on_failed=on_failed,
            title=title,
            owner=owner,
        )

    # -- the coding edits (the runner does the rest) --------------------------------------------

    @property
    def background(self) -> bool:
        """Whether coding edits are written in the background (a team server: see saving.py)."""
        return self.project.on_server

    def write(
        self, clause_id: int, action: Callable[[], Edit], guess: Guess | None = None
    ) -> Edit | None:
        """A coding edit of one clause: at once locally; on a server in the background, the row
        showing ``guess`` and "saving…" until it commits (then None is returned here)."""
        if self.background:
            write_in_background(self, clause_id, action, guess)
            return None
        return self.ops.edit(action)

    def edit(
        self,
        action: Callable[[], Edit],
        clause_ids: tuple[int, ...] = (),
        *,
        what: str | None = None,
        title: str | None = None,
        on_done: Callable[[Edit], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        owner: QObject | None = None,
    ) -> Edit | None:
        """Any other edit (split, join, a link, a dialog's write): at once locally; on a server in
        the background, the status bar ("Saving <what>…") and the rows of ``clause_ids`` saying
        "saving…" (then None here). ``on_done(edit)`` runs once it is on the undo stack, either
        way; a failure goes to ``on_failed`` or a message (see :func:`save_in_background`)."""
        if self.background:
            save_in_background(
                self,
                action,
                clause_ids,
                what=what,
                title=title or "Not saved",
                on_done=on_done,
                on_failed=on_failed,
                owner=owner,
            )
            return None
        edit = self.ops.edit(action, title=title or "Cannot do that", on_failed=on_failed)
        if edit is not None and on_done is not None:
            on_done(edit)
        return edit

    def toggle_tag(self, clause_id: int, category: str) -> Edit | None:
        return self.write(
            clause_id,
            lambda: self.project.toggle_tag(self.coder_id, clause_id, category),
            guess_tag(category),
        )

    def toggle_span(self, clause_id: int, category: str, start: int, end: int) -> Edit | None:
        return self.write(
            clause_id,
            lambda: self.project.toggle_span(self.coder_id, clause_id, category, start, end),
            guess_span(category, start, end),
        )

    def mark_none(self, clause_id: int) -> Edit | None:
        return self.write(
            clause_id, lambda: self.project.mark_none(self.coder_id, clause_id), guess_none
        )
