"""Reading a team server's project as of one moment, for an offline copy."""

from __future__ import annotations

from sqlalchemy.engine import Connection


def as_one_snapshot(conn: Connection) -> Connection:
    """``conn`` reading every table as of one moment (REPEATABLE READ on PostgreSQL).

    Call it before the connection's first query: an offline copy's documents, clauses and
    annotations must agree with each other even while coders keep writing.
    """
    return conn.execution_options(isolation_level="REPEATABLE READ")
