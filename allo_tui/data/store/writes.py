"""The plain SQL writes the Store shares: reference allocation, request, caller, phone and
event inserts, and the checks made before them (lengths, known callers)."""

from __future__ import annotations

from collections.abc import Sequence

from allo_tui.data.backend import Backend, Connection
from allo_tui.data.rows import caller_ids_holding, marks
from allo_tui.domain import limits
from allo_tui.domain.errors import (
    SharedNumberError,
    ValidationError,
)
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import (
    CallerMatch,
    ContactPreference,
    EventKind,
    NewCaller,
    OperatorRecord,
)
from allo_tui.domain.text import words

_NEXT_REFERENCE_SQL = (
    "INSERT INTO reference_counters (year, last) VALUES (?, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last"
)


_INSERT_REQUEST_SQL = (
    "INSERT INTO requests (reference, ref_year, ref_seq, channel, kind, category_id, service_id,"
    " urgency, status, caller_id, street_number, street, landmark, neighbourhood, latitude,"
    " longitude, description, created_at, created_by_id, ack_due_at, intervention_due_at,"
    " duplicate_of_id, updated_at, updated_by_id, search_description, search_location,"
    " acknowledged_how, answer, version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " '', '', 1)"
    " RETURNING id"
)


_INSERT_CALLER_SQL = (
    "INSERT INTO callers (surname, given_name, email, street_number, street, address_extra,"
    " postcode, city, neighbourhood, notes, contact_preference, created_at, updated_at,"
    " updated_by_id, search_names, search_address, version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id"
)


_INSERT_PHONE_SQL = (
    "INSERT INTO caller_phones (caller_id, number, display, valid, search_digits, label,"
    " position) VALUES (?, ?, ?, ?, ?, '', ?)"
)


_INSERT_EVENT_SQL = (
    "INSERT INTO events (request_id, at, operator_id, kind, old_value, new_value, note)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _exists(connection: Connection, table: str, row_id: int) -> tuple | None:
    """`(1,)` when `table` (one of ours, never user text) has a row with this id."""
    return connection.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone()


def _add_event(
    connection: Connection,
    request_id: int,
    at: str,
    operator_id: int,
    kind: EventKind,
    *,
    old: str = "",
    new: str = "",
    note: str = "",
) -> None:
    """Append one Event to a request's timeline (inside the caller's transaction)."""
    connection.execute(_INSERT_EVENT_SQL, (request_id, at, operator_id, kind.value, old, new, note))


def _insert_caller(
    connection: Connection, backend: Backend, operator: OperatorRecord, new: NewCaller, at: str
) -> int:
    """Insert a caller and their phones (the triggers index them); returns the new id.

    `backend` gives the caller's full-text index columns (`search_names`, `search_address`)."""
    identity = (
        new.surname.strip(),
        new.given_name.strip(),
        new.street_number.strip(),
        new.street.strip(),
        new.address_extra.strip(),
        new.postcode.strip(),
        new.city.strip(),
    )
    surname, given_name, street_number, street, address_extra, postcode, city = identity
    (caller_id,) = connection.execute(
        _INSERT_CALLER_SQL,
        (
            surname,
            given_name,
            new.email.strip(),
            street_number,
            street,
            address_extra,
            postcode,
            city,
            new.neighbourhood.strip(),
            new.notes,
            ContactPreference(new.contact_preference).value,
            at,
            at,
            operator.id,
            *backend.caller_search_texts(*identity),
        ),
    ).fetchone()
    _insert_phones(connection, caller_id, new.phones)
    return caller_id


def _insert_phones(connection: Connection, caller_id: int, phones: Sequence[str]) -> None:
    """Give a caller these numbers, in this order (blank entries skipped)."""
    for position, raw in enumerate(p for p in phones if p.strip()):
        parsed = parse_phone(raw)
        connection.execute(
            _INSERT_PHONE_SQL,
            (
                caller_id,
                parsed.stored,
                parsed.display,
                parsed.valid,
                parsed.search_digits,
                position,
            ),
        )


def _phone_texts(connection: Connection, caller_id: int) -> set[str]:
    """A caller's numbers as stored and as shown (what an edit form sends back unchanged)."""
    rows = connection.execute(
        "SELECT number, display FROM caller_phones WHERE caller_id = ?", (caller_id,)
    )
    return {text for row in rows for text in row}


def _as_typed(text: str) -> str:
    """Text people typed, kept exactly as typed (blanks at its ends too); "" when blank."""
    return text if text.strip() else ""


def _check_lengths(*pairs: tuple[str, str], **fields: str) -> None:
    """Refuse a value longer than its field's limit (`allo_tui.domain.limits`)."""
    for field, value in (*pairs, *fields.items()):
        message = limits.length_message(field, value or "")
        if message is not None:
            raise ValidationError(field, message)


def _check_caller_lengths(new: NewCaller) -> None:
    """Refuse a new caller with a field or a number longer than its limit."""
    _check_lengths(
        *(("phone", phone) for phone in new.phones),
        surname=new.surname,
        given_name=new.given_name,
        email=new.email,
        street_number=new.street_number,
        street=new.street,
        address_extra=new.address_extra,
        postcode=new.postcode,
        city=new.city,
        neighbourhood=new.neighbourhood,
        notes=new.notes,
    )


def _known_caller(connection: Connection, new: NewCaller, match: CallerMatch) -> int | None:
    """The known caller `new` stands for (see `CallerMatch`); None: create `new`.

    Raises SharedNumberError when several callers hold the number and none can be told apart.
    """
    match = CallerMatch(match)
    if match is CallerMatch.FORCE_NEW:
        return None
    parsed = [parse_phone(raw) for raw in new.phones if raw.strip()]
    numbers = list(dict.fromkeys(p.e164 for p in parsed if p.e164 is not None))
    if not numbers:
        return None
    holders = caller_ids_holding(connection, numbers)
    if not holders:
        return None
    named = sorted(words(f"{new.surname} {new.given_name}"))
    if match is CallerMatch.NUMBER_AND_NAME and named:
        same = [
            caller_id
            for caller_id, surname, given_name in connection.execute(
                "SELECT id, surname, given_name FROM callers"
                f" WHERE id IN ({marks(len(holders))}) ORDER BY id",
                holders,
            )
            if sorted(words(f"{surname} {given_name}")) == named
        ]
        return same[0] if same else None
    if len(holders) == 1:
        return holders[0]
    shown = next(p.display for p in parsed if p.e164 is not None)
    raise SharedNumberError(
        shown, [(caller_id, _caller_label(connection, caller_id)) for caller_id in holders]
    )


def _caller_label(connection: Connection, caller_id: int | None) -> str:
    """How the original request's timeline names the caller who reported it again."""
    if caller_id is None:
        return "un appelant anonyme"
    row = connection.execute(
        "SELECT surname, given_name FROM callers WHERE id = ?", (caller_id,)
    ).fetchone()
    if row is None:
        return "un demandeur"
    surname, given_name = row
    return " ".join(p for p in (surname.upper(), given_name) if p) or "un demandeur"
