"""The new-request form's rules that need no screen: the urgency's promise in words, a street
number typed before the street, the category and service a few typed letters point to."""

from __future__ import annotations

import re
from datetime import timedelta

from allo_tui.domain.records import CategoryRecord, ServiceRecord
from allo_tui.domain.text import fold


def target_phrase(level: int, target: timedelta | None) -> str:
    """What an urgency promises, for the hostess to say: "sur place sous 1 h", "sous 10 jours"."""
    if target is None:
        return "sans intervention : accusé de réception seulement"
    minutes = int(target.total_seconds() // 60)
    if minutes < 60:
        span = f"{minutes} min"
    elif minutes % (24 * 60) == 0 and minutes > 24 * 60:
        span = f"{minutes // (24 * 60)} jours"
    elif minutes % 60 == 0:
        span = f"{minutes // 60} h"
    else:
        span = f"{minutes // 60} h {minutes % 60:02d}"
    return f"sur place sous {span}" if level == 1 else f"sous {span}"


_LEADING_NUMBER = re.compile(
    r"^\s*(\d+(?:\s?(?:bis|ter|quater)\b|[a-dA-D]\b)?)[\s,]+(\S.*)$", re.IGNORECASE
)


def split_leading_number(text: str) -> tuple[str, str]:
    """ "12 rue du Temple" -> ("12", "rue du Temple"); "12 bis, rue X" -> ("12 bis", "rue X");
    no leading number -> ("", text)."""
    match = _LEADING_NUMBER.match(text)
    if match is None:
        return "", text
    return match.group(1), match.group(2)


_NUMBER_SUFFIXES = ("bis", "ter", "quater")


def street_typed_after_number(text: str) -> tuple[str, str] | None:
    """ "12 rue" typed in the N° box: ("12", "rue"), the street to move to its own box; None
    while what follows the number may still be a suffix ("12 b" → "12 bis", "12 A")."""
    number, rest = split_leading_number(text)
    if not number:
        return None
    word = rest.casefold()
    if any(suffix.startswith(word) for suffix in _NUMBER_SUFFIXES):
        return None
    if len(word) == 1 and word in "abcd":
        return None
    return number, rest


def category_matches(query: str, categories: list[CategoryRecord]) -> list[CategoryRecord]:
    """Categories whose label or code has a word starting with each word typed (folded)."""
    typed = fold(query).split()
    if not typed:
        return list(categories)
    found = []
    for category in categories:
        words = fold(f"{category.label} {category.code}").split()
        if all(any(word.startswith(t) for word in words) for t in typed):
            found.append(category)
    return found


def service_matches(query: str, services: list[ServiceRecord]) -> list[ServiceRecord]:
    typed = fold(query).split()
    if not typed:
        return list(services)
    return [
        service
        for service in services
        if all(
            any(word.startswith(t) for word in fold(f"{service.name} {service.code}").split())
            for t in typed
        )
    ]


def thousands(number: int) -> str:
    """4000 -> "4 000" (French digit grouping with a narrow no-break space)."""
    return f"{number:,}".replace(",", "\u202f")
