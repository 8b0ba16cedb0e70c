"""Caller lookup on PostgreSQL: trigram indexes (pg_trgm) on folded words and phone digits.

The same rules as SQLite's FTS5 search (`allo_tui.data.backend.sqlite.search`), the same
ranking in Python on a bounded read. A caller's `search_names` and `search_address` hold the
folded words of the name and the address, each after a blank (" dupont jean "), so "starts a
word" is `LIKE '% dup%'`, which a trigram GIN index answers. Phone digits are matched anywhere
in `caller_phones.search_digits` by the same kind of index.

A search is stopped from another thread by `SearchToken.cancel()`, which cancels the
statement running on the server (the connection's `cancel()`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from psycopg import errors as pg_errors

from allo_tui.domain.phone import is_phone_like, parse_phone, phone_query_digits
from allo_tui.domain.search import (
    NO_MATCH,
    CallerMatches,
    SearchCancelled,
    SearchToken,
    address_words,
    folded,
    may_be_whole,
    search_tokens,
    sorted_words,
    starts_one,
    with_elisions,
    word_tier,
)

CAP = 200
"""Matches are counted up to this number; beyond it the screen says "200+"."""
MAX_WORDS = 8
"""Words beyond this many are ignored (a pasted paragraph must not make a huge query)."""
CANDIDATES = CAP + 1
STREET_NUMBER_DIGITS = 4
"""A typed number this short is a street number, matched whole."""
PHONE_CHECKED_CANDIDATES = 400

_POSTCODE = re.compile(r"(\d{2}) ?(\d{3})")
_WORDS_SQL = "(c.search_names || c.search_address)"


def indexed_words(text: str) -> str:
    """What a `search_*` column holds for `text`: its folded words (with elided forms,
    "n diaye" also as "ndiaye"), each after a blank, one blank at the end."""
    words = with_elisions(search_tokens(text))
    return " " + " ".join(words) + " " if words else " "


def like_word_start(word: str) -> str:
    """The LIKE pattern of a word starting with `word` (only letters and digits: no escape)."""
    return f"% {word}%"


@contextmanager
def watching(token: SearchToken, connection) -> Iterator[None]:
    """Make the statements of this block stoppable by `token.cancel()`."""
    with token.interrupting(connection.cancel):
        try:
            yield
        except pg_errors.QueryCanceled as error:
            if token.cancelled:
                raise SearchCancelled from error
            raise


def find_callers(connection, query: str, limit: int, token: SearchToken) -> CallerMatches:
    """Callers matching `query`, best first (the rules of the SQLite search)."""
    query = query.strip()
    if not query or limit <= 0:
        return NO_MATCH
    search = _Search(connection, token)
    with watching(token, connection):
        if is_phone_like(query):
            matches = search.by_phone(query, limit)
            postcode = _POSTCODE.fullmatch(query)
            if postcode:
                matches = search.and_postcode(matches, postcode.group(1) + postcode.group(2), limit)
            return matches
        return search.by_words(query, limit)


class _Search:
    """One search on one connection; every statement checks the token first."""

    def __init__(self, connection, token: SearchToken) -> None:
        self.connection = connection
        self.token = token

    def rows(self, sql: str, parameters: Sequence = ()) -> list[tuple]:
        self.token.check()
        return self.connection.execute(sql, parameters).fetchall()

    def by_phone(self, query: str, limit: int) -> CallerMatches:
        digits = phone_query_digits(query)
        stored = parse_phone(query).stored if may_be_whole(query, digits) else query
        exact = [
            row[0]
            for row in self.rows(
                "SELECT DISTINCT caller_id FROM caller_phones WHERE number = ? LIMIT ?",
                (stored, CAP + 1),
            )
        ]
        hits: list[tuple[int, str]] = []
        read_capped = False
        if len(digits) >= 3:
            fetch = PHONE_CHECKED_CANDIDATES
            hits = self.rows(
                "SELECT caller_id, search_digits FROM caller_phones"
                " WHERE search_digits LIKE ? ORDER BY id LIMIT ?",
                (f"%{digits}%", fetch),
            )
            read_capped = len(hits) >= fetch
            hits = [hit for hit in hits if any(digits in form for form in hit[1].split())]
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

    def and_postcode(self, by_phone: CallerMatches, postcode: str, limit: int) -> CallerMatches:
        """`by_phone`, then the callers whose address has `postcode`, by name."""
        living = [
            row[0]
            for row in self.rows(
                "SELECT c.id FROM callers AS c WHERE c.search_address LIKE ?"
                " OR c.search_address LIKE ? ORDER BY c.id LIMIT ?",
                (f"% {postcode} %", f"% {postcode[:2]} {postcode[2:]} %", CAP + 1),
            )
        ]
        seen = set(by_phone.ids)
        living = [caller_id for caller_id in living if caller_id not in seen]
        if not living:
            return by_phone
        names = self.names_of(living)
        living.sort(key=lambda caller_id: (*names.get(caller_id, ("", "")), caller_id))
        ids = (*by_phone.ids, *living)
        found = by_phone.total + len(living)
        capped = by_phone.capped or len(living) > CAP or found > CAP
        return CallerMatches(ids=ids[:limit], total=min(found, CAP), capped=capped)

    def by_words(self, query: str, limit: int) -> CallerMatches:
        typed = list(dict.fromkeys(search_tokens(query)))[:MAX_WORDS]
        if not [word for word in typed if len(word) >= 2]:
            return NO_MATCH
        number = next((w for w in typed if w.isdigit() and len(w) <= STREET_NUMBER_DIGITS), "")
        matched = [word for word in typed if len(word) >= 2 and word != number]
        terms = [f"{_WORDS_SQL} LIKE ?" for _ in matched]
        params: list = [like_word_start(word) for word in matched]
        if number:
            terms.append(f"{_WORDS_SQL} LIKE ?")
            params.append(f"% {number} %")
        checks = [word for word in typed if word not in matched and word != number]
        fetch = max(CANDIDATES, limit) * (2 if checks else 1)
        rows = self.rows(
            "SELECT c.id, c.surname, c.given_name, c.street_number, c.street,"
            " c.address_extra, c.postcode, c.city FROM callers AS c"
            f" WHERE {' AND '.join(terms)} ORDER BY c.id LIMIT ?",
            (*params, fetch),
        )
        if checks:
            kept: dict[int, tuple[str, str]] = {}
            for row in rows:
                name_words = sorted_words(f"{row[1]} {row[2]}")
                missing = [word for word in checks if not starts_one(name_words, word)]
                if missing and not all(
                    starts_one(address_words(tuple(row[3:8])), word) for word in missing
                ):
                    continue
                kept[row[0]] = (folded(row[1]), folded(row[2]))
            total, capped = min(len(kept), CAP), len(rows) >= fetch or len(kept) > CAP
        else:
            kept = {row[0]: (folded(row[1]), folded(row[2])) for row in rows}
            total, capped = min(len(rows), CAP), len(rows) > CAP
        if not kept:
            return NO_MATCH
        tiers: dict[tuple[str, str], int] = {}

        def rank(caller_id: int) -> tuple:
            names = kept[caller_id]
            tier = tiers.get(names)
            if tier is None:
                tier = tiers[names] = word_tier(typed, *names)
            return (tier, *names, caller_id)

        ordered = sorted(kept, key=rank)
        return CallerMatches(ids=tuple(ordered[:limit]), total=total, capped=capped)

    def names_of(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Folded (surname, given name) of each caller, for ranking."""
        found: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for caller_id, surname, given_name in self.rows(
                f"SELECT id, surname, given_name FROM callers WHERE id IN ({marks})", chunk
            ):
                found[caller_id] = (folded(surname), folded(given_name))
        return found
