"""The day a service plans a request for, as typed in French: "12/01", "12/01/2027",
"12/1/27", "aujourd'hui", "demain", "après-demain" or a weekday ("lundi": the next one).

A date with no year is in the current year, or in the next when it fell more than half a year
ago (typed in December, "12/01" is January of next year; "03/12" typed on 4 December is a
mistake, not next December). A day already past is refused, with a French sentence saying why.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from allo_tui.domain.display import WEEKDAYS
from allo_tui.domain.text import fold

EXAMPLE = "12/01, 12/01/2027, demain ou lundi"
"""What a planned date may look like, as said to the user."""

# Typed text is folded first (accents, case, punctuation: "Après-demain" -> "apres demain").
_NUMERIC = re.compile(r"^(\d{1,2}) (\d{1,2})(?: (\d{2}|\d{4}))?$")
_RELATIVE = {"aujourd hui": 0, "aujourdhui": 0, "demain": 1, "apres demain": 2}


HALF_YEAR_DAYS = 183


class PlannedDateError(ValueError):
    """A planned date that cannot be read or is past; `str()` is a French sentence."""


def parse_planned_date(typed: str, today: date) -> date:
    """The day `typed` names, seen from `today` (the site's today). Raises PlannedDateError."""
    words = " ".join(fold(typed).split())
    if not words:
        raise PlannedDateError(f"Indiquez une date : {EXAMPLE}.")
    if words in _RELATIVE:
        return today + timedelta(days=_RELATIVE[words])
    weekday = words.removeprefix("le ").removesuffix(" prochain")
    if weekday in WEEKDAYS:
        ahead = (WEEKDAYS.index(weekday) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    match = _NUMERIC.match(words)
    if match is None:
        raise PlannedDateError(f"Date illisible « {typed.strip()} » : écrivez {EXAMPLE}.")
    day, month = int(match[1]), int(match[2])
    year_text = match[3]
    if year_text is None:
        year = today.year
    else:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    try:
        planned = date(year, month, day)
    except ValueError:
        raise PlannedDateError(f"Cette date n'existe pas : {day:02d}/{month:02d}/{year}.") from None
    if year_text is None and (today - planned).days > HALF_YEAR_DAYS:
        try:
            planned = date(year + 1, month, day)
        except ValueError:  # 29/02 of a year that has none: say so
            raise PlannedDateError(
                f"Cette date n'existe pas : {day:02d}/{month:02d}/{year + 1}."
            ) from None
    if planned < today:
        raise PlannedDateError(
            f"Le {planned:%d/%m/%Y} est passé : une intervention se programme"
            " aujourd'hui ou plus tard."
        )
    return planned


def format_planned(day: date, today: date | None = None) -> str:
    """ "12/01" within the year of `today` (or with no `today`), else "12/01/2027"."""
    if today is not None and day.year != today.year:
        return f"{day:%d/%m/%Y}"
    return f"{day:%d/%m}"
