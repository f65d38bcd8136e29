"""Reading a plan off the UI thread on a team server: the clause list says "Loading…" at once.

A local SQLite file gives a plan's clauses and coding in milliseconds, so there the navigator
reads them where it stands. A team server may wait for the network or for a table another
connection holds, up to the statement timeout; the window must keep answering keys meanwhile.
So on a server, choosing a plan (and the plan shown next after the shown one was removed):

1. empties the clause list at once and shows "Loading “Title”…" over it (no clause is current,
   so no key can code a clause of the plan being left);
2. reads the plan, its clauses, the coder's coding and the source notes as a quiet job of the
   runner;
3. shows them when the read returns, unless another plan was chosen meanwhile (the latest choice
   wins: an older read is dropped);
4. a failed read says so over the list ("Cannot open “Title”: why"), never as a traceback.

Reviewer mode's columns (every coder's coding) are read the same way
(:mod:`annotator.gui.reviewer_columns`).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QLabel

from annotator.gui.saving import PlanRead, ReadBack
from annotator.gui.segment_notes import read_messages

if TYPE_CHECKING:
    from annotator.gui.navigator import ClauseNavigator

Loaded = tuple[PlanRead, list[str]]


class PlanLoader(QObject):
    """The one plan being read in the background for a main window, if any."""

    def __init__(self, navigator: ClauseNavigator):
        super().__init__(navigator)
        self.nav = navigator
        self.w = navigator.w
        #: The plan being read (the plan list shows it chosen; the clause list is empty).
        self.pending: str | None = None
        self.clause_id: int | None = None
        self._token = 0
        viewport = self.w.clause_view.viewport()
        self.note = QLabel(viewport)
        self.note.setObjectName("planLoading")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.hide()
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.note.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        viewport = self.w.clause_view.viewport()
        self.note.setGeometry(24, 24, max(viewport.width() - 48, 80), 96)

    def _say(self, text: str, failed: bool = False) -> None:
        self.note.setStyleSheet("color: #b00020;" if failed else "color: palette(mid);")
        self.note.setText(text)
        self._place()
        self.note.show()
        self.note.raise_()

    def forget(self) -> None:
        """A plan is shown now: a read still running is stale, its result dropped."""
        self._token += 1
        self.pending = self.clause_id = None
        self.note.hide()

    def load(self, key: str, clause_id: int | None) -> None:
        """Read plan ``key`` in the background; show it (``clause_id`` current) when it returns."""
        w, ws = self.w, self.w.workspace
        if ws is None:
            return
        self.forget()
        token = self._token
        self.pending, self.clause_id = key, clause_id
        ws.shown_document = key  # a write committing meanwhile reads this plan back
        row = w.documents.row_of(key)
        title = w.documents.summary(row).title if row is not None else "the plan"
        w.detail.commit_memo()
        w.clauses.set_document(None, "", [], {})  # no clause of the plan left can be coded
        self.nav._clause_changed(QModelIndex())
        w.segment_notes.set_messages([])
        self._say(f"Loading “{title}”…")
        w.heading.setText(f"Loading “{title}”…")
        w.progress_label.setText("")
        if row is not None:
            self.nav._select_document_row(row)
        project, coder = ws.project, ws.coder_id

        def read(_progress: object) -> Loaded:
            from annotator.services.reads import read_mapped  # SQLAlchemy: not at start-up

            def plan() -> PlanRead:
                return project.document(key), project.clauses(key), project.coding(key, coder)

            return read_mapped(plan), read_mapped(lambda: read_messages(project, key))

        def done(loaded: Loaded) -> None:
            if token != self._token or w.workspace is not ws:
                return  # another plan was chosen meanwhile (or another project opened)
            plan, notes = loaded
            at = self.clause_id
            self.nav.open_document(key, at, ReadBack(coder, {}, plan), notes=notes)

        def failed(message: str) -> None:
            if token != self._token or w.workspace is not ws:
                return
            self.pending = None
            self._say(f"Cannot open “{title}”: {message}. Choose it again to retry.", failed=True)
            w.heading.setText(f"Cannot open “{title}”")
            # Choosing the same plan again tries again: it must not still be the current row.
            view = w.document_view
            blocked = view.selectionModel().blockSignals(True)
            view.selectionModel().clearCurrentIndex()
            view.selectionModel().blockSignals(blocked)

        ws.ops.run(read, on_done=done, on_failed=failed, title="Cannot open the plan")


#: Plans with more clauses than this are frozen out of the cyclic garbage collector's reach.
FREEZE_ABOVE = 3000


def settle_garbage(clauses: int) -> None:
    """After a plan is loaded: with a big plan, collect now and freeze what is alive.

    A full collection walks every object; with a 10,000-clause plan shown that is ~50 ms, and
    Python starts one every few hundred keys: a stalled key. Frozen objects are never walked, so
    later collections see only what was made since. What was frozen comes back (and its garbage
    is collected) at the next plan's loading.
    """
    gc.unfreeze()
    if clauses > FREEZE_ABOVE:
        gc.collect()
        gc.freeze()
