"""What both backends' caller lookups share once their index has given the candidates: the
tiers of a phone search, callers of a postcode after the numbers, the ranking by name, and the
folded names read for it. Plain SQL with `?` placeholders; no driver is imported here."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from allo_tui.domain.phone import parse_phone
from allo_tui.domain.search import NO_MATCH, CallerMatches, folded, may_be_whole, word_tier

CAP = 200
"""Matches are counted up to this number; beyond it the screen says "200+"."""

Rows = Callable[[str, Sequence], list[tuple]]
"""Runs one statement of the search (checking its cancel token first) and returns its rows."""


def exact_number(
    rows: Rows, query: str, digits: str, hits: Sequence[tuple[int, str]], *, read_capped: bool
) -> list[int]:
    """The callers holding exactly the number typed. A number typed as it is stored (national
    digits, or international without the "00") is one of the digit forms of the `hits`
    already read, so no parsing is needed; other whole numbers ("0033 …", "+33 (0)3 …") are
    parsed (partial numbers are not: they are invalid and would be tried against every
    overseas region); anything else is compared with the stored raw text."""
    if may_be_whole(query, digits):
        exact = [caller_id for caller_id, forms in hits if digits in forms.split()]
        if exact and not read_capped:
            return list(dict.fromkeys(exact))
        stored = parse_phone(query).stored
    else:
        stored = query
    return [
        row[0]
        for row in rows(
            "SELECT DISTINCT caller_id FROM caller_phones WHERE number = ? LIMIT ?",
            (stored, CAP + 1),
        )
    ]


def phone_matches(
    exact: Sequence[int],
    hits: Sequence[tuple[int, str]],
    digits: str,
    *,
    read_capped: bool,
    limit: int,
) -> CallerMatches:
    """The callers of a phone search, best first: the exact number, then numbers starting with
    `digits`, then numbers holding them; within a tier, oldest caller first (stable, and no
    names to read for hundreds of numbers sharing an area code)."""
    tiers: dict[int, int] = {caller_id: 0 for caller_id in exact}
    for caller_id, search_digits in hits:
        starts = any(form.startswith(digits) for form in search_digits.split())
        tier = 1 if starts else 2
        tiers[caller_id] = min(tiers.get(caller_id, tier), tier)
    capped = read_capped or len(exact) > CAP or len(tiers) > CAP
    if not tiers:
        return NO_MATCH
    ordered = sorted(tiers, key=lambda i: (tiers[i], i))
    return CallerMatches(ids=tuple(ordered[:limit]), total=min(len(tiers), CAP), capped=capped)


def then_postcode(
    by_phone: CallerMatches, living: Sequence[int], rows: Rows, limit: int
) -> CallerMatches:
    """`by_phone`, then the callers `living` in the postcode (read by the index), by name."""
    seen = set(by_phone.ids)
    living = [caller_id for caller_id in living if caller_id not in seen]
    if not living:
        return by_phone
    names = names_of(rows, living)
    living.sort(key=lambda caller_id: (*names.get(caller_id, ("", "")), caller_id))
    ids = (*by_phone.ids, *living)
    # by_phone.total counts numbers found beyond those it returned (at most CAP).
    found = by_phone.total + len(living)
    capped = by_phone.capped or len(living) > CAP or found > CAP
    return CallerMatches(ids=ids[:limit], total=min(found, CAP), capped=capped)


def ranked(
    kept: Sequence[int],
    names: dict[int, tuple[str, str]],
    typed: list[str],
    *,
    total: int,
    capped: bool,
    limit: int,
) -> CallerMatches:
    """The callers `kept`, best first for the words `typed`: exact surname, then surname
    prefix, then given name, then the rest (`word_tier`), then by name and id."""
    tiers: dict[tuple[str, str], int] = {}  # names repeat: each pair is ranked once

    def rank(caller_id: int) -> tuple:
        pair = names.get(caller_id, ("", ""))
        tier = tiers.get(pair)
        if tier is None:
            tier = tiers[pair] = word_tier(typed, *pair)
        return (tier, *pair, caller_id)

    ordered = sorted(kept, key=rank)
    return CallerMatches(ids=tuple(ordered[:limit]), total=total, capped=capped)


def names_of(rows: Rows, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Folded (surname, given name) of each caller, for ranking."""
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for caller_id, surname, given_name in rows(
            f"SELECT id, surname, given_name FROM callers WHERE id IN ({marks})", chunk
        ):
            found[caller_id] = (folded(surname), folded(given_name))
    return found
