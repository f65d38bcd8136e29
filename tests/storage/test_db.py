"""Opening projects: creation, pragmas, migration from the first revision, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from annotator.core.errors import ProjectError
from annotator.storage.db import (
    APPLICATION_ID,
    _alembic_config,
    backup_sqlite,
    head_revision,
    open_engine,
    sqlite_engine,
)


def test_new_project_has_schema_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "p.sqlite")
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"document", "clause", "annotation", "review", "coder", "category"} <= tables
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version == head_revision()
    engine.dispose()


def _make_revision_0001_project(path: Path) -> None:
    """A project exactly as the first schema revision wrote it, with data in every table."""
    engine = sqlite_engine(path)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.exec_driver_sql(
            "INSERT INTO coder VALUES ('c1', 'Olena', 0, '2026-01-01T00:00:00.000Z')"
        )
        conn.exec_driver_sql(
            "INSERT INTO category VALUES ('economic','Economic','','#3d8b47',NULL,'3',0,0,"
            "'2026-01-01T00:00:00.000Z')"
        )
        conn.exec_driver_sql(
            "INSERT INTO document VALUES ('k'||hex(randomblob(8)),'Plan','1. A.',0,'p.txt',"
            "'2026-01-01T00:00:00.000Z')"
        )
        key = conn.exec_driver_sql("SELECT key FROM document").scalar()
        conn.exec_driver_sql(
            'INSERT INTO clause (document_key, start, "end", label, kind) '
            f"VALUES ('{key}', 0, 5, '1', 'point')"
        )
        conn.exec_driver_sql(
            "INSERT INTO annotation VALUES ('a1','c1',1,'economic',NULL,NULL,'memo',"
            "'2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z',0)"
        )
        conn.exec_driver_sql("INSERT INTO review VALUES ('c1',1,'done','2026-01-01T00:00:00.000Z')")
    engine.dispose()


def test_first_revision_upgrades_with_data_intact_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _make_revision_0001_project(path)
    engine = open_engine(path)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == head_revision()
        # The document table was rebuilt by a batch migration: its clauses must survive.
        assert conn.exec_driver_sql("SELECT count(*) FROM clause").scalar() == 1
        row = conn.exec_driver_sql(
            "SELECT memo, uncertain, adjudicator, deleted FROM annotation WHERE id='a1'"
        ).one()
        assert tuple(row) == ("memo", 0, None, 0)
        assert conn.exec_driver_sql("SELECT count(*) FROM review").scalar() == 1
        assert conn.exec_driver_sql("SELECT date FROM document").scalar() is None
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    backup = tmp_path / "old.sqlite.bak-0001"
    assert backup.exists()
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT count(*) FROM annotation").fetchone() == (1,)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_engine(path).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999'")
    with pytest.raises(ProjectError, match="newer version"):
        open_engine(path)


def test_foreign_file_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("just some text, not a database")
    with pytest.raises(ProjectError, match="not a Plan Annotator project"):
        open_engine(text)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(ProjectError, match="unknown tables"):
        open_engine(other)


def test_missing_project_without_create(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project"):
        open_engine(tmp_path / "absent.sqlite", create=False)


def test_backup_is_consistent_copy(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    engine = open_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO setting VALUES ('k', 'v')")
    backup_sqlite(path, tmp_path / "copy.sqlite")
    engine.dispose()
    with sqlite3.connect(tmp_path / "copy.sqlite") as conn:
        assert conn.execute("SELECT value FROM setting WHERE key='k'").fetchone() == ("v",)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_head_constant_matches_alembic() -> None:
    from annotator.storage.db import HEAD_REVISION

    assert head_revision() == HEAD_REVISION
