"""Caller lookup on PostgreSQL: B-trees of word prefixes, words and phone digit suffixes.

The same rules as SQLite's FTS5 search (`allo_tui.data.backend.sqlite.search`), the same
ranking in Python on a bounded read. A caller's `search_names` and `search_address` hold the
folded words of the name and the address, each after a blank (" dupont jean "); a trigger
copies each word to `caller_words`, whose B-tree answers "a word starts with dupon"
(`word LIKE 'dupon%'`), and each word's prefixes of 2 to PREFIX_MAX letters to
`caller_prefixes`, whose B-tree answers "the first callers by id having a word starting with
du" in one range. Phone digits are matched anywhere in `caller_phones.search_digits`: the
start of one of the suffixes of its digit forms, kept in `phone_suffixes` by a trigger.

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
    folded,
    search_tokens,
    telling_words,
    with_elisions,
)

MAX_WORDS = 8
"""Words beyond this many are ignored (a pasted paragraph must not make a huge query)."""
CANDIDATES = CAP + 1
CHECKED_FACTOR = 2
"""When other words are checked, the read takes this many times more candidates (as on SQLite)."""
PHONE_CHECKED_CANDIDATES = 400

PHONE_SAMPLE = 1_000
"""Numbers (the first by id) sampled to tell common digits from rare ones."""
PHONE_DENSE = 30
"""Digits held by this many sampled numbers (3 %) are read by walking the numbers by id (at
most about 13,000 of them); rarer ones from their range of `phone_suffixes`, read in the
index alone and sorted. Both cost about 3 ms at 3 % of a million callers' numbers: a number
walked costs about 0.2 µs, an entry of the range 0.15 µs, and the range holds some 6,000
entries per 1 % of the numbers holding the digits (1.25 million numbers)."""

SITE_SAMPLE = 200
"""Callers sampled to learn the town and postcode words most addresses share."""

_POSTCODE = re.compile(r"(\d{2}) ?(\d{3})")
_SITE_WORDS: dict[str, frozenset[str]] = {}
DENSE = 5_000
"""A longer word starting more than MERGED words, held more often than this, is read by
walking the callers having its first PREFIX_MAX letters, in id order."""
PREFIX_MAX = 4
"""`caller_prefixes` holds the prefixes of 2 to this many letters of every word (migration
0026)."""


MERGED = 16
"""A longer word that starts this many words of the word index or fewer is read by merging
their ranges."""
_HOLDS = (
    "(SELECT true FROM caller_words AS w WHERE w.caller_id = {id} AND left(w.word, ?) = ? LIMIT 1)"
)
"""The caller `id` has a word starting with the parameter: a probe of its own words in the
(caller_id, word) key (not a LIKE, which would lead the planner to the word's whole range)."""
_KEYS_STARTING = (
    "WITH RECURSIVE found(key) AS ("
    "(SELECT {key} FROM {table} WHERE {key} {ge} ? AND {key} {lt} ? ORDER BY {key} {order}"
    " LIMIT 1) UNION ALL SELECT (SELECT t.{key} FROM {table} AS t WHERE t.{key} {gt} found.key"
    " AND t.{key} {lt} ? ORDER BY t.{key} {order} LIMIT 1) FROM found"
    " WHERE found.key IS NOT NULL"
    ") SELECT key FROM found WHERE key IS NOT NULL LIMIT ?"
)
"""The distinct keys in a range, in the order of their index."""
_BYTEWISE = {
    "caller_words": {"ge": "~>=~", "gt": "~>~", "lt": "~<~", "order": "USING ~<~"},
    "caller_prefixes": {"ge": ">=", "gt": ">", "lt": "<", "order": ""},
}
"""How each key's index compares it byte by byte: `caller_words.word` by text_pattern_ops,
`caller_prefixes.prefix` by its collation "C". A range is given by its bounds, not by LIKE: a
statement psycopg has prepared may run on a generic plan, which cannot use LIKE ?."""
_WORD_RANGE = "w.word ~>=~ ? AND w.word ~<~ ?"


def starting_range(start: str) -> tuple[str, str]:
    """The bounds of the keys starting with `start`, byte by byte (in code point order)."""
    return start, start[:-1] + chr(min(ord(start[-1]) + 1, 0x10FFFF))


def _checked(ids: tuple[str, tuple], checks: list[str], wanted: int) -> tuple[str, tuple]:
    """The first `wanted` callers (by id) of the candidates `ids` selects (a statement of
    `caller_id`s and its parameters) where each word of `checks` starts a word of the name or
    the address: id, surname, given name, and how many candidates were read before the check.

    `search_names` and `search_address` hold the folded words (with elided forms) the SQLite
    search checks in Python (`indexed_words`), each after a blank: here the check is a LIKE
    on the row the join reads anyway, and only the rows kept come back."""
    sql, parameters = ids
    # Each candidate is looked up by id and checked there: behind OFFSET 0 the check cannot
    # reach a trigram index, which a generic plan (a statement psycopg has prepared) chose
    # and read a million callers with for "rue de l'orléanais".
    condition = " AND ".join("c.words LIKE ?" for _ in checks) or "true"
    return (
        f"WITH m AS MATERIALIZED ({sql}) SELECT c.id, c.surname, c.given_name,"
        " (SELECT count(*) FROM m) FROM m CROSS JOIN LATERAL (SELECT c.id, c.surname,"
        " c.given_name, c.search_names || c.search_address AS words FROM callers AS c"
        f" WHERE c.id = m.caller_id OFFSET 0) AS c WHERE {condition} ORDER BY c.id LIMIT ?",
        (*parameters, *(like_word_start(word) for word in checks), wanted),
    )


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
            hits = self.numbers_holding(digits, fetch)
            read_capped = len(hits) >= fetch
            hits = [hit for hit in hits if any(digits in form for form in hit[1].split())]
        exact = exact_number(self.rows, query, digits, hits, read_capped=read_capped)
        return phone_matches(exact, hits, digits, read_capped=read_capped, limit=limit)

    def numbers_holding(self, digits: str, fetch: int) -> list[tuple[int, str]]:
        """The first `fetch` numbers (by id) holding `digits`: (caller id, search digits).

        Digits most numbers hold ("0386") are found by walking the numbers in id order; rarer
        ones ("5196") are the range of `phone_suffixes` starting with them (migration 0026),
        read in its index alone and sorted. Which one is decided on a sample of PHONE_SAMPLE
        numbers: the planner, left to itself, walked hundreds of thousands of numbers for
        digits it wrongly thought common, or read the trigram index's long lists of the
        trigrams most numbers share."""
        pattern = f"%{digits}%"
        sample = self.rows(
            "SELECT count(*) FROM (SELECT search_digits FROM caller_phones ORDER BY id"
            " LIMIT ?) AS s WHERE s.search_digits LIKE ?",
            (PHONE_SAMPLE, pattern),
        )[0][0]
        if sample >= PHONE_DENSE:
            # No parallel workers: their start costs more than this whole walk, and a planner
            # guessing the digits rarer than they are sends them.
            self.token.check()
            self.connection.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            # `|| ''`: not the trigram index, whose matches would all be read and sorted.
            return self.rows(
                "SELECT caller_id, search_digits FROM caller_phones"
                " WHERE (search_digits || '') LIKE ? ORDER BY id LIMIT ?",
                (pattern, fetch),
            )
        # A number holding the digits twice has two suffixes in the range: twice `fetch`
        # entries hold `fetch` numbers but in the rarest case (then read again, distinct).
        # Sorting the ids beats making them distinct first (a hash of thousands of ids).
        low, high = starting_range(digits)
        read = [
            row[0]
            for row in self.rows(
                "SELECT phone_id FROM phone_suffixes WHERE suffix >= ? AND suffix < ?"
                " ORDER BY phone_id LIMIT ?",
                (low, high, 2 * fetch),
            )
        ]
        ids = list(dict.fromkeys(read))[:fetch]
        if len(ids) < fetch and len(read) == 2 * fetch:
            ids = [
                row[0]
                for row in self.rows(
                    "SELECT DISTINCT phone_id FROM phone_suffixes WHERE suffix >= ?"
                    " AND suffix < ? ORDER BY phone_id LIMIT ?",
                    (low, high, fetch),
                )
            ]
        if not ids:
            return []
        return self.rows(
            "SELECT caller_id, search_digits FROM caller_phones WHERE id = ANY(?) ORDER BY id",
            (ids,),
        )

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
        # callers share; else the street number); the other words are checked in the same
        # statement on its candidates, in the folded words of the name and the address.
        chosen, number = telling_words(typed, self.site_words())
        chosen = chosen[:1]
        checks = [word for word in typed if word not in chosen and word != number]
        wanted = max(CANDIDATES, limit)
        fetch = wanted * (CHECKED_FACTOR if checks else 1)
        ids = self.candidates(chosen[0] if chosen else None, number, fetch)
        if ids is None:
            return NO_MATCH
        rows = self.rows(*_checked(ids, checks, wanted))
        if not rows:
            return NO_MATCH
        read = rows[0][3]  # the candidates read before the check
        kept = {row[0]: (folded(row[1]), folded(row[2])) for row in rows}
        total = min(len(kept), CAP)
        capped = len(kept) > CAP or (bool(checks) and read >= fetch)
        return ranked(list(kept), kept, typed, total=total, capped=capped, limit=limit)

    def candidates(self, word: str | None, number: str, fetch: int) -> tuple[str, tuple] | None:
        """The statement of the first `fetch` caller ids having a word starting with `word`
        and, when given, the word `number` (None: no caller has such a word).

        Each read stops at the `fetch`th caller, however common the word: a word of
        PREFIX_MAX letters or fewer ("le", "me") is one range of `caller_prefixes`, already in
        caller id order. A longer one is the few words of the word index starting with it
        ("marti": martin, martine…), each a range in caller id order, their first `fetch`
        callers merged; when many words start with it, the callers of the range of its first
        PREFIX_MAX letters, each checked in the (caller_id, word) key of `caller_words`, or
        its range of the word index read whole when it holds fewer than DENSE entries (as
        counted: the planner's estimate of a prefix is often far off). With a street number,
        the pairs of `caller_prefixes` (number, blank, word) starting with "12 temp" are
        merged the same way; when many do ("12 ma"), the range of the word's first
        PREFIX_MAX letters and the number's range of the word index are merged in caller id
        order by the planner.
        """
        if not word:
            return (
                "SELECT w.caller_id FROM caller_words AS w WHERE w.word = ?"
                " ORDER BY w.caller_id LIMIT ?",
                (number, fetch),
            )
        longer = len(word) > PREFIX_MAX
        if number and number.isascii():
            pairs = self.starting("caller_prefixes", "prefix", f"{number} {word}")
            if len(pairs) <= MERGED:
                return self.merged("caller_prefixes", "prefix", pairs, fetch)
        if number:  # many words start so: the two ranges merged in caller id order
            check, checked = (f" AND {_HOLDS.format(id='p.caller_id')}", (len(word), word))
            return (
                "SELECT p.caller_id FROM caller_prefixes AS p JOIN caller_words AS n"
                " ON n.caller_id = p.caller_id AND n.word = ? WHERE p.prefix = ?"
                f"{check if longer else ''} ORDER BY p.caller_id LIMIT ?",
                (number, word[:PREFIX_MAX], *(checked if longer else ()), fetch),
            )
        if not longer:
            return (
                "SELECT p.caller_id FROM caller_prefixes AS p WHERE p.prefix = ?"
                " ORDER BY p.caller_id LIMIT ?",
                (word, fetch),
            )
        words = self.starting("caller_words", "word", word)
        if len(words) <= MERGED:
            return self.merged("caller_words", "word", words, fetch)
        dense = (
            self.rows(
                f"SELECT count(*) FROM (SELECT 1 FROM caller_words AS w WHERE {_WORD_RANGE}"
                " LIMIT ?) AS found",
                (*starting_range(word), DENSE),
            )[0][0]
            >= DENSE
        )
        if dense:
            return (
                "SELECT p.caller_id FROM caller_prefixes AS p WHERE p.prefix = ?"
                f" AND {_HOLDS.format(id='p.caller_id')} ORDER BY p.caller_id LIMIT ?",
                (word[:PREFIX_MAX], len(word), word, fetch),
            )
        # The range is read whole (fewer than DENSE entries), then sorted: left to itself, the
        # planner may walk the (caller_id, word) key in order for a prefix it thinks common.
        return (
            "SELECT DISTINCT w.caller_id FROM (SELECT caller_id FROM caller_words AS w"
            f" WHERE {_WORD_RANGE} OFFSET 0) AS w ORDER BY w.caller_id LIMIT ?",
            (*starting_range(word), fetch),
        )

    def starting(self, table: str, column: str, start: str) -> list[str]:
        """The distinct keys of `table` starting with `start`, in order, up to MERGED + 1: one
        descent of the key's index each (a skip scan)."""
        low, high = starting_range(start)
        return [
            row[0]
            for row in self.rows(
                _KEYS_STARTING.format(table=table, key=column, **_BYTEWISE[table]),
                (low, high, high, MERGED + 1),
            )
        ]

    def merged(
        self, table: str, column: str, keys: list[str], fetch: int
    ) -> tuple[str, tuple] | None:
        """The first `fetch` caller ids of the ranges of `keys` in `table` (None: no key):
        each key's first `fetch` callers hold the first `fetch` of them all."""
        if not keys:
            return None
        branches = " UNION ALL ".join(
            f"(SELECT caller_id FROM {table} WHERE {column} = ? ORDER BY caller_id LIMIT ?)"
            for _ in keys
        )
        return (
            f"SELECT DISTINCT w.caller_id FROM ({branches}) AS w ORDER BY w.caller_id LIMIT ?",
            (*(value for key in keys for value in (key, fetch)), fetch),
        )

    def site_words(self) -> frozenset[str]:
        """Words of the town and postcode most callers share (cached per database)."""
        info = self.connection.raw.info
        key = f"{info.host}:{info.port}/{info.dbname}"  # not `dsn`: half a millisecond to build
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
