"""Requests read with the stdlib `sqlite3` only: by id, by reference, and the row shape the
board and the Store share.

Importing SQLAlchemy's ORM costs about half a second of CPU; the lookup screen asks whether
what is typed is a request reference on every keystroke, so the `LazyStore` answers that here,
and the Store uses the same SQL (one plain statement costs less than building ORM entities).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

from allo_tui.domain.records import Channel, Kind, RequestRecord, Status

# A request with the names the UI shows; `request_record` turns such a row into a RequestRecord.
REQUEST_COLUMNS = """
SELECT r.id, r.reference, r.created_at, r.channel, r.kind, r.category_id, r.service_id,
       r.urgency, r.status, r.description, r.caller_id, r.street_number, r.street, r.landmark,
       r.neighbourhood, r.latitude, r.longitude, r.ack_due_at, r.intervention_due_at,
       r.acknowledged_at, r.acknowledged_how, r.answer, r.duplicate_of_id, r.closed_at,
       r.version, r.updated_at,
       categories.label, services.name, callers.surname, callers.given_name,
       created_by.display_name, updated_by.display_name, original.reference
"""
REQUEST_JOINS = """
JOIN categories ON categories.id = r.category_id
LEFT JOIN services ON services.id = r.service_id
LEFT JOIN callers ON callers.id = r.caller_id
LEFT JOIN operators AS created_by ON created_by.id = r.created_by_id
LEFT JOIN operators AS updated_by ON updated_by.id = r.updated_by_id
LEFT JOIN requests AS original ON original.id = r.duplicate_of_id
"""
REQUEST_BY_ID_SQL = REQUEST_COLUMNS + "FROM requests AS r" + REQUEST_JOINS + "WHERE r.id = ?"
REQUEST_BY_REFERENCE_SQL = (
    REQUEST_COLUMNS + "FROM requests AS r" + REQUEST_JOINS + "WHERE r.reference = ?"
)


def request_by_reference(connection: sqlite3.Connection, reference: str) -> RequestRecord | None:
    """The request with this exact (normalised) reference, or None."""
    row = connection.execute(REQUEST_BY_REFERENCE_SQL, (reference,)).fetchone()
    return request_record(row) if row else None


def format_reference(year: int, sequence: int) -> str:
    """`YYYY-NNNNN`, zero-padded to 5 digits and longer past 99,999."""
    return f"{year}-{sequence:05d}"


def normalise_reference(text_value: str, current_year: int) -> str | None:
    """ "2026-00042" stays; "00042" or "42" with a leading zero run means this year's; else None."""
    value = text_value.strip()
    match = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{1,9})", value)
    if match:
        return format_reference(int(match.group(1)), int(match.group(2)))
    match = re.fullmatch(r"0\d{4,8}", value)
    if match:
        return format_reference(current_year, int(value))
    return None


def utc_time(value: str | None) -> datetime | None:
    """A stored timestamp (UTC text) as an aware datetime."""
    return datetime.fromisoformat(value + "+00:00") if value else None


def request_record(row) -> RequestRecord:
    """A RequestRecord from a row of `REQUEST_COLUMNS` (same fields as the ORM's `_request`)."""
    (
        request_id, reference, created_at, channel, kind, category_id, service_id, urgency,
        status, description, caller_id, street_number, street, landmark, neighbourhood,
        latitude, longitude, ack_due_at, intervention_due_at, acknowledged_at, acknowledged_how,
        answer, duplicate_of_id, closed_at, version, updated_at,
        category, service, surname, given_name, created_by, updated_by, original,
    ) = row  # fmt: skip
    caller_name = " ".join(p for p in ((surname or "").upper(), given_name or "") if p)
    return RequestRecord(
        id=request_id,
        reference=reference,
        created_at=utc_time(created_at),
        created_by=created_by or "",
        channel=Channel(channel),
        kind=Kind(kind),
        category_id=category_id,
        category_label=category,
        service_id=service_id,
        service_name=service or "",
        urgency=urgency,
        status=Status(status),
        description=description,
        caller_id=caller_id,
        caller_name=caller_name,
        street_number=street_number,
        street=street,
        landmark=landmark,
        neighbourhood=neighbourhood,
        latitude=latitude,
        longitude=longitude,
        ack_due_at=utc_time(ack_due_at),
        intervention_due_at=utc_time(intervention_due_at),
        acknowledged_at=utc_time(acknowledged_at),
        acknowledged_how=acknowledged_how,
        answer=answer,
        duplicate_of_id=duplicate_of_id,
        duplicate_of_reference=original or "",
        closed_at=utc_time(closed_at),
        version=version,
        updated_at=utc_time(updated_at),
        updated_by=updated_by or "",
    )
