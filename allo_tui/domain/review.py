"""The review ("bilan"): periods and figures, computed from plain rows (no database here).

Definitions (README, "Bilan / Review"):
- a request counts in the period it was due (acknowledgement: `ack_due_at`; intervention:
  `intervention_due_at`), both read in the site's timezone;
- acknowledgement on time = acknowledged at or before its due time; still unacknowledged past
  due = late; anonymous and no-contact requests are left out;
- intervention on time = done at or before its due time, by urgency; still open past due =
  late; urgency 4 (no intervention target) is left out;
- calls outside opening hours (site calendar) get their own row; busy hours count calls by
  weekday x half-hour within opening hours.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.display import WEEKDAYS
from allo_tui.domain.enums import Channel
from allo_tui.domain.labels import CHANNEL_LABELS

DEFAULT_VOLUME_ESTIMATE = 4000
"""Calls expected per year when the `review` setting does not say."""


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    """Local days `first`..`last` (both included) of one kind."""

    kind: PeriodKind
    first: date
    last: date

    def bounds(self, calendar: SiteCalendar) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of `first` to local midnight after `last`."""
        zone = calendar.zone
        start = datetime.combine(self.first, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=zone)
        return start, end.astimezone(UTC)

    def previous(self) -> Period:
        """The previous period of the same kind (same length for any two dates)."""
        if self.kind is PeriodKind.MONTH:
            return month_of(self.first - timedelta(days=1))
        if self.kind is PeriodKind.QUARTER:
            return quarter_of(self.first - timedelta(days=1))
        if self.kind is PeriodKind.YEAR:
            return year_of(self.first.year - 1)
        length = (self.last - self.first).days + 1
        last = self.first - timedelta(days=1)
        return Period(PeriodKind.RANGE, last - timedelta(days=length - 1), last)


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(PeriodKind.MONTH, first, following - timedelta(days=1))


def last_month(today: date) -> Period:
    return month_of(today.replace(day=1) - timedelta(days=1))


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = month_of(date(first.year, first.month + 2, 1)).last
    return Period(PeriodKind.QUARTER, first, last)


def year_of(year: int) -> Period:
    return Period(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))


def between(first: date, last: date) -> Period:
    if last < first:
        raise ValueError("la date de fin précède la date de début")
    return Period(PeriodKind.RANGE, first, last)


# -- rows and figures -----------------------------------------------------------------------


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
    closed_at: datetime | None
    anonymous: bool
    """No caller, or a caller who wants no contact."""


