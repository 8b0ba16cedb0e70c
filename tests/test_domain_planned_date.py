"""The planned day of an intervention, as a service agent types it: dd/mm, dd/mm/yyyy, "demain",
a weekday; a day that does not exist or is past is refused with a French sentence."""

from __future__ import annotations

from datetime import date

import pytest

from allo_tui.domain.planned_date import PlannedDateError, format_planned, parse_planned_date

FRIDAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/01", date(2027, 1, 12)),  # January typed in December: next year
        ("12/01/2027", date(2027, 1, 12)),
        ("12/1/27", date(2027, 1, 12)),
        ("12.01.2027", date(2027, 1, 12)),
        (" 4/12 ", FRIDAY),  # today
        ("18/12", date(2026, 12, 18)),
        ("aujourd'hui", FRIDAY),
        ("Demain", date(2026, 12, 5)),
        ("après-demain", date(2026, 12, 6)),
        ("lundi", date(2026, 12, 7)),
        ("vendredi", date(2026, 12, 11)),  # today's weekday: next week's
        ("le mardi", date(2026, 12, 8)),
    ],
)
def test_a_planned_day_is_read_as_a_hostess_would_say_it(typed, expected):
    assert parse_planned_date(typed, FRIDAY) == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("3/12", "est passé"),  # yesterday, not next December
        ("03/12/2026", "est passé"),
        ("31/02/2027", "n'existe pas"),
        ("bientôt", "illisible"),
        ("", "Indiquez une date"),
        ("12/13", "n'existe pas"),
    ],
)
def test_a_bad_or_past_day_is_refused_with_a_reason(typed, says):
    with pytest.raises(PlannedDateError) as refused:
        parse_planned_date(typed, FRIDAY)
    assert says in str(refused.value)


def test_a_planned_day_shows_its_year_only_when_it_is_not_this_one():
    assert format_planned(date(2026, 12, 18), FRIDAY) == "18/12"
    assert format_planned(date(2027, 1, 12), FRIDAY) == "12/01/2027"
    assert format_planned(date(2027, 1, 12)) == "12/01"
