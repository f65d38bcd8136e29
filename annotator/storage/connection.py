"""The database types the services may name: a connection, an engine, a database error.

Services compose storage's query and write functions inside one transaction, so they pass a
connection around and catch the database's errors, but they never build SQL themselves. They name
these types from here, so that no service imports SQLAlchemy (an import-linter contract says so).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError as DatabaseError

__all__ = ["Connection", "DatabaseError", "Engine"]
