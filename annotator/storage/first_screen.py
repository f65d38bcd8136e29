"""The last project's first screen, read with the standard library's sqlite3 alone.

At start-up the window shows the plan the coder left before SQLAlchemy (and PySide6's import hook
on every module it loads, ~250 ms together) is imported: this module reads the same rows the
services' queries read, as plain tuples, with hand-written SQL that mirrors them (tests keep the
two in step). It opens the file read-only (``mode=ro``) and never creates, writes or locks it;
anything unusual makes :func:`read_rows` return None, and the project opens the normal way.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.codebook import Category as CategoryValue
from annotator.storage.lock import holder_gone, lock_path
from annotator.storage.projectfile import APPLICATION_ID, HEAD_REVISION, unwritable_part

#: The setting that keeps a plan's segmentation notes (see services/segmentation.py).
NOTES_PREFIX = "segment/"
#: How long the quick read may spend on SQLite's quick check (about 1.5 ms per MB when warm) before
#: it leaves the file to the normal path; the pages it reads are then in the cache for that one.
QUICK_CHECK_BUDGET_S = 0.5


def category_value(row: Any) -> CategoryValue:
    """The codebook category a category row holds (a mapping: SQLAlchemy's or sqlite3's)."""
    return CategoryValue(
        key=row["key"],
        name=row["name"],
        description=row["description"],
        color=row["color"],
        parent=row["parent_key"],
        shortcut=row["shortcut"],
        retired=bool(row["retired"]),
        position=row["position"],
        codable=bool(row.get("codable", True)),
    )


@dataclass(frozen=True)
class FirstScreenRows:
    """The rows of the first screen, as the services' queries return them."""

    coder: tuple[str, str, bool]  # id, name, is_consensus
    documents: list[tuple[str, str, int]]  # key, title, position (the plan list's order)
    clause_counts: dict[str, int]
    coded_counts: dict[str, int]
    document: dict[str, Any]  # the shown plan's row, with its text
    clauses: list[tuple[int, str, int, int, str]]  # id, label, start, end, kind
    annotations: list[tuple[int, str, str, Any, Any, str]]  # clause, id, category, start, end, memo
    reviews: dict[int, str]
    notes: list[tuple[int, str, bool]]  # clause, memo, flagged
    categories: list[CategoryValue]  # live categories, in the codebook's order
    segment_notes: str | None  # the plan's stored segmentation notes (JSON), if any


def can_read_quickly(path: Path) -> bool:
    """The file is an existing local project nobody else holds and we may write (the normal
    path would open it read-write without asking anything)."""
    try:
        if not path.is_file() or path.stat().st_size < 100:
            return False
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError:
        return False
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        return False
    if lock_path(path).exists() and not holder_gone(path):  # open in another window: read-only
        return False
    return os.access(path.parent, os.W_OK) and unwritable_part(path) is None


def read_rows(
    path: Path, *, coder_id: str | None, coder_name: str | None, document_key: str | None
) -> FirstScreenRows | None:
    """The first screen's rows for ``coder_name`` (``--coder``) or else ``coder_id`` (remembered),
    showing ``document_key`` if it is still there, else the first plan.

    None when the normal path must decide: the file is missing, new, held, read-only or damaged,
    not at :data:`HEAD_REVISION`, the coder is unknown (a name to ask or add), or it has no plans.
    """
    path = path.expanduser().resolve()
    if not can_read_quickly(path):
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only=ON")
        if not _intact(conn, path):
            return None
        return _read(conn, coder_id, coder_name, document_key)
    except sqlite3.Error:  # damaged, locked for a write, a schema this code does not know
        return None
    finally:
        conn.close()


def _intact(conn: sqlite3.Connection, path: Path) -> bool:
    """SQLite's quick check passes within the budget. Damaged pages can read as rows of garbage
    without an error; the normal path would refuse the file, so this screen must not show them."""
    global _checked
    stamp = _stamp(path)
    deadline = time.monotonic() + QUICK_CHECK_BUDGET_S
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        ok = conn.execute("PRAGMA quick_check(1)").fetchall() == [("ok",)]
    finally:  # interrupted (too big to check in time) raises sqlite3.Error: the normal path decides
        conn.set_progress_handler(None, 0)
    _checked = stamp if ok and stamp == _stamp(path) else None
    return ok


#: The file (and its -wal) as it was when the quick check last passed here.
_checked: tuple[int, ...] | None = None


