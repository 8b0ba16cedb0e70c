"""The board's relative-time texts at their boundaries (pure functions, fixed instants)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from allo_tui.domain.countdown import (
    AcknowledgementState,
    acknowledgement_state,
    due_text,
    elapsed_text,
    format_duration,
    is_late,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (59, "59 s"),
        (60, "1 min"),
        (3599, "59 min"),
        (3600, "1 h 00"),
        (3900, "1 h 05"),
        (86399, "23 h 59"),
        (86400, "1 j"),
        (86400 + 3599, "1 j"),
        (3 * 86400 + 4 * 3600 + 1800, "3 j 4 h"),
        (12 * 86400, "12 j"),
    ],
)
def test_durations_are_truncated_to_the_unit_shown(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_a_negative_duration_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        format_duration(-1)


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(seconds=1), "dans 1 s"),
        (timedelta(seconds=59, milliseconds=999), "dans 59 s"),
        (timedelta(minutes=1), "dans 1 min"),
        (timedelta(minutes=18, seconds=59), "dans 18 min"),
        (timedelta(hours=2, minutes=5), "dans 2 h 05"),
        (timedelta(days=3), "dans 3 j"),
        (timedelta(days=9, hours=23, minutes=59), "dans 9 j 23 h"),
    ],
)
def test_countdown_before_the_due_instant(offset: timedelta, text: str) -> None:
    assert due_text(NOW + offset, NOW) == text
    assert not is_late(NOW + offset, NOW)


def test_at_the_due_instant_it_is_due_now_not_late() -> None:
    assert due_text(NOW, NOW) == "maintenant"
    assert due_text(NOW + timedelta(milliseconds=400), NOW) == "maintenant"
    assert not is_late(NOW, NOW)


@pytest.mark.parametrize(
    ("late_by", "text"),
    [
        (timedelta(milliseconds=200), "en retard de 1 s"),
        (timedelta(seconds=42), "en retard de 42 s"),
        (timedelta(minutes=12), "en retard de 12 min"),
        (timedelta(hours=1, minutes=5, seconds=30), "en retard de 1 h 05"),
        (timedelta(days=2, hours=3), "en retard de 2 j 3 h"),
    ],
)
def test_past_the_due_instant_the_request_is_late(late_by: timedelta, text: str) -> None:
    assert due_text(NOW - late_by, NOW) == text
    assert is_late(NOW - late_by, NOW)


def test_no_due_date_reads_as_a_dash_and_is_never_late() -> None:
    assert due_text(None, NOW) == "—"
    assert not is_late(None, NOW)


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(0), "à l'instant"),
        (timedelta(seconds=59), "à l'instant"),
        (timedelta(minutes=1), "il y a 1 min"),
        (timedelta(minutes=42, seconds=30), "il y a 42 min"),
        (timedelta(hours=1, minutes=5), "il y a 1 h 05"),
        (timedelta(hours=23, minutes=59, seconds=59), "il y a 23 h 59"),
        (timedelta(hours=24), "il y a 1 j"),
        (timedelta(days=3, hours=20), "il y a 3 j"),
    ],
)
def test_time_since_the_call(ago: timedelta, text: str) -> None:
    assert elapsed_text(NOW - ago, NOW) == text


def test_acknowledgement_is_owed_until_recorded_and_late_past_its_due_instant() -> None:
    due = NOW + timedelta(hours=1)
    assert acknowledgement_state(None, due, NOW) is AcknowledgementState.OWED
    assert acknowledgement_state(None, due, due) is AcknowledgementState.OWED
    assert acknowledgement_state(None, due, due + timedelta(seconds=1)) is AcknowledgementState.LATE
    assert acknowledgement_state(NOW, due, due + timedelta(days=1)) is (
        AcknowledgementState.NOT_OWED
    )
    assert acknowledgement_state(None, None, NOW) is AcknowledgementState.NOT_OWED
