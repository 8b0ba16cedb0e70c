"""Row shapes of operators, calls and drafts (part of `allo_tui.data.rows`)."""

from __future__ import annotations

import json

from allo_tui.data.rows import utc_time
from allo_tui.domain.records import CallOutcome, CallRecord, DraftRecord, OperatorRecord, Role

OPERATOR_COLUMNS = "id, login, display_name, role, active"


OPERATOR_SERVICES_SELECT = (
    "SELECT operator_services.operator_id, services.id, services.code FROM operator_services"
    " JOIN services ON services.id = operator_services.service_id"
)
"""A service agent's services: (operator id, service id, service code) rows."""


def operator_record(row, services: list[tuple[int, str]] | None = None) -> OperatorRecord:
    """An OperatorRecord from a row of `OPERATOR_COLUMNS` and the (id, code) of its services."""
    services = sorted(services or (), key=lambda service: service[1])
    return OperatorRecord(
        id=row[0],
        login=row[1],
        display_name=row[2],
        role=Role(row[3]),
        active=bool(row[4]),
        service_ids=tuple(service[0] for service in services),
        service_codes=tuple(service[1] for service in services),
    )


def operator_services(connection, operator_id: int | None = None) -> dict[int, list]:
    """operator id -> [(service id, code)] of one operator (or of all when None)."""
    if operator_id is None:
        rows = connection.execute(OPERATOR_SERVICES_SELECT).fetchall()
    else:
        rows = connection.execute(
            OPERATOR_SERVICES_SELECT + " WHERE operator_services.operator_id = ?", (operator_id,)
        ).fetchall()
    found: dict[int, list] = {}
    for owner, service_id, code in rows:
        found.setdefault(owner, []).append((service_id, code))
    return found


def operator_with_services(connection, row) -> OperatorRecord:
    """The OperatorRecord of a row of `OPERATOR_COLUMNS`, its services read on `connection`."""
    return operator_record(row, operator_services(connection, row[0]).get(row[0]))


CALL_SELECT = (
    "SELECT calls.id, calls.started_at, calls.ended_at, operators.login, calls.console,"
    " calls.phone, calls.caller_id, calls.request_id, calls.outcome, calls.directory_id"
    " FROM calls JOIN operators ON operators.id = calls.operator_id "
)


def call_record(row) -> CallRecord:
    """A CallRecord from a row of `CALL_SELECT`."""
    return CallRecord(
        id=row[0],
        started_at=utc_time(row[1]),
        ended_at=utc_time(row[2]),
        operator=row[3],
        console=row[4],
        phone=row[5],
        caller_id=row[6],
        request_id=row[7],
        outcome=CallOutcome(row[8]) if row[8] else None,
        directory_id=row[9],
    )


DRAFT_COLUMNS = "id, operator_id, console, fields, updated_at, heartbeat_at"


def draft_record(row) -> DraftRecord:
    """A DraftRecord from a row of `DRAFT_COLUMNS`."""
    return DraftRecord(
        id=row[0],
        operator_id=row[1],
        console=row[2],
        fields=json.loads(row[3] or "{}"),
        updated_at=utc_time(row[4]),
        heartbeat_at=utc_time(row[5]),
    )
