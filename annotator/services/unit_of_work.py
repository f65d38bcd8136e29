"""The one way every write runs: a unit of work around a service's single transaction.

``@unit_of_work`` wraps an edit service (a method of :class:`Project` or a function whose first
argument is a project) that does its work in one ``engine.begin()`` transaction. The unit runs
it, runs it again after a serialization failure or a deadlock (the database rolled it back whole),
and turns every other database error — permission denied, a row-level-security refusal, a
timeout, a lost connection, a full disk, a read-only file — into an :class:`EditError` or a
:class:`ProjectError` with a one-line message (:mod:`annotator.storage.faults`). It is the same for
SQLite and PostgreSQL, and it keeps the service's body untouched, so a service stays one
readable transaction.

A unit inside a unit (a service calling another) runs once: only the outermost one retries, so a
transaction is never re-run from its middle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from annotator.storage.faults import run_retrying

P = ParamSpec("P")
T = TypeVar("T")


def unit_of_work(fn: Callable[P, T]) -> Callable[P, T]:
    """Decorate a one-transaction write service: retried when transient, errors typed."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_retrying(lambda: fn(*args, **kwargs))

    run.__unit_of_work__ = True  # type: ignore[attr-defined]  # the test finds every write
    return run


def run_unit(action: Callable[[], T]) -> T:
    """Run ``action`` (one transaction) as a unit of work: for writes that are not services."""
    return run_retrying(action)
