"""The site calendar's parts as an administrator types and reads them (F9, `allo settings`).

- opening hours: `lun-ven 08:30-12:00 13:30-18:00 ; sam 09:00-12:00` (days not named are
  closed; `fermé` says it outright);
- closure days: `24/12/2026, 31/12/2026`;
- targets per urgency: `1 : 1 h ; 2 : 1 j ; 3 : 10 j ; 4 : aucun` (`min`, `h`, `j`);
- the acknowledgement delay: a number of working days.

Each `parse_*` returns the JSON-ready value `SiteCalendar.to_dict` holds under that part, or
raises `ValueError` with a French message; each `format_*` is its inverse.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

DAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_DAY_NAMES = {
    **{name: index for index, name in enumerate(DAYS)},
    **{
        name: index
        for index, name in enumerate(
            ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
        )
    },
}
CLOSED = "fermé"
NONE = "aucun"
_UNITS = {"min": 60, "h": 3600, "j": 86400}

TEXTS = {
    "day": "jour inconnu : {day!r} (lun, mar, mer, jeu, ven, sam, dim)",
    "part": "« {part} » : des jours puis des horaires attendus (ex. lun-ven 08:30-12:00)",
    "hours": "horaire invalide : {hours!r} (HH:MM-HH:MM, le début avant la fin)",
    "order": "les horaires du {day} se chevauchent ou ne sont pas dans l'ordre",
    "date": "date invalide : {text!r} (JJ/MM/AAAA)",
    "target": "« {part} » : urgence puis délai attendus (ex. 3 : 10 j, ou 4 : aucun)",
    "level": "urgence inconnue : {level} (1 à 4)",
    "duration": "délai invalide : {text!r} (ex. 30 min, 1 h, 10 j, aucun)",
}


def _day_range(text: str) -> list[int]:
    days: list[int] = []
    for item in re.split(r"\s*,\s*", text.strip().lower()):
        bounds = [part.strip().rstrip(".") for part in item.split("-")]
        try:
            indexes = [_DAY_NAMES[bound] for bound in bounds]
        except KeyError as error:
            raise ValueError(TEXTS["day"].format(day=error.args[0])) from None
        if len(indexes) == 1:
            days.append(indexes[0])
        elif len(indexes) == 2:
            start, end = indexes
            days.extend(
                range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            )
        else:
            raise ValueError(TEXTS["day"].format(day=item))
    return days


def _hours(text: str) -> list[list[str]]:
    periods: list[list[str]] = []
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        match = re.fullmatch(r"(\d{1,2})[:hH](\d{2})-(\d{1,2})[:hH](\d{2})", item)
        if match is None:
            raise ValueError(TEXTS["hours"].format(hours=item))
        try:
            start = time(int(match.group(1)), int(match.group(2)))
            end = time(int(match.group(3)), int(match.group(4)))
        except ValueError:
            raise ValueError(TEXTS["hours"].format(hours=item)) from None
        if start >= end:
            raise ValueError(TEXTS["hours"].format(hours=item))
        periods.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    return periods


def parse_opening_hours(text: str) -> list[list[list[str]]]:
    """Seven lists (Monday first) of [start, end] periods, from `lun-ven 08:30-12:00 …`."""
    week: list[list[list[str]]] = [[] for _ in DAYS]
    for part in (part.strip() for part in text.split(";")):
        if not part:
            continue
        match = re.fullmatch(r"([A-Za-zéû.,\- ]+?)\s+(.+)", part)
        if match is None:
            raise ValueError(TEXTS["part"].format(part=part))
        days = _day_range(match.group(1))
        hours = match.group(2).strip()
        periods = [] if hours.lower() in (CLOSED, "ferme") else _hours(hours)
        for day in days:
            week[day] = periods
    for day, periods in enumerate(week):
        ends = [moment for period in periods for moment in period]
        if ends != sorted(ends) or len(set(ends)) != len(ends):
            raise ValueError(TEXTS["order"].format(day=DAYS[day]))
    return week


def format_opening_hours(week: list) -> str:
    """`lun-ven 08:30-12:00 13:30-18:00 ; sam-dim fermé`: consecutive days alike grouped."""
    parts: list[str] = []
    index = 0
    while index < len(DAYS):
        periods = [list(period) for period in week[index]] if index < len(week) else []
        last = index
        while last + 1 < len(DAYS) and [list(p) for p in week[last + 1]] == periods:
            last += 1
        days = DAYS[index] if last == index else f"{DAYS[index]}-{DAYS[last]}"
        hours = " ".join(f"{start}-{end}" for start, end in periods) or CLOSED
        parts.append(f"{days} {hours}")
        index = last + 1
    return " ; ".join(parts)


def parse_closure_days(text: str) -> list[str]:
    """ISO dates, sorted, from `24/12/2026, 31/12/2026` (empty: none)."""
    days: set[date] = set()
    for item in re.split(r"[\s,;]+", text.strip()):
        if not item:
            continue
        try:
            days.add(datetime.strptime(item, "%d/%m/%Y").date())
        except ValueError:
            raise ValueError(TEXTS["date"].format(text=item)) from None
    return [day.isoformat() for day in sorted(days)]


def format_closure_days(days: list) -> str:
    return ", ".join(date.fromisoformat(str(day)).strftime("%d/%m/%Y") for day in days)


def _duration(text: str) -> int | None:
    value = text.strip().lower()
    if value in (NONE, "aucune", "-"):
        return None
    match = re.fullmatch(r"(\d+)\s*(min|h|j)", value)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(TEXTS["duration"].format(text=text.strip()))
    return int(match.group(1)) * _UNITS[match.group(2)]


def parse_targets(text: str) -> list[list[Any]]:
    """[level, seconds or None] for levels 1 to 4, from `1 : 1 h ; … ; 4 : aucun`."""
    targets: dict[int, int | None] = {}
    for part in (part.strip() for part in text.split(";")):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)\s*:\s*(.+)", part)
        if match is None:
            raise ValueError(TEXTS["target"].format(part=part))
        level = int(match.group(1))
        if level not in (1, 2, 3, 4):
            raise ValueError(TEXTS["level"].format(level=level))
        targets[level] = _duration(match.group(2))
    return [[level, targets[level]] for level in sorted(targets)]


def format_targets(targets: list) -> str:
    def shown(seconds: int | None) -> str:
        if seconds is None:
            return NONE
        for unit, size in (("j", 86400), ("h", 3600)):
            if seconds % size == 0:
                return f"{seconds // size} {unit}"
        return f"{max(1, seconds // 60)} min"

    return " ; ".join(f"{level} : {shown(seconds)}" for level, seconds in targets)
