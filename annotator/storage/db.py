"""Opening a project: engine, connection pragmas, schema creation and migration, backups.

This is the one module that knows it talks to SQLite (pragmas, file backups). Everything else uses
portable SQLAlchemy so the same storage can later run on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection

from annotator.core.errors import DamagedProjectError, ProjectError
from annotator.storage.first_screen import checked_unchanged
from annotator.storage.models import METADATA
from annotator.storage.projectfile import (
    APPLICATION_ID,
    DAMAGE_CODES,
    HEAD_REVISION,
    HEADER_SIZE,
    damaged,
    is_marked,
    is_new_project_file,
    sqlite_code,
)

BUSY_TIMEOUT_MS = 5000
#: How long opening may spend on SQLite's quick check; a bigger file is checked this far only.
QUICK_CHECK_BUDGET_S = 2.0
_SQLITE_INTERRUPT = 9
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
MIGRATIONS = Path(__file__).with_name("migrations")

if TYPE_CHECKING:
    from alembic.config import Config


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _on_sqlite_connect(read_only: bool) -> Callable[[Any, Any], None]:
    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not read_only:
            # WAL: readers never block the writer and a crash loses at most the last transaction.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        else:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return configure


def sqlite_engine(path: Path, *, read_only: bool = False, immutable: bool = False) -> Engine:
    """An engine on the SQLite file; ``immutable`` for read-only media (no -wal or -shm files)."""
    if immutable:
        url = f"sqlite:///{path.resolve().as_uri()}?mode=ro&immutable=1&uri=true"
        read_only = True
    else:
        url = f"sqlite:///{path}"
    engine = create_engine(url, future=True)
    event.listen(engine, "connect", _on_sqlite_connect(read_only))
    event.listen(engine, "handle_error", _saving_error(path))
    return engine


def _saving_error(path: Path) -> Callable[[Any], None]:
    """Turn SQLite's operational failures (disk full, read-only, locked) into a ProjectError.

    The transaction has been rolled back by then, so the message can promise nothing half-saved.
    """

    def translate(context: Any) -> None:
        original = context.original_exception
        if sqlite_code(original) in DAMAGE_CODES:
            raise damaged(path, str(original).splitlines()[0])
        if sqlite_code(original) == _SQLITE_READONLY:
            raise ProjectError(
                "cannot save: the project is read-only here (read-only media, or a file you "
                "may not write); nothing was changed",
                source=str(path),
            )
        if isinstance(original, sqlite3.OperationalError):
            reason = str(original).splitlines()[0]
            if sqlite_code(original) == _SQLITE_IOERR and _disk_full(path):
                reason = "the disk is full"
            raise ProjectError(f"cannot save: {reason}; nothing was changed", source=str(path))

    return translate


def open_engine(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    read_only: bool = False,
    immutable: bool = False,
) -> Engine:
    """Open (or create) the project at ``path`` and bring its schema to the newest revision.

    A new file gets the whole schema and is stamped at head. An older file is first copied to
    ``<name>.bak-<revision>`` and then upgraded. A file from a newer version is refused, and so
    is a foreign file or a damaged one (SQLite's quick check, within a time budget).
    ``immutable`` opens a project on read-only media (implies ``read_only``).
    """
    path = Path(path)
    read_only = read_only or immutable
    exists = not is_new_project_file(path)
    if not exists and not create:
        raise ProjectError("no such project", source=str(path))
    if not exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"cannot create folder: {exc.strerror}", source=str(path)) from exc
        if read_only:
            raise ProjectError("no such project", source=str(path))
    engine = sqlite_engine(path, read_only=read_only, immutable=immutable)
    try:
        if exists and not checked_unchanged(path):  # checked already by the quick first screen
            check_integrity(engine, path)
        _prepare_schema(engine, path, new=not exists, read_only=read_only)
    except ProjectError:
        engine.dispose()
        raise
    except Exception as exc:  # sqlite3 errors: a damaged or foreign file, a full or read-only disk
        engine.dispose()
        if sqlite_code(exc) in DAMAGE_CODES:
            raise damaged(path, _reason(exc)) from exc
        if isinstance(exc, UnicodeDecodeError):  # SQLite's own message quotes a garbled schema
            raise damaged(path, "malformed database schema") from exc
        if "unsupported file format" in _reason(exc) and _marked(path):  # a garbled header
            raise damaged(path, _reason(exc)) from exc
        if sqlite_code(exc) == _SQLITE_IOERR and _disk_full(path):
            raise ProjectError(
                "cannot open the project: the disk is full (SQLite needs a little room beside "
                "the file); free some space and open it again; nothing was changed",
                source=str(path),
            ) from exc
        raise ProjectError(f"cannot open the project: {_reason(exc)}", source=str(path)) from exc
    return engine


def _marked(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return is_marked(fh.read(HEADER_SIZE))
    except OSError:
        return False


def _disk_full(path: Path) -> bool:
    """Too little room left beside ``path`` for SQLite's -wal and -shm files (it then says only
    "disk I/O error")."""
    try:
        return shutil.disk_usage(path.parent).free < 1 << 20
    except OSError:
        return False


def open_unwritable(path: str | os.PathLike[str], *, medium_read_only: bool) -> Engine:
    """Open an existing project we may not write, for reading.

    On a read-only medium nothing can change the file, so SQLite may treat it as immutable (it
    then needs no -wal/-shm files beside it). In a folder we may not write but others may, read it
    in place so their writes show; only when SQLite cannot work there either, read it immutable.
    A -wal left by a writer that was killed holds committed work an immutable read would not see,
    so then the file is read in place on read-only media too (SQLite reads the -wal there).
    """
    if not medium_read_only or _holds_wal(Path(path)):
        try:
            return open_engine(path, create=False, read_only=True)
        except DamagedProjectError:
            raise
        except ProjectError:
            pass  # SQLite cannot keep its shared-memory index beside the file
    return open_engine(path, create=False, immutable=True)


def _holds_wal(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False


def check_integrity(engine: Engine, path: Path, budget_s: float = QUICK_CHECK_BUDGET_S) -> None:
    """Raise :class:`DamagedProjectError` when SQLite's quick check finds damage.

    The check reads every page, so it stops after ``budget_s`` seconds: a file too big to check
    in time opens unchecked rather than slowly (damage found later is still reported as such).
    """
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        assert isinstance(dbapi, sqlite3.Connection)
        deadline = time.monotonic() + budget_s
        dbapi.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            rows = dbapi.execute("PRAGMA quick_check(5)").fetchall()
        except sqlite3.DatabaseError as exc:
            code = sqlite_code(exc)
            if code == _SQLITE_INTERRUPT:
                return
            if code in DAMAGE_CODES:
                raise damaged(path, str(exc).splitlines()[0]) from None
            raise
        finally:
            dbapi.set_progress_handler(None, 0)
    finally:
        raw.close()
    # Rows are "ok", or problems, the first headed "*** in database main ***".
    lines = [ln for r in rows for ln in str(r[0]).splitlines() if ln.strip()]
    problems = [ln for ln in lines if ln != "ok" and not ln.startswith("***")]
    if problems:
        more = f" and {len(problems) - 1} more problem(s)" if len(problems) > 1 else ""
        raise damaged(path, f"{problems[0]}{more}")


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]


def _prepare_schema(engine: Engine, path: Path, *, new: bool, read_only: bool) -> None:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        current = None
        if "alembic_version" in tables:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        has_tables = bool(tables - {"alembic_version"})
    if current == HEAD_REVISION:
        return
    from alembic import command

    head = head_revision()
    if current is None and has_tables:
        raise ProjectError("not a Plan Annotator project (unknown tables)", source=str(path))
    if current == head:
        return
    if current is not None and current not in _known_revisions():
        raise ProjectError(
            f"made by a newer version of Plan Annotator (schema {current}); please update the app",
            source=str(path),
        )
    if read_only:
        raise ProjectError("the project needs an upgrade but is open read-only", source=str(path))
    if current is None:
        with engine.begin() as conn:
            METADATA.create_all(conn)
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            command.stamp(_alembic_config(conn), "head")
        return
    backup = path.with_name(f"{path.name}.bak-{current}")
    backup_sqlite(path, backup)
    with engine.connect() as conn:
        # Batch migrations copy and drop tables; with foreign keys on, dropping `document` would
        # cascade into `clause`. SQLite only lets this pragma change outside a transaction.
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        try:
            with conn.begin():
                command.upgrade(_alembic_config(conn), "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise ProjectError(
                        f"upgrade left {len(broken)} broken references; nothing was changed "
                        f"(backup at {backup.name})",
                        source=str(path),
                    )
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def backup_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the backup API, safe while it is open)."""
    tmp = target.with_name(target.name + ".part")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):  # a read-only file system refuses even this
            tmp.unlink()
        raise ProjectError(f"cannot write backup {target}: {exc}", source=str(source)) from exc


def copy_file(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
