"""Reading and writing whole rows by primary key, for recording and replaying :class:`Edit` s."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, insert, or_, select, text, update
from sqlalchemy.engine import Connection

from annotator.core import clock
from annotator.core.edits import Row, RowChange
from annotator.core.errors import EditError, StaleEditError
from annotator.storage.models import TABLES


def table(name: str) -> Table:
    return TABLES[name]


def _where(tbl: Table, key: tuple[Any, ...]) -> Any:
    cols = list(tbl.primary_key.columns)
    return and_(*(col == value for col, value in zip(cols, key, strict=True)))


class _ByKey:
    """One table's statements on a row by primary key, built once with bind parameters (a coding
    key then pays neither building them nor computing their cache keys)."""

    def __init__(self, tbl: Table):
        cols = list(tbl.primary_key.columns)
        self.names = tuple(f"pk_{i}" for i in range(len(cols)))
        where = and_(*(col == bindparam(n) for col, n in zip(cols, self.names, strict=True)))
        self.columns = frozenset(tbl.c.keys())
        self.read = select(tbl).where(where)
        self.exists = select(cols[0]).where(where)
        self.insert = insert(tbl)
        self.update = update(tbl).where(where)
        self.delete = delete(tbl).where(where)

    def key(self, key: tuple[Any, ...]) -> dict[str, Any]:
        return dict(zip(self.names, key, strict=True))


@functools.cache
def _by_key(name: str) -> _ByKey:
    return _ByKey(table(name))


def read_row(conn: Connection, name: str, key: tuple[Any, ...]) -> dict[str, Any] | None:
    by = _by_key(name)
    row = conn.execute(by.read, by.key(key)).mappings().first()
    return dict(row) if row is not None else None


def write_row(
    conn: Connection,
    name: str,
    key: tuple[Any, ...],
    image: Row | None,
    before: Row | None = None,
    *,
    exists: bool | None = None,
) -> None:
    """Make the row equal to ``image`` (insert, update, or delete when ``image`` is None).

    With ``before``, an update sets only the columns that change: a team server grants coders
    UPDATE on some columns only (a clause's place, never its document). ``exists``: whether the
    row is there, as the caller read it in this transaction (None: look it up).
    """
    by = _by_key(name)
    if image is None and name in DEFINER_DELETES and conn.dialect.name == "postgresql":
        # A team login may not DELETE these (the privilege would let it lock the table, revision
        # 0011): the server's function applies the same rules as the delete policies.
        ask = conn.execute(_DELETE_ROW, {"t": name, "a": str(key[0]), "b": _second(key)})
        if not ask.scalar():
            raise EditError(f"not allowed to change this {name} (it is another coder's work?)")
        return
    if image is None:
        result = conn.execute(by.delete, by.key(key))
    else:
        values = dict(image)
        if not values.keys() <= by.columns:  # refused as before: the statement names them
            unknown = ", ".join(sorted(values.keys() - by.columns))
            raise EditError(f"a {name} row with unknown columns ({unknown})")
        if exists is None:
            exists = conn.execute(by.exists, by.key(key)).first() is not None
        if not exists:
            conn.execute(by.insert, values)
            return
        if before is not None:
            values = {k: v for k, v in values.items() if k not in before or before[k] != v}
            if not values:
                return
        result = conn.execute(by.update, {**values, **by.key(key)})
    # On a team server row-level security turns a forbidden write into "0 rows": refuse it, so
    # that no undo stack ever records an edit that did not happen.
    if result.rowcount == 0:
        raise EditError(f"not allowed to change this {name} (it is another coder's work?)")


DEFINER_DELETES = frozenset({"annotation", "review", "clause_note", "clause_link", "clause"})
_DELETE_ROW = text("SELECT annotator_delete_row(:t, :a, :b)")


def _second(key: tuple[Any, ...]) -> str | None:
    return str(key[1]) if len(key) > 1 else None


UNREAD: Any = object()  # a row not read yet (callers that may have read it pass this on)


class Recorder:
    """Collects the before/after images of rows while a service changes them."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.changes: list[RowChange] = []

    def put(
        self, name: str, key: tuple[Any, ...], image: Row | None, *, current: Any = UNREAD
    ) -> dict[str, Any] | None:
        """Write ``image`` and record the change; returns the before-image.

        ``current``: the row as just read in this transaction, if the caller has it.
        """
        before = read_row(self.conn, name, key) if current is UNREAD else current
        after = dict(image) if image is not None else None
        if after is not None and before is not None:
            # A service's image may leave out columns it does not own (``extra``, ``codable``):
            # those keep their values, and an unchanged row is no change.
            after = {**before, **after}
        if before == after:
            return before
        if after is not None and before is not None and "updated" in after:
            # One rule for every writer: a row's stamp never goes backwards (core.clock.advance).
            after["updated"] = clock.advance(after["updated"], before.get("updated"))
        # ``before`` was read in this transaction: no need to look the row up again.
        write_row(self.conn, name, key, after, before, exists=before is not None)
        self.changes.append(RowChange(name, key, before, after))
        return before

    def replay(self, changes: Iterable[RowChange], stamp: str) -> None:
        """Write each change's after-image, as undo and redo do.

        Restored rows get a fresh ``updated`` time so that a merge sees the undo as the newest word.
        An annotation or review is never removed: "absent" becomes a tombstone so that the
        removal merges. Each row must still be in the state ``change.before`` (the state the edit
        left, up to its stamp): otherwise someone else changed it since, and the replay is refused
        with :class:`StaleEditError` (the caller's transaction then writes nothing).
        """
        changes = list(changes)
        # Clauses this replay removes (undoing a split or an import): their annotations go too.
        vanishing = {c.key[0] for c in changes if c.table == "clause" and c.after is None}
        # Coders this replay removes (undoing a merge that brought them): their rows go too.
        leaving = {c.key[0] for c in changes if c.table == "coder" and c.after is None}
        self._release(changes)
        for change in changes:
            current = read_row(self.conn, change.table, change.key)
            _check_unchanged(change, current)
            image = dict(change.after) if change.after is not None else None
            if image is None and "deleted" in table(change.table).c:
                # Rows with tombstones (annotations, reviews, clause links) keep one.
                if current is None:
                    continue
                if not vanishing & _clause_refs(current) and current.get("coder_id") not in leaving:
                    image = {**current, "deleted": True}
            if image is not None and "updated" in image:
                image["updated"] = stamp
            self.put(change.table, change.key, image, current=current)

    def _release(self, changes: list[RowChange]) -> None:
        """Before clauses, coders or plans go: drop what else points at them, or refuse.

        "Else": rows this replay does not restore itself, written after the edit being replayed.
        Tombstones and empty memos say nothing and go (recorded); anything live means someone
        coded there since, and the replay is refused rather than losing that work.
        """
        touched = {(c.table, c.key) for c in changes}
        for name, refs in REFERENCED.items():
            going = [c.key[0] for c in changes if c.table == name and c.after is None]
            live = 0
            for ref_table, columns in refs:
                tbl = table(ref_table)
                pk = [c.name for c in tbl.primary_key.columns]
                for chunk in range(0, len(going), 500):  # within SQLite's variable limit
                    ids = going[chunk : chunk + 500]
                    where = or_(*(tbl.c[column].in_(ids) for column in columns))
                    for found in self.conn.execute(select(tbl).where(where)).mappings().all():
                        row = dict(found)
                        key = tuple(row[c] for c in pk)
                        if (ref_table, key) in touched:
                            continue
                        if _dead(row):
                            touched.add((ref_table, key))  # once, though it may point twice
                            self.put(ref_table, key, None, current=row)
                        else:
                            live += 1
            if live:
                what = {"clause": "clause", "coder": "coder", "document": "plan"}[name]
                raise StaleEditError(
                    f"this {what} has been coded or changed since ({live} "
                    f"row{'s' if live != 1 else ''} depend on it); nothing was changed"
                )


# What points at a clause, a coder or a plan (table, columns), for removing them in a replay.
REFERENCED: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "clause": (
        ("annotation", ("clause_id",)),
        ("review", ("clause_id",)),
        ("clause_note", ("clause_id",)),
        ("clause_link", ("source_clause_id", "target_clause_id")),
    ),
    "coder": (
        ("annotation", ("coder_id",)),
        ("review", ("coder_id",)),
        ("clause_note", ("coder_id",)),
        ("clause_link", ("coder_id",)),
    ),
    "document": (("clause", ("document_key",)),),
}


