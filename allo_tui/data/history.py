"""The history list's SQL on SQLite: which requests match, in history order, a window at a time.

History order is newest first: `created_at DESC, id DESC`. A window is fetched by keyset
(the `(created_at, id)` of the row it continues from), never by OFFSET, and each query is
driven by one index chosen from the filters (`INDEXED BY`), so the first window reads only
about the rows it returns whatever the size of the table:

| filter present (first wins)         | index walked                                  |
|-------------------------------------|-----------------------------------------------|
| free text                           | bounded FTS5 candidate set, then by rowid     |
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
renamed); at most `TEXT_CAP` requests are taken, the most recently entered first.

These functions take a DB-API (sqlite3) connection. The window's rows and the request detail
are read with plain SQL into records (`request_records`, `event_records`): the ORM's row
building alone would cost more than the whole query at this size.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from allo_tui.data.sqlite import fts_prefix_query
from allo_tui.domain.records import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    EventRecord,
    HistoryCursor,
    HistoryFilter,
    Kind,
    RequestRecord,
    Status,
)

TEXT_CAP = 10_000
"""At most this many requests match a free text (the newest entered); more says "capped"."""
CALLER_CAP = 500
"""At most this many callers whose names match the free text are followed to their requests."""
OPEN_STATUS_SQL = "status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
"""Must be written exactly so for SQLite to use the partial index of open requests."""


def db_time(value: datetime) -> str:
    """A datetime in the text form the models store (UTC, microseconds)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Branch:
    """One index-driven query: `index` walked with `conditions` (SQL with ? marks)."""

    index: str
    conditions: tuple[str, ...]
    params: tuple


@dataclass(frozen=True)
class TextMatches:
    """Ids of the requests a free text matches (unordered), and whether the set was capped."""

    ids: frozenset[int]
    capped: bool


def text_matches(connection, text: str, cap: int | None = None) -> TextMatches | None:
    """Requests matching `text` in their own words or their caller's names; None: no text.

    At most `cap` (default `TEXT_CAP`) ids are kept, the most recently entered.
    """
    cap = TEXT_CAP if cap is None else cap
    request_query = fts_prefix_query(text)
    if request_query is None:
        return None
    ids = {
        row[0]
        for row in connection.execute(
            "SELECT rowid FROM request_search WHERE request_search MATCH ? "
            "ORDER BY rowid DESC LIMIT ?",
            (request_query, cap + 1),
        )
    }
    capped = len(ids) > cap
    names_query = fts_prefix_query(text, column="names")
    caller_ids = [
        row[0]
        for row in connection.execute(
            "SELECT rowid FROM caller_search WHERE caller_search MATCH ? LIMIT ?",
            (names_query, CALLER_CAP + 1),
        )
    ]
    if caller_ids:
        capped = capped or len(caller_ids) > CALLER_CAP
        rows = connection.execute(
            "SELECT id FROM requests WHERE caller_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY id DESC LIMIT ?",
            (json.dumps(caller_ids[:CALLER_CAP]), cap + 1),
        )
        by_caller = [row[0] for row in rows]
        capped = capped or len(by_caller) > cap
        ids.update(by_caller)
    if len(ids) > cap:
        ids = set(sorted(ids, reverse=True)[:cap])
        capped = True
    return TextMatches(frozenset(ids), capped)


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
        terms = ["id IN (SELECT value FROM json_each(?))", *terms, *extra_terms]
        params = [json.dumps(sorted(matches.ids)), *params, *extra_params]
        rows = connection.execute(
            f"SELECT created_at, id FROM requests WHERE {' AND '.join(terms)} "
            f"ORDER BY {order} LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
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
        terms = ["id IN (SELECT value FROM json_each(?))", *terms]
        total = connection.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM requests WHERE {' AND '.join(terms)} LIMIT ?)",
            (json.dumps(sorted(matches.ids)), *params, cap + 1),
        ).fetchone()[0]
        return min(total, cap), total > cap or matches.capped
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


def cursor_of(key: tuple[str, int]) -> HistoryCursor:
    """The keyset cursor of a (created_at text, id) key."""
    return HistoryCursor(_parse_time(key[0]), key[1])


