"""What an edit changed, in the domain's words: the kinds of change views subscribe to.

Views ask "did the coding change?", never "was the ``annotation`` table written?": the table names
are storage's business, and this module is the one place that maps them.
"""

from __future__ import annotations

from enum import StrEnum

from annotator.core.edits import Edit


class Kind(StrEnum):
    """One kind of change a view may redraw for."""

    CODING = "coding"  # tags, spans, reviews, memos and flags of clauses
    CLAUSES = "clauses"  # clause boundaries: split, joined, moved
    CODEBOOK = "codebook"  # categories
    DOCUMENTS = "documents"  # plans added, removed, retitled
    CODERS = "coders"  # coders added, or the current coder switched
    SETTINGS = "settings"  # project settings (blind mode)
    LINKS = "links"  # links between clauses of two plans


#: Every kind: what a merge, a project switch or an unknown change may have touched.
EVERYTHING: frozenset[Kind] = frozenset(Kind)

_BY_TABLE = {
    "annotation": Kind.CODING,
    "review": Kind.CODING,
    "clause_note": Kind.CODING,
    "clause": Kind.CLAUSES,
    "category": Kind.CODEBOOK,
    "document": Kind.DOCUMENTS,
    "coder": Kind.CODERS,
    "setting": Kind.SETTINGS,
    "clause_link": Kind.LINKS,
    # Which foreign REFI-QDA GUID became which row: bookkeeping that no view shows.
    "refi_identity": Kind.SETTINGS,
}


def kinds_of(edit: Edit) -> frozenset[Kind]:
    """The kinds of change ``edit`` made; a row of a table not known here counts as everything."""
    kinds: set[Kind] = set()
    for change in edit.changes:
        kind = _BY_TABLE.get(change.table)
        if kind is None:
            return EVERYTHING
        kinds.add(kind)
    return frozenset(kinds)


def count(edit: Edit, kind: Kind) -> int:
    """How many rows of ``kind`` the edit wrote (e.g. categories added or changed by an import)."""
    return sum(1 for change in edit.changes if _BY_TABLE.get(change.table) is kind)
