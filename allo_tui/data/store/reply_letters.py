"""Letter batches (`allo replies letters`): which requests are due for a letter, claiming them for
one batch and recording their acknowledgement in one transaction, and a batch's requests for a
reprint. Functions over a `Store`.

A request's acknowledgement (reply key "") or its final answer for one end (reply key: the id of
the status event that ended it) is in one batch only: the unique index `ix_reply_letters_once`
(migration 0018) decides between two batches made at once, the loser skips those requests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from allo_tui.data.rows import (
    OPEN_STATUS_SQL,
    caller_rows,
    db_time,
    request_by_id,
    request_records,
    utc_time,
)
from allo_tui.domain.actions import Action
from allo_tui.domain.enums import ContactPreference, Status
from allo_tui.domain.letter_texts import TEXTS
from allo_tui.domain.records import CallerRecord, OperatorRecord, RequestRecord

FINAL_STATUSES = (Status.DONE, Status.REJECTED, Status.TRANSFERRED)
"""The statuses that end a request and send its final answer."""
_FINAL_VALUES = ", ".join(f"'{status.value}'" for status in FINAL_STATUSES)
_FINAL_STATUS_SQL = f"status IN ({_FINAL_VALUES})"
ACK = "ack"
"""The kind of a batch of acknowledgements."""
FINAL = "final"
"""The kind of a batch of final answers."""
LETTER_CHANNEL = "letter"
"""The acknowledgement channel recorded for a letter (shown "courrier")."""


@dataclass(frozen=True)
class LetterRequest:
    """A request due for a letter, its caller, and the key of the reply it gets ("" for an
    acknowledgement, the id of the event that ended the request for a final answer)."""

    request: RequestRecord
    caller: CallerRecord
    reply_key: str


@dataclass(frozen=True)
class BatchRecord:
    """A recorded batch of letters."""

    id: int
    kind: str
    created_at: datetime
    created_by: str
    file_name: str


_END_EVENT_SQL = (
    "SELECT max(e.id) FROM events AS e WHERE e.request_id = r.id AND e.kind = 'status'"
    f" AND e.new_value IN ({_FINAL_VALUES})"
)
"""The id of the status event that last ended the request `r` (done, rejected, transferred)."""


def _end_event(connection, request_id: int) -> str:
    """The reply key of a final answer: the id of the event that last ended the request."""
    row = connection.execute(
        f"SELECT ({_END_EVENT_SQL}) FROM requests AS r WHERE r.id = ?", (request_id,)
    ).fetchone()
    return str(row[0]) if row and row[0] is not None else ""


def _still_due(connection, kind: str, request: RequestRecord, key: str) -> bool:
    """True when the request, read again in the write transaction, still wants this letter
    (not acknowledged meanwhile; for a final answer, not reopened nor ended again)."""
    if kind == ACK:
        return request.acknowledged_at is None and request.status.is_open
    return request.status in FINAL_STATUSES and _end_event(connection, request.id) == key


def _with_callers(connection, requests: Sequence[tuple[RequestRecord, str]]) -> list[LetterRequest]:
    """The requests (with their reply keys) that have a caller, each with its caller's record."""
    wanted = sorted({request.caller_id for request, _ in requests if request.caller_id})
    callers = {caller.id: caller for caller in caller_rows(connection, wanted)}
    return [
        LetterRequest(request, callers[request.caller_id], key)
        for request, key in requests
        if request.caller_id in callers
    ]


def letters_due(store, kind: str, until: datetime | None = None) -> list[LetterRequest]:
    """The requests of callers who prefer letters that are due for this kind of letter and not
    in a batch yet, by reference: acknowledgements not given of open requests (due before
    `until`, when given); final answers of requests ended (before `until`) with no letter for
    that end."""
    return replies_due(store, kind, until, ContactPreference.LETTER, "reply_letters")


