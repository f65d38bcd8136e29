"""The hybrid logical clock: a row's stamp never goes backwards, whatever the local clock says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from annotator.core import clock
from annotator.core.exchange import timestamp_key

STAMPS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


@given(STAMPS, STAMPS)
def test_advance_is_later_than_the_previous_stamp(proposed: str, previous: str) -> None:
    stamp = clock.advance(clock.format_time(clock.parse_time(proposed)), previous)
    assert timestamp_key(stamp) > timestamp_key(previous)
    assert timestamp_key(stamp) >= timestamp_key(clock.format_time(clock.parse_time(proposed)))


def test_advance_keeps_a_later_proposal_and_steps_over_a_future_one() -> None:
    assert clock.advance("2026-01-05T10:00:00.000Z", "2026-01-05T09:00:00Z") == (
        "2026-01-05T10:00:00.000Z"
    )
    assert clock.advance("2026-01-05T10:00:00.000Z", "2026-01-05T11:00:00Z") == (
        "2026-01-05T11:00:00.001Z"
    )
    # Sub-millisecond precision from another tool: still strictly later.
    assert clock.advance("2026-01-05T10:00:00.000Z", "2026-01-05T11:00:00.0005Z") == (
        "2026-01-05T11:00:00.001Z"
    )
    assert clock.advance("2026-01-05T10:00:00.000Z", None) == "2026-01-05T10:00:00.000Z"


def test_advance_at_the_end_of_time_does_not_crash() -> None:
    assert clock.advance(clock.now(), "9999-12-31T23:59:59.999Z") == "9999-12-31T23:59:59.999Z"


def test_later_than_and_in_future() -> None:
    ahead = clock.format_time(datetime.now(UTC) + timedelta(hours=1))
    assert timestamp_key(clock.later_than(ahead)) > timestamp_key(ahead)
    assert clock.in_future(ahead, timedelta(minutes=5))
    assert not clock.in_future(clock.now(), timedelta(minutes=5))
    assert not clock.in_future("not a time", timedelta(0))


def test_future_stamps_counts_and_names_the_latest() -> None:
    from annotator.core.skew import future_stamps
    from tests.core.exchange_strategies import small_exchange

    doc = small_exchange()
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the file's stamps are an hour ahead of this
    found = future_stamps(doc, now=now)
    assert found is not None and found.count == 5  # 2 annotations x 2 stamps, 1 review
    assert found.latest == "2026-01-05T10:00:00Z"
    assert "5 timestamps more than 5 minutes in the future" in found.message("a.json")
    assert future_stamps(doc, now=now + timedelta(minutes=56)) is None  # within the tolerance