def _dead(row: Row) -> bool:
    """A row that records nothing anyone would miss: a tombstone, or an empty clause note."""
    if "deleted" in row:
        return row["deleted"] is True
    if "memo" in row and "flagged" in row:
        return not row["memo"] and not row["flagged"]
    return False


ROW_NOUNS = {
    "annotation": "tag",
    "review": "review",
    "clause_note": "clause memo",
    "clause_link": "clause link",
    "setting": "setting",
}


def _live(row: Row | None) -> bool:
    """A tombstone says the same as an absent row."""
    return row is not None and row.get("deleted") is not True


def _check_unchanged(change: RowChange, current: Row | None) -> None:
    """Refuse unless ``current`` is what ``change.before`` says, apart from its stamp.

    Only the columns the image holds are compared: an image written by an older version, or by
    a service that sets a few columns, says nothing about the others.
    """
    expected = change.before
    if not _live(expected) and not _live(current):
        return
    if (
        expected is not None
        and current is not None
        and _live(expected) == _live(current)
        and all(current.get(k) == v for k, v in expected.items() if k != "updated")
    ):
        return
    noun = ROW_NOUNS.get(change.table, change.table)
    if current is None or current.get("deleted") is True:
        what = "was removed"
    elif not _live(change.before):
        what = "was added again"
    else:
        what = "was changed"
    raise StaleEditError(
        f"this {noun} {what} since (by another coder, window or merge); nothing was changed"
    )


def _clause_refs(row: Row) -> set[Any]:
    """The clause ids a row points at."""
    return {row[k] for k in ("clause_id", "source_clause_id", "target_clause_id") if k in row}
