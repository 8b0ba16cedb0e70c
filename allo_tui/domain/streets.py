"""Known streets of the site, for the street type-ahead of the new-request form.

The register lives in the database (table `streets`, seeded by migration 0007 from
`allo_tui/resources/streets_auxerre.csv`, `name;kind`, built from the FANTOIR register by
`tools/build_streets.py`). Matching is accent- and case-insensitive:
every word typed must start a word of the street name ("rue du tem" finds "Rue du Temple",
"surugue" finds "Place Charles Surugue").
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from functools import lru_cache

import msgspec

from allo_tui.domain.text import fold

STREETS_RESOURCE = "streets_auxerre.csv"

# Abbreviations people type for a street type or a saint's name.
_ALIASES = {
    "st": "saint",
    "ste": "sainte",
    "bd": "boulevard",
    "bld": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "pl": "place",
    "imp": "impasse",
    "che": "chemin",
    "chem": "chemin",
    "rte": "route",
    "all": "allee",
    "gal": "general",
    "mal": "marechal",
    "dr": "docteur",
}


class Street(msgspec.Struct, frozen=True):
    """A street (voie) or a named place (lieu-dit) of the site."""

    name: str
    """The name as people write it: "Rue du Temple"."""
    kind: str
    """"voie" or "lieu-dit"."""


@lru_cache(maxsize=1)
def shipped_streets() -> tuple[Street, ...]:
    """The register shipped with allo (allo_tui/resources), in file order: the seed of the
    `streets` table (migration 0007) and of the demo's addresses. The console reads the
    register from the database (`Store.streets`), where imports may change it."""
    from importlib import resources  # read once, in the background after start-up

    resource = resources.files("allo_tui").joinpath("resources", STREETS_RESOURCE)
    text = resource.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    return tuple(Street(row["name"], row["kind"]) for row in reader if row.get("name"))


@lru_cache(maxsize=8192)
def _words(name: str) -> tuple[str, tuple[str, ...]]:
    key = fold(name)
    return key, tuple(key.split())


def _word_matches(typed: str, words: tuple[str, ...]) -> bool:
    alias = _ALIASES.get(typed)
    return any(word.startswith(typed) or (alias and word.startswith(alias)) for word in words)


def _whole_word(typed: str, words: tuple[str, ...]) -> bool:
    """`typed` is a whole word of the name ("bert" in "rue paul bert", not in "berthier")."""
    alias = _ALIASES.get(typed)
    return typed in words or (alias is not None and alias in words)


def match_streets(
    query: str, streets: tuple[Street, ...] | list[Street], limit: int = 10
) -> list[str]:
    """Names of the streets matching what was typed, best first, at most `limit`.

    Every word of the query must be the start of some word of the name (accents and case
    ignored; "st", "av", "bd"... also stand for "saint", "avenue", "boulevard"). Names where
    every word typed is a whole word come first ("paul bert": "Rue Paul Bert" before "Allée
    Paul Berthier"), then the others; within each, names that start with the whole query come
    first. Among whole-word names the query names the same way on several kinds of way ("paul
    bert": "Rue Paul Bert", "Pont Paul Bert"): the kind most common in the register (its first
    word: "Rue" before "Pont") comes first, as the street a caller most likely means. Then
    alphabetical order. An empty query matches nothing.
    """
    folded = fold(query)
    typed = folded.split()
    if not typed or limit <= 0:
        return []
    kinds: Counter[str] = Counter()  # ways per kind ("rue", "pont"…) in the register
    matched: dict[str, tuple[str, bool]] = {}
    for street in streets:
        key, words = _words(street.name)
        if words:
            kinds[words[0]] += 1
        if street.name not in matched and all(_word_matches(word, words) for word in typed):
            matched[street.name] = (key, all(_whole_word(word, words) for word in typed))
    found = sorted(
        (
            not whole,
            not key.startswith(folded),
            -kinds[key.split()[0]] if whole else 0,
            key,
            name,
        )
        for name, (key, whole) in matched.items()
    )
    return [name for *_rank, name in found[:limit]]


__all__ = ["Street", "fold", "shipped_streets", "match_streets", "STREETS_RESOURCE"]
