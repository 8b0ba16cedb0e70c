"""The history list's SQL on SQLite: which requests match, in history order, a window at a time.

History order is newest first: `created_at DESC, id DESC`. A window is fetched by keyset
(the `(created_at, id)` of the row it continues from), never by OFFSET, and each query is
driven by one index chosen from the filters (`INDEXED BY`), so the first window reads only
about the rows it returns whatever the size of the table:

| filter present (first wins)         | index walked                                  |
|-------------------------------------|-----------------------------------------------|
| free text                           | FTS5, streamed in entry order (see below)     |
| caller                              | ix_requests_caller (caller_id, created_at)    |
| street                              | ix_requests_street_created (NOCASE)           |
| open statuses only, or late only    | ix_requests_open_created (partial, open only) |
| service / category / urgency        | ix_requests_{service,category,urgency}_created|
| one status                          | ix_requests_status_created                    |
| several statuses                    | the same, one branch per status, merged       |
| nothing, or only dates              | ix_requests_created                           |

Other filters are checked on the rows the index yields. The free text is matched with FTS5
(all words as prefixes, accent-insensitive) against the reference, description and location
of the request, or against the caller's names (kept right by triggers when a caller is
renamed). Its matches stream from the full-text index in entry order (newest entered first,
the order of the calls for requests taken at a console or built by `allo demo`), a growing
chunk at a time, so a window costs about the rows it shows; at most `TEXT_CAP` candidates
are read, the most recently entered. A reference typed whole ("2026-00042", "2026-42") or as
its number ("00042") matches that reference only.

These functions take a DB-API (sqlite3) connection. The window's rows and the request detail
are read with plain SQL into records (`request_records`, `event_records`): the ORM's row
building alone would cost more than the whole query at this size.
"""

from __future__ import annotations

import heapq
import json
import re
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from allo_tui.data.rows import (
    OPEN_STATUS_SQL,
    REFERENCE_PATTERN,
    SHORT_REFERENCE_PATTERN,
    db_time,
)
from allo_tui.domain.records import (
    OPEN_STATUSES,
    HistoryCursor,
    HistoryFilter,
)
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
class _Branch:
    """One index-driven query: `index` walked with `conditions` (SQL with ? marks)."""

    index: str
    conditions: tuple[str, ...]
    params: tuple


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


