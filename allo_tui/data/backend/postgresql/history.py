"""The history list's SQL on PostgreSQL: one keyset query per window, the planner choosing the
index (the same rules as SQLite's `allo_tui.data.backend.sqlite.history`).

Without free text the order is newest first, `(created_at, id) DESC`. With free text the
matches come in entry order (`id DESC`), as on SQLite: a request matches when every typed word
starts a word of its reference, description or place (the trigram index on
`REQUEST_WORDS_SQL`), or when its caller's names hold every word (the most recently
registered `CALLER_CAP` such callers). A reference typed whole ("2026-00042", "2026-42") or
as its number ("00042") matches that reference only.
"""

from __future__ import annotations

import re
from datetime import datetime

from allo_tui.data.backend.filters import filter_terms
from allo_tui.data.backend.postgresql.search import like_word_start
from allo_tui.data.rows import REFERENCE_PATTERN, SHORT_REFERENCE_PATTERN, db_time
from allo_tui.domain.records import HistoryCursor, HistoryFilter
from allo_tui.domain.search import search_tokens

STREET_TERM = "lower(street) = lower(?)"
"""The street filter, as the index `ix_requests_street_created` is written on PostgreSQL."""
REQUEST_WORDS_SQL = (
    "(' ' || replace(reference, '-', ' ') || coalesce(search_description, ' ')"
    " || coalesce(search_location, ' '))"
)
"""A request's searchable words, each after a blank: the expression of its trigram index."""
CALLER_CAP = 500
TEXT_CAP = 10_000

_REFERENCE_TEXT = re.compile(
    rf"\s*(?:{REFERENCE_PATTERN.pattern}|({SHORT_REFERENCE_PATTERN.pattern}))\s*"
)


def _word_pattern(word: str) -> str:
    """A one-letter word must be a word; a longer one starts a word."""
    return f"% {word} %" if len(word) == 1 else like_word_start(word)


def text_terms(text: str) -> tuple[list[str], list] | None:
    """The SQL term (and parameters) a free text adds; None when nothing searchable."""
    reference = _REFERENCE_TEXT.fullmatch(text)
    if reference is not None:
        year, number = reference.group(1), reference.group(2) or reference.group(3)
        if year:
            return ["reference = ?"], [f"{year}-{int(number):05d}"]
        return ["ref_seq = ?"], [int(number)]
    words = list(dict.fromkeys(search_tokens(text)))
    if not words:
        return None
    own = " AND ".join(f"{REQUEST_WORDS_SQL} LIKE ?" for _ in words)
    names = " AND ".join("c.search_names LIKE ?" for _ in words)
    patterns = [_word_pattern(word) for word in words]
    term = (
        f"(({own}) OR caller_id IN (SELECT c.id FROM callers AS c WHERE {names}"
        " ORDER BY c.id DESC LIMIT ?))"
    )
    return [term], [*patterns, *patterns, CALLER_CAP]


def _where(filters: HistoryFilter, now: datetime) -> tuple[list[str], list, bool]:
    terms, params = filter_terms(filters, now, street_term=STREET_TERM)
    has_text = False
    if filters.text.strip():
        found = text_terms(filters.text)
        if found is not None:
            terms = [*found[0], *terms]
            params = [*found[1], *params]
            has_text = True
    return terms, params, has_text


def window_ids(
    connection,
    filters: HistoryFilter,
    now: datetime,
    *,
    after: HistoryCursor | None,
    before: HistoryCursor | None,
    oldest: bool,
    limit: int,
) -> tuple[list[int], bool]:
    """Ids of one window in history order, and whether more rows lie beyond it."""
    terms, params, by_entry = _where(filters, now)
    newest_first = before is None and not oldest
    direction = "DESC" if newest_first else "ASC"
    cursor = after if after is not None else before
    if cursor is not None:
        comparison = "<" if after is not None else ">"
        if by_entry:
            terms.append(f"id {comparison} ?")
            params.append(cursor.id)
        else:
            terms.append(f"(created_at, id) {comparison} (CAST(? AS timestamp), ?)")
            params.extend([db_time(cursor.created_at), cursor.id])
    order = f"id {direction}" if by_entry else f"created_at {direction}, id {direction}"
    where = f"WHERE {' AND '.join(terms)}" if terms else ""
    rows = connection.execute(
        f"SELECT id FROM requests {where} ORDER BY {order} LIMIT ?", (*params, limit + 1)
    ).fetchall()
    ids = [row[0] for row in rows[:limit]]
    if not newest_first:
        ids.reverse()
    return ids, len(rows) > limit


def count(connection, filters: HistoryFilter, now: datetime, *, cap: int) -> tuple[int, bool]:
    """How many requests match, counting at most `cap + 1`: (count, more than cap)."""
    terms, params, _ = _where(filters, now)
    where = f"WHERE {' AND '.join(terms)}" if terms else ""
    total = connection.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM requests {where} LIMIT ?) AS found",
        (*params, cap + 1),
    ).fetchone()[0]
    return min(total, cap), total > cap
