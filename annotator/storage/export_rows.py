"""The rows the exports read (the exchange file and the long CSV), in the orders they need.

The small lists (coders, codebook, clauses, documents, clause links) are read whole. Annotations,
reviews and the long CSV's tags can be a million rows: they are generators that read from the
cursor as they are consumed, so memory stays flat. Turning rows into exchange objects is the
services' job; these functions only read.

"Canonical order" is code-point order, as Python sorts strings. SQLite compares text bytewise
(UTF-8 byte order is code-point order); PostgreSQL follows the database's collation unless told
"C", so every ORDER BY on text here goes through :func:`_binary`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import Select, or_, select
from sqlalchemy.engine import Connection

from annotator.storage.tables import (
    T_ANNOTATION,
    T_CATEGORY,
    T_CLAUSE,
    T_CODER,
    T_DOCUMENT,
    T_LINK,
    T_NOTE,
    T_REVIEW,
)

BATCH = 2000  # rows fetched at a time by the streaming reads

# A clause's place and content: (id, document_key, start, end, label, kind, extra).
ClauseRow = tuple[int, str, int, int, str, str, "str | None"]
# An annotation's columns: (id, coder_id, clause_id, category_key, span_start, span_end, memo,
# uncertain, adjudicator, created, updated, deleted, extra).
AnnotationRow = tuple[Any, ...]


def _binary(conn: Connection, column: Any) -> Any:
    """``column`` for ORDER BY in code-point order (see the module's docstring)."""
    return column.collate("C") if conn.dialect.name == "postgresql" else column


def coder_rows_by_id(conn: Connection, coder_id: str | None = None) -> list[dict[str, Any]]:
    """Every coder's row (or only ``coder_id``'s, if it exists), by id."""
    query = select(T_CODER).order_by(T_CODER.c.id)
    if coder_id is not None:
        query = query.where(T_CODER.c.id == coder_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def category_rows_by_key(conn: Connection) -> list[dict[str, Any]]:
    """Every category's row, retired ones too, by key."""
    query = select(T_CATEGORY).order_by(T_CATEGORY.c.key)
    return [dict(r) for r in conn.execute(query).mappings()]


def clause_rows(conn: Connection, *, ordered: bool = False) -> Iterator[ClauseRow]:
    """Every clause as :data:`ClauseRow`, read as consumed; ``ordered``: by document key, start,
    end."""
    c = T_CLAUSE.c
    query = select(c.id, c.document_key, c.start, c.end, c.label, c.kind, c.extra)
    if ordered:
        query = query.order_by(c.document_key, c.start, c.end)
    yield from conn.execute(query)


def document_rows_by_key(conn: Connection) -> list[dict[str, Any]]:
    """Every document's row (with its text), by key."""
    query = select(T_DOCUMENT).order_by(T_DOCUMENT.c.key)
    return [dict(r) for r in conn.execute(query).mappings()]


def annotation_rows(conn: Connection, coder_id: str | None = None) -> Iterator[AnnotationRow]:
    """Every annotation (or ``coder_id``'s) as :data:`AnnotationRow`, by id in canonical order,
    read as consumed."""
    a = T_ANNOTATION.c
    query = select(
        a.id,
        a.coder_id,
        a.clause_id,
        a.category_key,
        a.span_start,
        a.span_end,
        a.memo,
        a.uncertain,
        a.adjudicator,
        a.created,
        a.updated,
        a.deleted,
        a.extra,
    ).order_by(_binary(conn, a.id))
    if coder_id is not None:
        query = query.where(a.coder_id == coder_id)
    yield from conn.execute(query.execution_options(yield_per=BATCH))


PER_CLAUSE_TABLES = {"review": T_REVIEW, "clause_note": T_NOTE}


def per_clause_rows(
    conn: Connection,
    table: Literal["review", "clause_note"],
    coder_id: str | None = None,
    *,
    ordered: bool = False,
) -> Iterator[Mapping[Any, Any]]:
    """The rows of a table keyed by (coder, clause), or ``coder_id``'s, read as consumed.

    ``ordered``: in canonical order, by coder, then the clause's document, start and end.
    """
    tbl = PER_CLAUSE_TABLES[table]
    query = select(tbl)
    if coder_id is not None:
        query = query.where(tbl.c.coder_id == coder_id)
    if ordered:
        c = T_CLAUSE.c
        query = query.join(T_CLAUSE, c.id == tbl.c.clause_id).order_by(
            _binary(conn, tbl.c.coder_id), _binary(conn, c.document_key), c.start, c.end
        )
    yield from conn.execute(query.execution_options(yield_per=BATCH)).mappings()


def link_rows(conn: Connection, coder_id: str | None = None) -> list[dict[str, Any]]:
    """Every clause link by id; with ``coder_id``, that coder's and those no coder signed."""
    query = select(T_LINK).order_by(T_LINK.c.id)
    if coder_id is not None:
        query = query.where(or_(T_LINK.c.coder_id == coder_id, T_LINK.c.coder_id.is_(None)))
    return [dict(r) for r in conn.execute(query).mappings()]


# A live tag as the long CSV reads it: (clause start, clause end, coder_id, category_key,
# span_start, span_end, memo, created, updated, id).
LiveTagRow = tuple[Any, ...]


def live_tag_batches(conn: Connection, document_key: str) -> Iterator[Sequence[LiveTagRow]]:
    """The document's live (not deleted) tags as :data:`LiveTagRow` tuples, in batches, by clause
    (start, end) and then coder in canonical order; read as consumed."""
    a, c = T_ANNOTATION.c, T_CLAUSE.c
    query = (
        select(
            c.start,
            c.end,
            a.coder_id,
            a.category_key,
            a.span_start,
            a.span_end,
            a.memo,
            a.created,
            a.updated,
            a.id,
        )
        .join(T_CLAUSE, c.id == a.clause_id)
        .where(a.deleted.isnot(True), c.document_key == document_key)
        # By coder too (the annotation index already is): a clause's rows then usually come in
        # the order the CSV wants.
        .order_by(c.start, c.end, _binary(conn, a.coder_id))
    )
    return _row_batches(conn, query)


def _row_batches(conn: Connection, query: Select[Any], size: int = 4000) -> Iterator[Sequence[Any]]:
    """The rows of ``query`` as the driver's plain tuples, in batches.

    The statement is still SQLAlchemy's (compiled for this connection's dialect); on SQLite the
    rows skip SQLAlchemy's Row objects, which cost 40 % of reading a million rows. Elsewhere the
    driver's plain cursor would fetch every row at once, so SQLAlchemy streams them instead.
    """
    if conn.dialect.name != "sqlite":
        for part in conn.execute(query.execution_options(yield_per=size)).partitions():
            yield [tuple(row) for row in part]
        return
    compiled = query.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    args: Any = (
        tuple(params[name] for name in compiled.positiontup or ())
        if compiled.positional
        else params
    )
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), args)
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()
