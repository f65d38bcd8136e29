"""A clause's coding after an edit, from the coding before it and the rows the edit wrote.

An :class:`Edit` carries the after-image of every row it wrote. On a local project (one writer:
the project lock) the window's copy of a clause's coding plus those images is the database state,
so the window need not read the clause back after each key. Whatever the images do not fully say
(another table, another coder's or clause's row) makes :func:`coding_after` give up (None): the
caller then reads the clause as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from annotator.core.edits import Row, RowChange
from annotator.services.types import ClauseCoding, SpanTag


def coding_after(
    coding: ClauseCoding, changes: Iterable[RowChange], coder_id: str, clause_id: int
) -> ClauseCoding | None:
    """``coding`` (``coder_id``'s on ``clause_id``, as stored before) with ``changes`` applied,
    or None if a change is one this cannot follow."""
    tags, spans = set(coding.tags), {s.annotation_id: s for s in coding.spans}
    review, memo, flagged = coding.review, coding.memo, coding.flagged
    for change in changes:
        images = [r for r in (change.before, change.after) if r is not None]
        if not images or any(
            r.get("coder_id") != coder_id or r.get("clause_id") != clause_id for r in images
        ):
            return None
        row, after = images[-1], _live(change.after)
        if change.table == "annotation":
            if row.get("span_start") is None:
                if (_live(change.before) is None) == (after is None):
                    continue  # still live (its memo changed), or still a tombstone
                # Whole-clause tags are kept by category: follow only what the set agrees with.
                if (after is not None) == (row["category_key"] in tags):
                    return None
                tags.symmetric_difference_update({row["category_key"]})
            elif after is None:
                spans.pop(str(row["id"]), None)
            else:
                spans[str(row["id"])] = _span(after)
        elif change.table == "review":
            review = str(after["status"]) if after is not None else None
        elif change.table == "clause_note":
            memo = str(after["memo"] or "") if after is not None else ""
            flagged = bool(after["flagged"]) if after is not None else False
        else:
            return None
    ordered = sorted(spans.values(), key=lambda s: (s.start, s.end, s.annotation_id))
    return replace(
        coding,
        tags=frozenset(tags),
        spans=tuple(ordered),
        review=review,
        memo=memo,
        flagged=flagged,
    )


def _live(row: Row | None) -> Row | None:
    """The image if it is a live row (not absent, not a tombstone)."""
    return row if row is not None and not row.get("deleted") else None


def _span(row: Row) -> SpanTag:
    return SpanTag(
        str(row["id"]),
        str(row["category_key"]),
        int(row["span_start"]),
        int(row["span_end"]),
        str(row["memo"] or ""),
    )
