"""What the Store's areas share: backend-neutral constants (the plain SQL inserts are in
`writes`, the row shapes in `allo_tui.data.rows`)."""

from __future__ import annotations

import json

from sqlalchemy import select, text
from sqlalchemy.orm import aliased

from allo_tui.data.models import (
    Call,
    Caller,
    Category,
    Draft,
    Operator,
    Request,
    Service,
)
from allo_tui.data.rows import OPEN_STATUS_SQL
from allo_tui.data.rows import db_time as _db_time  # noqa: F401 - for the areas still using it
from allo_tui.domain.records import (
    CallOutcome,
    CallRecord,
    Channel,
    DraftRecord,
    HistoryFilter,
    Kind,
    OperatorRecord,
    RequestRecord,
    Role,
    Status,
)

IDEMPOTENCY_KEY_LIMIT = 200
"""The longest idempotency key a client may send with a new request."""
NO_FILTER = HistoryFilter()
"""The history with no filter."""
CALLER_FIELDS = (
    "surname",
    "given_name",
    "email",
    "street_number",
    "street",
    "address_extra",
    "postcode",
    "city",
    "neighbourhood",
    "notes",
    "contact_preference",
)
"""The caller fields `update_caller` may change."""

# -- ORM rows to records, for the areas still reading through sessions ------------------------

# Written exactly as the partial index `ix_requests_open` is, so SQLite can use that index
# (an `IN` with bound parameters or another order does not match it).
_OPEN_REQUESTS = text("requests." + OPEN_STATUS_SQL)

_CreatedBy = aliased(Operator)
_UpdatedBy = aliased(Operator)
_Original = aliased(Request)


def _request_select():
    return (
        select(
            Request,
            Category.label,
            Service.name,
            Caller.surname,
            Caller.given_name,
            _CreatedBy.display_name,
            _UpdatedBy.display_name,
            _Original.reference,
        )
        .join(Category, Category.id == Request.category_id)
        .outerjoin(Service, Service.id == Request.service_id)
        .outerjoin(Caller, Caller.id == Request.caller_id)
        .join(_CreatedBy, _CreatedBy.id == Request.created_by_id)
        .join(_UpdatedBy, _UpdatedBy.id == Request.updated_by_id)
        .outerjoin(_Original, _Original.id == Request.duplicate_of_id)
    )


def _operator(row: Operator) -> OperatorRecord:
    return OperatorRecord(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
    )


def _request(row) -> RequestRecord:
    (request, category, service, surname, given_name, created_by, updated_by, original) = row
    caller_name = " ".join(p for p in ((surname or "").upper(), given_name or "") if p)
    return RequestRecord(
        id=request.id,
        reference=request.reference,
        created_at=request.created_at,
        created_by=created_by,
        channel=Channel(request.channel),
        kind=Kind(request.kind),
        category_id=request.category_id,
        category_label=category,
        service_id=request.service_id,
        service_name=service or "",
        urgency=request.urgency,
        status=Status(request.status),
        description=request.description,
        caller_id=request.caller_id,
        caller_name=caller_name,
        street_number=request.street_number,
        street=request.street,
        landmark=request.landmark,
        neighbourhood=request.neighbourhood,
        latitude=request.latitude,
        longitude=request.longitude,
        ack_due_at=request.ack_due_at,
        intervention_due_at=request.intervention_due_at,
        acknowledged_at=request.acknowledged_at,
        acknowledged_how=request.acknowledged_how,
        answer=request.answer,
        duplicate_of_id=request.duplicate_of_id,
        duplicate_of_reference=original or "",
        closed_at=request.closed_at,
        version=request.version,
        updated_at=request.updated_at,
        updated_by=updated_by,
    )


def _call(row: Call, operator_login: str) -> CallRecord:
    return CallRecord(
        id=row.id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        operator=operator_login,
        console=row.console,
        phone=row.phone,
        caller_id=row.caller_id,
        request_id=row.request_id,
        outcome=CallOutcome(row.outcome) if row.outcome else None,
    )


def _draft(row: Draft) -> DraftRecord:
    return DraftRecord(
        id=row.id,
        operator_id=row.operator_id,
        console=row.console,
        fields=json.loads(row.fields or "{}"),
        updated_at=row.updated_at,
        heartbeat_at=row.heartbeat_at,
    )
