"""What a REFI-QDA import reads from the project, and the identities it remembers.

``refi_identity`` maps another tool's GUIDs to this project's ids (and keeps a fingerprint of each
imported coding), so that a re-export of the same foreign project lands on the same rows. Which
identities to keep and what a fingerprint is are the REFI service's business; here rows are read
and written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.engine import Connection

from annotator.storage.tables import T_ANNOTATION, T_CATEGORY, T_CLAUSE, T_CODER, T_IDENTITY

# An identity: (kind, foreign_id, local_id, fingerprint, source).
IdentityRow = tuple[str, str, str, "str | None", str]
# A clause: (id, document_key, start, end, label, kind).
ClausePlace = tuple[int, str, int, int, str, str]
# An annotation's content: (id, coder_id, clause_id, category_key, span_start, span_end, memo,
# updated, deleted).
AnnotationContent = tuple[Any, ...]


def identity_rows(conn: Connection) -> list[IdentityRow]:
    """Every remembered identity as :data:`IdentityRow`."""
    i = T_IDENTITY.c
    query = select(i.kind, i.foreign_id, i.local_id, i.fingerprint, i.source)
    return [tuple(r) for r in conn.execute(query)]


def clause_places(conn: Connection) -> list[ClausePlace]:
    """Every clause as :data:`ClausePlace`."""
    c = T_CLAUSE.c
    query = select(c.id, c.document_key, c.start, c.end, c.label, c.kind)
    return [tuple(r) for r in conn.execute(query)]


def annotation_contents(conn: Connection) -> Iterator[AnnotationContent]:
    """Every annotation as :data:`AnnotationContent`, live ones first, then by id; read as
    consumed."""
    a = T_ANNOTATION.c
    query = select(
        a.id,
        a.coder_id,
        a.clause_id,
        a.category_key,
        a.span_start,
        a.span_end,
        a.memo,
        a.updated,
        a.deleted,
    ).order_by(a.deleted, a.id)
    yield from conn.execute(query)


def update_identity(conn: Connection, kind: str, foreign_id: str, values: dict[str, Any]) -> None:
    """Set ``values`` (local_id, fingerprint, source, updated) on the identity (kind,
    foreign_id)."""
    i = T_IDENTITY.c
    conn.execute(
        T_IDENTITY.update().where(i.kind == kind, i.foreign_id == foreign_id).values(**values)
    )


def insert_identities(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Insert new identities (full rows), in one statement."""
    rows = list(rows)
    if rows:
        conn.execute(T_IDENTITY.insert(), rows)


# The rows an identity's local_id names: "coder" (a coder's id), "category" (a category's key),
# "annotation" (an annotation's id).
_LOCAL_ROWS = {
    "coder": T_CODER.c.id,
    "category": T_CATEGORY.c.key,
    "annotation": T_ANNOTATION.c.id,
}


def delete_identities(conn: Connection, keys: Iterable[tuple[str, str]]) -> int:
    """Delete the identities (kind, foreign_id) in ``keys``; return how many went."""
    keys = sorted(set(keys))
    i = T_IDENTITY.c
    gone = 0
    for at in range(0, len(keys), 400):  # bound the statement's parameters
        chunk = keys[at : at + 400]
        result = conn.execute(T_IDENTITY.delete().where(tuple_(i.kind, i.foreign_id).in_(chunk)))
        gone += result.rowcount or 0
    return gone


def identities_without_row(conn: Connection, row_of_kind: dict[str, str]) -> list[tuple[str, str]]:
    """The identities (kind, foreign_id) whose local row is gone: ``row_of_kind`` maps an
    identity kind to "coder", "category" or "annotation".

    "Gone" means gone for everyone: on a team server row-level security hides colleagues'
    annotations from a coder in blind mode, and a hidden row is not a missing one. There the
    server's ``annotator_annotation_exists`` (SECURITY DEFINER, revision 0010) answers; coders
    and categories every login reads.
    """
    i = T_IDENTITY.c
    conditions = [
        and_(i.kind.in_(sorted(kinds)), _gone(conn, row, i.local_id))
        for row in sorted(set(row_of_kind.values()))
        for kinds in [[k for k, r in row_of_kind.items() if r == row]]
    ]
    if not conditions:
        return []
    query = select(i.kind, i.foreign_id).where(or_(*conditions))
    return [(kind, foreign) for kind, foreign in conn.execute(query)]


def _gone(conn: Connection, row: str, local_id: Any) -> Any:
    if row == "annotation" and conn.dialect.name == "postgresql":
        return ~func.annotator_annotation_exists(local_id)
    return local_id.not_in(select(_LOCAL_ROWS[row]))
