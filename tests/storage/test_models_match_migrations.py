"""The Core tables in ``storage/models.py`` and the migrations describe the same database.

New projects are made with ``METADATA.create_all`` and stamped at head; old ones are upgraded by
the migrations, which define their own tables. Both paths must leave identical schemas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, inspect

from annotator.storage.db import _alembic_config
from annotator.storage.models import METADATA


def _schema(path: Path) -> dict[str, Any]:
    """Every table's columns, keys, indexes and constraints as SQLite reports them."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            seen = inspect(conn)
            schema: dict[str, Any] = {}
            for table in seen.get_table_names():
                if table == "alembic_version":
                    continue
                schema[table] = {
                    "columns": {
                        c["name"]: (str(c["type"]), c["nullable"], c["default"])
                        for c in seen.get_columns(table)
                    },
                    "pk": seen.get_pk_constraint(table)["constrained_columns"],
                    "fks": sorted(
                        (
                            tuple(fk["constrained_columns"]),
                            fk["referred_table"],
                            tuple(fk["referred_columns"]),
                            tuple(sorted((fk.get("options") or {}).items())),
                        )
                        for fk in seen.get_foreign_keys(table)
                    ),
                    "indexes": sorted(
                        (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                        for i in seen.get_indexes(table)
                    ),
                    "uniques": sorted(
                        (u["name"], tuple(u["column_names"]))
                        for u in seen.get_unique_constraints(table)
                    ),
                }
            return schema
    finally:
        engine.dispose()


def test_create_all_and_migrations_make_the_same_schema(tmp_path: Path) -> None:
    made = tmp_path / "made.sqlite"
    engine = create_engine(f"sqlite:///{made}")
    with engine.begin() as conn:
        METADATA.create_all(conn)
    engine.dispose()
    migrated = tmp_path / "migrated.sqlite"
    engine = create_engine(f"sqlite:///{migrated}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    engine.dispose()
    assert _schema(made) == _schema(migrated)
    assert set(_schema(made)) == set(METADATA.tables)
