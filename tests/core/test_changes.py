"""Domain change kinds: what views subscribe to instead of storage table names."""

from __future__ import annotations

from annotator.core.changes import EVERYTHING, Kind, count, kinds_of
from annotator.core.edits import Edit, RowChange


def edit(*tables: str) -> Edit:
    return Edit("x", tuple(RowChange(t, (i,), None, {"id": i}) for i, t in enumerate(tables)))


def test_each_table_has_one_kind() -> None:
    assert kinds_of(edit("annotation", "review", "clause_note")) == {Kind.CODING}
    assert kinds_of(edit("clause", "annotation")) == {Kind.CLAUSES, Kind.CODING}
    assert kinds_of(edit("category")) == {Kind.CODEBOOK}
    assert kinds_of(edit("document")) == {Kind.DOCUMENTS}
    assert kinds_of(edit("coder")) == {Kind.CODERS}
    assert kinds_of(edit("setting")) == {Kind.SETTINGS}
    assert kinds_of(edit("clause_link")) == {Kind.LINKS}
    assert kinds_of(edit()) == frozenset()


def test_an_unknown_table_counts_as_everything() -> None:
    """A table added later must not leave views stale: they redraw everything."""
    assert kinds_of(edit("annotation", "some_new_table")) == EVERYTHING


def test_every_storage_table_has_a_kind() -> None:
    from annotator.storage.models import TABLES

    assert all(kinds_of(edit(name)) != EVERYTHING for name in TABLES), sorted(TABLES)


def test_count_rows_of_a_kind() -> None:
    assert count(edit("category", "category", "annotation"), Kind.CODEBOOK) == 2
    assert count(edit("annotation"), Kind.CODEBOOK) == 0
