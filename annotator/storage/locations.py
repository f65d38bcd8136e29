"""Telling a team server's URL from a project file's path, without importing the server code.

``storage.server`` pulls in Alembic and the PostgreSQL dialect (~0.4 s); opening a project file
must not pay for that just to learn that its path is not a URL.
"""

from __future__ import annotations

import os


def is_server_url(location: str | os.PathLike[str]) -> bool:
    """True for ``postgresql://`` and ``postgresql+psycopg://`` locations (not file paths)."""
    return str(location).startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))
