"""Timestamps from the future: the sign of a fast clock on the machine that wrote a file.

A stamp far ahead of this machine's clock still merges correctly (stamps never go backwards for a
row, see :func:`annotator.core.clock.advance`), but it will beat every edit made here for as long
as the skew lasts, so an import says so instead of staying silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from annotator.core.clock import format_time
from annotator.core.exchange import CLAUSE_KEYED_COLLECTIONS, KEYED_COLLECTIONS, timestamp_key

#: How far ahead of this machine's clock a stamp may be before an import warns.
TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class FutureStamps:
    """How many stamps of a file lie beyond the tolerance, and the latest of them."""

    count: int
    latest: str

    def message(self, source: str, tolerance: timedelta = TOLERANCE) -> str:
        minutes = int(tolerance.total_seconds() // 60)
        return (
            f"{source}: {self.count} timestamp{'s' if self.count != 1 else ''} more than"
            f" {minutes} minutes in the future (latest {self.latest}); the clock of the machine"
            " that wrote it may be fast"
        )


def _stamps(doc: dict[str, Any]) -> Iterator[str]:
    for ann in doc.get("annotations", ()):
        yield ann["created"]
        yield ann["updated"]
    for name in ("reviews", *CLAUSE_KEYED_COLLECTIONS, *KEYED_COLLECTIONS):
        for item in doc.get(name) or ():
            if isinstance(item, dict) and isinstance(item.get("updated"), str):
                yield item["updated"]


def future_stamps(
    doc: dict[str, Any], *, tolerance: timedelta = TOLERANCE, now: datetime | None = None
) -> FutureStamps | None:
    """The stamps of a validated exchange file beyond ``now`` + ``tolerance``, or None."""
    limit = timestamp_key(format_time((now or datetime.now(UTC)) + tolerance))
    count, latest, latest_key = 0, "", ""
    for stamp in _stamps(doc):
        key = timestamp_key(stamp)
        if key > limit:
            count += 1
            if key > latest_key:
                latest, latest_key = stamp, key
    return FutureStamps(count, latest) if count else None
