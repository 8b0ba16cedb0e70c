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
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.display import MONTHS, WEEKDAYS
from allo_tui.domain.enums import Channel
from allo_tui.domain.labels import CALL_OUTCOME_LABELS, CHANNEL_LABELS, capitalised
from allo_tui.domain.review_days import (
    DayFigures,
    ReviewCall,
    ReviewEvent,
    ReviewRequest,
    merged,
)

__all__ = ["ReviewCall", "ReviewEvent", "ReviewRequest"]

DEFAULT_VOLUME_ESTIMATE = 4000
"""Calls expected per year when the `yearly_volume` setting does not say."""


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


def buckets(period: Period) -> list[tuple[str, date, date]]:
    """The series' steps: weeks (Monday to Sunday, cut at the period's ends) for a period of
    up to 92 days, else months; each as (label, first day, last day)."""
    steps: list[tuple[str, date, date]] = []
    if (period.last - period.first).days < 92:
        day = period.first
        while day <= period.last:
            end = min(day + timedelta(days=6 - day.weekday()), period.last)
            steps.append((f"S{day.isocalendar().week:02d} {day:%d/%m}", day, end))
            day = end + timedelta(days=1)
        return steps
    day = period.first
    while day <= period.last:
        end = min(month_of(day).last, period.last)
        steps.append((f"{MONTHS[day.month - 1]} {day.year}", day, end))
        day = end + timedelta(days=1)
    return steps


# -- figures -----------------------------------------------------------------------------------


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
class SeriesStep:
    label: str
    calls: int
    requests: int
    open_at_end: int
    """Requests open at the end of the step (made before, not closed before)."""


@dataclass(frozen=True)
class ServiceFigures:
    received: int
    done: int
    late: int
    to_done: Spread
    sent_back: int


@dataclass(frozen=True)
class ProcedureFigures:
    """What says a category's procedure may need revising, counted in the period."""

    late: int
    reopened: int
    sent_back: int
    duplicates: int

    @property
    def total(self) -> int:
        return self.late + self.reopened + self.sent_back + self.duplicates


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
    calls: int = 0
    requests: int = 0
    calls_without_request: dict[str, int] = field(default_factory=dict)
    """Calls that made no request, by outcome code."""
    series: tuple[SeriesStep, ...] = ()
    by_category: dict[str, int] = field(default_factory=dict)
    """Requests made in the period, by category label."""
    by_service: dict[str, int] = field(default_factory=dict)
    """By service name ("" for none)."""
    by_channel: dict[str, int] = field(default_factory=dict)
    by_neighbourhood: dict[str, int] = field(default_factory=dict)
    by_street: dict[str, int] = field(default_factory=dict)
    services: dict[str, ServiceFigures] = field(default_factory=dict)
    procedures: dict[str, ProcedureFigures] = field(default_factory=dict)


BACKLOG_BUCKETS = ("< 48 h", "48 h – 10 j", "> 10 j")


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear-interpolated percentile (0.5 = median); None for no values."""
    return _ranked(sorted(values), fraction)


def _ranked(ordered: list, fraction: float) -> float | None:
    """`percentile` of values already sorted."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(seconds: list[int]) -> Spread:
    """Median and 90th percentile of durations given in seconds, in hours. Sorts `seconds`
    in place (they can be a million)."""
    seconds.sort()
    median, p90 = _ranked(seconds, 0.5), _ranked(seconds, 0.9)
    return Spread(
        len(seconds),
        None if median is None else round(median / 3600, 1),
        None if p90 is None else round(p90 / 3600, 1),
    )


def backlog_ages(created: Iterable[datetime], at: datetime) -> dict[str, int]:
    """Requests open at `at` (given by their creation times) by age."""
    ages = Counter({bucket: 0 for bucket in BACKLOG_BUCKETS})
    for made in created:
        age = at - made
        if age < timedelta(hours=48):
            ages[BACKLOG_BUCKETS[0]] += 1
        elif age <= timedelta(days=10):
            ages[BACKLOG_BUCKETS[1]] += 1
        else:
            ages[BACKLOG_BUCKETS[2]] += 1
    return dict(ages)


