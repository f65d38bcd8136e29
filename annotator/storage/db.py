"""Opening a project: engine, connection pragmas, schema creation and migration, backups.

This is the one module that knows it talks to SQLite (pragmas, file backups). Everything else uses
portable SQLAlchemy so the same storage can later run on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection

from annotator.core.errors import ProjectError
from annotator.storage.models import Base

# "PlAn" — marks our SQLite files so a stray database is not mistaken for a project.
APPLICATION_ID = 0x506C416E
BUSY_TIMEOUT_MS = 5000
MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest schema revision. Opening an up-to-date project compares against this constant and
#: never imports Alembic (about 190 ms of start-up); a test checks it equals Alembic's head.
HEAD_REVISION = "0008"

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


def sqlite_engine(path: Path, *, read_only: bool = False) -> Engine:
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
        if isinstance(original, sqlite3.OperationalError):
            reason = str(original).splitlines()[0]
            raise ProjectError(f"cannot save: {reason}; nothing was changed", source=str(path))

    return translate


def _check_sqlite_file(path: Path) -> None:
    """Refuse files that are not SQLite or not ours, with a message naming the file."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise ProjectError(f"cannot read the project: {exc.strerror}", source=str(path)) from exc
    if header and header != b"SQLite format 3\x00":
        raise ProjectError("not a Plan Annotator project (not an SQLite file)", source=str(path))


def open_engine(
    path: str | os.PathLike[str], *, create: bool = True, read_only: bool = False
) -> Engine:
    """Open (or create) the project at ``path`` and bring its schema to the newest revision.

    A new file gets the whole schema and is stamped at head. An older file is first copied to
    ``<name>.bak-<revision>`` and then upgraded. A file from a newer version is refused.
    """
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise ProjectError("no such project", source=str(path))
    if exists:
        _check_sqlite_file(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"cannot create folder: {exc.strerror}", source=str(path)) from exc
        if read_only:
            raise ProjectError("no such project", source=str(path))
    engine = sqlite_engine(path, read_only=read_only)
    try:
        _prepare_schema(engine, path, new=not exists, read_only=read_only)
    except ProjectError:
        engine.dispose()
        raise
    except Exception as exc:  # sqlite3 errors: a damaged or foreign file, a full or read-only disk
        engine.dispose()
        raise ProjectError(f"cannot open the project: {_reason(exc)}", source=str(path)) from exc
    return engine


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
            Base.metadata.create_all(conn)
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