def _text_window(
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


def _filter_terms(filters: HistoryFilter, now: datetime, *, skip: str = "") -> tuple[list, list]:
    """SQL terms and parameters for every filter except the one named `skip` (the driver's)."""
    terms: list[str] = []
    params: list = []
    statuses = sorted(status.value for status in filters.statuses)
    if statuses and skip != "statuses":
        if frozenset(filters.statuses) == OPEN_STATUSES:
            terms.append(OPEN_STATUS_SQL)
        else:
            terms.append(f"status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
    if filters.late_only:
        terms.append(OPEN_STATUS_SQL)
        terms.append("intervention_due_at < ?")
        params.append(db_time(now))
    for name, column in (
        ("caller_id", "caller_id"),
        ("service_id", "service_id"),
        ("category_id", "category_id"),
        ("urgency", "urgency"),
    ):
        value = getattr(filters, name)
        if value is not None and skip != name:
            terms.append(f"{column} = ?")
            params.append(value)
    if filters.street.strip() and skip != "street":
        terms.append("street COLLATE NOCASE = ?")
        params.append(filters.street.strip())
    if filters.created_from is not None:
        terms.append("created_at >= ?")
        params.append(db_time(filters.created_from))
    if filters.created_to is not None:
        terms.append("created_at < ?")
        params.append(db_time(filters.created_to))
    return terms, params


def _branches(filters: HistoryFilter, now: datetime) -> list[_Branch]:
    """The index-driven queries whose union is the filtered history (see the module table)."""
    statuses = frozenset(filters.statuses)

    def driven_by(index: str, term: str | None, value=None, skip: str = "") -> list[_Branch]:
        terms, params = _filter_terms(filters, now, skip=skip)
        if term is not None:
            terms.insert(0, term)
            params.insert(0, value)
        return [_Branch(index, tuple(terms), tuple(params))]

    if filters.caller_id is not None:
        return driven_by("ix_requests_caller", "caller_id = ?", filters.caller_id, "caller_id")
    if filters.street.strip():
        return driven_by(
            "ix_requests_street_created",
            "street COLLATE NOCASE = ?",
            filters.street.strip(),
            "street",
        )
    if filters.late_only or (statuses and statuses <= OPEN_STATUSES):
        terms, params = _filter_terms(filters, now)
        if OPEN_STATUS_SQL not in terms:
            terms.insert(0, OPEN_STATUS_SQL)
        return [_Branch("ix_requests_open_created", tuple(terms), tuple(params))]
    for name, index in (
        ("service_id", "ix_requests_service_created"),
        ("category_id", "ix_requests_category_created"),
        ("urgency", "ix_requests_urgency_created"),
    ):
        value = getattr(filters, name)
        if value is not None:
            return driven_by(index, f"{name} = ?", value, name)
    if len(statuses) == 1:
        (status,) = statuses
        return driven_by("ix_requests_status_created", "status = ?", status.value, "statuses")
    if statuses:
        terms, params = _filter_terms(filters, now, skip="statuses")
        return [
            _Branch(
                "ix_requests_status_created",
                ("status = ?", *terms),
                (status.value, *params),
            )
            for status in sorted(statuses)
        ]
    return driven_by("ix_requests_created", None)


def _keyset(cursor: HistoryCursor, *, older: bool) -> tuple[str, tuple]:
    """Rows strictly after (older) or before (newer) `cursor` in history order."""
    at = db_time(cursor.created_at)
    if older:
        return "created_at <= ? AND (created_at < ? OR id < ?)", (at, at, cursor.id)
    return "created_at >= ? AND (created_at > ? OR id > ?)", (at, at, cursor.id)


def window_keys(
    connection,
    filters: HistoryFilter,
    now: datetime,
    *,
    after: HistoryCursor | None = None,
    before: HistoryCursor | None = None,
    oldest: bool = False,
    limit: int = 50,
    matches: TextMatches | None = None,
) -> tuple[list[tuple[str, int]], bool]:
    """Up to `limit` (created_at, id) keys in history order (newest first), and whether more
    rows lie beyond them in the direction fetched.

    `after`: the rows older than that key (the next window down); `before`: the rows newer
    than it, the closest ones (the window above); `oldest`: the oldest rows (End).
    """
    newest_first = before is None and not oldest
    order = "created_at DESC, id DESC" if newest_first else "created_at ASC, id ASC"
    extra_terms: list[str] = []
    extra_params: list = []
    if after is not None:
        term, params = _keyset(after, older=True)
        extra_terms.append(term)
        extra_params.extend(params)
    if before is not None:
        term, params = _keyset(before, older=False)
        extra_terms.append(term)
        extra_params.extend(params)
    if matches is not None:
        terms, params = _filter_terms(filters, now)
        cursor = after if after is not None else before
        rows = _text_window(
            connection,
            matches,
            terms,
            params,
            after=cursor.id if cursor is not None else None,
            newest_first=newest_first,
            limit=limit,
        )
    else:
        per_branch = []
        for branch in _branches(filters, now):
            terms = [*branch.conditions, *extra_terms]
            where = f"WHERE {' AND '.join(terms)}" if terms else ""
            per_branch.append(
                connection.execute(
                    f"SELECT created_at, id FROM requests INDEXED BY {branch.index} {where} "
                    f"ORDER BY {order} LIMIT ?",
                    (*branch.params, *extra_params, limit + 1),
                ).fetchall()
            )
        rows = _merge(per_branch, newest_first=newest_first)[: limit + 1]
    has_more = len(rows) > limit
    keys = [(row[0], row[1]) for row in rows[:limit]]
    if not newest_first:
        keys.reverse()
    return keys, has_more


def _merge(lists: Sequence[list], *, newest_first: bool) -> list:
    if len(lists) == 1:
        return list(lists[0])
    if newest_first:
        return list(heapq.merge(*lists, key=lambda row: (row[0], row[1]), reverse=True))
    return list(heapq.merge(*lists, key=lambda row: (row[0], row[1])))


def count(
    connection,
    filters: HistoryFilter,
    now: datetime,
    *,
    cap: int = 10_000,
    matches: TextMatches | None = None,
) -> tuple[int, bool]:
    """How many requests match, counting at most `cap + 1`: (count, more than cap)."""
    total = 0
    if matches is not None:
        terms, params = _filter_terms(filters, now)
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
    for branch in _branches(filters, now):
        where = f"WHERE {' AND '.join(branch.conditions)}" if branch.conditions else ""
        total += connection.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM requests INDEXED BY {branch.index} "
            f"{where} LIMIT ?)",
            (*branch.params, cap + 1 - total),
        ).fetchone()[0]
        if total > cap:
            break
    return min(total, cap), total > cap
