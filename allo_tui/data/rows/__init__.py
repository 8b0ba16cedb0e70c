"""The one source of the Store's row shapes: each SELECT the records are read with, and the
functions that turn its rows into the frozen records of `allo_tui.domain.records`.

Every area of the Store, the history windows and the board read a request through
`REQUEST_SELECT` and `request_record`, so the request view, the detail screen, the history list
and the board show the very same record. Timestamps are stored as UTC text
(`YYYY-MM-DD HH:MM:SS.ffffff`, the form SQLAlchemy's SQLite DateTime writes, so the files of
earlier versions read the same); `db_time` writes that form and `utc_time` reads it back
aware (a server backend whose driver returns datetimes gets them through unchanged).

The SQL here is plain and portable: `?` placeholders (see `allo_tui.data.backend`), no
engine-specific function.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

from allo_tui.domain.records import (
    OPEN_STATUSES,
    CallerRecord,
    Channel,
    ContactPreference,
    EventKind,
    EventRecord,
    Kind,
    PhoneRecord,
    ReplySent,
    RequestRecord,
    Status,
)
from allo_tui.domain.reference import (  # noqa: F401 - the Store's areas read them here
    REFERENCE_PATTERN,
    SHORT_REFERENCE_PATTERN,
    format_reference,
    normalise_reference,
)

# -- statuses, references, timestamps -------------------------------------------------------

OPEN_VALUES = tuple(sorted(status.value for status in OPEN_STATUSES))
# Written exactly as the partial index `ix_requests_open` is (SQLite uses a partial index only
# for a WHERE that repeats its condition; an `IN` with bound parameters does not match it).
OPEN_STATUS_SQL = (
    "status IN ('new', 'acknowledged', 'assigned', 'in_progress', 'planned', 'waiting')"
)
assert set(OPEN_VALUES) == set(re.findall(r"'(\w+)'", OPEN_STATUS_SQL))
REVIEW_EVENT_SQL = "kind IN ('status', 'assignment')"
"""The events the review counts (status changes: done, reopened; send-backs), written as the
partial index `ix_events_review` is (migration 0027)."""

IN_BATCH = 500
"""Ids bound per `IN (?, …)` list (well under every engine's limit on parameters)."""


def db_time(value: datetime) -> str:
    """An aware datetime in the stored text form (UTC, microseconds); naive ones are refused
    (their zone is unknown)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; use aware UTC")
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def stored_time(value: datetime | None) -> str | None:
    """`db_time`, or None for None."""
    return db_time(value) if value is not None else None


def utc_time(value: str | datetime | None) -> datetime | None:
    """A stored timestamp as an aware UTC datetime (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    try:
        return datetime.fromisoformat(value + "+00:00")  # five times faster than .replace()
    except ValueError:  # written with its own offset by some other tool
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def stored_date(value: str | date | None) -> date | None:
    """A stored day (`YYYY-MM-DD` text on SQLite, a date on PostgreSQL) as a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def marks(count: int) -> str:
    """`?, ?, …` for an `IN` list of `count` values."""
    return ",".join("?" * count)


def batched(values: Sequence, size: int = IN_BATCH) -> list[tuple]:
    """`values` cut into tuples of at most `size` (one `IN` list each)."""
    return [tuple(values[i : i + size]) for i in range(0, len(values), size)]


# Enum members by value: a dict lookup instead of the Enum constructor, row after row.
_CHANNELS = {member.value: member for member in Channel}
_KINDS = {member.value: member for member in Kind}
_STATUSES = {member.value: member for member in Status}
_EVENT_KINDS = {member.value: member for member in EventKind}

# -- requests ---------------------------------------------------------------------------------

REQUEST_COLUMNS = """
SELECT r.id, r.reference, r.created_at, r.channel, r.kind, r.category_id, r.service_id,
       r.urgency, r.status, r.description, r.caller_id, r.street_number, r.street, r.landmark,
       r.neighbourhood, r.latitude, r.longitude, r.ack_due_at, r.intervention_due_at,
       r.acknowledged_at, r.acknowledged_how, r.answer, r.duplicate_of_id, r.closed_at,
       r.version, r.updated_at,
       categories.label, services.name, callers.surname, callers.given_name,
       created_by.display_name, updated_by.display_name, original.reference,
       r.planned_for, r.outcome_code, outcome.label, r.rejection_reason_code, reason.label,
       r.waiting_kind, r.waiting_for, r.waiting_since, r.resume_status, r.transferred_to,
       r.sent_back, callers.contact_preference
"""
REQUEST_JOINS = """
JOIN categories ON categories.id = r.category_id
LEFT JOIN services ON services.id = r.service_id
LEFT JOIN callers ON callers.id = r.caller_id
LEFT JOIN operators AS created_by ON created_by.id = r.created_by_id
LEFT JOIN operators AS updated_by ON updated_by.id = r.updated_by_id
LEFT JOIN requests AS original ON original.id = r.duplicate_of_id
LEFT JOIN outcomes AS outcome ON outcome.code = r.outcome_code
LEFT JOIN rejection_reasons AS reason ON reason.code = r.rejection_reason_code
"""
REQUEST_SELECT = REQUEST_COLUMNS + "FROM requests AS r" + REQUEST_JOINS
"""A request with the names the UI shows; append `WHERE …` on `r`. Rows: `request_record`.
(The board selects `REQUEST_COLUMNS` from a window of `requests` aliased `r`, then the joins.)"""


def request_record(row) -> RequestRecord:
    """A RequestRecord from a row of `REQUEST_SELECT`."""
    (
        request_id, reference, created_at, channel, kind, category_id, service_id, urgency,
        status, description, caller_id, street_number, street, landmark, neighbourhood,
        latitude, longitude, ack_due_at, intervention_due_at, acknowledged_at, acknowledged_how,
        answer, duplicate_of_id, closed_at, version, updated_at,
        category, service, surname, given_name, created_by, updated_by, original,
        planned_for, outcome_code, outcome_label, reason_code, reason_label,
        waiting_kind, waiting_for, waiting_since, resume_status, transferred_to, sent_back,
        caller_preference,
    ) = row  # fmt: skip
    caller_name = " ".join(p for p in ((surname or "").upper(), given_name or "") if p)
    return RequestRecord(
        id=request_id,
        reference=reference,
        created_at=utc_time(created_at),
        created_by=created_by or "",
        channel=_CHANNELS[channel],
        kind=_KINDS[kind],
        category_id=category_id,
        category_label=category,
        service_id=service_id,
        service_name=service or "",
        urgency=urgency,
        status=_STATUSES[status],
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
        planned_for=stored_date(planned_for),
        outcome_code=outcome_code,
        # A code no longer in its list (edited away) is shown as stored.
        outcome_label=outcome_label or outcome_code,
        rejection_reason_code=reason_code,
        rejection_reason_label=reason_label or reason_code,
        waiting_kind=waiting_kind,
        waiting_for=waiting_for,
        waiting_since=utc_time(waiting_since),
        resume_status=_STATUSES.get(resume_status),
        transferred_to=transferred_to,
        sent_back=bool(sent_back),
        caller_preference=caller_preference or "",
    )


def request_by_id(connection, request_id: int) -> RequestRecord | None:
    """The request with this id, or None."""
    row = connection.execute(REQUEST_SELECT + "WHERE r.id = ?", (request_id,)).fetchone()
    return request_record(row) if row else None


def request_by_reference(connection, reference: str) -> RequestRecord | None:
    """The request with this exact (normalised) reference, or None."""
    row = connection.execute(REQUEST_SELECT + "WHERE r.reference = ?", (reference,)).fetchone()
    return request_record(row) if row else None


def request_records(connection, ids: Sequence[int]) -> dict[int, RequestRecord]:
    """The requests with these ids, as records by id (ids that do not exist are left out)."""
    found: dict[int, RequestRecord] = {}
    for batch in batched(list(ids)):
        rows = connection.execute(REQUEST_SELECT + f"WHERE r.id IN ({marks(len(batch))})", batch)
        for row in rows:
            found[row[0]] = request_record(row)
    return found


def ordered(ids: Sequence[int], records: dict) -> list:
    """`records` (by id) in the order of `ids`, skipping ids that vanished."""
    return [records[i] for i in ids if i in records]


def duplicate_records(connection, request_id: int) -> list[RequestRecord]:
    """The requests marked as duplicates of `request_id`, oldest first."""
    rows = connection.execute(
        REQUEST_SELECT + "WHERE r.duplicate_of_id = ? ORDER BY r.id", (request_id,)
    )
    return [request_record(row) for row in rows]


def replies_sent(connection, request_id: int) -> list[ReplySent]:
    """The letters (in a batch) and e-mails (in the outbox) of a request, oldest first."""
    letters = [
        ReplySent(kind=kind, channel="letter", at=utc_time(at), batch=batch)
        for kind, batch, at in connection.execute(
            "SELECT l.kind, b.id, b.created_at FROM reply_letters AS l"
            " JOIN reply_letter_batches AS b ON b.id = l.batch_id WHERE l.request_id = ?"
            " ORDER BY l.id",
            (request_id,),
        ).fetchall()
    ]
    mails = [
        ReplySent(
            kind=kind,
            channel="email",
            at=utc_time(sent_at) if sent_at is not None else None,
            state=state,
            to=to,
            error=error,
        )
        for kind, state, sent_at, queued_at, to, error in connection.execute(
            "SELECT kind, state, sent_at, queued_at, to_address, last_error FROM reply_mails"
            " WHERE request_id = ? ORDER BY id",
            (request_id,),
        ).fetchall()
    ]
    return sorted(
        [*letters, *mails], key=lambda reply: (reply.at is None, reply.at or datetime.max)
    )


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
            at=utc_time(row[2]),
            operator=row[3],
            kind=_EVENT_KINDS[row[4]],
            old_value=row[5],
            new_value=row[6],
            note=row[7],
        )
        for row in rows
    ]


# -- callers ----------------------------------------------------------------------------------

CALLER_COLUMNS = (
    "id, surname, given_name, email, street_number, street, address_extra, postcode, city, "
    "neighbourhood, notes, contact_preference, version, updated_at, "
    "(SELECT display_name FROM operators WHERE operators.id = callers.updated_by_id), "
    "(SELECT count(*) FROM requests WHERE requests.caller_id = callers.id AND requests."
    + OPEN_STATUS_SQL
    + "), "
    "(SELECT max(started_at) FROM calls WHERE calls.caller_id = callers.id), "
    "(SELECT max(created_at) FROM requests WHERE requests.caller_id = callers.id)"
)


def caller_rows(connection, ids: Sequence[int]) -> list[CallerRecord]:
    """Callers with their phones and counts, in the order of `ids`."""
    if not ids:
        return []
    phones: dict[int, list[PhoneRecord]] = {}
    by_id: dict[int, CallerRecord] = {}
    for batch in batched(list(ids)):
        for phone_id, caller_id, number, display, valid, label in connection.execute(
            "SELECT id, caller_id, number, display, valid, label FROM caller_phones "
            f"WHERE caller_id IN ({marks(len(batch))}) ORDER BY caller_id, position, id",
            batch,
        ):
            phones.setdefault(caller_id, []).append(
                PhoneRecord(
                    id=phone_id, number=number, display=display, valid=bool(valid), label=label
                )
            )
        for row in connection.execute(
            f"SELECT {CALLER_COLUMNS} FROM callers WHERE id IN ({marks(len(batch))})", batch
        ):
            last_call, last_request = utc_time(row[16]), utc_time(row[17])
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
                updated_at=utc_time(row[13]),
                updated_by=row[14] or "",
                open_requests=row[15],
                last_contact_at=last_contact,
            )
    return [by_id[i] for i in ids if i in by_id]


def caller_ids_holding(connection, numbers: Sequence[str]) -> list[int]:
    """Ids of the callers holding one of these stored (E.164) numbers, oldest first."""
    if not numbers:
        return []
    rows = connection.execute(
        f"SELECT DISTINCT caller_id FROM caller_phones WHERE number IN ({marks(len(numbers))})"
        " ORDER BY caller_id",
        tuple(numbers),
    ).fetchall()
    return [row[0] for row in rows]


# The catalogue's and the people's shapes, kept beside these (one source, two files).
from allo_tui.data.rows.catalogue import (  # noqa: E402, F401
    category_rows,
    known_street_rows,
    service_rows,
    setting,
    site_calendar,
    street_rows,
)
from allo_tui.data.rows.people import (  # noqa: E402, F401
    CALL_SELECT,
    DRAFT_COLUMNS,
    OPERATOR_COLUMNS,
    call_record,
    draft_record,
    operator_record,
)
