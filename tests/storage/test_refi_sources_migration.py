"""Revision 0010: refi_identity.source, up from 0009 and back down, keeping every identity."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from annotator.storage.db import _alembic_config, sqlite_engine


def _columns(conn: object, table: str) -> set[str]:
    return {row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")}  # type: ignore[attr-defined]


def test_upgrade_gives_older_identities_an_unknown_source_and_downgrade_keeps_them(
    tmp_path: Path,
) -> None:
    engine = sqlite_engine(tmp_path / "p.sqlite")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # as open_engine migrates
        conn.commit()
        conn.begin()
        command.upgrade(_alembic_config(conn), "0009")
        conn.exec_driver_sql(
            "INSERT INTO refi_identity (kind, foreign_id, local_id, fingerprint, updated) VALUES "
            "('code', 'a2000000-0000-4000-8000-000000000001', 'territory', NULL, '2026-01-01'), "
            "('annotation', 'x1', 'x1', 'abc', '2026-01-01')"
        )

        command.upgrade(_alembic_config(conn), "0010")
        rows = conn.exec_driver_sql(
            "SELECT kind, local_id, fingerprint, source FROM refi_identity ORDER BY kind"
        ).all()
        assert [tuple(r) for r in rows] == [
            ("annotation", "x1", "abc", ""),
            ("code", "territory", None, ""),
        ]
        conn.exec_driver_sql(  # a new identity names its source; the default fills an old writer's
            "INSERT INTO refi_identity (kind, foreign_id, local_id, updated) "
            "VALUES ('user', 'u1', 'c1', '2026-01-02')"
        )
        assert (
            conn.exec_driver_sql(
                "SELECT source FROM refi_identity WHERE kind = 'user'"
            ).scalar_one()
            == ""
        )

        command.downgrade(_alembic_config(conn), "0009")
        assert "source" not in _columns(conn, "refi_identity")
        assert conn.exec_driver_sql("SELECT count(*) FROM refi_identity").scalar() == 3
        conn.commit()
    engine.dispose()