def review_figures(
    period: Period,
    days: dict[date, DayFigures],
    *,
    open_at_start: int,
    ages: dict[str, int],
    volume_estimate: int = DEFAULT_VOLUME_ESTIMATE,
) -> ReviewFigures:
    """Every figure of `period` from the figures of its days (`day_figures`), the number of
    requests open when it began and the ages of those open when it ended (or now)."""
    total = merged(day for day in days.values())
    steps = []
    still_open = open_at_start
    for label, first, last in buckets(period):
        inside = [figures for day, figures in days.items() if first <= day <= last]
        made = sum(figures.count("made") for figures in inside)
        still_open += made - sum(figures.count("ended") for figures in inside)
        calls = sum(figures.count("calls") for figures in inside)
        steps.append(SeriesStep(label, calls, made, still_open))
    busy: Counter[tuple[int, str]] = Counter()
    for day, figures in days.items():
        for slot, count in figures.slots.items():
            busy[(day.weekday(), slot)] += count
    urgencies = set(total.by_key("int_on")) | set(total.by_key("int_late"))
    received = total.by_key("made:service")
    done = total.by_key("done:service")
    late = total.by_key("int_late:service")
    sent_back = total.by_key("sent_back:service")
    durations = total.seconds_by_key("to_done:service")
    names = set(received) | set(done) | set(late) | set(sent_back)
    services = {
        name: ServiceFigures(
            received.get(name, 0),
            done.get(name, 0),
            late.get(name, 0),
            spread(durations.get(name, [])),
            sent_back.get(name, 0),
        )
        for name in names
    }
    category_late = total.by_key("int_late:category")
    reopened = total.by_key("reopened:category")
    category_sent_back = total.by_key("sent_back:category")
    duplicates = total.by_key("duplicate:category")
    categories = set(category_late) | set(reopened) | set(category_sent_back) | set(duplicates)
    procedures = {
        name: ProcedureFigures(
            category_late.get(name, 0),
            reopened.get(name, 0),
            category_sent_back.get(name, 0),
            duplicates.get(name, 0),
        )
        for name in categories
    }
    return ReviewFigures(
        period=period,
        acknowledgement=Rate(total.count("ack_on"), total.count("ack_late")),
        intervention={
            int(u): Rate(total.count("int_on", u), total.count("int_late", u))
            for u in sorted(urgencies)
        },
        to_acknowledge=spread(total.seconds("to_ack")),
        to_intervene=spread([s for values in durations.values() for s in values]),
        to_close=spread(total.seconds("to_close")),
        backlog_ages=ages,
        calls_open_hours=sum(busy.values()),
        calls_outside_hours=total.count("calls:outside"),
        busy_hours=dict(sorted(busy.items())),
        volume_estimate=volume_estimate,
        calls=total.count("calls"),
        requests=total.count("made"),
        calls_without_request=total.by_key("calls:without_request"),
        series=tuple(steps),
        by_category=total.by_key("made:category"),
        by_service=received,
        by_channel=total.by_key("made:channel"),
        by_neighbourhood=total.by_key("made:neighbourhood"),
        by_street=total.by_key("made:street"),
        services=services,
        procedures=procedures,
    )


# -- tables (the same numbers on the screen, in the HTML report and in the CSV files) ---------


@dataclass(frozen=True)
class ReviewTable:
    name: str
    """File name stem of its CSV."""
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    chart_columns: tuple[int, ...] = ()
    """The columns a bar chart draws, labelled by column 0 (none: no chart)."""
    over_time: bool = False
    """Its rows are steps of time (drawn left to right)."""


TOP_STREETS = 20
TOP_PROCEDURES = 10
NO_SERVICE = "(aucun)"
NO_VALUE = "(non renseigné)"
PREVIOUS = " (préc.)"


def period_label(period: Period) -> str:
    return f"du {period.first:%d/%m/%Y} au {period.last:%d/%m/%Y}"