def replies_due(
    store,
    kind: str,
    until: datetime | None,
    preference: ContactPreference,
    done_table: str,
) -> list[LetterRequest]:
    """The replies of this kind due to callers who prefer `preference` and not yet in
    `done_table` (reply_letters: in a batch; reply_mails: in the outbox), by reference."""
    assert done_table in ("reply_letters", "reply_mails")
    parameters: list = [preference.value]
    if kind == ACK:
        key, join = "''", ""
        where = f"r.acknowledged_at IS NULL AND r.{OPEN_STATUS_SQL}"
        when = "r.ack_due_at"
    else:
        key, join = "e.id", f" JOIN events AS e ON e.id = ({_END_EVENT_SQL})"
        where = f"r.{_FINAL_STATUS_SQL}"
        when = "e.at"
    if until is not None:
        where += f" AND {when} < ?"
        parameters.append(db_time(until))
    with store._read() as connection:
        keys = {
            row[0]: str(row[1])
            for row in connection.execute(
                f"SELECT r.id, {key} FROM requests AS r JOIN callers AS c ON c.id = r.caller_id"
                f"{join} WHERE c.contact_preference = ? AND {where}",
                parameters,
            ).fetchall()
        }
        records = request_records(connection, list(keys))
        printed = {
            (row[0], row[1])
            for row in connection.execute(
                f"SELECT request_id, reply_key FROM {done_table} WHERE kind = ?", (kind,)
            ).fetchall()
        }
        due = sorted(
            (
                (record, keys[record.id])
                for record in records.values()
                if (record.id, keys[record.id]) not in printed
            ),
            key=lambda item: item[0].reference,
        )
        return _with_callers(connection, due)


def record_batch(
    store,
    operator: OperatorRecord,
    kind: str,
    file_name: str,
    letters: Sequence[LetterRequest],
    written: Callable[[list[LetterRequest]], None],
) -> tuple[int, list[LetterRequest]]:
    """Record a batch in one transaction: the batch, each request's letter (a request another
    batch took meanwhile, or no longer due, is skipped) and, for acknowledgements, each
    request's acknowledgement (channel letter, now) by the same store function as the `a` key.

    `written(kept)` is called inside the transaction, before the commit, when the letters kept
    differ from `letters`: it must rewrite the file for those (an exception rolls everything
    back). Returns (batch id, letters kept); the batch holds at least one letter, else nothing
    is recorded and the id is 0.
    """
    at = store.now()
    stamp = db_time(at)
    with store._write() as connection:
        role = store._role_of(connection, operator)
        (batch_id,) = connection.execute(
            "INSERT INTO reply_letter_batches (kind, created_at, created_by, file_name)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            (kind, stamp, operator.login, file_name),
        ).fetchone()
        kept: list[LetterRequest] = []
        for letter in sorted(letters, key=lambda item: item.request.id):
            request = request_by_id(connection, letter.request.id)
            if request is None or not _still_due(connection, kind, request, letter.reply_key):
                continue  # acknowledged, reopened or ended again meanwhile
            claimed = connection.execute(
                "INSERT INTO reply_letters (batch_id, request_id, kind, reply_key)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (request_id, kind, reply_key) DO NOTHING"
                " RETURNING id",
                (batch_id, request.id, kind, letter.reply_key),
            ).fetchone()
            if claimed is None:
                continue  # in another batch already
            if kind == ACK:
                note = TEXTS["acknowledgement_note"].format(batch=batch_id)
                acknowledge_in(store, connection, operator, role, request, at, LETTER_CHANNEL, note)
            kept.append(letter)
        if not kept:
            connection.execute("DELETE FROM reply_letter_batches WHERE id = ?", (batch_id,))
            return 0, []
        if [item.request.id for item in kept] != sorted(item.request.id for item in letters):
            written(sorted(kept, key=lambda item: item.request.reference))
        return batch_id, sorted(kept, key=lambda item: item.request.reference)


def acknowledge_in(store, connection, operator, role, request, at, how: str, note: str) -> None:
    """Record the acknowledgement of `request` (as read in this transaction) that went out
    `how`, at `at`, by the same store function as the `a` key."""
    store.apply_in(
        connection,
        operator,
        role,
        request.id,
        Action.ACKNOWLEDGE,
        expected_version=request.version,
        at=at,
        how=how,
        text=note,
    )


def batch_of(store, batch_id: int) -> BatchRecord | None:
    """The batch with this id, or None."""
    with store._read() as connection:
        row = connection.execute(
            "SELECT id, kind, created_at, created_by, file_name FROM reply_letter_batches"
            " WHERE id = ?",
            (batch_id,),
        ).fetchone()
    if row is None:
        return None
    return BatchRecord(row[0], row[1], utc_time(row[2]), row[3], row[4])


def batch_letters(store, batch: BatchRecord) -> list[LetterRequest]:
    """The batch's requests as they are now, by reference."""
    with store._read() as connection:
        ids = [
            row[0]
            for row in connection.execute(
                "SELECT request_id FROM reply_letters WHERE batch_id = ?", (batch.id,)
            ).fetchall()
        ]
        records = request_records(connection, ids)
        requests = sorted(records.values(), key=lambda r: r.reference)
        return _with_callers(connection, [(request, "") for request in requests])
