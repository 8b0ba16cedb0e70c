"""Reads on a plain DB-API connection, with no SQLAlchemy import: callers and the catalogue.

The lookup screen and the new-request form are the first things a hostess uses; these
functions let them answer before the ORM is loaded (see `allo_tui.data.lazy`), and the Store
uses the very same code afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from allo_tui.data import search
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.records import (
    CallerRecord,
    CallerSearchResult,
    CategoryRecord,
    ContactPreference,
    PhoneRecord,
    ServiceRecord,
)


def search_callers_on(
    connection, query: str, limit: int = 50, cancel: search.SearchToken | None = None
) -> CallerSearchResult:
    """Callers matching `query`, best first, read on `connection` in one read transaction.

    `cancel`: a token another thread may cancel to stop the search inside SQLite; the call then
    raises `search.SearchCancelled`.
    """
    token = cancel or search.SearchToken()
    connection.execute("BEGIN")
    try:
        with token.watching(connection):
            matches = search.find_callers(connection, query, limit, token)
            rows = caller_rows(connection, matches.ids)
            token.check()
    finally:
        if connection.in_transaction:
            connection.execute("COMMIT")
    return CallerSearchResult(
        query=query, rows=tuple(rows), total=matches.total, capped=matches.capped
    )


def parse_db_time(value: str | None) -> datetime | None:

    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


CALLER_COLUMNS = (
    "id, surname, given_name, email, street_number, street, address_extra, postcode, city, "
    "neighbourhood, notes, contact_preference, version, updated_at, "
    "(SELECT display_name FROM operators WHERE operators.id = callers.updated_by_id), "
    "(SELECT count(*) FROM requests WHERE requests.caller_id = callers.id AND requests.status IN "
    "('new', 'acknowledged', 'assigned', 'in_progress')), "
    "(SELECT max(started_at) FROM calls WHERE calls.caller_id = callers.id), "
    "(SELECT max(created_at) FROM requests WHERE requests.caller_id = callers.id)"
)


def caller_rows(connection, ids: Sequence[int]) -> list[CallerRecord]:
    """Callers with their phones and counts, in the order of `ids` (DB-API connection)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    phones: dict[int, list[PhoneRecord]] = {}
    for phone_id, caller_id, number, display, valid, label in connection.execute(
        f"SELECT id, caller_id, number, display, valid, label FROM caller_phones "
        f"WHERE caller_id IN ({marks}) ORDER BY caller_id, position, id",
        list(ids),
    ):
        phones.setdefault(caller_id, []).append(
            PhoneRecord(id=phone_id, number=number, display=display, valid=bool(valid), label=label)
        )
    by_id: dict[int, CallerRecord] = {}
    for row in connection.execute(
        f"SELECT {CALLER_COLUMNS} FROM callers WHERE id IN ({marks})", list(ids)
    ):
        last_call, last_request = parse_db_time(row[16]), parse_db_time(row[17])
        last_contact = max((t for t in (last_call, last_request) if t), default=None)
        by_id[row[0]] = CallerRecord(
            id=row[0],
            surname=row[1],
            given_name=row[2],
            phones=tuple(phones.get(row[0], ())),
            email=row[3],
            street_number=row[4],
            street=row[5],
            address_extra=row[6],
            postcode=row[7],
            city=row[8],
            neighbourhood=row[9],
            notes=row[10],
            contact_preference=ContactPreference(row[11]),
            version=row[12],
            updated_at=parse_db_time(row[13]),
            updated_by=row[14] or "",
            open_requests=row[15],
            last_contact_at=last_contact,
        )
    return [by_id[i] for i in ids if i in by_id]


def caller_ids_holding(connection, numbers: Sequence[str]) -> list[int]:
    """Ids of the callers holding one of these stored (E.164) numbers, oldest first."""
    marks = ",".join("?" * len(numbers))
    rows = connection.execute(
        f"SELECT DISTINCT caller_id FROM caller_phones WHERE number IN ({marks})"
        " ORDER BY caller_id",
        tuple(numbers),
    ).fetchall()
    return [row[0] for row in rows]


def category_rows(connection) -> list[CategoryRecord]:
    """Active categories in catalogue order, each with its service's name."""
    rows = connection.execute(
        "SELECT c.id, c.code, c.label, c.service_id, s.name, c.default_urgency, c.active "
        "FROM categories c JOIN services s ON s.id = c.service_id "
        "WHERE c.active ORDER BY c.position, c.id"
    ).fetchall()
    return [
        CategoryRecord(
            id=row[0],
            code=row[1],
            label=row[2],
            service_id=row[3],
            service_name=row[4],
            default_urgency=row[5],
            active=bool(row[6]),
        )
        for row in rows
    ]


def service_rows(connection) -> list[ServiceRecord]:
    """Active services and teams."""
    rows = connection.execute(
        "SELECT id, code, name, is_mobile_team, active FROM services WHERE active ORDER BY id"
    ).fetchall()
    return [
        ServiceRecord(
            id=row[0], code=row[1], name=row[2], is_mobile_team=bool(row[3]), active=bool(row[4])
        )
        for row in rows
    ]


def site_calendar(connection) -> SiteCalendar:
    """The site's working-time calendar and due-date targets (defaults when never set)."""
    row = connection.execute("SELECT value FROM settings WHERE key = 'calendar'").fetchone()
    return SiteCalendar.from_dict(json.loads(row[0]) if row else {})


def known_street_rows(connection, limit: int = 5000) -> list[str]:
    """Streets already used in requests and caller addresses, sorted (for type-ahead)."""
    rows = connection.execute(
        "SELECT street FROM requests WHERE street != '' GROUP BY street "
        "UNION SELECT street FROM callers WHERE street != '' GROUP BY street LIMIT ?",
        (limit,),
    ).fetchall()
    return sorted({row[0] for row in rows})
