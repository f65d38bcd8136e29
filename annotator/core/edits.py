"""Undoable edits as data: every change a service makes is a list of row images.

An :class:`Edit` records, for each row it touched, the row before and after. Undo writes the
before-images back, redo the after-images. Being plain data, one mechanism covers tags, spans,
memos, flags, clause edits, codebook edits and merges, and it needs no Qt: the GUI wraps each Edit
in a ``QUndoCommand``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]


@dataclass(frozen=True)
class RowChange:
    """One row of ``table`` identified by its primary ``key``: ``None`` means absent."""

    table: str
    key: tuple[Any, ...]
    before: Row | None
    after: Row | None

    def inverse(self) -> RowChange:
        return RowChange(self.table, self.key, self.after, self.before)


@dataclass(frozen=True)
class Edit:
    """A user action: a label for the Edit menu ("Tag 5 as Territorial") and its row changes."""

    label: str
    changes: tuple[RowChange, ...]
    document_key: str | None = None
    clause_ids: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes

    def inverse(self) -> Edit:
        return Edit(
            self.label,
            tuple(c.inverse() for c in reversed(self.changes)),
            self.document_key,
            self.clause_ids,
        )

    def tables(self) -> frozenset[str]:
        return frozenset(c.table for c in self.changes)
