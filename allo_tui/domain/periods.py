"""Date ranges of the history filter: "aujourd'hui", "7 derniers jours", "ce mois", typed dates.

Days are the site's local days (Europe/Paris by default); every bound returned is aware UTC,
the start inclusive and the end exclusive, ready for `HistoryFilter.created_from/created_to`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

_DATE = r"(\d{1,2})\s*[/.]\s*(\d{1,2})(?:\s*[/.]\s*(\d{2,4}))?"
_ISO = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_DAY_TOKEN = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s*[/.]\s*\d{1,2}(?:\s*[/.]\s*\d{2,4})?")
_CONNECTORS = re.compile(r"\b(?:du|le|au|à|a|jusqu'au)\b|[-–—.…\s]+", re.I)


@dataclass(frozen=True)
class Period:
    """A range of local days: `start` inclusive, `end` exclusive, both aware UTC."""

    label: str
    start: datetime
    end: datetime


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), zone).astimezone(UTC)


def days_period(label: str, first: date, last: date, zone: ZoneInfo = PARIS) -> Period:
    """From the start of `first` to the end of `last` (local days)."""
    if last < first:
        first, last = last, first
    return Period(label, _midnight(first, zone), _midnight(last + timedelta(days=1), zone))


def today(now: datetime, zone: ZoneInfo = PARIS) -> Period:
    """The local day of `now`."""
    day = now.astimezone(zone).date()
    return days_period("Aujourd'hui", day, day, zone)


def last_days(now: datetime, days: int = 7, zone: ZoneInfo = PARIS) -> Period:
    """Today and the `days - 1` days before it."""
    day = now.astimezone(zone).date()
    return days_period(f"{days} derniers jours", day - timedelta(days=days - 1), day, zone)


def this_month(now: datetime, zone: ZoneInfo = PARIS) -> Period:
    """From the 1st of the current month to its last day."""
    day = now.astimezone(zone).date()
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return days_period("Ce mois", first, following - timedelta(days=1), zone)


def parse_day(text: str, now: datetime, zone: ZoneInfo = PARIS) -> date:
    """ "28/11/2026", "28/11/26", "28/11" (this year) or "2026-11-28"; ValueError otherwise."""
    value = text.strip()
    match = re.fullmatch(_ISO, value)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = re.fullmatch(_DATE, value)
        if not match:
            raise ValueError(f"Date non reconnue : « {value} » (attendu JJ/MM/AAAA).")
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else now.astimezone(zone).year
        if year < 100:
            year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Date impossible : « {value} ».") from None


def parse_period(text: str, now: datetime, zone: ZoneInfo = PARIS) -> Period:
    """A typed range: one date, or two joined by "au", "-" or "…" ("du" is optional).

    Raises ValueError with a French message when the text is not a date or a range.
    """
    days = _DAY_TOKEN.findall(text)
    leftover = _CONNECTORS.sub("", _DAY_TOKEN.sub("", text))
    if not days or len(days) > 2 or leftover:
        raise ValueError(
            f"Période non reconnue : « {text.strip()} » "
            "(une date JJ/MM/AAAA, ou deux dates séparées par « au »)."
        )
    first = parse_day(days[0], now, zone)
    if len(days) == 1:
        return days_period(f"{first:%d/%m/%Y}", first, first, zone)
    last = parse_day(days[1], now, zone)
    if last < first:
        first, last = last, first
    return days_period(f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}", first, last, zone)
