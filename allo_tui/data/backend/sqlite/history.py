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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from allo_tui.data.backend.filters import filter_terms
from allo_tui.data.backend.sqlite import history_text
from allo_tui.data.rows import (
    OPEN_STATUS_SQL,
    db_time,
)
from allo_tui.domain.records import (
    OPEN_STATUSES,
    HistoryCursor,
    HistoryFilter,
)


@dataclass(frozen=True)
class _Branch:
    """One index-driven query: `index` walked with `conditions` (SQL with ? marks)."""

    index: str
    conditions: tuple[str, ...]
    params: tuple


def _filter_terms(filters: HistoryFilter, now: datetime, *, skip: str = "") -> tuple[list, list]:
    """SQL terms and parameters for every filter except the one named `skip` (the driver's)."""
    return filter_terms(filters, now, skip=skip, street_term=STREET_TERM)


STREET_TERM = "street COLLATE NOCASE = ?"
"""The street filter, as the index `ix_requests_street_created` is written."""


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
            STREET_TERM,
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
    matches: history_text.TextMatches | None = None,
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
        rows = history_text.window(
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
    matches: history_text.TextMatches | None = None,
) -> tuple[int, bool]:
    """How many requests match, counting at most `cap + 1`: (count, more than cap)."""
    total = 0
    if matches is not None:
        terms, params = _filter_terms(filters, now)
        return history_text.count(connection, matches, terms, params, cap=cap)
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
