"""The history's free text on SQLite: FTS5 matches streamed in entry order (see `history`)."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from allo_tui.data.rows import REFERENCE_PATTERN, SHORT_REFERENCE_PATTERN
from allo_tui.domain.text import fold

TEXT_CAP = 10_000
"""At most this many requests match a free text (the newest entered); more says "capped"."""


CALLER_CAP = 500
"""At most this many callers whose names match the free text are followed to their requests
(the most recently registered)."""


NAMES_BUDGET = 0.02
"""Seconds the callers' names may be searched for; a search cut short counts as capped."""


FIRST_CHUNK = 100
"""Candidates of a free text read first; each further chunk is four times bigger."""


WORD_SHARE_TO_STREAM = 0.3
"""Keep streaming the three-letter driver while at least this share of its rows hold the words."""


CHEAP_POSTINGS = 300_000
"""Whole-word prefixes whose postings are estimated under this are merged instead."""


_WORD = re.compile(r"\w+")


_REFERENCE_TEXT = re.compile(
    rf"\s*(?:{REFERENCE_PATTERN.pattern}|({SHORT_REFERENCE_PATTERN.pattern}))\s*"
)


@dataclass(frozen=True)
class TextMatches:
    """A free-text search, ready to run: its FTS5 driver query, the words every match holds
    and the callers whose names match.

    FTS5 streams a quoted term or a 2-3 letter prefix (the table's prefix index) lazily in
    rowid order, but merges every term of a longer prefix in memory first (hundreds of ms for
    a common word at 5M rows). So the driver asks for the first three letters of each word
    (one letter: the word itself), and each candidate row is then checked in Python against
    the whole words, on the same folded text FTS5 indexed.

    Matches come in entry order (newest entered first), which is the order of the calls for
    every request taken at a console or built by `allo demo`; a request imported later with an
    older date shows where it was entered.
    """

    query: str
    full_query: str
    words: tuple[str, ...]
    caller_ids: tuple[int, ...]
    callers_capped: bool

    @property
    def exact(self) -> bool:
        """True when the driver query alone decides (no word longer than three letters)."""
        return all(len(word) <= 3 for word in self.words)


def text_words(text: str) -> list[str]:
    """The folded words of a free text, as FTS5's unicode61 tokenizer cuts them."""
    return _WORD.findall(fold(text.replace("_", " ")))


def holds_words(words: Sequence[str], *texts: str) -> bool:
    """True when every word starts a token of `texts` (a one-letter word must be a token)."""
    tokens = text_words(" ".join(texts))
    return all(
        any(token == word if len(word) == 1 else token.startswith(word) for token in tokens)
        for word in words
    )


def _with_budget(connection, sql: str, params: Sequence, seconds: float) -> tuple[list, bool]:
    """The rows of `sql` read within `seconds`, and whether the time ran out first."""
    deadline = time.monotonic() + seconds
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 2000)
    rows: list = []
    try:
        cursor = connection.execute(sql, params)
        for row in cursor:
            rows.append(row)
    except sqlite3.OperationalError as error:
        if "interrupt" not in str(error):
            raise
        return rows, True
    finally:
        connection.set_progress_handler(None, 0)
    return rows, False


def text_matches(connection, text: str) -> TextMatches | None:
    """Prepare the search of `text`; None when nothing searchable was typed."""
    reference = _REFERENCE_TEXT.fullmatch(text)
    if reference is not None:
        # A reference (or its number alone): its own tokens, exactly, in the reference column.
        year, number = reference.group(1), reference.group(2) or reference.group(3)
        tokens = [year, f"{int(number):05d}"] if year else [number]
        query = "reference : (" + " ".join(f'"{token}"' for token in tokens) + ")"
        return TextMatches(query, query, (), (), False)
    words = text_words(text)
    if not words:
        return None
    query = " ".join(f'"{word}"' if len(word) == 1 else f'"{word[:3]}"*' for word in words)
    full = " ".join(f'"{word}"' if len(word) == 1 else f'"{word}"*' for word in words)
    names_query = f"names : ({full})"
    caller_ids, cut_short = _with_budget(
        connection,
        "SELECT rowid FROM caller_search WHERE caller_search MATCH ? ORDER BY rowid DESC LIMIT ?",
        (names_query, CALLER_CAP + 1),
        NAMES_BUDGET,
    )
    caller_ids = [row[0] for row in caller_ids]
    return TextMatches(
        query=query,
        full_query=full,
        words=tuple(words),
        caller_ids=tuple(caller_ids[:CALLER_CAP]),
        callers_capped=cut_short or len(caller_ids) > CALLER_CAP,
    )


def _candidates(
    connection, query: str, *, after: int | None, newest_first: bool, limit: int
) -> list[int]:
    """Ids whose indexed text fits the FTS5 `query`, in entry order, beyond `after`."""
    order = "DESC" if newest_first else "ASC"
    where = "request_search MATCH ?"
    params: list = [query]
    if after is not None:
        where += " AND rowid < ?" if newest_first else " AND rowid > ?"
        params.append(after)
    rows = connection.execute(
        f"SELECT rowid FROM request_search WHERE {where} ORDER BY rowid {order} LIMIT ?",
        (*params, limit),
    )
    return [row[0] for row in rows]


