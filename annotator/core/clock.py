"""Timestamps as the exchange file writes them: RFC 3339, UTC, milliseconds, ``Z``.

Successive stamps from one process strictly increase, so "the newer ``updated`` wins" never sees two
edits of one coder as simultaneous, even within a millisecond or after the wall clock steps back.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_last: datetime | None = None


def format_time(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (``Z`` or an offset); raises ValueError."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without time zone: {text!r}")
    return moment.astimezone(UTC)


def now() -> str:
    """The current time, strictly later than any stamp this process gave before."""
    global _last
    with _lock:
        moment = datetime.now(UTC).replace(microsecond=datetime.now(UTC).microsecond // 1000 * 1000)
        if _last is not None and moment <= _last:
            moment = _last + timedelta(milliseconds=1)
        _last = moment
        return format_time(moment)


def later_than(stamp: str) -> str:
    """A fresh stamp strictly later than ``stamp`` too (another machine's clock may run ahead)."""
    return advance(now(), stamp)


def advance(proposed: str, previous: str | None) -> str:
    """The stamp for an edit of a row last stamped ``previous``: a hybrid logical clock.

    ``proposed`` (usually :func:`now`) when it is later than ``previous``, otherwise ``previous``
    + 1 ms. So stamps never go backwards for a row: when a laptop whose clock ran an hour fast
    stamped the row, the edit that replaces it still wins every later merge. Every writer applies
    this one rule (through :class:`annotator.storage.rows.Recorder`).
    """
    if not previous:
        return proposed
    try:
        before = parse_time(previous)
        fresh = parse_time(proposed)
    except ValueError:
        return proposed
    if fresh > before:
        return proposed
    # Floor to the millisecond: still later than ``previous``, whatever its precision.
    try:
        return format_time(before + timedelta(milliseconds=1))
    except OverflowError:  # a stamp at the end of year 9999: nothing later can be written
        return previous


def in_future(stamp: str, tolerance: timedelta) -> bool:
    """Whether ``stamp`` lies more than ``tolerance`` ahead of this machine's clock."""
    try:
        return parse_time(stamp) > datetime.now(UTC) + tolerance
    except ValueError:
        return False
