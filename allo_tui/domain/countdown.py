"""How long ago, how long until: the board's relative-time texts, in French.

Pure functions of two instants so they can be computed every second from memory (the board
never queries the database to tick) and tested at their boundaries with a fixed clock.

- `elapsed_text`: time since the call — "à l'instant", "il y a 42 min", "il y a 1 h 05",
  "il y a 3 j".
- `due_text`: countdown to a due instant — "dans 45 s", "dans 18 min", "dans 2 h 05",
  "dans 3 j 4 h", "maintenant", then "en retard de 1 h 05"; "—" when there is no due date.

Durations are truncated to whole units (a countdown says "dans 18 min" until 18 minutes are
fully gone). A request is late once its due instant is strictly in the past.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

NO_DUE_TEXT = "—"
JUST_NOW_TEXT = "à l'instant"
DUE_NOW_TEXT = "maintenant"
LATE_PREFIX = "en retard de"

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def format_duration(seconds: int) -> str:
    """A non-negative whole number of seconds as the board writes it.

    "45 s" under a minute, "18 min" under an hour, "1 h 05" under a day, then "3 j" or "3 j 4 h".
    """
    if seconds < 0:
        raise ValueError("format_duration needs a non-negative duration")
    if seconds < _MINUTE:
        return f"{seconds} s"
    if seconds < _HOUR:
        return f"{seconds // _MINUTE} min"
    if seconds < _DAY:
        hours, rest = divmod(seconds, _HOUR)
        return f"{hours} h {rest // _MINUTE:02d}"
    days, rest = divmod(seconds, _DAY)
    hours = rest // _HOUR
    return f"{days} j {hours} h" if hours else f"{days} j"


def _whole_seconds(delta: timedelta) -> int:
    """Seconds in `delta`, truncated towards zero."""
    return int(delta.total_seconds())


def is_late(due_at: datetime | None, now: datetime) -> bool:
    """True when there is a due instant and it is strictly in the past."""
    return due_at is not None and due_at < now


def due_text(due_at: datetime | None, now: datetime) -> str:
    """The countdown to `due_at`: "dans 18 min", "maintenant", "en retard de 1 h 05", or "—"."""
    if due_at is None:
        return NO_DUE_TEXT
    if due_at < now:
        late_by = max(1, _whole_seconds(now - due_at))
        return f"{LATE_PREFIX} {format_duration(late_by)}"
    remaining = _whole_seconds(due_at - now)
    if remaining == 0:
        return DUE_NOW_TEXT
    return f"dans {format_duration(remaining)}"


def elapsed_text(since: datetime, now: datetime) -> str:
    """Time since `since`: "à l'instant" under a minute, "il y a 42 min", "il y a 3 j"."""
    elapsed = _whole_seconds(now - since)
    if elapsed < _MINUTE:
        return JUST_NOW_TEXT
    if elapsed >= _DAY:
        return f"il y a {elapsed // _DAY} j"
    return f"il y a {format_duration(elapsed)}"


class AcknowledgementState(StrEnum):
    """Where a request stands with its acknowledgement (accusé de réception)."""

    NOT_OWED = "not_owed"  # already acknowledged, or none due
    OWED = "owed"  # still to do, not yet late
    LATE = "late"  # still to do and past its due instant


def acknowledgement_state(
    acknowledged_at: datetime | None, ack_due_at: datetime | None, now: datetime
) -> AcknowledgementState:
    """Whether the acknowledgement is still owed, and whether it is late."""
    if acknowledged_at is not None or ack_due_at is None:
        return AcknowledgementState.NOT_OWED
    if ack_due_at < now:
        return AcknowledgementState.LATE
    return AcknowledgementState.OWED
