"""Working-time calendar of a site and the due dates of a request (DESIGN §3).

- The acknowledgement is due at closing time of the 2nd working day after the
  (local) day of the call. Working days are weekdays with opening hours, minus
  public holidays (`holidays`, French names) and site closure days.
- Intervention targets (urgencies 1-3) are elapsed durations from the call,
  computed in UTC so clock changes do not matter; urgency 4 has none.

Every datetime taken must be timezone-aware; every datetime returned is aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

Period = tuple[time, time]
DayHours = tuple[Period, ...]

_WEEKDAY_HOURS: DayHours = ((time(8, 30), time(12, 0)), (time(13, 30), time(18, 0)))
DEFAULT_OPENING_HOURS: tuple[DayHours, ...] = (_WEEKDAY_HOURS,) * 5 + ((), ())
"""Monday to Friday 08:30-12:00 and 13:30-18:00; closed on Saturday and Sunday."""

DEFAULT_URGENCY_TARGETS: tuple[tuple[int, timedelta | None], ...] = (
    (1, timedelta(hours=1)),
    (2, timedelta(hours=24)),
    (3, timedelta(days=10)),
    (4, None),
)
"""Intervention target per urgency: 1 h, 24 h, 10 x 24 h, none."""

DEFAULT_CLOSING = time(18, 0)
"""Closing time used for a day that has no opening hours."""

# Safety net for add_working_days: a calendar with no working day in ten years is a
# configuration error, not something to loop on forever.
_MAX_SCAN_DAYS = 3660


@lru_cache(maxsize=64)
def _holiday_map(country: str, year: int) -> Mapping[date, str]:
    """Public holidays of one country and year, French names, cached (read-only)."""
    import holidays  # ~0.1 s of imports, paid when a due date is first computed, not at start

    found = holidays.country_holidays(country, years=year, language="fr")
    return MappingProxyType({day: str(name) for day, name in sorted(found.items())})


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
        raise ValueError(f"timezone-aware datetime required, got naive {at!r}")


def _format_time(value: time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _seconds(delta: timedelta | None) -> int | float | None:
    if delta is None:
        return None
    seconds = delta.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


class DueDates(msgspec.Struct, frozen=True):
    """Due dates of a request, both aware UTC."""

    ack_due_at: datetime
    """When the acknowledgement is due."""
    intervention_due_at: datetime | None
    """When the intervention is due; None for urgency 4 (no intervention)."""


@dataclass(frozen=True)
class SiteCalendar:
    """Opening hours, closures, holidays and targets of a site (site settings).

    Frozen and hashable: share one instance between threads. Holidays are cached
    per (country, year) at module level.
    """

    timezone: str = "Europe/Paris"
    """IANA timezone of the site; local days and hours are read in it."""
    opening_hours: tuple[DayHours, ...] = DEFAULT_OPENING_HOURS
    """Seven entries, Monday first; each a tuple of (start, end) local times."""
    closure_days: frozenset[date] = field(default_factory=frozenset)
    """Local dates the site is closed (besides weekends and public holidays)."""
    ack_working_days: int = 2
    """The acknowledgement is due at closing time of this working day after the call."""
    urgency_targets: tuple[tuple[int, timedelta | None], ...] = DEFAULT_URGENCY_TARGETS
    """(urgency, elapsed target) pairs; None means no intervention target."""
    country: str = "FR"
    """Country whose public holidays are days off (names in French)."""

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # raises for an unknown timezone
        if len(self.opening_hours) != 7:
            raise ValueError("opening_hours needs 7 entries, Monday first")
        for periods in self.opening_hours:
            for start, end in periods:
                if not start < end:
                    raise ValueError(f"opening period ends before it starts: {start}-{end}")
        if not any(self.opening_hours):
            raise ValueError("opening_hours has no open weekday")
        if self.ack_working_days < 0:
            raise ValueError("ack_working_days must be >= 0")
        for _urgency, target in self.urgency_targets:
            if target is not None and target <= timedelta(0):
                raise ValueError("urgency targets must be positive durations")

    # -- time zone --------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The site timezone as a ZoneInfo."""
        return ZoneInfo(self.timezone)

    def to_local(self, at: datetime) -> datetime:
        """Convert an aware datetime to the site timezone."""
        _require_aware(at)
        return at.astimezone(self.zone)

    def reference_year(self, called_at: datetime) -> int:
        """The local (site) year of the call, used in request references."""
        return self.to_local(called_at).year

    # -- days -------------------------------------------------------------------

    def holidays_in(self, year: int) -> dict[date, str]:
        """Public holidays of `year` with their French names (a fresh copy)."""
        return dict(_holiday_map(self.country, year))

    def holiday_name(self, day: date) -> str | None:
        """French name of the public holiday on `day`, or None."""
        return _holiday_map(self.country, day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        """True for a weekday with opening hours that is neither a holiday nor a closure day."""
        return (
            bool(self.opening_hours[day.weekday()])
            and day not in self.closure_days
            and day not in _holiday_map(self.country, day.year)
        )

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day strictly after `day` (`day` itself when n is 0)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        current = day
        remaining = n
        for _ in range(_MAX_SCAN_DAYS):
            if remaining == 0:
                return current
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        raise ValueError(f"no {n} working days found within {_MAX_SCAN_DAYS} days of {day}")

    # -- hours ------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """True when `at` falls within opening hours of a working day (lunch break is closed)."""
        local = self.to_local(at)
        day = local.date()
        if not self.is_working_day(day):
            return False
        moment = local.time().replace(tzinfo=None)
        return any(start <= moment < end for start, end in self.opening_hours[day.weekday()])

    def closing_time(self, day: date) -> datetime:
        """End of the last opening period of local `day`, as aware UTC (18:00 local if none)."""
        periods = self.opening_hours[day.weekday()]
        closing = max(end for _start, end in periods) if periods else DEFAULT_CLOSING
        return datetime.combine(day, closing, tzinfo=self.zone).astimezone(UTC)

    # -- due dates --------------------------------------------------------------

    def target_for(self, urgency: int) -> timedelta | None:
        """Elapsed intervention target of `urgency`; None when it has none."""
        for level, target in self.urgency_targets:
            if level == urgency:
                return target
        raise ValueError(f"unknown urgency {urgency!r}")

    def ack_due(self, called_at: datetime) -> datetime:
        """Closing time of the `ack_working_days`-th working day after the local day of the call."""
        day = self.to_local(called_at).date()
        return self.closing_time(self.add_working_days(day, self.ack_working_days))

    def intervention_due(self, called_at: datetime, urgency: int) -> datetime | None:
        """Call time plus the urgency's target, in UTC; None when the urgency has no target."""
        _require_aware(called_at)
        target = self.target_for(urgency)
        if target is None:
            return None
        return called_at.astimezone(UTC) + target

    def due_dates(self, called_at: datetime, urgency: int) -> DueDates:
        """Both due dates of a request taken at `called_at` with `urgency`."""
        return DueDates(
            ack_due_at=self.ack_due(called_at),
            intervention_due_at=self.intervention_due(called_at, urgency),
        )

    # -- settings ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: times "08:30", dates ISO, durations in seconds."""
        return {
            "timezone": self.timezone,
            "opening_hours": [
                [[_format_time(start), _format_time(end)] for start, end in periods]
                for periods in self.opening_hours
            ],
            "closure_days": [day.isoformat() for day in sorted(self.closure_days)],
            "ack_working_days": self.ack_working_days,
            "urgency_targets": [
                [level, _seconds(target)] for level, target in self.urgency_targets
            ],
            "country": self.country,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SiteCalendar:
        """Inverse of `to_dict`; missing keys take the defaults."""
        kwargs: dict[str, Any] = {}
        if "timezone" in data:
            kwargs["timezone"] = str(data["timezone"])
        if "opening_hours" in data:
            kwargs["opening_hours"] = tuple(
                tuple(
                    (time.fromisoformat(str(start)), time.fromisoformat(str(end)))
                    for start, end in periods
                )
                for periods in data["opening_hours"]
            )
        if "closure_days" in data:
            kwargs["closure_days"] = frozenset(
                date.fromisoformat(str(day)) for day in data["closure_days"]
            )
        if "ack_working_days" in data:
            kwargs["ack_working_days"] = int(data["ack_working_days"])
        if "urgency_targets" in data:
            targets = data["urgency_targets"]
            pairs = targets.items() if isinstance(targets, Mapping) else targets
            kwargs["urgency_targets"] = tuple(
                (int(level), None if seconds is None else timedelta(seconds=seconds))
                for level, seconds in pairs
            )
        if "country" in data:
            kwargs["country"] = str(data["country"])
        return cls(**kwargs)
