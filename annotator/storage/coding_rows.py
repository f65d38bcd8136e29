"""The rows of coders' work on clauses: annotations (tags, spans), reviews and clause memos.

Each function takes the caller's open :class:`Connection` and returns plain rows (dicts), tuples
or values. Which row to change and how (a toggle, a settlement, undo images) is the services'
business; the few single-row lookups shared more widely are in :mod:`annotator.storage.queries`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.engine import Connection

from annotator.storage.models import TABLES
from annotator.storage.tables import T_ANNOTATION, T_CATEGORY, T_CLAUSE, T_NOTE, T_REVIEW

#: The tables of work that hangs on one clause, each with a ``clause_id`` column.
ON_CLAUSE = ("annotation", "review", "clause_note")


def rows_on_clause(conn: Connection, table: str, clause_id: int) -> list[dict[str, Any]]:
    """Every row (tombstones too) of ``table`` (one of :data:`ON_CLAUSE`) on the clause."""
    if table not in ON_CLAUSE:
        raise ValueError(f"{table} rows do not hang on one clause")
    tbl = TABLES[table]
    query = select(tbl).where(tbl.c.clause_id == clause_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def span_tag_row(
    conn: Connection, coder_id: str, clause_id: int, category: str, start: int, end: int
) -> dict[str, Any] | None:
    """The coder's annotation of ``category`` on exactly ``[start, end)`` (or a tombstone)."""
    query = select(T_ANNOTATION).where(
        T_ANNOTATION.c.coder_id == coder_id,
        T_ANNOTATION.c.clause_id == clause_id,
        T_ANNOTATION.c.category_key == category,
        T_ANNOTATION.c.span_start == start,
        T_ANNOTATION.c.span_end == end,
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


_LIVE_ANNOTATIONS = select(T_ANNOTATION).where(  # built once: "none applies" is a key too
    T_ANNOTATION.c.coder_id == bindparam("coder_id"),
    T_ANNOTATION.c.clause_id == bindparam("clause_id"),
    T_ANNOTATION.c.deleted == False,  # noqa: E712 - SQL expression
)


def live_annotations(conn: Connection, coder_id: str, clause_id: int) -> list[dict[str, Any]]:
    """The coder's live annotations (tags and spans) on the clause."""
    found = conn.execute(_LIVE_ANNOTATIONS, {"coder_id": coder_id, "clause_id": clause_id})
    return [dict(r) for r in found.mappings()]


def _context_query(with_category: bool) -> Select[Any]:
    """The clause, the coder's review of it and (``with_category``) a category, in one row.
    Built once with bind parameters: a key then pays neither building nor cache-keying it."""
    review_cols = [c.label(f"review_{c.name}") for c in T_REVIEW.c]
    on_review = (T_REVIEW.c.clause_id == T_CLAUSE.c.id) & (
        T_REVIEW.c.coder_id == bindparam("coder_id")
    )
    joined = T_CLAUSE.outerjoin(T_REVIEW, on_review)
    cat_cols: list[Any] = []
    if with_category:
        joined = joined.outerjoin(T_CATEGORY, T_CATEGORY.c.key == bindparam("category"))
        cat_cols = [T_CATEGORY.c.name.label("category_name"), T_CATEGORY.c.codable]
    query = select(*T_CLAUSE.c, *review_cols, *cat_cols).select_from(joined)
    return query.where(T_CLAUSE.c.id == bindparam("clause_id"))


_CONTEXT = {False: _context_query(False), True: _context_query(True)}
_ANNOTATIONS_OF = (
    select(T_ANNOTATION)
    .where(
        T_ANNOTATION.c.coder_id == bindparam("coder_id"),
        T_ANNOTATION.c.clause_id == bindparam("clause_id"),
    )
    .order_by(T_ANNOTATION.c.id)
)


def coding_context(
    conn: Connection, coder_id: str, clause_id: int, category: str | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
    """What a coding key needs to know besides the annotations, in one statement: the clause's
    row, the coder's review of it (a tombstone too) and ``category``'s name and ``codable``
    column. Each is None if absent (no such clause, never reviewed, no such category)."""
    params: dict[str, Any] = {"coder_id": coder_id, "clause_id": clause_id}
    if category is not None:
        params["category"] = category
    found = conn.execute(_CONTEXT[category is not None], params).mappings().first()
    if found is None:
        return None, None, None
    clause = {c.name: found[c.name] for c in T_CLAUSE.c}
    review = {c.name: found[f"review_{c.name}"] for c in T_REVIEW.c}
    cat = None
    if category is not None and found["category_name"] is not None:
        cat = {"name": found["category_name"], "codable": found["codable"]}
    return clause, (review if review["coder_id"] is not None else None), cat


def coder_clause_annotations(
    conn: Connection, coder_id: str, clause_id: int
) -> list[dict[str, Any]]:
    """Every annotation row (tags and spans, tombstones too) of the coder on the clause, by id."""
    found = conn.execute(_ANNOTATIONS_OF, {"coder_id": coder_id, "clause_id": clause_id})
    return [dict(r) for r in found.mappings()]


def clause_tag_rows(conn: Connection, coder_id: str, clause_id: int) -> list[dict[str, Any]]:
    """The coder's whole-clause tags on the clause, tombstones too."""
    query = select(T_ANNOTATION).where(
        T_ANNOTATION.c.coder_id == coder_id,
        T_ANNOTATION.c.clause_id == clause_id,
        T_ANNOTATION.c.span_start.is_(None),
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def live_annotation_count(conn: Connection, clause_ids: Iterable[int]) -> int:
    """How many live annotations (anyone's) the clauses carry."""
    ids = list(clause_ids)
    if not ids:
        return 0
    query = select(T_ANNOTATION.c.id).where(
        T_ANNOTATION.c.clause_id.in_(ids),
        T_ANNOTATION.c.deleted == False,  # noqa: E712 - SQL expression
    )
    return len(conn.execute(query).all())


def review_status(conn: Connection, coder_id: str, clause_id: int) -> str | None:
    """The status of the coder's review row on the clause (a tombstone's too), or None."""
    query = select(T_REVIEW.c.status).where(
        T_REVIEW.c.coder_id == coder_id, T_REVIEW.c.clause_id == clause_id
    )
    status = conn.execute(query).scalar()
    return None if status is None else str(status)


# -- one coder's coding of a plan (the coding view), in three queries ---------------------------


def _of_plan(tbl: Table, doc_key: str, coder_id: str, clause_ids: list[int] | None) -> Any:
    """The conditions: rows of ``tbl`` by the coder on the plan's clauses (or on ``clause_ids``)."""
    conditions = [T_CLAUSE.c.document_key == doc_key, tbl.c.coder_id == coder_id]
    if clause_ids is not None:
        conditions.append(tbl.c.clause_id.in_(clause_ids))
    return conditions


def live_annotation_cells(
    conn: Connection, doc_key: str, coder_id: str, clause_ids: list[int] | None = None
) -> list[tuple[int, str, str, Any, Any, str]]:
    """The coder's live annotations on the plan as (clause id, id, category, start, end, memo).

    Start and end are as stored (None for a whole-clause tag). Spans are in text order
    (whole-clause tags, with no start, first); ``clause_ids`` narrows.
    """
    query = (
        select(
            T_ANNOTATION.c.clause_id,
            T_ANNOTATION.c.id,
            T_ANNOTATION.c.category_key,
            T_ANNOTATION.c.span_start,
            T_ANNOTATION.c.span_end,
            T_ANNOTATION.c.memo,
        )
        .join(T_CLAUSE, T_CLAUSE.c.id == T_ANNOTATION.c.clause_id)
        .where(
            *_of_plan(T_ANNOTATION, doc_key, coder_id, clause_ids),
            T_ANNOTATION.c.deleted == False,  # noqa: E712 - SQL expression
        )
        .order_by(T_ANNOTATION.c.span_start, T_ANNOTATION.c.span_end, T_ANNOTATION.c.id)
    )
    return list(conn.execute(query).all())


def live_review_statuses(
    conn: Connection, doc_key: str, coder_id: str, clause_ids: list[int] | None = None
) -> dict[int, str]:
    """The coder's live reviews on the plan: status by clause id."""
    query = (
        select(T_REVIEW.c.clause_id, T_REVIEW.c.status)
        .join(T_CLAUSE, T_CLAUSE.c.id == T_REVIEW.c.clause_id)
        .where(
            *_of_plan(T_REVIEW, doc_key, coder_id, clause_ids),
            T_REVIEW.c.deleted == False,  # noqa: E712 - SQL expression
        )
    )
    return dict(conn.execute(query).all())


def clause_note_cells(
    conn: Connection, doc_key: str, coder_id: str, clause_ids: list[int] | None = None
) -> list[tuple[int, str, bool]]:
    """The coder's clause memos on the plan as (clause id, memo, flagged)."""
    query = (
        select(T_NOTE.c.clause_id, T_NOTE.c.memo, T_NOTE.c.flagged)
        .join(T_CLAUSE, T_CLAUSE.c.id == T_NOTE.c.clause_id)
        .where(*_of_plan(T_NOTE, doc_key, coder_id, clause_ids))
    )
    return [(c, m, bool(f)) for c, m, f in conn.execute(query)]
