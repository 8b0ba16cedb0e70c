"""The small lookup tables of the plan: working days and the working clock, weights,
neighbourhoods, phone prefixes, descriptions.
"""

from __future__ import annotations

import random
import zlib
from datetime import UTC, datetime, timedelta

from allo_tui.data.errors import DatabaseFileError
from allo_tui.demo.sample_text import (
    _DESCRIPTION_TAILS,
    _NEIGHBOURHOOD_WORDS,
    _NEIGHBOURHOODS,
    _SINCE,
)

_DESCRIPTION_POOL = 256  # descriptions per category, picked by a hash


def _description_pool(templates: list[str], rng: random.Random) -> list[str]:
    """Ready-made descriptions of one category: a template with its blanks filled in and,
    one time in five, a remark of the caller after it."""
    pool = []
    for _ in range(_DESCRIPTION_POOL):
        text = rng.choice(templates).format(n=1 + int(rng.random() * 60), since=rng.choice(_SINCE))
        if rng.random() < 0.2:
            text += rng.choice(_DESCRIPTION_TAILS)
        pool.append(text)
    return pool


def _working_days(calendar, now: int, span_days: int):
    """(date, local midnight as epoch seconds, opening periods, capacity, weight) of every
    working day of the history; the last one is cut at `now`."""
    zone = calendar.zone
    last = datetime.fromtimestamp(now, UTC).astimezone(zone).date()
    day = last - timedelta(days=span_days - 1)
    weekday_factor = (1.25, 1.05, 0.95, 1.0, 0.9, 0.6, 0.4)
    month_factor = (0, 0.9, 0.9, 1.05, 1.1, 1.1, 1.15, 1.0, 0.75, 1.1, 1.05, 0.95, 0.85)
    days = []
    while day <= last:
        if calendar.is_working_day(day):
            midnight = int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())
            periods = [
                (start.hour * 3600 + start.minute * 60, end.hour * 3600 + end.minute * 60)
                for start, end in calendar.opening_hours[day.weekday()]
            ][:3]
            if day == last:
                periods = [(s, min(e, now - midnight)) for s, e in periods if s < now - midnight]
            capacity = sum(e - s for s, e in periods)
            if capacity > 0:
                weight = capacity * weekday_factor[day.weekday()] * month_factor[day.month]
                days.append((day, midnight, periods, capacity, weight))
        day += timedelta(days=1)
    if not days:
        raise DatabaseFileError("aucun jour ouvré dans la période : démonstration impossible")
    return days


def _week(calendar) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """The working clock of the services, by whole hours of the week (Monday 00:00 is hour 0).

    Rows of demo_week: (hour, open, working seconds of the week before that hour); rows of
    demo_workhour: (n, hour of the week of the n-th working hour). The steps of a request
    that a service or a supervisor does are timed on this clock, so they fall on working
    hours and keep their order.
    """
    rows, workhours, cumulative = [], [], 0
    for hour in range(168):
        periods = calendar.opening_hours[hour // 24]
        start = min((s.hour for s, _e in periods), default=None)
        end = max((e.hour + (1 if e.minute else 0) for _s, e in periods), default=None)
        is_open = start is not None and start <= hour % 24 < end
        rows.append((hour, int(is_open), cumulative))
        if is_open:
            workhours.append((len(workhours), hour))
            cumulative += 3600
    return rows, workhours


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder)."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _buckets(weights: list[float], size: int) -> list[int]:
    """`size` slots filled with indexes in proportion to `weights` (each index at least once
    when there is room)."""
    counts = _allocate(size, weights)
    slots = [index for index, count in enumerate(counts) for _ in range(count)]
    return slots


def _neighbourhood(street: str) -> str:
    """A plausible neighbourhood of an Auxerre street: by a word of its name, else a stable
    pick (demo data)."""
    from allo_tui.domain.streets import fold

    key = fold(street)
    if key.endswith(" vaux") or key == "vaux":
        return "Vaux"
    for word, name in _NEIGHBOURHOOD_WORDS:
        if word in key:
            return name
    return _NEIGHBOURHOODS[zlib.crc32(key.encode()) % len(_NEIGHBOURHOODS)]


_PREFIX_CACHE: list[tuple[list[str], list[str]]] = []


def _valid_prefixes() -> tuple[list[str], list[str]]:
    """Auxerre landline (03 86 xx) and mobile (06 xx, 07 xx) prefixes that phonenumbers accepts."""
    if _PREFIX_CACHE:
        return _PREFIX_CACHE[0]
    import phonenumbers

    def valid(prefix: str, width: int) -> bool:
        for tail in ("0" * width, "5" * width, "9" * width, "1" + "7" * (width - 1)):
            if not phonenumbers.is_valid_number(phonenumbers.parse(prefix + tail, "FR")):
                return False
        return True

    landline = [f"0386{n:02d}" for n in range(100) if valid(f"0386{n:02d}", 4)]
    mobile = [f"0{m}{n:02d}" for m in (6, 7) for n in range(100) if valid(f"0{m}{n:02d}", 6)]
    _PREFIX_CACHE.append((landline, mobile))
    return landline, mobile


def _format_ts(t: int) -> str:
    """Epoch seconds as SQLAlchemy's SQLite text for a naive UTC datetime."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
