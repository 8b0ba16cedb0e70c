"""The French texts printed on reply letters (`allo replies letters`)."""

from __future__ import annotations

from datetime import date

from allo_tui.domain.display import MONTHS

TEXTS = {
    "date": "Le {date}",
    "reference": "Réf. : {reference}",
    "subject": "Objet : {subject}",
    "page": "{reference} — page {page}/{pages}",
    "acknowledgement_note": "Courrier, lot n° {batch}",
}


def long_date(day: date) -> str:
    """ "5 décembre 2026", "1er mars 2027"."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"
