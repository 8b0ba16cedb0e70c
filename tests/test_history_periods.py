"""Date ranges of the history filter, in Paris days, returned as UTC bounds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import ALL_BACKENDS

from allo_tui.domain import periods

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday, 10:00 in Paris


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=periods.PARIS).astimezone(UTC)


def bounds(period: periods.Period) -> tuple[datetime, datetime]:
    return period.start, period.end


def test_named_periods_are_local_days():
    assert bounds(periods.today(NOW)) == (paris("2026-11-24 00:00"), paris("2026-11-25 00:00"))
    week = (paris("2026-11-18 00:00"), paris("2026-11-25 00:00"))
    assert bounds(periods.last_days(NOW, 7)) == week
    month = (paris("2026-11-01 00:00"), paris("2026-12-01 00:00"))
    assert bounds(periods.this_month(NOW)) == month


def test_a_day_across_the_clock_change_keeps_its_local_midnights():
    period = periods.parse_period("25/10/2026", NOW)  # 25 hours long in Paris
    assert (period.end - period.start).total_seconds() == 25 * 3600


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("28/11/2026", "28/11/2026"),
        ("28/11", "28/11/2026"),
        ("2026-11-28", "28/11/2026"),
        ("28.11.26", "28/11/2026"),
        ("du 01/11/2026 au 28/11/2026", "du 01/11/2026 au 28/11/2026"),
        ("01/11/2026-28/11/2026", "du 01/11/2026 au 28/11/2026"),
        ("28/11/2026 - 01/11/2026", "du 01/11/2026 au 28/11/2026"),
    ],
)
def test_typed_periods(typed, label):
    assert periods.parse_period(typed, NOW).label == label


@pytest.mark.parametrize("typed", ["", "demain", "31/11/2026", "1/1 au 2/1 au 3/1", "28/13"])
def test_what_is_not_a_period_says_so_in_french(typed):
    with pytest.raises(ValueError, match="Période|Date"):
        periods.parse_period(typed, NOW)
