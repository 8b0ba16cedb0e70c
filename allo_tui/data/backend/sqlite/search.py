"""Caller lookup on SQLite: FTS5 for names and addresses, a trigram index for phone digits.

`find_callers` takes a DB-API connection and returns caller ids, best first. The work is
bounded: every index read has a LIMIT and the ranking happens in Python on at most a few
hundred candidates, so a two-letter prefix over a million callers costs no more than a
precise one. Counting stops at `CAP + 1` matches ("200+").

A search can be stopped from another thread with a `SearchToken`: the flag is checked
between statements, a progress handler aborts the statement running inside SQLite, and
`cancel()` also calls `Connection.interrupt()`. A superseded keystroke therefore frees the
database at once instead of running to the end in a worker nobody listens to any more.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from allo_tui.data.backend.caller_lookup import (
    CAP,
    exact_number,
    names_of,
    phone_matches,
    ranked,
    then_postcode,
)
from allo_tui.data.backend.sqlite.connect import fts_phrase
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
)

MAX_WORDS = 8
"""Words beyond this many are ignored (a pasted paragraph must not make a huge query)."""
CANDIDATES = CAP + 1
"""Callers read for a name or address query before ranking (and counting up to CAP)."""
ELIDED_WORD_LENGTH = {"n": 3, "o": 3, "d": 6, "l": 6}
"""How long a typed word must be before its elided form is looked up too: "d" and "l" start
many address words (d'Alsace), so their lists are long and a short rest ("lyon": "l" then
"yon…") matches too much to be worth it."""
PREFIX_INDEX_LENGTH = 4
"""The longest prefix FTS5 has an index for (`prefix='2 3 4'` in the schema)."""
SITE_SAMPLE = 200
"""Callers sampled to learn the town and postcode words most addresses share."""
CHECKED_FACTOR = 2
"""When words must be checked here, the read fetches this many times more candidates (a
one-letter word keeps few of them; the next letter typed puts the word in the FTS5 read)."""
CHECK_CHUNK = 100
"""Candidates are checked against the whole words this many at a time, in order."""
PHONE_INDEX_DIGITS = 5
"""A longer run of digits is looked up by its last five, then checked whole."""
PHONE_CHECKED_CANDIDATES = 400
"""How many numbers are read for such a lookup before the check."""
PROGRESS_STEPS = 1000
"""SQLite virtual-machine steps between two checks of the cancel flag."""

# FTS5's unicode61 tokenizer keeps letters, digits and private-use characters; everything
# else separates tokens (the underscore too).

_POSTCODE = re.compile(r"(\d{2}) ?(\d{3})")


@contextmanager
def watching(token: SearchToken, connection: sqlite3.Connection) -> Iterator[None]:
    """Make statements run on `connection` inside this block stoppable by `token.cancel()`:
    a progress handler aborts the running statement, and `cancel()` calls `interrupt()`.

    The handler is removed on exit, so a late `cancel()` can never interrupt the next user of
    a pooled connection.
    """

    def progress() -> int:
        # Called by SQLite every PROGRESS_STEPS steps; non-zero aborts the statement.
        return 1 if token.cancelled else 0

    with token.interrupting(connection.interrupt):
        connection.set_progress_handler(progress, PROGRESS_STEPS)
        try:
            yield
        except sqlite3.OperationalError as error:
            if token.cancelled:
                raise SearchCancelled from error
            raise
        finally:
            connection.set_progress_handler(None, 0)


_SITE_WORDS: dict[str, frozenset[str]] = {}


def find_callers(
    connection: sqlite3.Connection,
    query: str,
    limit: int = 50,
    token: SearchToken | None = None,
) -> CallerMatches:
    """Callers matching `query` (phone digits, or name and address words), best first.

    A phone-like query (digits, blanks, dots, '+', at least four digits) finds any number
    holding those digits anywhere; the exact number comes first, then numbers starting with
    the digits. Otherwise every word must be the start of a word of the name or address:
    exact surname first, then surname prefix, then given name, then the rest.
    """
    search = _Search(connection, token or SearchToken())
    query = query.strip()
    if not query or limit <= 0:
        return NO_MATCH
    if is_phone_like(query):
        matches = search.by_phone(query, limit)
        postcode = _POSTCODE.fullmatch(query)
        if postcode:
            # Five digits alone may be a postcode as well as part of a number: the numbers
            # holding them come first, then the callers living in that postcode.
            matches = search.and_postcode(matches, postcode.group(1) + postcode.group(2), limit)
        return matches
    return search.by_words(query, limit)


class _Search:
    """One search on one connection; every statement checks the token first."""

    def __init__(self, connection: sqlite3.Connection, token: SearchToken) -> None:
        self.connection = connection
        self.token = token

    def rows(self, sql: str, parameters: Sequence = ()) -> list[tuple]:
        self.token.check()
        return self.connection.execute(sql, parameters).fetchall()

    # -- phone ------------------------------------------------------------------------------

    def by_phone(self, query: str, limit: int) -> CallerMatches:
        digits = phone_query_digits(query)
        hits: list[tuple[int, str]] = []
        read_capped = False
        if len(digits) >= 3:  # the trigram index cannot match fewer characters
            # A long run of digits is looked up by its last PHONE_INDEX_DIGITS (the
            # subscriber part, rarer than the area code every local number shares), then
            # checked whole here: far fewer trigram lists to intersect.
            checked = len(digits) > PHONE_INDEX_DIGITS
            fetch = PHONE_CHECKED_CANDIDATES if checked else CAP + 1
            hits = self.rows(
                "SELECT p.caller_id, p.search_digits FROM ("
                "  SELECT rowid FROM phone_search WHERE phone_search MATCH ? LIMIT ?"
                ") AS hit JOIN caller_phones AS p ON p.id = hit.rowid",
                (fts_phrase(digits[-PHONE_INDEX_DIGITS:]), fetch),
            )
            read_capped = len(hits) >= fetch
            if checked:
                hits = [hit for hit in hits if any(digits in f for f in hit[1].split())]
        exact = exact_number(self.rows, query, digits, hits, read_capped=read_capped)
        return phone_matches(exact, hits, digits, read_capped=read_capped, limit=limit)

    def and_postcode(self, by_phone: CallerMatches, postcode: str, limit: int) -> CallerMatches:
        """`by_phone`, then the callers whose address has `postcode`, by name."""
        living = [
            row[0]
            for row in self.rows(
                "SELECT rowid FROM caller_search WHERE caller_search MATCH ? LIMIT ?",
                # Stored as typed: "89470" or "89 470".
                (f'address : ("{postcode}" OR "{postcode[:2]} {postcode[2:]}")', CAP + 1),
            )
        ]
        return then_postcode(by_phone, living, self.rows, limit)

    # -- name and address --------------------------------------------------------------------

    def by_words(self, query: str, limit: int) -> CallerMatches:
        typed = list(dict.fromkeys(search_tokens(query)))[:MAX_WORDS]
        indexed = [word for word in typed if len(word) >= 2]
        if not indexed:
            return NO_MATCH
        # Only the most telling words go to FTS5; the others are checked here on the
        # candidates it returns. Each word ANDed in FTS5 walks its whole list, so a word in
        # most addresses — "rue", "de", the town, its postcode — costs milliseconds and
        # narrows nothing, and a prefix longer than the prefix indexes (2–4 characters) of
        # such a word is worse: FTS5 first merges the lists of every word starting with it
        # ("auxerre"* costs tens of milliseconds on a large city). One-letter words have no
        # prefix index at all.
        chosen, number = telling_words(typed, self.site_words())
        # A street number is matched whole (a one-digit number has no prefix index, and
        # "8" must not bring every "89000" postcode).
        # The most telling word is matched as typed. A prefix longer than the prefix index
        # makes FTS5 merge the lists of every word starting with it first ("saint"* costs
        # milliseconds), so the next word is matched by its first PREFIX_INDEX_LENGTH
        # letters (a list read as it goes) and checked whole here: within the callers the
        # first word already picked, few start with those letters but not with the word.
        matched = chosen[:1] + [word[:PREFIX_INDEX_LENGTH] for word in chosen[1:]]
        terms = " AND ".join(_fts_prefix(word) for word in matched)
        if number:
            terms = f'{terms} AND "{number}"' if terms else f'"{number}"'
        checks = [word for word in typed if word not in matched and word != number]
        # One bounded read: every word must start a word of the name or the address; ranking
        # happens in Python. (Reads restricted to the names column, or to the first word of
        # the surname, were tried: FTS5 must then walk the whole list of a word frequent in
        # addresses but absent from names — "rue", "de" — when nothing matches.)
        fetch = max(CANDIDATES, limit) * (CHECKED_FACTOR if checks else 1)
        anywhere = [
            row[0]
            for row in self.rows(
                "SELECT rowid FROM caller_search WHERE caller_search MATCH ? LIMIT ?",
                (terms, fetch),
            )
        ]
        if not anywhere:
            return NO_MATCH
        if checks:
            # Stop once the screen is full (the count then says "N+"): each candidate checked
            # costs a row read, and going on to CAP only to print "200+" rather than "50+"
            # cost more than the whole rest of the search on a large city.
            folded, total, capped = self.check_words(
                anywhere, checks, limit, exhaustive=len(anywhere) < fetch
            )
            kept = list(folded)
        else:
            kept = anywhere
            folded = self.names_of(kept)
            total, capped = min(len(anywhere), CAP), len(anywhere) > CAP

        return ranked(kept, folded, typed, total=total, capped=capped, limit=limit)

    def check_words(
        self, candidates: list[int], checks: list[str], enough: int, *, exhaustive: bool
    ) -> tuple[dict[int, tuple[str, str]], int, bool]:
        """Keep the candidates (in order) where each word starts a word of name or address.

        Stops once `enough` are kept. Returns the folded names of those kept, the count of
        matches and whether more may exist (the read was bounded or the check stopped).
        """
        kept: dict[int, tuple[str, str]] = {}
        checked = 0
        for start in range(0, len(candidates), CHECK_CHUNK):
            chunk = candidates[start : start + CHECK_CHUNK]
            checked += len(chunk)
            marks = ",".join("?" * len(chunk))
            for row in self.rows(
                "SELECT surname, given_name, street_number, street, address_extra, postcode, "
                f"city, id FROM callers WHERE id IN ({marks})",
                chunk,
            ):
                name_words = sorted_words(f"{row[0]} {row[1]}")
                missing = [word for word in checks if not starts_one(name_words, word)]
                if missing:
                    # Addresses repeat (a street, its town): their words are cached.
                    place_words = address_words(row[2:7])
                    if not all(starts_one(place_words, word) for word in missing):
                        continue
                kept[row[7]] = (folded(row[0]), folded(row[1]))
            if len(kept) >= enough:
                break
        complete = exhaustive and checked >= len(candidates)
        return kept, min(len(kept), CAP), not complete or len(kept) > CAP

    def site_words(self) -> frozenset[str]:
        """Words of the town and postcode most callers share (cached per database file)."""
        database = self.connection.execute("PRAGMA database_list").fetchone()[2]
        words = _SITE_WORDS.get(database)
        if words is None:
            rows = self.rows(
                "SELECT postcode || ' ' || city FROM callers ORDER BY id LIMIT ?",
                (SITE_SAMPLE,),
            )
            counts: dict[str, int] = {}
            for (text,) in rows:
                for word in set(search_tokens(text or "")):
                    counts[word] = counts.get(word, 0) + 1
            words = frozenset(w for w, n in counts.items() if n * 4 >= len(rows) > 0)
            if len(rows) >= SITE_SAMPLE:  # a small database is sampled again next time
                _SITE_WORDS[database] = words
        return words

    def names_of(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Folded (surname, given name) of each caller, for ranking."""
        return names_of(self.rows, ids)


def _fts_prefix(word: str) -> str:
    """The FTS5 term for a typed word: its prefix; for "ndiaye", "dalembert", "oneill" also
    the elided form ("N'Diaye": the words "n" then "diaye…")."""
    if len(word) >= ELIDED_WORD_LENGTH.get(word[0], len(word) + 1) and word[1].isalpha():
        return f'("{word}"* OR "{word[0]} {word[1:]}"*)'
    return f'"{word}"*'
