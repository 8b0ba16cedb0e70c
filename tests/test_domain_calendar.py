"""Working-time calendar and due dates (DESIGN §3, Urgency and due dates)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from allo_tui.domain.calendar import DueDates, SiteCalendar

PARIS = ZoneInfo("Europe/Paris")
CAL = SiteCalendar()


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("called", "due"),
    [
        # Monday 10:00 -> Wednesday 18:00
        (paris(2026, 11, 23, 10), paris(2026, 11, 25, 18)),
        # Thursday 31 December 2026: 1 January is a holiday, then a weekend
        (paris(2026, 12, 31, 10), paris(2027, 1, 5, 18)),
        # Friday 17:59 -> Tuesday 18:00
        (paris(2026, 11, 27, 17, 59), paris(2026, 12, 1, 18)),
        # Monday during the lunch break -> Wednesday 18:00
        (paris(2026, 11, 23, 12, 30), paris(2026, 11, 25, 18)),
        # Monday after closing time still counts from Monday
        (paris(2026, 11, 23, 21, 0), paris(2026, 11, 25, 18)),
        # Tuesday 14 July 2026 (Fête nationale) -> Thursday 16 July
        (paris(2026, 7, 14, 10), paris(2026, 7, 16, 18)),
        # Friday 3 April 2026, Easter Monday 6 April -> Wednesday 8 April
        (paris(2026, 4, 3, 10), paris(2026, 4, 8, 18)),
        # Saturday -> Tuesday
        (paris(2026, 11, 28, 10), paris(2026, 12, 1, 18)),
        # Ascension Thursday 14 May 2026: Wed 13 -> Fri 15, Mon 18
        (paris(2026, 5, 13, 9), paris(2026, 5, 18, 18)),
    ],
)
def test_ack_is_due_at_closing_time_of_second_working_day(called: datetime, due: datetime) -> None:
    result = CAL.ack_due(called)
    assert result == due
    assert result.tzinfo is UTC


def test_ack_counts_from_the_local_day_of_the_call_not_the_utc_day() -> None:
    # Tuesday 24 Nov 2026 00:30 Paris is Monday 23:30 UTC: counts from Tuesday.
    called = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert CAL.ack_due(called) == paris(2026, 11, 26, 18)


def test_ack_due_skips_site_closure_days() -> None:
    cal = SiteCalendar(closure_days=frozenset({date(2026, 11, 24)}))
    assert cal.ack_due(paris(2026, 11, 23, 10)) == paris(2026, 11, 26, 18)


def test_ack_due_follows_configured_working_days_and_closing_time() -> None:
    hours = (((time(9), time(16, 30)),),) * 5 + ((), ())
    cal = SiteCalendar(opening_hours=hours, ack_working_days=1)
    assert cal.ack_due(paris(2026, 11, 23, 10)) == paris(2026, 11, 24, 16, 30)


def test_ack_due_is_18h_paris_in_both_summer_and_winter_time() -> None:
    assert CAL.ack_due(paris(2026, 6, 1, 10)) == datetime(2026, 6, 3, 16, 0, tzinfo=UTC)
    assert CAL.ack_due(paris(2026, 12, 1, 10)) == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def test_urgency_2_is_24_elapsed_hours_across_the_clock_change() -> None:
    called = paris(2026, 10, 24, 12)  # Saturday, clocks go back overnight
    due = CAL.intervention_due(called, 2)
    assert due is not None
    assert due - called == timedelta(hours=24)
    assert due.tzinfo is UTC
    assert due.astimezone(PARIS) == paris(2026, 10, 25, 11)


def test_urgency_1_is_one_hour_after_the_call() -> None:
    called = paris(2026, 11, 28, 23, 30)  # wall clock, 24/7: weekends count
    assert CAL.intervention_due(called, 1) == called.astimezone(UTC) + timedelta(hours=1)


def test_urgency_3_is_ten_times_24_hours() -> None:
    called = paris(2026, 3, 25, 10)  # spans the spring clock change (29 March)
    due = CAL.intervention_due(called, 3)
    assert due == called.astimezone(UTC) + timedelta(hours=240)
    # Elapsed time, not wall clock: 10:00 CET + 240 h is 11:00 CEST.
    assert due is not None and due.astimezone(PARIS) == paris(2026, 4, 4, 11)


def test_urgency_4_has_no_intervention_due_date() -> None:
    assert CAL.intervention_due(paris(2026, 11, 23, 10), 4) is None
    assert CAL.target_for(4) is None


def test_unknown_urgency_is_refused() -> None:
    with pytest.raises(ValueError):
        CAL.target_for(5)


def test_due_dates_combines_ack_and_intervention() -> None:
    called = paris(2026, 11, 23, 10)
    assert CAL.due_dates(called, 2) == DueDates(
        ack_due_at=paris(2026, 11, 25, 18),
        intervention_due_at=called.astimezone(UTC) + timedelta(hours=24),
    )
    assert CAL.due_dates(called, 4).intervention_due_at is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.ack_due(datetime(2026, 11, 23, 10)),
        lambda: CAL.intervention_due(datetime(2026, 11, 23, 10), 1),
        lambda: CAL.due_dates(datetime(2026, 11, 23, 10), 2),
        lambda: CAL.is_open(datetime(2026, 11, 23, 10)),
        lambda: CAL.to_local(datetime(2026, 11, 23, 10)),
        lambda: CAL.reference_year(datetime(2026, 11, 23, 10)),
    ],
)
def test_naive_datetimes_are_refused(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_reference_year_is_the_paris_year_of_the_call() -> None:
    assert CAL.reference_year(datetime(2026, 12, 31, 22, 30, tzinfo=UTC)) == 2026
    assert CAL.reference_year(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == 2027


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (paris(2026, 11, 23, 9), True),  # Monday morning
        (paris(2026, 11, 23, 8, 30), True),  # opening
        (paris(2026, 11, 23, 12, 30), False),  # lunch break
        (paris(2026, 11, 23, 18), False),  # closing time is closed
        (paris(2026, 11, 29, 10), False),  # Sunday
        (paris(2026, 7, 14, 10), False),  # Fête nationale
    ],
)
def test_is_open_follows_opening_hours_and_holidays(at: datetime, expected: bool) -> None:
    assert CAL.is_open(at) is expected


def test_is_open_is_false_on_a_closure_day() -> None:
    cal = SiteCalendar(closure_days=frozenset({date(2026, 11, 23)}))
    assert not cal.is_open(paris(2026, 11, 23, 9))


def test_holidays_have_french_names() -> None:
    assert CAL.holiday_name(date(2026, 7, 14)) == "Fête nationale"
    assert CAL.holiday_name(date(2027, 1, 1)) == "Jour de l'an"
    assert CAL.holiday_name(date(2026, 7, 15)) is None
    found = CAL.holidays_in(2026)
    assert found[date(2026, 4, 6)] == "Lundi de Pâques"
    assert len(found) == 11


def test_holidays_in_returns_a_copy_that_cannot_corrupt_the_cache() -> None:
    CAL.holidays_in(2026).clear()
    assert CAL.is_working_day(date(2026, 7, 14)) is False


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), True),  # Monday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 11, 11), False),  # Armistice
        (date(2026, 5, 25), False),  # Lundi de Pentecôte
    ],
)
def test_working_days_are_weekdays_minus_holidays(day: date, expected: bool) -> None:
    assert CAL.is_working_day(day) is expected


def test_add_working_days_counts_strictly_after_the_day() -> None:
    assert CAL.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)
    assert CAL.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)
    assert CAL.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)


def test_closing_time_of_a_day_without_hours_is_18h_local() -> None:
    assert CAL.closing_time(date(2026, 11, 29)) == paris(2026, 11, 29, 18)


def test_calendar_without_any_open_weekday_is_refused() -> None:
    with pytest.raises(ValueError):
        SiteCalendar(opening_hours=((),) * 7)


def test_to_dict_is_json_safe_and_round_trips() -> None:
    cal = SiteCalendar(
        closure_days=frozenset({date(2026, 12, 24), date(2026, 8, 14)}),
        ack_working_days=3,
        urgency_targets=((1, timedelta(minutes=30)), (2, timedelta(hours=12)), (3, None)),
    )
    data = json.loads(json.dumps(cal.to_dict()))
    assert data["opening_hours"][0] == [["08:30", "12:00"], ["13:30", "18:00"]]
    assert data["closure_days"] == ["2026-08-14", "2026-12-24"]
    assert data["urgency_targets"] == [[1, 1800], [2, 43200], [3, None]]
    assert SiteCalendar.from_dict(data) == cal


def test_default_calendar_round_trips() -> None:
    assert SiteCalendar.from_dict(CAL.to_dict()) == CAL


def test_from_dict_fills_missing_keys_with_defaults() -> None:
    cal = SiteCalendar.from_dict({"ack_working_days": 1})
    assert cal == SiteCalendar(ack_working_days=1)
    assert SiteCalendar.from_dict({}) == SiteCalendar()
