"""Caller lookup on SQLite: FTS5 for names and addresses, a trigram index for phone digits.

These functions take a DB-API connection and return caller ids, best first. The work is bounded:
at most `CAP + 1` candidates are read from each index and ranked in Python, so a two-letter
prefix over a million callers costs no more than a precise one.
"""

from __future__ import annotations

from allo_tui.data.sqlite import fts_phrase, fts_prefix_query
from allo_tui.domain.phone import is_phone_like, parse_phone, phone_query_digits
from allo_tui.domain.text import fold, words

CAP = 200


def search_caller_ids(connection, query: str) -> tuple[list[int], bool]:
    """Caller ids matching `query`, best first, at most CAP; and whether more exist."""
    query = query.strip()
    if not query:
        return [], False
    if is_phone_like(query):
        return _by_phone(connection, query)
    return _by_words(connection, query)


def _by_phone(connection, query: str) -> tuple[list[int], bool]:
    ordered: list[int] = []
    parsed = parse_phone(query)
    if parsed.e164:
        for (caller_id,) in connection.execute(
            "SELECT caller_id FROM caller_phones WHERE number = ? ORDER BY caller_id",
            (parsed.e164,),
        ):
            if caller_id not in ordered:
                ordered.append(caller_id)
    digits = phone_query_digits(query)
    if len(digits) >= 3:
        rows = connection.execute(
            "SELECT DISTINCT p.caller_id FROM ("
            "  SELECT rowid FROM phone_search WHERE phone_search MATCH ? LIMIT ?"
            ") AS hit JOIN caller_phones AS p ON p.id = hit.rowid",
            (fts_phrase(digits), CAP + 1),
        )
        seen = set(ordered)
        for (caller_id,) in rows:
            if caller_id not in seen:
                seen.add(caller_id)
                ordered.append(caller_id)
    return ordered[:CAP], len(ordered) > CAP


def _by_words(connection, query: str) -> tuple[list[int], bool]:
    name_query = fts_prefix_query(query, column="names")
    any_query = fts_prefix_query(query)
    if any_query is None:
        return [], False
    name_ids = [
        row[0]
        for row in connection.execute(
            "SELECT rowid FROM caller_search WHERE caller_search MATCH ? LIMIT ?",
            (name_query, CAP + 1),
        )
    ]
    other_ids = [
        row[0]
        for row in connection.execute(
            "SELECT rowid FROM caller_search WHERE caller_search MATCH ? LIMIT ?",
            (any_query, CAP + 1),
        )
    ]
    candidates = list(dict.fromkeys(name_ids + other_ids))
    capped = len(candidates) > CAP or len(other_ids) > CAP
    if not candidates:
        return [], False
    names = _names_of(connection, candidates)
    query_words = words(query)
    name_hits = set(name_ids)

    def rank(caller_id: int) -> tuple:
        surname, given_name = names.get(caller_id, ("", ""))
        surname_words = words(surname)
        on_surname = any(w.startswith(q) for q in query_words[:1] for w in surname_words)
        tier = 0 if on_surname else (1 if caller_id in name_hits else 2)
        return (tier, fold(surname), fold(given_name), caller_id)

    ordered = sorted(candidates, key=rank)
    return ordered[:CAP], capped


def _names_of(connection, ids: list[int]) -> dict[int, tuple[str, str]]:
    marks = ",".join("?" * len(ids))
    return {
        row[0]: (row[1], row[2])
        for row in connection.execute(
            f"SELECT id, surname, given_name FROM callers WHERE id IN ({marks})", ids
        )
    }