def ordered(ids: Iterable[int], records: dict) -> list:
    """`records` (by id) in the order of `ids`, skipping ids that vanished."""
    return [records[i] for i in ids if i in records]


# -- records read with plain SQL (the window and the detail must stay within a few ms) --------

_REQUEST_COLUMNS = """
    r.id, r.reference, r.created_at, created_by.display_name, r.channel, r.kind, r.category_id,
    c.label, r.service_id, s.name, r.urgency, r.status, r.description, r.caller_id, ca.surname,
    ca.given_name, r.street_number, r.street, r.landmark, r.neighbourhood, r.latitude,
    r.longitude, r.ack_due_at, r.intervention_due_at, r.acknowledged_at, r.acknowledged_how,
    r.answer, r.duplicate_of_id, original.reference, r.closed_at, r.version, r.updated_at,
    updated_by.display_name
"""
_REQUEST_FROM = """
    FROM requests AS r
    JOIN categories AS c ON c.id = r.category_id
    LEFT JOIN services AS s ON s.id = r.service_id
    LEFT JOIN callers AS ca ON ca.id = r.caller_id
    JOIN operators AS created_by ON created_by.id = r.created_by_id
    JOIN operators AS updated_by ON updated_by.id = r.updated_by_id
    LEFT JOIN requests AS original ON original.id = r.duplicate_of_id
"""


def _time(value: str | None) -> datetime | None:
    return _parse_time(value) if value else None


def _request_record(row) -> RequestRecord:
    surname, given_name = row[14] or "", row[15] or ""
    return RequestRecord(
        id=row[0],
        reference=row[1],
        created_at=_parse_time(row[2]),
        created_by=row[3],
        channel=Channel(row[4]),
        kind=Kind(row[5]),
        category_id=row[6],
        category_label=row[7],
        service_id=row[8],
        service_name=row[9] or "",
        urgency=row[10],
        status=Status(row[11]),
        description=row[12],
        caller_id=row[13],
        caller_name=" ".join(p for p in (surname.upper(), given_name) if p),
        street_number=row[16],
        street=row[17],
        landmark=row[18],
        neighbourhood=row[19],
        latitude=row[20],
        longitude=row[21],
        ack_due_at=_time(row[22]),
        intervention_due_at=_time(row[23]),
        acknowledged_at=_time(row[24]),
        acknowledged_how=row[25],
        answer=row[26],
        duplicate_of_id=row[27],
        duplicate_of_reference=row[28] or "",
        closed_at=_time(row[29]),
        version=row[30],
        updated_at=_time(row[31]),
        updated_by=row[32],
    )


def request_records(connection, ids: Sequence[int]) -> dict[int, RequestRecord]:
    """The requests with these ids, as records by id (ids that do not exist are left out)."""
    if not ids:
        return {}
    rows = connection.execute(
        f"SELECT {_REQUEST_COLUMNS} {_REQUEST_FROM} WHERE r.id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),),
    )
    return {row[0]: _request_record(row) for row in rows}


def duplicate_records(connection, request_id: int) -> list[RequestRecord]:
    """The requests marked as duplicates of `request_id`, oldest first."""
    rows = connection.execute(
        f"SELECT {_REQUEST_COLUMNS} {_REQUEST_FROM} WHERE r.duplicate_of_id = ? ORDER BY r.id",
        (request_id,),
    )
    return [_request_record(row) for row in rows]


def event_records(connection, request_id: int) -> list[EventRecord]:
    """The timeline of a request, oldest first."""
    rows = connection.execute(
        "SELECT e.id, e.request_id, e.at, o.display_name, e.kind, e.old_value, e.new_value, "
        "e.note FROM events AS e JOIN operators AS o ON o.id = e.operator_id "
        "WHERE e.request_id = ? ORDER BY e.id",
        (request_id,),
    )
    return [
        EventRecord(
            id=row[0],
            request_id=row[1],
            at=_parse_time(row[2]),
            operator=row[3],
            kind=EventKind(row[4]),
            old_value=row[5],
            new_value=row[6],
            note=row[7],
        )
        for row in rows
    ]