def _checked(
    connection,
    ids: Sequence[int],
    words: Sequence[str] | None,
    terms: Sequence[str],
    params: Sequence,
) -> tuple[list[tuple[str, int]], int]:
    """The (created_at, id) of the `ids` that pass the other filters and hold every word
    (`words` None: no check), and how many passed the filters alone."""
    if not ids:
        return [], 0
    where = " AND ".join(["id IN (SELECT value FROM json_each(?))", *terms])
    rows = connection.execute(
        "SELECT created_at, id, reference, description, street_number, street, landmark "
        f"FROM requests WHERE {where}",
        (json.dumps(list(ids)), *params),
    ).fetchall()
    if words is None:
        return [(row[0], row[1]) for row in rows], len(rows)
    return [(row[0], row[1]) for row in rows if holds_words(words, *row[2:])], len(rows)


def _by_callers(
    connection,
    matches: TextMatches,
    terms: Sequence[str],
    params: Sequence,
    *,
    newest_first: bool,
    limit: int,
) -> list[tuple[str, int]]:
    """The first `limit` requests, in entry order, of the callers whose names match."""
    if not matches.caller_ids:
        return []
    where = " AND ".join(["caller_id IN (SELECT value FROM json_each(?))", *terms])
    order = "DESC" if newest_first else "ASC"
    rows = connection.execute(
        f"SELECT created_at, id FROM requests WHERE {where} ORDER BY id {order} LIMIT ?",
        (json.dumps(list(matches.caller_ids)), *params, limit),
    )
    return [(row[0], row[1]) for row in rows]


def _full_query_is_cheaper(ids: Sequence[int], held: int, filtered: int) -> bool:
    """After a chunk read with the three-letter driver: would the whole words do better?

    The words held by few of the rows read means many more rows to read for a window; the
    whole-word prefixes then cost the merge of their postings, estimated from the share of
    rows that held them and the driver's density over the ids it spanned.
    """
    if filtered == 0:
        return False  # the other filters, not the words, are what is rare here
    share = held / filtered
    if share >= WORD_SHARE_TO_STREAM:
        return False
    span = abs(ids[0] - ids[-1]) + 1
    postings = share * len(ids) / span * max(ids[0], ids[-1])
    return postings <= CHEAP_POSTINGS


def window(
    connection,
    matches: TextMatches,
    terms: Sequence[str],
    params: Sequence,
    *,
    after: int | None,
    newest_first: bool,
    limit: int,
) -> list[tuple[str, int]]:
    """Up to `limit + 1` keys of the text matches passing `terms`, in entry order from `after`.

    The candidates stream from FTS5 in rowid order, a growing chunk at a time, until the
    window is full (or `TEXT_CAP` candidates were read): a common word costs a few dozen row
    reads, a rare one ends with its last match.
    """
    keyset: list[str] = []
    keyset_params: list = []
    if after is not None:
        keyset.append("id < ?" if newest_first else "id > ?")
        keyset_params.append(after)
    own_terms, own_params = [*terms, *keyset], [*params, *keyset_params]
    by_callers = _by_callers(
        connection, matches, own_terms, own_params, newest_first=newest_first, limit=limit + 1
    )
    found: list[tuple[str, int]] = []
    query, words = matches.query, None if matches.exact else matches.words
    position, chunk, read = after, FIRST_CHUNK, 0
    # The stream stops once the window is full and no id still to read can enter it.
    caller_bound = by_callers[limit][1] if len(by_callers) > limit else None
    while len(found) <= limit and read < TEXT_CAP:
        if caller_bound is not None and position is not None:
            if (position <= caller_bound) if newest_first else (position >= caller_bound):
                break
        chunk = min(chunk, TEXT_CAP - read)
        ids = _candidates(connection, query, after=position, newest_first=newest_first, limit=chunk)
        keys, filtered = _checked(connection, ids, words, terms, params)
        found.extend(keys)
        read += len(ids)
        if len(ids) < chunk:
            break
        position = ids[-1]
        # Read about what the window still needs at the share kept so far, a little more.
        share = max(len(keys), 1) / len(ids)
        if words is not None and _full_query_is_cheaper(ids, len(keys), filtered):
            query, words = matches.full_query, None
            share = max(filtered, 1) / len(ids)  # the whole words now hold for every row
        chunk = max(16, min(4 * chunk, int((limit + 1 - len(found)) / share * 1.3) + 1))
    keys = set(found) | set(by_callers)
    return sorted(keys, key=lambda key: key[1], reverse=newest_first)[: limit + 1]


def count(
    connection, matches: TextMatches, terms: Sequence[str], params: Sequence, *, cap: int
) -> tuple[int, bool]:
    """How many requests hold the text and pass `terms`, at most `cap + 1`: (count, capped)."""
    ids = _candidates(
        connection, matches.full_query, after=None, newest_first=True, limit=TEXT_CAP + 1
    )
    capped = len(ids) > TEXT_CAP or matches.callers_capped
    found: set[int] = set(ids[:TEXT_CAP]) if not terms else set()
    for start in range(0, min(len(ids), TEXT_CAP) if terms else 0, 2000):
        chunk = ids[start : min(start + 2000, TEXT_CAP)]
        found.update(key[1] for key in _checked(connection, chunk, None, terms, params)[0])
    found.update(
        key[1]
        for key in _by_callers(
            connection,
            matches,
            terms,
            params,
            newest_first=True,
            limit=cap + 1,
        )
    )
    return min(len(found), cap), len(found) > cap or capped
