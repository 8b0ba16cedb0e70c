"""Letter batches (`allo replies letters`): which requests are due for a letter, claiming them for
one batch and recording their acknowledgement in one transaction, and a batch's requests for a
reprint. Functions over a `Store`.

A request's acknowledgement (reply key "") or its final answer for one end (reply key: the end's
instant) is in one batch only: the unique index `ix_reply_letters_once` (migration 0018) decides
between two batches made at once, the loser skips those requests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from allo_tui.data.rows import OPEN_STATUS_SQL, db_time, request_by_id, request_records
from allo_tui.domain.actions import Action
from allo_tui.domain.enums import ContactPreference, Status
from allo_tui.domain.errors import NotFoundError
from allo_tui.domain.records import CallerRecord, OperatorRecord, RequestRecord

FINAL_STATUSES = (Status.DONE, Status.REJECTED, Status.TRANSFERRED)
_FINAL_STATUS_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in FINAL_STATUSES) + ")"
ACK = "ack"
"""The kind of a batch of acknowledgements."""
FINAL = "final"
"""The kind of a batch of final answers."""
LETTER_CHANNEL = "letter"
"""The acknowledgement channel recorded for a letter (shown "courrier")."""


@dataclass(frozen=True)
class LetterRequest:
    """A request due for a letter, its caller, and the key of the reply it gets."""

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


def reply_key(kind: str, request: RequestRecord) -> str:
    """ "" for an acknowledgement; the end's instant (UTC, ISO) for a final answer."""
    if kind == ACK or request.closed_at is None:
        return ""
    return request.closed_at.isoformat(timespec="seconds")


def _still_due(kind: str, request: RequestRecord) -> bool:
    """True when the request, read again, still wants this kind of letter."""
    if kind == ACK:
        return request.acknowledged_at is None and request.status.is_open
    return request.status in FINAL_STATUSES and request.closed_at is not None


def _with_callers(store, requests: Sequence[RequestRecord], kind: str) -> list[LetterRequest]:
    found = []
    for request in requests:
        if request.caller_id is None:
            continue
        try:
            caller = store.get_caller(request.caller_id)
        except NotFoundError:
            continue
        found.append(LetterRequest(request, caller, reply_key(kind, request)))
    return found


def letters_due(store, kind: str, until: datetime | None = None) -> list[LetterRequest]:
    """The requests of callers who prefer letters that are due for this kind of letter and not
    in a batch yet, by reference: acknowledgements not given of open requests (due before
    `until`, when given); final answers of requests ended (before `until`) with no letter for
    that end."""
    parameters: list = [ContactPreference.LETTER.value]
    if kind == ACK:
        where = f"r.acknowledged_at IS NULL AND r.{OPEN_STATUS_SQL}"
        when = "r.ack_due_at"
    else:
        where = f"r.{_FINAL_STATUS_SQL} AND r.closed_at IS NOT NULL"
        when = "r.closed_at"
    if until is not None:
        where += f" AND {when} < ?"
        parameters.append(db_time(until))
    with store._read() as connection:
        ids = [
            row[0]
            for row in connection.execute(
                "SELECT r.id FROM requests AS r JOIN callers AS c ON c.id = r.caller_id"
                f" WHERE c.contact_preference = ? AND {where} ORDER BY r.reference",
                parameters,
            ).fetchall()
        ]
        records = request_records(connection, ids)
        printed = {
            (row[0], row[1])
            for row in connection.execute(
                "SELECT request_id, reply_key FROM reply_letters WHERE kind = ?", (kind,)
            ).fetchall()
        }
    requests = [records[i] for i in ids if i in records]
    due = [r for r in requests if (r.id, reply_key(kind, r)) not in printed]
    return _with_callers(store, due, kind)


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
            if request is None or not _still_due(kind, request):
                continue
            if reply_key(kind, request) != letter.reply_key:
                continue  # ended again since it was read: the next batch has it
            claimed = connection.execute(
                "INSERT INTO reply_letters (batch_id, request_id, kind, reply_key)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (request_id, kind, reply_key) DO NOTHING"
                " RETURNING id",
                (batch_id, request.id, kind, letter.reply_key),
            ).fetchone()
            if claimed is None:
                continue  # in another batch already
            if kind == ACK:
                store.apply_in(
                    connection,
                    operator,
                    role,
                    request.id,
                    Action.ACKNOWLEDGE,
                    expected_version=request.version,
                    at=at,
                    how=LETTER_CHANNEL,
                    text=f"Courrier, lot n° {batch_id}",
                )
            kept.append(letter)
        if not kept:
            connection.execute("DELETE FROM reply_letter_batches WHERE id = ?", (batch_id,))
            return 0, []
        if [item.request.id for item in kept] != sorted(item.request.id for item in letters):
            written(sorted(kept, key=lambda item: item.request.reference))
        return batch_id, sorted(kept, key=lambda item: item.request.reference)


def batch_of(store, batch_id: int) -> BatchRecord | None:
    """The batch with this id, or None."""
    from allo_tui.data.rows import utc_time

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
    return _with_callers(store, requests, batch.kind)
