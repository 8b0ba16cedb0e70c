"""Text helpers shared by search and type-ahead: accent- and case-insensitive folding.

`fold` is the one folding of the application: what the search indexes hold (see
`allo_tui.data.search.index_text`), every query typed, the street and category type-aheads.
Changing it changes what the indexes must hold: a migration then re-folds them.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s'’‘`´\-‐‑‒–—_.,;:/()]+")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of `text` for comparisons.

    "Éléonore  ZÉBULON" -> "eleonore zebulon"; "N'Diaye" -> "n diaye"; "Saint-Just" -> "saint
    just". Compatibility forms become the letters they stand for (NFKD): the ligature "ﬁ" is
    "fi", full-width "ＡＢ" is "ab", "Ǆ" is "dz", "²" is "2"; "ß" is "ss" (case folding).
    """
    if text.isascii():
        return _SEPARATORS.sub(" ", text.casefold()).strip()
    text = _without_marks(text).casefold()
    if not text.isascii():  # case folding may give marks ("İ" -> "i̇") or compatibility forms
        text = _without_marks(text)
    return _SEPARATORS.sub(" ", text).strip()


def _without_marks(text: str) -> str:
    """`text` in compatibility decomposition (NFKD) without its combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
