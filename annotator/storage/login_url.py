"""The database URL for logging in to a team server, built from its parts.

A password given here lives only in the URL object (SQLAlchemy's, which never shows it in ``str``
or ``repr``), never in a string, so no message or log can leak it.
"""

from __future__ import annotations

from sqlalchemy.engine import URL as ServerURL

DRIVER = "postgresql+psycopg"


def login_url(
    host: str, port: int | None, database: str, username: str, password: str | None = None
) -> ServerURL:
    """The URL for ``username`` at ``host:port/database`` (with ``password`` only in memory)."""
    return ServerURL.create(
        DRIVER,
        username=username,
        password=password or None,
        host=host,
        port=port,
        database=database,
    )


__all__ = ["DRIVER", "ServerURL", "login_url"]
