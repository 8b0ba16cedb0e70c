"""Text helpers shared by search and type-ahead: accent- and case-insensitive folding."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s'’`\-‐–—_.,;:/()]+")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of `text` for comparisons.

    "Éléonore  ZÉBULON" -> "eleonore zebulon"; "N'Diaye" -> "n diaye"; "Saint-Just" -> "saint just".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    folded = fold(text)
    return folded.split() if folded else []


def split_name(name: str) -> tuple[str, str]:
    """`ZÉBULON Éléonore` -> surname in capitals first; else the last word is the surname."""
    parts = name.split()
    if not parts:
        return "", ""
    capitals = [p for p in parts if p.isupper() and len(p) > 1]
    if capitals:
        surname = " ".join(capitals)
        given = " ".join(p for p in parts if p not in capitals)
        return surname.title() if surname.isupper() else surname, given
    if len(parts) == 1:
        return parts[0], ""
    return parts[-1], " ".join(parts[:-1])
