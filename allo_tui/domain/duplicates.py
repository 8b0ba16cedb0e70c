"""Likely duplicate callers: two records sharing a phone number, or the same name and address.

Names and addresses are compared folded (`allo_tui.domain.text.fold`: without case, accents or
punctuation), phone numbers by their stored E.164 form. Groups are transitive: if A shares a
number with B and B has C's name and address, A, B and C are one group.
"""

from __future__ import annotations

from allo_tui.domain.records import Record
from allo_tui.domain.text import fold

SAME_NUMBER = "même numéro"
SAME_NAME_ADDRESS = "même nom et adresse"


class DuplicateCandidate(Record):
    """What the comparison needs of one caller."""

    id: int
    surname: str = ""
    given_name: str = ""
    street_number: str = ""
    street: str = ""
    phones: tuple[str, ...] = ()
    """Numbers in their stored (E.164) form."""
    phone_displays: tuple[str, ...] = ()


class DuplicateGroup(Record):
    """Callers that are likely one person, lowest id first, and why."""

    callers: tuple[DuplicateCandidate, ...]
    reasons: tuple[str, ...]


def name_address_key(candidate: DuplicateCandidate) -> str | None:
    """The folded "name | address" of a caller; None when the name or the street is empty."""
    name = fold(f"{candidate.surname} {candidate.given_name}")
    street = fold(candidate.street)
    if not name or not street:
        return None
    return f"{name}|{fold(candidate.street_number)} {street}"


def duplicate_groups(candidates: list[DuplicateCandidate]) -> list[DuplicateGroup]:
    """The groups of two or more likely duplicates among `candidates`, by lowest id."""
    by_id = {candidate.id: candidate for candidate in candidates}
    parent = {candidate.id: candidate.id for candidate in candidates}

    def root(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    links: dict[str, list[int]] = {}
    for candidate in candidates:
        for number in set(candidate.phones):
            if number:
                links.setdefault(f"tel:{number}", []).append(candidate.id)
        key = name_address_key(candidate)
        if key is not None:
            links.setdefault(f"nom:{key}", []).append(candidate.id)
    reasons: dict[int, set[str]] = {}
    for link, ids in links.items():
        if len(ids) < 2:
            continue
        first = root(ids[0])
        for other in ids[1:]:
            parent[root(other)] = first
        reasons.setdefault(first, set()).add(
            SAME_NUMBER if link.startswith("tel:") else SAME_NAME_ADDRESS
        )
    members: dict[int, list[int]] = {}
    for candidate_id in by_id:
        members.setdefault(root(candidate_id), []).append(candidate_id)
    why: dict[int, set[str]] = {}
    for first, found in reasons.items():
        why.setdefault(root(first), set()).update(found)
    groups = [
        DuplicateGroup(
            tuple(by_id[i] for i in sorted(ids)),
            tuple(sorted(why.get(top, set()))),
        )
        for top, ids in members.items()
        if len(ids) > 1
    ]
    return sorted(groups, key=lambda group: group.callers[0].id)


def duplicates_of(caller_id: int, candidates: list[DuplicateCandidate]) -> list[DuplicateCandidate]:
    """The likely duplicates of one caller (itself excluded), by id."""
    for group in duplicate_groups(candidates):
        if any(candidate.id == caller_id for candidate in group.callers):
            return [candidate for candidate in group.callers if candidate.id != caller_id]
    return []
