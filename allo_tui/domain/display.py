"""How dates and values read on screen (French, Paris time)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def local(at: datetime, zone: ZoneInfo = PARIS) -> datetime:
    return at.astimezone(zone)


def format_datetime(at: datetime | None, zone: ZoneInfo = PARIS) -> str:
    """ "28/11/2026 14:05" in the site's time zone; "" for None."""
    return local(at, zone).strftime("%d/%m/%Y %H:%M") if at else ""


def format_date(at: datetime | None, zone: ZoneInfo = PARIS) -> str:
    return local(at, zone).strftime("%d/%m/%Y") if at else ""


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
"""French day and month names (dates written out: letters, the wall screen, the review)."""


def format_long(at: datetime | None, zone: ZoneInfo = PARIS) -> str:
    """ "mardi 01/12/2026 à 18:00"."""
    if at is None:
        return "—"
    moment = local(at, zone)
    return f"{WEEKDAYS[moment.weekday()]} {moment:%d/%m/%Y} à {moment:%H:%M}"
