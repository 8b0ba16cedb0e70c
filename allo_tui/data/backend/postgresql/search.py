"""Caller lookup on PostgreSQL: trigram indexes (pg_trgm) on folded words and phone digits.

The same rules as SQLite's FTS5 search (`allo_tui.data.backend.sqlite.search`), the same
ranking in Python on a bounded read. A caller's `search_names` and `search_address` hold the
folded words of the name and the address, each after a blank (" dupont jean "); a trigger
copies each word to `caller_words`, whose B-tree answers "a word starts with dupon"
(`word LIKE 'dupon%'`), and each word's prefixes of 2 to PREFIX_MAX letters to
`caller_prefixes`, whose B-tree answers "the first callers by id having a word starting with
du" in one range. Phone digits are matched anywhere in `caller_phones.search_digits` by a
trigram GIN index.

A search is stopped from another thread by `SearchToken.cancel()`, which cancels the
statement running on the server (the connection's `cancel()`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from psycopg import errors as pg_errors

from allo_tui.data.backend.caller_lookup import (
    CAP,
    exact_number,
    phone_matches,
    ranked,
    then_postcode,
)
from allo_tui.domain.phone import is_phone_like, phone_query_digits
from allo_tui.domain.search import (
    NO_MATCH,
    CallerMatches,
    SearchCancelled,
    SearchToken,
    address_words,
    folded,
    search_tokens,
    sorted_words,
    starts_one,
    telling_words,
    with_elisions,
)

MAX_WORDS = 8
"""Words beyond this many are ignored (a pasted paragraph must not make a huge query)."""
CANDIDATES = CAP + 1
PHONE_CHECKED_CANDIDATES = 400

SITE_SAMPLE = 200
"""Callers sampled to learn the town and postcode words most addresses share."""

_POSTCODE = re.compile(r"(\d{2}) ?(\d{3})")
_SITE_WORDS: dict[str, frozenset[str]] = {}
# A caller having a word that starts with / is the parameter (tables `caller_prefixes` and
# `caller_words`, kept by triggers: migrations 0026 and 0009).
_CALLER_ROW = (
    "SELECT c.id, c.surname, c.given_name, c.street_number, c.street, c.address_extra,"
    " c.postcode, c.city FROM callers AS c"
)
DENSE = 5_000
"""A word longer than PREFIX_MAX held more often than this is read by walking the callers
having its first PREFIX_MAX letters, in id order."""
PREFIX_MAX = 4
"""`caller_prefixes` holds the prefixes of 2 to this many letters of every word (migration
0026)."""


def _by_ids(ids: str, parameters: tuple) -> tuple[str, tuple]:
    """The callers' rows of the caller ids `ids` selects, by id."""
    return f"{_CALLER_ROW} JOIN ({ids}) AS m ON m.caller_id = c.id ORDER BY c.id", parameters


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
        exact = exact_number(self.rows, query, digits, hits, read_capped=read_capped)
        return phone_matches(exact, hits, digits, read_capped=read_capped, limit=limit)

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
        return then_postcode(by_phone, living, self.rows, limit)

    def by_words(self, query: str, limit: int) -> CallerMatches:
        typed = list(dict.fromkeys(search_tokens(query)))[:MAX_WORDS]
        if not [word for word in typed if len(word) >= 2]:
            return NO_MATCH
        # As on SQLite, one telling word drives the read (not "rue", "de", nor the town most
        # callers share; else the street number), and the others are checked here on its
        # candidates.
        chosen, number = telling_words(typed, self.site_words())
        chosen = chosen[:1]
        checks = [word for word in typed if word not in chosen and word != number]
        fetch = max(CANDIDATES, limit) * (2 if checks else 1)
        rows = self.rows(*self.candidates(chosen[0] if chosen else None, number, fetch))
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
        return ranked(list(kept), kept, typed, total=total, capped=capped, limit=limit)

    def candidates(self, word: str | None, number: str, fetch: int) -> tuple[str, tuple]:
        """The read of the first `fetch` callers (by id) having a word starting with `word`
        and, when given, the word `number`.

        A word of PREFIX_MAX letters or fewer is one range of `caller_prefixes`, already in
        caller id order: it stops at the `fetch`th caller however common the word ("le",
        "me"). A longer word held by few callers is read from its range of the word index,
        then the callers by id; a common one ("martin") walks the range of its first
        PREFIX_MAX letters in `caller_prefixes`, each caller checked in the (caller_id, word)
        key of `caller_words`, which stops as soon as enough are found. Which one is decided
        by counting the range up to `DENSE` entries (a millisecond), not by the planner's
        estimate of a prefix, which is often far off.
        """
        also, also_params = "", ()
        if word and number:
            also = (
                " AND EXISTS (SELECT 1 FROM caller_words AS n"
                " WHERE n.caller_id = {id} AND n.word = ?)"
            )
            also_params = (number,)
        if word and len(word) <= PREFIX_MAX:
            return _by_ids(
                "SELECT p.caller_id FROM caller_prefixes AS p WHERE p.prefix = ?"
                f"{also.format(id='p.caller_id')} ORDER BY p.caller_id LIMIT ?",
                (word, *also_params, fetch),
            )
        driver, value = ("w.word LIKE ?", f"{word}%") if word else ("w.word = ?", number)
        dense = (
            word is not None
            and self.rows(
                "SELECT count(*) FROM (SELECT 1 FROM caller_words AS w"
                f" WHERE {driver} LIMIT ?) AS found",
                (value, DENSE),
            )[0][0]
            >= DENSE
        )
        if dense:
            return _by_ids(
                "SELECT p.caller_id FROM caller_prefixes AS p WHERE p.prefix = ?"
                " AND EXISTS (SELECT 1 FROM caller_words AS w WHERE w.caller_id = p.caller_id"
                f" AND {driver}){also.format(id='p.caller_id')} ORDER BY p.caller_id LIMIT ?",
                (word[:PREFIX_MAX], value, *also_params, fetch),
            )
        return _by_ids(
            f"SELECT DISTINCT w.caller_id FROM caller_words AS w WHERE {driver}"
            f"{also.format(id='w.caller_id')} ORDER BY w.caller_id LIMIT ?",
            (value, *also_params, fetch),
        )

    def site_words(self) -> frozenset[str]:
        """Words of the town and postcode most callers share (cached per database)."""
        key = self.connection.raw.info.dsn
        words = _SITE_WORDS.get(key)
        if words is None:
            rows = self.rows(
                "SELECT postcode || ' ' || city FROM callers ORDER BY id LIMIT ?", (SITE_SAMPLE,)
            )
            counts: dict[str, int] = {}
            for (text,) in rows:
                for word in set(search_tokens(text or "")):
                    counts[word] = counts.get(word, 0) + 1
            words = frozenset(w for w, n in counts.items() if n * 4 >= len(rows) > 0)
            if len(rows) >= SITE_SAMPLE:  # a small database is sampled again next time
                _SITE_WORDS[key] = words
        return words
