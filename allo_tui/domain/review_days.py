"""The review's figures of each local day, computed from plain rows, and merged over a period.

A day's figures are counters and lists of durations (hours), so the figures of a period are the
sum of its days' (`DayFigures.merge`): the day is the unit a cache can keep, and a change to a
request or a call only touches the days it counts in. Each thing counts on one local day of the
site's timezone:

- a request made that day: `made`, and by category, service, channel, neighbourhood, street
  (`made:category`…); its durations (to the acknowledgement, to the first "done", to the
  closing) and whether it was marked a duplicate;
- a request that ended that day (first done, else closed: `ReviewRequest.ended_at`): `ended`
  (the backlog over time is made minus ended);
- an acknowledgement due that day (`ack_on` / `ack_late`), an intervention due that day
  (`int_on` / `int_late` by urgency, and late by service and category);
- a first "done" that day, by service; a send-back and a reopening, on the day of the event;
- a call that started that day: within opening hours by half-hour, or outside; without a
  request, by outcome.

"Late" for something still pending is decided against `now`: a day entirely before `now`
keeps its figures; the current day changes as the clock turns.
"""

from __future__ import annotations

import base64
import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.enums import OPEN_STATUSES

OPEN_STATUS_VALUES = frozenset(status.value for status in OPEN_STATUSES)

SEP = "\x1f"
"""Between a figure's name and its key ("made:category" SEP "Voirie"): never typed by anyone."""


@dataclass(frozen=True)
class ReviewRequest:
    """What the review needs of one request (times aware UTC)."""

    created_at: datetime
    urgency: int
    status: str
    ack_due_at: datetime | None
    acknowledged_at: datetime | None
    intervention_due_at: datetime | None
    done_at: datetime | None
    """First time it was marked done."""
    closed_at: datetime | None
    anonymous: bool
    """No caller, or a caller who wants no contact."""
    category: str = ""
    service: str = ""
    """The service's name ("" for none)."""
    channel: str = ""
    neighbourhood: str = ""
    street: str = ""
    duplicate: bool = False

    @property
    def ended_at(self) -> datetime | None:
        """When it left the open statuses for good as far as its state says: its first "done",
        else its closing; None while it is open (a reopened request counts as open from its
        creation). A request ended with neither time recorded ended when it was made."""
        if self.status in OPEN_STATUS_VALUES:
            return None
        ends = [at for at in (self.done_at, self.closed_at) if at is not None]
        return min(ends) if ends else self.created_at

    def open_at(self, moment: datetime) -> bool:
        ended = self.ended_at
        return self.created_at < moment and (ended is None or ended >= moment)


@dataclass(frozen=True)
class ReviewCall:
    started_at: datetime
    outcome: str
    with_request: bool


@dataclass(frozen=True)
class ReviewEvent:
    """A send-back ("sent_back", `service` the one it left) or a reopening ("reopened")."""

    at: datetime
    kind: str
    category: str
    service: str = ""


@dataclass
class DayFigures:
    """The review's counts and durations of one day (or, merged, of a period)."""

    counts: Counter[str] = field(default_factory=Counter)
    durations: dict[str, list[int]] = field(default_factory=dict)
    """Whole seconds (exact, and the same whether read from a kept day or counted anew)."""
    slots: Counter[str] = field(default_factory=Counter)
    """Calls within opening hours by half-hour ("09:30"), apart: read per day (busy hours)."""

    def add(self, name: str, key: str = "", amount: int = 1) -> None:
        self.counts[f"{name}{SEP}{key}"] += amount

    def add_duration(self, name: str, key: str, span: timedelta) -> None:
        self.durations.setdefault(f"{name}{SEP}{key}", []).append(round(span.total_seconds()))

    def merge(self, other: DayFigures) -> None:
        counts = self.counts
        for name, count in other.counts.items():
            counts[name] = counts.get(name, 0) + count
        for name, values in other.durations.items():
            mine = self.durations.get(name)
            if mine is None:
                self.durations[name] = list(values)
            else:
                mine.extend(values)
        self.slots.update(other.slots)

    def count(self, name: str, key: str = "") -> int:
        return self.counts.get(f"{name}{SEP}{key}", 0)

    def by_key(self, name: str) -> dict[str, int]:
        """Every key of figure `name` with its count (zero counts left out)."""
        prefix = f"{name}{SEP}"
        return {k[len(prefix) :]: v for k, v in self.counts.items() if k.startswith(prefix) and v}

    def seconds(self, name: str, key: str = "") -> list[int]:
        """A copy of the durations of `name` (the caller may sort it)."""
        return list(self.durations.get(f"{name}{SEP}{key}", ()))

    def seconds_by_key(self, name: str) -> dict[str, list[int]]:
        prefix = f"{name}{SEP}"
        return {
            k[len(prefix) :]: list(v) for k, v in self.durations.items() if k.startswith(prefix)
        }

    @property
    def empty(self) -> bool:
        return not any(self.counts.values()) and not self.durations and not self.slots

    def as_json(self) -> dict:
        """A JSON-safe form; durations as base64 of 32-bit little-endian integers (a day holds
        thousands: they are read back at the speed of a copy)."""
        return {
            "counts": {k: v for k, v in sorted(self.counts.items()) if v},
            "slots": dict(sorted(self.slots.items())),
            "durations": {k: _packed(sorted(v)) for k, v in sorted(self.durations.items())},
        }

    @classmethod
    def from_json(cls, data: dict) -> DayFigures:
        return cls(
            Counter(data.get("counts", {})),
            {k: _unpacked(v) for k, v in data.get("durations", {}).items()},
            Counter(data.get("slots", {})),
        )


