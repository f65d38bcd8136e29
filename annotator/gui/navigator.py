"""The clause navigator: which plan and clause are shown, and how the coder moves between them.

It owns showing a plan (its clauses, the current clause in the detail pane), the filter (on the
view's :class:`~annotator.gui.views.ClauseFilter` proxy), search (Ctrl+F, F3), Go to (Ctrl+G),
next/previous and next uncoded, reviewer mode, and redrawing after a :class:`Change`. Rows here
are rows of the clause model; the view maps them through the filter.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QTimer

from annotator.core.changes import Kind
from annotator.gui import menus, reviewer_columns
from annotator.gui.models import FILTERS, Role
from annotator.gui.plan_counts import recount_left_plan
from annotator.gui.plan_loading import PlanLoader, settle_garbage

if TYPE_CHECKING:
    from annotator.core.codebook import Category
    from annotator.gui.main_window import MainWindow
    from annotator.gui.ops import Change
    from annotator.gui.saving import ReadBack, Saving
    from annotator.gui.settings import ProjectSettings
    from annotator.services.types import ClauseCoding

#: The current clause is remembered this long after the coder stops moving.
PLACE_SAVED_AFTER_MS = 1000


class ClauseNavigator(QObject):
    """Plans, clauses, filter, search and jumps of one main window."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.hits: list[int] = []
        # Where the coder is, written to the settings once they pause: a QSettings write costs
        # tens of milliseconds, too much for every J or K.
        self._place: tuple[ProjectSettings, str, int] | None = None
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(PLACE_SAVED_AFTER_MS)
        self._place_timer.timeout.connect(self.save_place)
        window.search_bar.changed.connect(self.search_changed)
        window.search_bar.step.connect(self.step_hit)
        window.search_bar.closed.connect(self._search_closed)
        window.clause_view.selectionModel().currentChanged.connect(self._clause_changed)
        window.document_view.selectionModel().currentChanged.connect(self._document_chosen)
        window.filter_combo.activated.connect(
            lambda i: self.set_filter(window.filter_combo.itemData(i) or "all")
        )
        self.fill_filter_combo()
        self.loader = PlanLoader(self)  # a team server's plan is read in the background

    @property
    def filter_how(self) -> str:
        return self.w.clause_view.shown.how

    # -- plans -----------------------------------------------------------------------------------

    def reload_documents(self, read: ReadBack | None = None) -> None:
        """The plan list from the project again (or as a team server's write read it back),
        keeping the current plan selected."""
        ws = self.w.workspace
        if ws is None:
            return
        current = self.shown_key()
        known = read.documents if read is not None and read.coder_id == ws.coder_id else None
        self.w.documents.set_documents(
            known if known is not None else ws.project.documents(ws.coder_id)
        )
        row = self.w.documents.row_of(current) if current else None
        if row is not None:
            self._select_document_row(row)

    def shown_key(self) -> str | None:
        """The plan shown, or being read to be shown (a team server)."""
        return self.loader.pending or self.w.clauses.document_key

    def show_plan(
        self, key: str, clause_id: int | None = None, plan: ReadBack | None = None
    ) -> None:
        """:meth:`open_document`, but on a team server a plan not read back already is read in
        the background, the clause list saying "Loading…" meanwhile (see plan_loading.py)."""
        ws = self.w.workspace
        if (
            ws is not None
            and ws.background
            and (plan is None or plan.plan_of(key, ws.coder_id) is None)
        ):
            self.loader.load(key, clause_id)
        else:
            self.open_document(key, clause_id, plan)

    def open_document(
        self,
        key: str,
        clause_id: int | None = None,
        plan: ReadBack | None = None,
        notes: list[str] | None = None,
    ) -> None:
        """Show the clauses of document ``key`` and make ``clause_id`` (or the first) current.
        ``plan``: the plan as a team server's write read it back (nothing is read here then);
        ``notes``: its source notes, read with it."""
        w, ws = self.w, self.w.workspace
        if ws is None:
            return
        self.loader.forget()  # shown now: a background read of a plan still running is stale
        same = key == w.clauses.document_key
        known = plan.plan_of(key, ws.coder_id) if plan is not None else None
        loaded = (
            known
            if known is not None
            else ws.ops.call(
                lambda: (
                    ws.project.document(key),
                    ws.project.clauses(key),
                    ws.project.coding(key, ws.coder_id),
                ),
                title="Cannot open the plan",
            )
        )
        if loaded is None:
            return
        doc, clauses, coding = loaded
        w.detail.commit_memo()
        w.clauses.set_document(key, doc.text, clauses, coding)
        ws.shown_document = key  # what a team server's write reads back for the views
        if not same:  # an edit of the plan shown (a split, a join) needs no second collection
            settle_garbage(len(clauses))
        if notes is not None:
            w.segment_notes.set_messages(notes)
        elif not (same and known is not None):  # an edit of it leaves the plan's notes as they are
            w.segment_notes.show_for(ws.project, key)
        if w.clauses.reviewing:
            self._load_reviewer()
        self.apply_filter()
        w.setWindowTitle(f"{doc.title} — Plan Annotator")
        row = w.documents.row_of(key)
        if row is not None:
            self._select_document_row(row)
        if w.settings is not None:
            w.settings.document_key = key
        target = w.clauses.row_of(clause_id) if clause_id is not None else None
        if target is None or not w.clause_view.is_shown(target):
            target = self._visible_from(0, 1)
        w.clause_view.go_to_row(target if target is not None else 0)
        if not clauses:
            self._clause_changed(QModelIndex())
        if w.search_bar.isVisible():
            self.search_changed(w.search_bar.pattern())
        self.update_progress()

    def show_first_plan(
        self, key: str | None, clause_id: int | None, read: ReadBack | None = None
    ) -> None:
        """After opening a project: ``key`` if it is still there, else the first plan, else none."""
        w = self.w
        if key is None or w.documents.row_of(key) is None:
            key = w.documents.summary(0).key if w.documents.rowCount() else None
        if key is not None:
            self.show_plan(key, clause_id, read)
            return
        self.loader.forget()
        w.detail.commit_memo()
        w.clauses.set_document(None, "", [], {})  # not the previous project's plan
        self._clause_changed(QModelIndex())
        w.setWindowTitle("Plan Annotator")
        w.heading.setText("No plans yet: File ▸ Import plan… or drop a file here")

    def _select_document_row(self, row: int) -> None:
        view = self.w.document_view
        blocked = view.selectionModel().blockSignals(True)
        view.setCurrentIndex(self.w.documents.index(row))
        view.selectionModel().blockSignals(blocked)

    def _document_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(Role.KEY)
        settings = self.w.settings
        if key and key != self.shown_key() and settings is not None:
            self.show_plan(key, settings.clause_id(key))

    def update_progress(self) -> None:
        w = self.w
        key = w.clauses.document_key
        coded, total = w.clauses.coded_count, w.clauses.rowCount()
        if key is not None:
            w.documents.set_coded(key, coded, total)
        w.progress_label.setText(f"{coded} of {total} clauses coded")
        row = w.documents.row_of(key) if key else None
        title = w.documents.summary(row).title if row is not None else ""
        coder = w.workspace.coder_name if w.workspace else ""
        w.heading.setText(f"{title}  ·  {coder}  ·  {coded}/{total} coded")

    # -- redrawing after a change ----------------------------------------------------------------

    def changed(self, change: Change) -> None:
        """Redraw what ``change`` touched; an undo in another plan brings that plan back."""
        w, ws = self.w, self.w.workspace
        if ws is None:
            return
        if change.touches(Kind.CODEBOOK):
            self.reload_codebook(change.read.codebook if change.read is not None else None)
        if change.edit is None and change.touches(Kind.CODERS):
            self.refresh_all()  # another coder: every row shows that coder's tags
            return
        if not change.touches(Kind.CODING, Kind.CLAUSES, Kind.DOCUMENTS, Kind.CODERS):
            return  # links between plans, settings: nothing the plan list or clauses show
        key = change.document_key
        if key is None:  # a merge, a codebook or project-wide edit
            if change.touches(Kind.CODING, Kind.CLAUSES, Kind.DOCUMENTS, Kind.CODERS):
                self.refresh_all(change.read)
            return
        if change.touches(Kind.DOCUMENTS):
            self.reload_documents(change.read)
        first = change.clause_ids[0] if change.clause_ids else None
        if change.touches(Kind.CLAUSES) and key == self.shown_key():
            # A split, join or moved boundary changes the list itself: show this plan again.
            target = first if first is not None else self.current_clause_id()
            self.show_plan(key, target, change.read)
            w.statusBar().showMessage(f"{change.label}.", 4000)
            return
        if key != self.shown_key():
            if not change.follow:  # a coding key pressed in a plan the coder has left since
                recount_left_plan(w, key, change.read)
                return
            self.show_plan(key, first)
            w.statusBar().showMessage(f"{change.label}: in another plan, now shown.", 4000)
            return
        if self.loader.pending is not None:  # the read under way may predate this write
            self.show_plan(key, self.loader.clause_id)
            return
        if not change.clause_ids and change.touches(Kind.DOCUMENTS):
            self.update_progress()
            return
        read = change.read  # a team server's write read them back on its own thread
        fresh = read.coding if read is not None and read.coder_id == ws.coder_id else {}
        for clause_id in change.clause_ids:
            coding = fresh.get(clause_id) or self.followed(change, clause_id)
            if coding is None:
                coding = ws.project.clause_coding(clause_id, ws.coder_id)
            w.clauses.update_coding(clause_id, coding)
        if w.clauses.reviewing:  # a consensus settled elsewhere shows in its column now
            self._update_reviewer(change)
        current = self.current_clause_id()
        if first is not None and first != current:
            row = w.clauses.row_of(first)
            if row is not None:
                w.clause_view.go_to_row(row)
        elif current in change.clause_ids:
            row = w.clause_view.current_row()
            clause = w.clauses.clause(row)
            w.detail.show_clause(
                clause,
                w.clauses.clause_text(row),
                w.clauses.coding(clause.id),
                ws.categories,
                keep_text=True,
                status=w.clauses.status(clause.id),
            )
        self.update_progress()

    def followed(self, change: Change, clause_id: int) -> ClauseCoding | None:
        """Locally (one writer) the shown coding with the edit's rows applied: no read back."""
        from annotator.services.coding_delta import coding_after

        ws, model = self.w.workspace, self.w.clauses
        if ws is None or ws.background or change.edit is None or model.row_of(clause_id) is None:
            return None
        return coding_after(model.coding(clause_id), change.edit.changes, ws.coder_id, clause_id)

    def saving(self, state: Saving) -> None:
        """A background write (team server) began or ended: its row shows it at once."""
        if state.done:
            self.w.clauses.end_saving(state.clause_id, state.token, state.error)
        else:
            self.w.clauses.begin_saving(state.clause_id, state.token, state.guess)
        w, ws = self.w, self.w.workspace
        if ws is not None and state.clause_id == self.current_clause_id():
            # The detail pane too, at once: the guess and "saving…", or "not saved: why".
            cid = state.clause_id
            w.detail.show_coding(w.clauses.coding(cid), ws.categories, w.clauses.status(cid))
        # The counts follow on commit, with the change (reading them would ask the server).

    def reload_codebook(self, codebook: list[Category] | None = None) -> None:
        """The workspace's categories, the dock, the rows, the filter list, the Code menu
        (``codebook``: as a team server's write read it back)."""
        w, ws = self.w, self.w.workspace
        if ws is None:
            return
        ws.reload_codebook(codebook)
        w.codebook.set_categories(ws.categories)
        w.clauses.set_categories(ws.categories)
        self.fill_filter_combo()
        menus.refresh_code_menu(w)

    def refresh_all(self, read: ReadBack | None = None) -> None:
        """Everything from the database again (after a merge, its undo, a switch of coder), or
        as a team server's write ``read`` it back (its codebook, if changed, is shown already)."""
        w = self.w
        if w.workspace is None:
            return
        if read is None:
            self.reload_codebook()
        self.reload_documents(read)
        self.show_first_plan(self.shown_key(), self.current_clause_id(), read)

    # -- clauses ---------------------------------------------------------------------------------

    def _clause_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        w = self.w
        w.detail.commit_memo()  # a memo being typed belongs to the clause being left
        row = w.clause_view.shown.mapToSource(current).row() if current.isValid() else -1
        if row < 0:
            w.detail.show_clause(None, "", w.clauses.coding(-1), [])
            return
        clause = w.clauses.clause(row)
        w.detail.show_clause(
            clause,
            w.clauses.clause_text(row),
            w.clauses.coding(clause.id),
            w.workspace.categories if w.workspace else [],
            status=w.clauses.status(clause.id),
        )
        if w.settings is not None and w.clauses.document_key:
            self._place = (w.settings, w.clauses.document_key, clause.id)
            self._place_timer.start()

    def save_place(self) -> None:
        """Remember the current clause of the plan now (also on leaving the project)."""
        self._place_timer.stop()
        place, self._place = self._place, None
        if place is not None:
            settings, key, clause_id = place
            settings.set_clause_id(key, clause_id)

    def current_clause_id(self) -> int | None:
        row = self.w.clause_view.current_row()
        return self.w.clauses.clause(row).id if row >= 0 else None

    def step_clause(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) clause the filter shows."""
        row = self.w.clause_view.current_row()
        target = self._visible_from(row + step, step)
        if target is not None:
            self.w.clause_view.go_to_row(target)

    def first_visible(self) -> int | None:
        return self._visible_from(0, 1)

    def _visible_from(self, row: int, step: int) -> int | None:
        """The first row from ``row`` in direction ``step`` that the filter shows."""
        n = self.w.clauses.rowCount()
        view = self.w.clause_view
        while 0 <= row < n:
            if view.is_shown(row):
                return row
            row += step
        return None

    def next_uncoded(self, step: int = 1) -> None:
        w = self.w
        row: int | None = w.clause_view.current_row()
        for _ in range(w.clauses.rowCount()):
            row = w.clauses.next_uncoded(row if row is not None else -1, step)
            if row is None or w.clause_view.is_shown(row):
                break
        if row is None or not w.clause_view.is_shown(row):
            w.statusBar().showMessage("Every clause shown is coded.", 4000)
        else:
            start = w.clause_view.current_row()
            w.clause_view.go_to_row(row)
            if (row - start) * step <= 0 and start >= 0:  # went round the end of the plan
                where = "first" if step > 0 else "last"
                w.statusBar().showMessage(f"Wrapped to the {where} uncoded clause.", 4000)
            elif w.statusBar().currentMessage().startswith("Wrapped"):
                w.statusBar().clearMessage()  # no longer true

    def jump_to_label(self, label: str | None = None) -> bool:
        """Ctrl+G: make the clause labelled ``label`` current (when None: asks for it in a
        window-modal box, no nested loop, and jumps once it is answered)."""
        w = self.w
        if label is None:
            from annotator.gui.modal import ask_line

            ask_line(w, "Go to clause", "Clause &label (e.g. 12 or 3.b):", self.jump_to_label)
            return False
        wanted = label.strip().rstrip(".").casefold()
        for row in range(w.clauses.rowCount()):
            if w.clauses.clause(row).label.rstrip(".").casefold() == wanted:
                if not w.clause_view.is_shown(row):
                    self.set_filter("all")
                    w.statusBar().showMessage("Filter cleared to show that clause.", 4000)
                w.clause_view.go_to_row(row)
                w.clause_view.setFocus()
                return True
        w.statusBar().showMessage(f"No clause labelled {label!r} in this plan.", 4000)
        return False

    # -- search ----------------------------------------------------------------------------------

    def open_search(self) -> None:
        self.w.search_bar.open_bar()

    def search_changed(self, pattern: object) -> None:
        """Highlight matches in the rows and the detail pane; list the shown rows that match."""
        w = self.w
        pat = pattern if isinstance(pattern, re.Pattern) else None
        view = w.clause_view
        view.clause_delegate.search = pat
        w.detail.set_search(pat)
        self.hits = [r for r in w.clauses.search_rows(pat) if view.is_shown(r)] if pat else []
        bad = bool(w.search_bar.edit.text()) and pat is None
        w.search_bar.show_count(None, len(self.hits), bad)
        view.viewport().update()

    def step_hit(self, step: int) -> None:
        """F3 / Shift+F3: the next or previous clause that matches the search."""
        w = self.w
        if not w.search_bar.isVisible():
            self.open_search()
            return
        w.search_bar.flush()
        if not self.hits:
            return
        row = w.clause_view.current_row()
        if step > 0:
            target = next((h for h in self.hits if h > row), self.hits[0])
        else:
            target = next((h for h in reversed(self.hits) if h < row), self.hits[-1])
        w.clause_view.go_to_row(target)
        w.search_bar.show_count(self.hits.index(target), len(self.hits))

    def _search_closed(self) -> None:
        self.search_changed(None)
        self.w.clause_view.setFocus()

    # -- filter ----------------------------------------------------------------------------------

    def fill_filter_combo(self) -> None:
        w = self.w
        combo = w.filter_combo
        combo.blockSignals(True)
        combo.clear()
        for key, text in FILTERS:
            combo.addItem(text, key)
        for cat in w.workspace.categories if w.workspace else []:
            combo.addItem(f"Tagged {cat.name}", f"cat:{cat.key}")
        row = combo.findData(self.filter_how)
        combo.setCurrentIndex(max(0, row))
        combo.blockSignals(False)

    def set_filter(self, how: str) -> None:
        """Show only the clauses that pass ``how`` (see :data:`FILTERS`, or "cat:<key>")."""
        w = self.w
        row = w.filter_combo.findData(how)
        if row >= 0 and row != w.filter_combo.currentIndex():
            w.filter_combo.setCurrentIndex(row)
        current = w.clause_view.current_row()
        self.apply_filter(how)
        if current < 0 or not w.clause_view.is_shown(current):
            # The filter hid the current clause: the next one it shows, else the one before.
            start = max(current, 0)
            target = self._visible_from(start, 1)
            if target is None:
                target = self._visible_from(start, -1)
            if target is not None:
                w.clause_view.go_to_row(target)
            else:
                w.statusBar().showMessage("No clause of this plan passes the filter.", 4000)
        if w.search_bar.isVisible():
            self.search_changed(w.search_bar.pattern())
        w.clause_view.setFocus()

    def apply_filter(self, how: str | None = None) -> None:
        w = self.w
        was = self.filter_how
        w.clause_view.shown.set_how(how if how is not None else was)
        shown, total = w.clause_view.shown_count(), w.clauses.rowCount()
        if self.filter_how != "all":
            w.statusBar().showMessage(f"{shown} of {total} clauses shown.", 4000)
        elif was != "all":  # not the previous filter's count, left standing
            w.statusBar().showMessage(f"All {total} clauses shown.", 4000)

    # -- reviewer mode ---------------------------------------------------------------------------

    def set_reviewer_mode(self, on: bool) -> bool:
        """Review ▸ Reviewer mode: every coder's chips beside each clause, disagreements marked."""
        return reviewer_columns.set_mode(self, on)

    def _update_reviewer(self, change: Change) -> None:
        reviewer_columns.update(self, change)

    def _load_reviewer(self) -> None:
        reviewer_columns.load(self)
