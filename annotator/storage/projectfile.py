"""Is this file a Plan Annotator project? Decided before anything is locked, created or written.

A project is an SQLite file whose header carries our application id (offset 68 of the 100-byte
header, set when the project is created). The header alone settles most files without opening
SQLite: a text file, a zip or another program's database (its own application id) is refused and
nothing is left beside it. Only an SQLite file with no application id is opened (read-only) to see
whether it is empty or an early project (which has Alembic's version table).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from annotator.core.errors import DamagedProjectError, ProjectError

# "PlAn" — marks our SQLite files so a stray database is not mistaken for a project.
APPLICATION_ID = 0x506C416E
#: The newest schema revision. Opening an up-to-date project compares against this constant and
#: never imports Alembic (about 190 ms of start-up); a test checks it equals Alembic's head.
#: Here, not in db.py, so the first screen's reader (stdlib sqlite3) can check it too.
HEAD_REVISION = "0011"
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


def is_new_project_file(path: str | os.PathLike[str]) -> bool:
    """True for a missing or empty file (a project to create), False for an existing project.

    Raises :class:`ProjectError` naming the file when it is not a project (not SQLite, another
    program's database) and :class:`DamagedProjectError` when its header is cut short.
    """
    p = Path(path)
    try:
        mode = p.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ProjectError("a folder, not a project file", source=str(p))
        if not stat.S_ISREG(mode):  # a pipe or a device would block or never end
            raise ProjectError("not a regular file, so not a project", source=str(p))
        with p.open("rb") as fh:
            header = fh.read(HEADER_SIZE)
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise ProjectError(f"cannot read the project: {exc.strerror}", source=str(p)) from None
    if not header:
        return True
    if len(header) < len(SQLITE_MAGIC) and SQLITE_MAGIC.startswith(header):
        raise damaged(p, "the file is cut short")
    if not header.startswith(SQLITE_MAGIC):
        if is_marked(header):  # our project whose first bytes another program overwrote
            raise damaged(p, "its header is overwritten")
        raise ProjectError("not a Plan Annotator project (not an SQLite file)", source=str(p))
    if len(header) < HEADER_SIZE:
        raise damaged(p, "the file is cut short")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id == APPLICATION_ID:
        return False
    if app_id != 0:
        raise ProjectError(
            f"not a Plan Annotator project (another program's SQLite database, "
            f"application id 0x{app_id:08x})",
            source=str(p),
        )
    return _probe_unmarked(p)


#: Tables every revision of a project has (an early project carries no application id).
OUR_TABLES = frozenset({"document", "clause", "coder", "category", "annotation"})


def is_marked(header: bytes) -> bool:
    """The first bytes of a file carry our application id (where SQLite keeps it)."""
    return len(header) >= 72 and int.from_bytes(header[68:72], "big") == APPLICATION_ID


def _probe_unmarked(path: Path) -> bool:
    """An SQLite file without our id: empty (new), an early project, or someone else's."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            marked = conn.execute("PRAGMA application_id").fetchone()[0]  # a WAL may hold it
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if sqlite_code(exc) in DAMAGE_CODES:
            raise damaged(path, str(exc)) from None
        return False  # cannot look inside (read-only media, locks): let opening decide
    if marked == APPLICATION_ID:
        return False
    if "alembic_version" in names:  # an early project, or another program migrating with Alembic
        if names >= OUR_TABLES:
            return False
        raise ProjectError(
            "not a Plan Annotator project (another program's database, unknown tables)",
            source=str(path),
        )
    if names:
        raise ProjectError("not a Plan Annotator project (unknown tables)", source=str(path))
    return True


#: SQLite's result codes for a damaged file: SQLITE_CORRUPT and SQLITE_NOTADB.
DAMAGE_CODES = frozenset({11, 26})


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of an error (extended codes folded), None if not SQLite's."""
    code = getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def damaged(path: str | os.PathLike[str], reason: str) -> DamagedProjectError:
    """The one message for a damaged project: what SQLite said, and where its backup is."""
    backup = newest_backup(path)
    where = f"newest backup: {backup.name}" if backup else "no backup of it was found"
    return DamagedProjectError(
        f"the project file is damaged ({reason}); nothing was changed; {where}",
        source=str(path),
        backup=str(backup) if backup else None,
    )


def newest_backup(path: str | os.PathLike[str]) -> Path | None:
    """The newest ``<name>.bak-<revision>`` beside the project (made before each upgrade)."""
    p = Path(path)
    try:
        found = [
            b
            for b in p.parent.glob(f"{_glob_escape(p.name)}.bak-*")
            if b.is_file() and not b.name.endswith(".part")
        ]
    except OSError:
        return None
    return max(found, key=lambda b: b.stat().st_mtime, default=None)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def unwritable_part(path: str | os.PathLike[str]) -> Path | None:
    """The project file, or the -wal or -shm file beside it, that may not be written here (a
    write-protected or immutable file); None when SQLite can write all that exist."""
    for part in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
        if part.exists() and not os.access(part, os.W_OK):
            return part
    return None
