"""Database failures during a write, for SQLite and PostgreSQL alike: retry or explain.

One place decides which failures are worth running the whole transaction again (serialization
failures and deadlocks: the server rolled the transaction back whole) and turns every other one
into a typed :class:`AnnotatorError` with a one-line message a user can act on. No psycopg import:
errors are recognised by their SQLSTATE (PostgreSQL) or by the sqlite3 exception class.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from annotator.core.errors import AnnotatorError, EditError, ProjectError

T = TypeVar("T")

# Serialization failure and deadlock: the transaction was rolled back whole, so running the action
# again is safe. Nothing else is retried (a lost connection may have committed).
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})
ATTEMPTS = 5

# True while a retrying unit runs: an inner unit then leaves retrying to the outer one, so a
# transaction is never re-run from its middle.
_inside: ContextVar[bool] = ContextVar("annotator_unit_of_work", default=False)


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE of a database error, if it has one."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None)


def first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    lines = str(orig or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and sqlstate(exc) in TRANSIENT_SQLSTATES


def as_annotator_error(exc: DBAPIError) -> ProjectError | EditError:
    """The user-facing error for a database error raised during an action.

    A refusal (privileges, row-level security, a constraint) is an :class:`EditError`: the action
    is not allowed and nothing was changed. Everything about the database itself (busy, timeout,
    connection lost, disk full, read-only) is a :class:`ProjectError`.
    """
    state = sqlstate(exc) or ""
    reason = first_line(exc)
    low = reason.lower()
    orig = getattr(exc, "orig", None)
    if state == "42501":
        if "row-level security" in low:
            return EditError(
                "the server refused the change: it would write another coder's work "
                f"({reason}); nothing was changed"
            )
        return EditError(
            f"the server refused the change: your role may not do this ({reason}); "
            "nothing was changed"
        )
    if state in TRANSIENT_SQLSTATES:
        return ProjectError(
            f"the server is too busy to save the change; nothing was saved, try again ({reason})"
        )
    if state == "57014":
        return ProjectError(
            "the server took too long to answer (statement timeout); nothing was saved, "
            "try again or check the network"
        )
    if state == "55P03":
        return ProjectError(
            "another user holds this row too long (lock timeout); nothing was saved, try again"
        )
    if state == "53100" or "disk full" in low or "no space left" in low:
        return ProjectError("the database's disk is full; nothing was saved")
    if state == "25006" or "read-only" in low or "readonly" in low:
        return ProjectError("the database is read-only; nothing was saved")
    if state == "53300":
        return ProjectError("the server has no free connections; try again later")
    if exc.connection_invalidated or state.startswith("08") or state in ("57P01", "57P02"):
        return ProjectError(
            "the connection to the server was lost during the action; it may not have been "
            "saved: check it, then try again"
        )
    if state.startswith("23") or isinstance(orig, sqlite3.IntegrityError):
        return EditError(f"the change conflicts with the project's data: {reason}")
    if isinstance(orig, sqlite3.OperationalError) and "locked" in low:
        return ProjectError("the project is busy in another program; nothing was saved, try again")
    return ProjectError(f"the database could not save the change: {reason}")


@contextmanager
def _marked() -> Iterator[None]:
    token = _inside.set(True)
    try:
        yield
    finally:
        _inside.reset(token)


def run_retrying(
    fn: Callable[[], T],
    attempts: int = ATTEMPTS,
    *,
    on_retry: Callable[[str], None] | None = None,
) -> T:
    """Run ``fn`` (one whole transaction), again after a serialization failure or a deadlock.

    Every other database error becomes an :class:`AnnotatorError` (see :func:`as_annotator_error`).
    Inside another running unit, ``fn`` runs once and its errors go to that unit unchanged.
    """
    if _inside.get():
        return fn()
    with _marked():
        for attempt in range(1, attempts + 1):
            try:
                return fn()
            except DBAPIError as exc:
                state = sqlstate(exc)
                if state in TRANSIENT_SQLSTATES and attempt < attempts:
                    if on_retry is not None:
                        on_retry(state or "")
                    # Jittered backoff so the two sides of a deadlock do not collide again.
                    time.sleep(random.uniform(0, 0.01 * 2**attempt))
                    continue
                raise as_annotator_error(exc) from None
            except AnnotatorError:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