def _packed(values: list[int]) -> str:
    numbers = array("i", values)
    if sys.byteorder == "big":
        numbers.byteswap()
    return base64.b64encode(numbers.tobytes()).decode("ascii")


def _unpacked(text: str) -> list[int]:
    numbers = array("i")
    numbers.frombytes(base64.b64decode(text))
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tolist()


def half_hour(local: datetime) -> str:
    return f"{local.hour:02d}:{30 if local.minute >= 30 else 0:02d}"


class _Days:
    """Figures by local day, for the days `first`..`last` only."""

    def __init__(self, calendar: SiteCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.first, self.last = first, last
        self.days: dict[date, DayFigures] = {}

    def at(self, moment: datetime | None) -> DayFigures | None:
        if moment is None:
            return None
        day = self.calendar.to_local(moment).date()
        if not self.first <= day <= self.last:
            return None
        figures = self.days.get(day)
        if figures is None:
            figures = self.days[day] = DayFigures()
        return figures


def day_figures(
    calendar: SiteCalendar,
    first: date,
    last: date,
    now: datetime,
    requests: Iterable[ReviewRequest] = (),
    calls: Iterable[ReviewCall] = (),
    events: Iterable[ReviewEvent] = (),
) -> dict[date, DayFigures]:
    """The figures of each local day `first`..`last` (days with nothing are left out); rows
    outside those days are ignored."""
    days = _Days(calendar, first, last)
    for request in requests:
        _count_request(days, request, now)
    for call in calls:
        day = days.at(call.started_at)
        if day is None:
            continue
        day.add("calls")
        if calendar.is_open(call.started_at):
            day.slots[half_hour(calendar.to_local(call.started_at))] += 1
        else:
            day.add("calls:outside")
        if not call.with_request:
            day.add("calls:without_request", call.outcome or "")
    for event in events:
        day = days.at(event.at)
        if day is None:
            continue
        if event.kind == "sent_back":
            day.add("sent_back:service", event.service)
            day.add("sent_back:category", event.category)
        elif event.kind == "reopened":
            day.add("reopened:category", event.category)
    return days.days


def _count_request(days: _Days, request: ReviewRequest, now: datetime) -> None:
    made = days.at(request.created_at)
    if made is not None:
        made.add("made")
        made.add("made:category", request.category)
        made.add("made:service", request.service)
        made.add("made:channel", request.channel)
        made.add("made:neighbourhood", request.neighbourhood)
        made.add("made:street", request.street)
        if request.duplicate:
            made.add("duplicate:category", request.category)
        if request.acknowledged_at is not None:
            made.add_duration("to_ack", "", request.acknowledged_at - request.created_at)
        if request.done_at is not None:  # by service (all services: to the intervention)
            made.add_duration(
                "to_done:service", request.service, request.done_at - request.created_at
            )
        if request.closed_at is not None:
            made.add_duration("to_close", "", request.closed_at - request.created_at)
    ended = days.at(request.ended_at)
    if ended is not None:
        ended.add("ended")
    done = days.at(request.done_at)
    if done is not None:
        done.add("done:service", request.service)
    due = request.ack_due_at
    ack = None if request.anonymous else days.at(due)
    if ack is not None:
        if request.acknowledged_at is not None and request.acknowledged_at <= due:
            ack.add("ack_on")
        elif request.acknowledged_at is not None or now > due:
            ack.add("ack_late")
    due = request.intervention_due_at
    work = None if request.urgency == 4 else days.at(due)
    if work is not None:
        key = str(request.urgency)
        if request.done_at is not None and request.done_at <= due:
            work.add("int_on", key)
        elif request.done_at is not None or (request.closed_at is None and now > due):
            work.add("int_late", key)
            work.add("int_late:service", request.service)
            work.add("int_late:category", request.category)


def merged(days: Iterable[DayFigures]) -> DayFigures:
    total = DayFigures()
    for day in days:
        total.merge(day)
    return total
