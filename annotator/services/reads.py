"""Reads the GUI runs off the UI thread on a team server, with the database's errors as one line.

A write service maps database errors through its unit of work; a read that the window runs in
the background (opening a plan, the disagreements list, the side-by-side view) goes through
:func:`read_mapped`, so a lock or statement timeout reaches the user as "Cannot open …: <why>",
never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from annotator.storage.connection import DatabaseError

T = TypeVar("T")


def read_mapped(read: Callable[[], T]) -> T:
    """``read()``; a database error becomes a :class:`~annotator.core.errors.ProjectError` (a
    timeout, a lost connection) or an ``EditError`` (refused), with a one-line message."""
    from annotator.storage.faults import as_annotator_error

    try:
        return read()
    except DatabaseError as exc:
        raise as_annotator_error(exc) from None