def review_tables(current: ReviewFigures, previous: ReviewFigures) -> list[ReviewTable]:
    """Every table of the review, the current period beside the previous one."""
    return [
        _volumes(current, previous),
        *_series(current, previous),
        _on_time(current, previous),
        _durations(current, previous),
        _backlog(current, previous),
        _calls_without_request(current, previous),
        _busy_hours(current),
        _counts(
            "categories",
            "Demandes par catégorie",
            "Catégorie",
            current.by_category,
            previous.by_category,
        ),
        _services(current, previous),
        _counts(
            "canaux",
            "Demandes par canal",
            "Canal",
            _channel_labels(current.by_channel),
            _channel_labels(previous.by_channel),
        ),
        _counts(
            "quartiers",
            "Demandes par quartier",
            "Quartier",
            current.by_neighbourhood,
            previous.by_neighbourhood,
        ),
        _counts(
            "rues",
            f"Rues les plus citées ({TOP_STREETS} premières)",
            "Rue",
            current.by_street,
            previous.by_street,
            top=TOP_STREETS,
        ),
        _procedures(current),
    ]


def _volumes(current: ReviewFigures, previous: ReviewFigures) -> ReviewTable:
    period = current.period
    days = (period.last - period.first).days + 1
    expected = round(current.volume_estimate * days / (366 if _leap(period) else 365))
    return ReviewTable(
        "appels",
        "Appels et demandes",
        ("Mesure", "Nombre", "Nombre" + PREVIOUS),
        (
            ("Appels reçus", current.calls, previous.calls),
            ("Appels attendus (estimation)", expected, expected),
            ("Demandes enregistrées", current.requests, previous.requests),
            (
                "Appels pendant les heures d'ouverture",
                current.calls_open_hours,
                previous.calls_open_hours,
            ),
            (
                "Appels hors heures d'ouverture",
                current.calls_outside_hours,
                previous.calls_outside_hours,
            ),
        ),
        chart_columns=(1, 2),
    )


def _leap(period: Period) -> bool:
    year = period.first.year
    return period.kind is PeriodKind.YEAR and (year % 4 == 0 and (year % 100 or year % 400 == 0))


def _series(current: ReviewFigures, previous: ReviewFigures) -> list[ReviewTable]:
    step = "Semaine" if current.series and current.series[0].label.startswith("S") else "Mois"
    before = list(previous.series)
    old = [before[i] if i < len(before) else None for i in range(len(current.series))]
    volumes = ReviewTable(
        "evolution",
        f"Appels et demandes par {step.lower()}",
        (step, "Appels", "Demandes", "Appels" + PREVIOUS, "Demandes" + PREVIOUS),
        tuple(
            (
                point.label,
                point.calls,
                point.requests,
                None if o is None else o.calls,
                None if o is None else o.requests,
            )
            for point, o in zip(current.series, old, strict=True)
        ),
        chart_columns=(1, 2),
        over_time=True,
    )
    backlog = ReviewTable(
        "stock_evolution",
        f"Demandes ouvertes en fin de {step.lower()}",
        (step, "Ouvertes", "Ouvertes" + PREVIOUS),
        tuple(
            (point.label, point.open_at_end, None if o is None else o.open_at_end)
            for point, o in zip(current.series, old, strict=True)
        ),
        chart_columns=(1,),
        over_time=True,
    )
    return [volumes, backlog]


def _on_time(current: ReviewFigures, previous: ReviewFigures) -> ReviewTable:
    def rate_row(label: str, a: Rate | None, b: Rate | None) -> tuple[object, ...]:
        a, b = a or Rate(0, 0), b or Rate(0, 0)
        return (label, a.total, a.late, a.percent, b.total, b.late, b.percent)

    urgencies = sorted(set(current.intervention) | set(previous.intervention))
    return ReviewTable(
        "delais",
        "Délais tenus",
        (
            "Mesure",
            "Comptées",
            "En retard",
            "À l'heure (%)",
            "Comptées" + PREVIOUS,
            "En retard" + PREVIOUS,
            "À l'heure (%)" + PREVIOUS,
        ),
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
        chart_columns=(3, 6),
    )


