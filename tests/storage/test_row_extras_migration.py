"""Revision 0007: extra columns and review tombstones, up from 0006 and back down."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from annotator.storage.db import _alembic_config, sqlite_engine

EXTRA_TABLES = (
    "coder",
    "category",
    "document",
    "clause",
    "annotation",
    "review",
    "clause_note",
    "clause_link",
)


def _columns(conn: object, table: str) -> set[str]:
    return {row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")}  # type: ignore[attr-defined]


def test_upgrade_keeps_reviews_live_and_downgrade_drops_tombstones(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "p.sqlite")
    with engine.connect() as conn:
        # As open_engine migrates: batch migrations copy and drop tables.
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        conn.begin()
        command.upgrade(_alembic_config(conn), "0006")
        conn.exec_driver_sql(
            "INSERT INTO coder VALUES ('c1', 'Olena', 0, '2026-01-01T00:00Z', NULL)"
        )
        conn.exec_driver_sql(
            "INSERT INTO document (key, title, text, position, source_name, imported) "
            "VALUES ('k', 'Plan', '1. A.\n2. B.', 0, '', '2026-01-01T00:00Z')"
        )
        conn.exec_driver_sql(
            'INSERT INTO clause (document_key, start, "end", label, kind) VALUES '
            "('k', 0, 5, '1', 'point'), ('k', 6, 11, '2', 'point')"
        )
        conn.exec_driver_sql("INSERT INTO review VALUES ('c1', 1, 'done', '2026-01-01T00:00Z')")
        conn.exec_driver_sql("INSERT INTO review VALUES ('c1', 2, 'none', '2026-01-01T00:00Z')")

        command.upgrade(_alembic_config(conn), "0007")
        for table in EXTRA_TABLES:
            assert "extra" in _columns(conn, table), table
        rows = conn.exec_driver_sql("SELECT status, deleted, extra FROM review ORDER BY 1").all()
        assert [tuple(r) for r in rows] == [("done", 0, None), ("none", 0, None)]
        conn.exec_driver_sql("UPDATE review SET deleted = 1 WHERE clause_id = 2")

        command.downgrade(_alembic_config(conn), "0006")
        # Without the column a tombstone would read as a review: it goes.
        assert conn.exec_driver_sql("SELECT status FROM review").scalars().all() == ["done"]
        for table in EXTRA_TABLES:
            assert "extra" not in _columns(conn, table), table
        assert conn.exec_driver_sql("SELECT count(*) FROM clause").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        conn.commit()
    engine.dispose()
