"""What the login a team project is open as may do and see, asked of PostgreSQL itself.

The answers come from the server's own privilege functions and the blind-mode functions of
migration 0008, so they cannot drift from what the server enforces. Both functions are for a
PostgreSQL connection; on SQLite there are no logins (:func:`blind_hides_work` says False).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

_PRIVILEGES = """
SELECT
  current_user = (SELECT tableowner FROM pg_tables
                  WHERE schemaname = current_schema() AND tablename = 'clause') AS owner,
  coalesce(annotator_is_reviewer(), false) AS reviewer,
  has_table_privilege('annotation', 'INSERT') AS code,
  has_column_privilege('clause', 'start', 'UPDATE') AS clauses,
  has_table_privilege('clause_link', 'INSERT') AS link,
  has_table_privilege('setting', 'UPDATE') AS blind,
  has_table_privilege('category', 'INSERT') AS codebook,
  has_table_privilege('document', 'INSERT') AS documents,
  has_table_privilege('coder', 'INSERT') AS merge
"""

_BLIND_CODER = (
    "SELECT annotator_blind() AND NOT annotator_is_reviewer() AND current_user <> "
    "(SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
    "AND tablename = 'clause')"
)


def login_privileges(conn: Connection) -> dict[str, Any]:
    """The login's flags: ``owner``, ``reviewer`` and whether it may write each kind of row
    (``code``, ``clauses``, ``link``, ``blind``, ``codebook``, ``documents``, ``merge``)."""
    return dict(conn.execute(text(_PRIVILEGES)).mappings().one())


def blind_hides_work(conn: Connection, clause_ids: list[int]) -> bool:
    """Whether blind mode hides another coder's work on one of the clauses from this login.

    Row-level security hides colleagues' rows from a coder in blind mode; the server's
    ``annotator_clause_foreign_work`` (0008) can see them. Never for the owner or a reviewer.
    """
    if conn.dialect.name != "postgresql":
        return False
    if not conn.execute(text(_BLIND_CODER)).scalar():
        return False
    ask = text("SELECT annotator_clause_foreign_work(:c)")
    return any(conn.execute(ask, {"c": c}).scalar() for c in clause_ids)