@dataclass(frozen=True)
class Rate:
    on_time: int
    late: int

    @property
    def total(self) -> int:
        return self.on_time + self.late

    @property
    def percent(self) -> float | None:
        """On time in %, one decimal; None when nothing counted."""
        return round(100 * self.on_time / self.total, 1) if self.total else None


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of durations, in hours (None when empty)."""

    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class ReviewFigures:
    period: Period
    acknowledgement: Rate
    intervention: dict[int, Rate]
    to_acknowledge: Spread
    to_intervene: Spread
    to_close: Spread
    backlog_ages: dict[str, int]
    calls_open_hours: int
    calls_outside_hours: int
    busy_hours: dict[tuple[int, str], int]
    """(weekday 0=Monday, "HH:MM" half-hour start) -> calls, within opening hours."""
    volume_estimate: int
    by_category: dict[str, int] = field(default_factory=dict)
    """Requests made in the period, by category label."""
    by_service: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)


BACKLOG_BUCKETS = ("< 48 h", "48 h – 10 j", "> 10 j")


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear-interpolated percentile (0.5 = median); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(durations: list[timedelta]) -> Spread:
    hours = [d.total_seconds() / 3600 for d in durations]
    median, p90 = percentile(hours, 0.5), percentile(hours, 0.9)
    return Spread(
        len(hours),
        None if median is None else round(median, 1),
        None if p90 is None else round(p90, 1),
    )


def _within(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


def acknowledgement_rate(
    rows: list[ReviewRequest], start: datetime, end: datetime, now: datetime
) -> Rate:
    on_time = late = 0
    for row in rows:
        if row.anonymous or not _within(row.ack_due_at, start, end):
            continue
        due = row.ack_due_at
        if row.acknowledged_at is not None and row.acknowledged_at <= due:
            on_time += 1
        elif row.acknowledged_at is not None or now > due:
            late += 1
    return Rate(on_time, late)


def intervention_rates(
    rows: list[ReviewRequest], start: datetime, end: datetime, now: datetime
) -> dict[int, Rate]:
    counts: dict[int, list[int]] = {}
    for row in rows:
        if row.urgency == 4 or not _within(row.intervention_due_at, start, end):
            continue
        due = row.intervention_due_at
        pair = counts.setdefault(row.urgency, [0, 0])
        if row.done_at is not None and row.done_at <= due:
            pair[0] += 1
        elif row.done_at is not None or (row.closed_at is None and now > due):
            pair[1] += 1
    return {urgency: Rate(*pair) for urgency, pair in sorted(counts.items())}


def backlog_ages(rows: list[ReviewRequest], now: datetime) -> dict[str, int]:
    ages = Counter({bucket: 0 for bucket in BACKLOG_BUCKETS})
    for row in rows:
        if row.closed_at is not None or row.created_at > now:
            continue
        age = now - row.created_at
        if age < timedelta(hours=48):
            ages[BACKLOG_BUCKETS[0]] += 1
        elif age <= timedelta(days=10):
            ages[BACKLOG_BUCKETS[1]] += 1
        else:
            ages[BACKLOG_BUCKETS[2]] += 1
    return dict(ages)


def half_hour(local: datetime) -> str:
    return f"{local.hour:02d}:{30 if local.minute >= 30 else 0:02d}"


def review_figures(
    period: Period,
    calendar: SiteCalendar,
    requests: list[ReviewRequest],
    call_starts: list[datetime],
    now: datetime,
    volume_estimate: int = DEFAULT_VOLUME_ESTIMATE,
) -> ReviewFigures:
    """Every figure of `period`; `requests` may hold more than the period (filtered here)."""
    start, end = period.bounds(calendar)
    made = [row for row in requests if _within(row.created_at, start, end)]
    busy: Counter[tuple[int, str]] = Counter()
    outside = 0
    for at in call_starts:
        if not _within(at, start, end):
            continue
        if calendar.is_open(at):
            local = calendar.to_local(at)
            busy[(local.weekday(), half_hour(local))] += 1
        else:
            outside += 1
    inside = sum(busy.values())
    return ReviewFigures(
        period=period,
        acknowledgement=acknowledgement_rate(requests, start, end, now),
        intervention=intervention_rates(requests, start, end, now),
        to_acknowledge=spread(
            [r.acknowledged_at - r.created_at for r in made if r.acknowledged_at is not None]
        ),
        to_intervene=spread([r.done_at - r.created_at for r in made if r.done_at is not None]),
        to_close=spread([r.closed_at - r.created_at for r in made if r.closed_at is not None]),
        backlog_ages=backlog_ages(requests, min(now, end)),
        calls_open_hours=inside,
        calls_outside_hours=outside,
        busy_hours=dict(sorted(busy.items())),
        volume_estimate=volume_estimate,
    )


# -- tables (the same numbers on the screen, in the HTML report and in the CSV files) ---------


@dataclass(frozen=True)
class ReviewTable:
    name: str
    """File name stem of its CSV."""
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    chart_column: int | None = None
    """The column a bar chart draws (None: no chart)."""


def period_label(period: Period) -> str:
    return f"du {period.first:%d/%m/%Y} au {period.last:%d/%m/%Y}"


def review_tables(current: ReviewFigures, previous: ReviewFigures) -> list[ReviewTable]:
    """Every table of the review, the current period beside the previous one."""

    def rate_row(label: str, a: Rate | None, b: Rate | None) -> tuple[object, ...]:
        a, b = a or Rate(0, 0), b or Rate(0, 0)
        return (label, a.total, a.late, a.percent, b.total, b.late, b.percent)

    rate_columns = (
        "Mesure",
        "Comptées",
        "En retard",
        "À l'heure (%)",
        "Comptées (préc.)",
        "En retard (préc.)",
        "À l'heure (%) (préc.)",
    )
    urgencies = sorted(set(current.intervention) | set(previous.intervention))
    on_time = ReviewTable(
        "delais",
        "Délais tenus",
        rate_columns,
        (
            rate_row("Accusé de réception", current.acknowledgement, previous.acknowledgement),
            *(
                rate_row(
                    f"Intervention, urgence {u}",
                    current.intervention.get(u),
                    previous.intervention.get(u),
                )
                for u in urgencies
            ),
        ),
        chart_column=3,
    )
    durations = ReviewTable(
        "durees",
        "Durées (heures)",
        ("Mesure", "Nombre", "Médiane (h)", "90e centile (h)", "Médiane (h) (préc.)"),
        tuple(
            (label, a.count, a.median_hours, a.p90_hours, b.median_hours)
            for label, a, b in (
                ("Jusqu'à l'accusé", current.to_acknowledge, previous.to_acknowledge),
                ("Jusqu'à l'intervention", current.to_intervene, previous.to_intervene),
                ("Jusqu'à la clôture", current.to_close, previous.to_close),
            )
        ),
        chart_column=2,
    )
    backlog = ReviewTable(
        "stock",
        "Demandes ouvertes par âge (fin de période)",
        ("Âge", "Demandes", "Demandes (préc.)"),
        tuple(
            (bucket, current.backlog_ages.get(bucket, 0), previous.backlog_ages.get(bucket, 0))
            for bucket in BACKLOG_BUCKETS
        ),
        chart_column=1,
    )
    calls = ReviewTable(
        "appels",
        "Appels",
        ("Appels", "Nombre", "Nombre (préc.)"),
        (
            ("Pendant les heures d'ouverture", current.calls_open_hours, previous.calls_open_hours),
            (
                "Hors heures d'ouverture",
                current.calls_outside_hours,
                previous.calls_outside_hours,
            ),
            ("Estimation annuelle", current.volume_estimate, previous.volume_estimate),
        ),
        chart_column=1,
    )
    busy = ReviewTable(
        "heures_chargees",
        "Heures chargées (appels par jour et demi-heure, heures d'ouverture)",
        ("Jour", "Demi-heure", "Appels"),
        tuple((WEEKDAYS[day], slot, count) for (day, slot), count in current.busy_hours.items()),
        chart_column=2,
    )

    def counts(name: str, title: str, label: str, a: dict[str, int], b: dict[str, int]):
        keys = sorted(set(a) | set(b), key=lambda k: (-a.get(k, 0), k))
        return ReviewTable(
            name,
            title,
            (label, "Demandes", "Demandes (préc.)"),
            tuple((k, a.get(k, 0), b.get(k, 0)) for k in keys),
            chart_column=1,
        )

    return [
        on_time,
        durations,
        backlog,
        calls,
        busy,
        counts(
            "categories",
            "Demandes par catégorie",
            "Catégorie",
            current.by_category,
            previous.by_category,
        ),
        counts(
            "services", "Demandes par service", "Service", current.by_service, previous.by_service
        ),
        counts(
            "canaux",
            "Demandes par canal",
            "Canal",
            _channel_labels(current.by_channel),
            _channel_labels(previous.by_channel),
        ),
    ]


def _channel_labels(counts: dict[str, int]) -> dict[str, int]:
    labelled: Counter[str] = Counter()
    for code, count in counts.items():
        try:
            labelled[CHANNEL_LABELS[Channel(code)]] += count
        except ValueError:
            labelled[code] += count
    return dict(labelled)


def with_counts(
    figures: ReviewFigures,
    by_category: dict[str, int],
    by_service: dict[str, int],
    by_channel: dict[str, int],
) -> ReviewFigures:
    """`figures` with the requests made in the period counted by category, service, channel."""
    return replace(figures, by_category=by_category, by_service=by_service, by_channel=by_channel)