def _durations(current: ReviewFigures, previous: ReviewFigures) -> ReviewTable:
    return ReviewTable(
        "durees",
        "Durées (heures)",
        ("Mesure", "Nombre", "Médiane (h)", "90e centile (h)", "Médiane (h)" + PREVIOUS),
        tuple(
            (label, a.count, a.median_hours, a.p90_hours, b.median_hours)
            for label, a, b in (
                ("Jusqu'à l'accusé", current.to_acknowledge, previous.to_acknowledge),
                ("Jusqu'à l'intervention", current.to_intervene, previous.to_intervene),
                ("Jusqu'à la clôture", current.to_close, previous.to_close),
            )
        ),
        chart_columns=(2, 4),
    )


def _backlog(current: ReviewFigures, previous: ReviewFigures) -> ReviewTable:
    return ReviewTable(
        "stock",
        "Demandes ouvertes par âge (fin de période)",
        ("Âge", "Demandes", "Demandes" + PREVIOUS),
        tuple(
            (bucket, current.backlog_ages.get(bucket, 0), previous.backlog_ages.get(bucket, 0))
            for bucket in BACKLOG_BUCKETS
        ),
        chart_columns=(1, 2),
    )


def _calls_without_request(current: ReviewFigures, previous: ReviewFigures) -> ReviewTable:
    a = {_outcome(k): v for k, v in current.calls_without_request.items()}
    b = {_outcome(k): v for k, v in previous.calls_without_request.items()}
    return _counts(
        "appels_sans_demande", "Appels sans demande, par issue", "Issue", a, b, what="Appels"
    )


def _outcome(code: str) -> str:
    return CALL_OUTCOME_LABELS.get(code, code) if code else NO_VALUE


def _busy_hours(current: ReviewFigures) -> ReviewTable:
    weekdays = sorted({day for day, _slot in current.busy_hours})
    slots = sorted({slot for _day, slot in current.busy_hours})
    rows = []
    for slot in slots:
        counts = [current.busy_hours.get((day, slot), 0) for day in weekdays]
        rows.append((slot, *counts, sum(counts)))
    return ReviewTable(
        "heures_chargees",
        "Heures chargées : appels par demi-heure et jour (heures d'ouverture)",
        ("Demi-heure", *(WEEKDAYS[day][:3] for day in weekdays), "Total"),
        tuple(rows),
        chart_columns=(len(weekdays) + 1,),
    )


def _counts(
    name: str,
    title: str,
    label: str,
    a: dict[str, int],
    b: dict[str, int],
    *,
    top: int | None = None,
    what: str = "Demandes",
) -> ReviewTable:
    a = {(k or NO_VALUE): v for k, v in a.items()}
    b = {(k or NO_VALUE): v for k, v in b.items()}
    keys = sorted(set(a) | set(b), key=lambda k: (-a.get(k, 0), -b.get(k, 0), k))
    if top is not None:
        keys = [k for k in keys if a.get(k, 0)][:top]
    return ReviewTable(
        name,
        title,
        (label, what, what + PREVIOUS),
        tuple((k, a.get(k, 0), b.get(k, 0)) for k in keys),
        chart_columns=(1, 2),
    )


def _services(current: ReviewFigures, previous: ReviewFigures) -> ReviewTable:
    names = sorted(
        set(current.services) | set(previous.services),
        key=lambda n: (-(current.services[n].received if n in current.services else 0), n),
    )
    empty = ServiceFigures(0, 0, 0, Spread(0, None, None), 0)
    rows = []
    for name in names:
        now, before = current.services.get(name, empty), previous.services.get(name, empty)
        rows.append(
            (
                name or NO_SERVICE,
                now.received,
                now.done,
                now.late,
                now.to_done.median_hours,
                now.sent_back,
                before.received,
                before.late,
            )
        )
    return ReviewTable(
        "services",
        "Par service",
        (
            "Service",
            "Reçues",
            "Terminées",
            "En retard",
            "Médiane (h)",
            "Renvoyées",
            "Reçues" + PREVIOUS,
            "En retard" + PREVIOUS,
        ),
        tuple(rows),
        chart_columns=(1, 2, 3),
    )


