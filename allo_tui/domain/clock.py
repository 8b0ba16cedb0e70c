"""An injectable clock: domain code asks it for "now" so tests can travel in time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


class Clock:
    """The real wall clock, always timezone-aware UTC."""

    def now(self) -> datetime:
        """Return the current instant in UTC."""
        return datetime.now(UTC)


@dataclass
class FixedClock(Clock):
    """A clock that stays where it is put; tests move it with `advance` or `set`."""

    at: datetime = field(default_factory=lambda: datetime(2026, 11, 24, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        """Put the clock at `at` (must be timezone-aware)."""
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.at = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move the clock forward, e.g. `advance(minutes=5)`."""
        self.at = self.at + timedelta(**delta)


NowFunction = Callable[[], datetime]
