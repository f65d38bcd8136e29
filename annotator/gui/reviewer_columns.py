"""Reviewer mode's columns: every coder's coding beside each clause, read and refreshed.

On a team server every coder's coding comes from the server, so it is read off the UI thread
(:meth:`Workspace.read`); locally the read is a few milliseconds and runs inline.
After an edit only the edited clauses are read again: the whole plan would be a query per coder
over every clause, on every key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.changes import Kind

if TYPE_CHECKING:
    from annotator.gui.navigator import ClauseNavigator
    from annotator.gui.ops import Change
    from annotator.services.types import ClauseCoding, CoderInfo

Loaded = tuple["dict[str, dict[int, ClauseCoding]]", "list[CoderInfo]"]  # columns, their coders


def update(nav: ClauseNavigator, change: Change) -> None:
    """Reviewer mode after an edit: every coder's column, for the edited clauses only."""
    w, ws, key = nav.w, nav.w.workspace, nav.w.clauses.document_key
    if ws is None or key is None or change.touches(Kind.CODERS):  # a new column, perhaps
        load(nav)
        return
    from annotator.services.review import coding_by_coder

    project, ids = ws.project, change.clause_ids

    def show(by_coder: dict[str, dict[int, ClauseCoding]]) -> None:
        if nav.w.workspace is not ws or w.clauses.document_key != key or not w.clauses.reviewing:
            return  # left meanwhile
        if not w.clauses.update_reviewer(ids, by_coder):
            load(nav)  # a coder without a column: the consensus layer, just made

    ws.read(lambda: coding_by_coder(project, key, ids), show, title="Reviewer mode")


def load(nav: ClauseNavigator) -> None:
    """Every coder's column for the shown plan, read whole."""
    w, ws, key = nav.w, nav.w.workspace, nav.w.clauses.document_key
    if ws is None or key is None:
        w.clauses.set_reviewer([], {}, "")
        return
    from annotator.services.review import coding_by_coder

    project, own = ws.project, ws.coder_id

    def read() -> Loaded:
        return coding_by_coder(project, key), project.coders()

    def show(loaded: Loaded) -> None:
        if nav.w.workspace is not ws or w.clauses.document_key != key:
            return  # left meanwhile
        action = w.actions_.get("reviewer")
        if ws.background and action is not None and not action.isChecked():
            return  # reviewer mode switched off while it was read
        by_coder, coders = loaded
        current = nav.current_clause_id()
        order = sorted(coders, key=lambda c: (c.id != own, c.is_consensus, c.name))
        columns = [(c.id, c.name) for c in order if c.id in by_coder]
        w.clauses.set_reviewer(columns, by_coder, own)
        row = w.clauses.row_of(current) if current is not None else None
        if row is not None:
            w.clause_view.go_to_row(row)

    ws.read(read, show, title="Reviewer mode")


def set_mode(nav: ClauseNavigator, on: bool) -> bool:
    """Switch reviewer mode; off again if blind mode hides other coders' work and the user says
    no. Returns the mode now on."""
    w, ws = nav.w, nav.w.workspace
    if ws is None:
        return False
    if on and not w.clauses.reviewing:
        from annotator.gui.blind import may_show_others

        shown: list[bool] = []

        def allowed() -> None:  # at once locally; on a team server once blind mode is read
            if w.workspace is ws:
                shown.append(_switch(nav, True))

        may_show_others(w, ws, w.confirm, "every coder's tags", allowed, title="Reviewer mode")
        return shown[0] if shown else _switch(nav, False)  # off until it is allowed
    return _switch(nav, on)


def _switch(nav: ClauseNavigator, on: bool) -> bool:
    w = nav.w
    action = w.actions_.get("reviewer")
    if on:
        load(nav)
    elif w.clauses.reviewing:
        w.clauses.set_reviewer(None)
    if action is not None:
        blocked = action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(blocked)
    if nav.current_clause_id() is None and w.clauses.rowCount():
        w.clause_view.go_to_row(nav.first_visible() or 0)
    nav.apply_filter()
    return on