def _procedures(current: ReviewFigures) -> ReviewTable:
    ranked = sorted(
        ((name, figures) for name, figures in current.procedures.items() if figures.total),
        key=lambda item: (-item[1].total, item[0]),
    )[:TOP_PROCEDURES]
    return ReviewTable(
        "procedures",
        "Procédures à revoir : catégories aux demandes en retard, rouvertes, renvoyées, en doublon",
        ("Catégorie", "En retard", "Rouvertes", "Renvoyées", "Doublons", "Total"),
        tuple(
            (name or NO_VALUE, f.late, f.reopened, f.sent_back, f.duplicates, f.total)
            for name, f in ranked
        ),
        chart_columns=(5,),
    )


def _channel_labels(counts: dict[str, int]) -> dict[str, int]:
    labelled: Counter[str] = Counter()
    for code, count in counts.items():
        try:
            labelled[capitalised(CHANNEL_LABELS[Channel(code)])] += count
        except ValueError:
            labelled[code] += count
    return dict(labelled)


_DAY = r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?"
_TWO_DAYS = re.compile(rf"\s*(?:du\s+)?{_DAY}\s*(?:au|à|-|–)?\s*{_DAY}\s*", re.IGNORECASE)
PERIOD_EXAMPLE = "01/01/2026 au 30/06/2026"


def parse_period(typed: str, today: date) -> Period:
    """Two dates typed as "01/01/2026 au 30/06/2026" (or with "-", or without the years: this
    year). Raises ValueError with a French sentence."""
    match = _TWO_DAYS.fullmatch(typed)
    if match is None:
        raise ValueError(f"Écrivez deux dates, par exemple « {PERIOD_EXAMPLE} ».")
    parts = match.groups()
    days = []
    for day, month, year in (parts[:3], parts[3:]):
        full = int(year) + (2000 if len(year) == 2 else 0) if year else today.year
        try:
            days.append(date(full, int(month), int(day)))
        except ValueError:
            raise ValueError(f"Cette date n'existe pas : {day}/{month}/{full}.") from None
    return between(*days)


def cell_text(value: object) -> str:
    """One value as the tables and files show it (decimal comma, a dash for none)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


DEFINITIONS = (
    "Accusé de réception à l'heure : donné au plus tard à son échéance (2 jours ouvrés). "
    "Les demandes anonymes et celles des demandeurs qui ne veulent pas être contactés ne "
    "comptent pas.",
    "Intervention à l'heure : première fin d'intervention (« terminée ») au plus tard à son "
    "échéance, repoussée du temps passé à attendre le demandeur ; l'urgence 4 ne compte pas.",
    "Une demande compte dans la période de son échéance ; encore ouverte après son échéance, "
    "elle compte en retard.",
    "Durées : médiane et 90e centile, en heures, du temps entre l'appel et l'accusé, la "
    "première fin d'intervention ou la clôture, pour les demandes de la période.",
    "Demandes ouvertes : faites et ni terminées ni closes à la date dite (selon leur état "
    "actuel ; une demande rouverte compte comme ouverte depuis sa création).",
    "Par service : demandes reçues par le service qu'elles ont aujourd'hui ; terminées (première "
    "fin dans la période) ; en retard (intervention) ; renvoyées au centre d'appels.",
    "Procédures à revoir : catégories dont les demandes sont le plus souvent en retard, "
    "rouvertes, renvoyées ou en doublon.",
    "Appels hors heures d'ouverture : soirs, week-ends, jours fériés et fermetures. Heures "
    "chargées : appels pendant les heures d'ouverture, par jour et demi-heure.",
    "Période de comparaison : le mois, le trimestre ou l'année d'avant (pour deux dates, le "
    "même nombre de jours juste avant).",
)
"""How each figure is counted, in French (the report's last section)."""