def _stamp(path: Path) -> tuple[int, ...] | None:
    try:
        main = path.stat()
        wal = Path(f"{path}-wal")
        side = wal.stat() if wal.exists() else None
    except OSError:
        return None
    found = (main.st_dev, main.st_ino, main.st_size, main.st_mtime_ns, main.st_ctime_ns)
    return found + ((side.st_size, side.st_mtime_ns) if side and side.st_size else (-1, -1))


def checked_unchanged(path: Path) -> bool:
    """The quick read checked ``path`` and nothing has written it since: opening need not check
    it again (the check reads every page; twice at start-up is twice the cost)."""
    stamp = _stamp(path.expanduser().resolve())
    return stamp is not None and stamp == _checked


def _read(
    conn: sqlite3.Connection, coder_id: str | None, coder_name: str | None, document_key: str | None
) -> FirstScreenRows | None:
    conn.execute("BEGIN")  # one snapshot of the file for every read below
    version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    if version != [(HEAD_REVISION,)]:
        return None
    coders = conn.execute("SELECT id, name, is_consensus FROM coder ORDER BY name, id").fetchall()
    if coder_name is not None:  # as the controller: the first coder of that name, or a new one
        coder = next((c for c in coders if c[1] == coder_name), None)
    else:
        coder = next((c for c in coders if coder_id and c[0] == coder_id), None)
    if coder is None:
        return None
    documents = [
        (str(k), str(t), int(p))
        for k, t, p in conn.execute(
            "SELECT key, title, position FROM document ORDER BY position, title"
        )
    ]
    keys = [d[0] for d in documents]
    if not keys:
        return None
    key = document_key if document_key in keys else keys[0]
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM document WHERE key = ?", (key,)).fetchone()
    conn.row_factory = None
    clause_counts = dict(
        conn.execute("SELECT document_key, count(*) FROM clause GROUP BY document_key").fetchall()
    )
    coded_counts = dict(
        conn.execute(
            "SELECT document_key, count(*) FROM clause WHERE id IN ("
            " SELECT clause_id FROM annotation WHERE coder_id = ? AND deleted = 0"
            " UNION SELECT clause_id FROM review WHERE coder_id = ? AND deleted = 0)"
            " GROUP BY document_key",
            (coder[0], coder[0]),
        ).fetchall()
    )
    clauses = conn.execute(
        'SELECT id, label, start, "end", kind FROM clause WHERE document_key = ?'
        ' ORDER BY start, "end"',
        (key,),
    ).fetchall()
    plan = (key, coder[0])
    annotations = conn.execute(
        "SELECT a.clause_id, a.id, a.category_key, a.span_start, a.span_end, a.memo"
        " FROM annotation a JOIN clause c ON c.id = a.clause_id"
        " WHERE c.document_key = ? AND a.coder_id = ? AND a.deleted = 0"
        " ORDER BY a.span_start, a.span_end, a.id",
        plan,
    ).fetchall()
    reviews = dict(
        conn.execute(
            "SELECT r.clause_id, r.status FROM review r JOIN clause c ON c.id = r.clause_id"
            " WHERE c.document_key = ? AND r.coder_id = ? AND r.deleted = 0",
            plan,
        ).fetchall()
    )
    notes = [
        (c, m, bool(f))
        for c, m, f in conn.execute(
            "SELECT n.clause_id, n.memo, n.flagged FROM clause_note n"
            " JOIN clause c ON c.id = n.clause_id WHERE c.document_key = ? AND n.coder_id = ?",
            plan,
        )
    ]
    conn.row_factory = sqlite3.Row
    categories = [
        category_value(dict(r))
        for r in conn.execute("SELECT * FROM category WHERE retired = 0 ORDER BY position, key")
    ]
    conn.row_factory = None
    stored = conn.execute("SELECT value FROM setting WHERE key = ?", (NOTES_PREFIX + key,))
    segment = stored.fetchone()
    conn.rollback()
    return FirstScreenRows(
        coder=(str(coder[0]), str(coder[1]), bool(coder[2])),
        documents=documents,
        clause_counts=clause_counts,
        coded_counts=coded_counts,
        document=dict(row),
        clauses=clauses,
        annotations=annotations,
        reviews=reviews,
        notes=notes,
        categories=categories,
        segment_notes=segment[0] if segment is not None else None,
    )
