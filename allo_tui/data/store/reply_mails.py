"""The e-mail outbox of replies (`allo replies send`), as functions over a `Store`.

Queued once: the unique index `ix_reply_mails_once` (migration 0024) keeps one row per request,
kind and reply key, whoever queues it. Sent once: a sender claims one row at a time in a write
transaction (`queued` -> `sending`, with its token), so two senders running at once never take
the same row. After the SMTP server's answer the row becomes `sent` (and an acknowledgement is
recorded on the request, channel e-mail, at that moment), `queued` again with a later attempt
(a temporary 4xx failure, with back-off), or `failed` (a permanent 5xx refusal, with the
server's message). A claim older than `STALE_AFTER` belongs to a sender that died mid-send: it
becomes `check` ("à vérifier") and is never resent automatically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from allo_tui.data.rows import db_time, request_by_id, utc_time
from allo_tui.data.store.reply_letters import ACK, LetterRequest, _still_due, acknowledge_in
from allo_tui.domain.actions import Action

QUEUED, SENDING, SENT, FAILED, CHECK = "queued", "sending", "sent", "failed", "check"
STATE_LABELS = {
    QUEUED: "en attente d'envoi",
    SENDING: "en cours d'envoi",
    SENT: "envoyé",
    FAILED: "en échec",
    CHECK: "à vérifier",
}
"""What each state is called in French."""
MAIL_CHANNEL = "email"
"""The acknowledgement channel recorded for an e-mail (shown "courriel")."""
STALE_AFTER = timedelta(minutes=15)
"""A claim this old belongs to a sender that died mid-send."""
MAX_ATTEMPTS = 8
"""Temporary failures before a message is given up as failed."""
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=2)

TEXTS = {
    "stale": "envoi interrompu le {when} : vérifier s'il est parti avant de le renvoyer",
    "gave_up": "abandonné après {attempts} essais : {error}",
    "final_note": "Réponse finale envoyée par courriel à {to}",
    "ack_note": "Accusé de réception envoyé par courriel à {to}",
}


@dataclass(frozen=True)
class QueuedMail:
    """A message to put in the outbox."""

    letter: LetterRequest
    kind: str
    to_address: str
    subject: str
    body: str
    message_id: str


@dataclass(frozen=True)
class MailRow:
    """A message of the outbox."""

    id: int
    request_id: int
    kind: str
    reply_key: str
    to_address: str
    subject: str
    body: str
    message_id: str
    state: str
    attempts: int
    queued_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str
    claimed_by: str = ""


_COLUMNS = (
    "id, request_id, kind, reply_key, to_address, subject, body, message_id, state, attempts,"
    " queued_at, next_attempt_at, sent_at, last_error, claimed_by"
)


def _row(row) -> MailRow:
    return MailRow(
        *row[:10],
        queued_at=utc_time(row[10]),
        next_attempt_at=utc_time(row[11]),
        sent_at=utc_time(row[12]),
        last_error=row[13],
        claimed_by=row[14],
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` tries: 1 min, doubling, 2 h at
    most."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LAST_RETRY)


def queue_mails(store, mails: Sequence[QueuedMail]) -> int:
    """Put messages in the outbox, in one transaction; a reply already queued (by another
    sender), or no longer due, is skipped. How many were queued."""
    now = db_time(store.now())
    queued = 0
    with store._write() as connection:
        for mail in mails:
            request = request_by_id(connection, mail.letter.request.id)
            if request is None or not _still_due(
                connection, mail.kind, request, mail.letter.reply_key
            ):
                continue
            inserted = connection.execute(
                "INSERT INTO reply_mails (request_id, kind, reply_key, to_address, subject, body,"
                " message_id, state, attempts, queued_at, next_attempt_at, claimed_by,"
                " last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, '', '')"
                " ON CONFLICT (request_id, kind, reply_key) DO NOTHING RETURNING id",
                (
                    request.id,
                    mail.kind,
                    mail.letter.reply_key,
                    mail.to_address,
                    mail.subject,
                    mail.body,
                    mail.message_id,
                    QUEUED,
                    now,
                    now,
                ),
            ).fetchone()
            queued += inserted is not None
    return queued


def flag_stale_claims(store) -> int:
    """Claims older than `STALE_AFTER` become `check`; how many."""
    now = store.now()
    with store._write() as connection:
        rows = connection.execute(
            "SELECT id, claimed_at FROM reply_mails WHERE state = ? AND claimed_at < ?",
            (SENDING, db_time(now - STALE_AFTER)),
        ).fetchall()
        for mail_id, claimed_at in rows:
            when = store.calendar().to_local(utc_time(claimed_at)).strftime("%d/%m/%Y %H:%M")
            connection.execute(
                "UPDATE reply_mails SET state = ?, last_error = ? WHERE id = ? AND state = ?",
                (CHECK, TEXTS["stale"].format(when=when), mail_id, SENDING),
            )
    return len(rows)


def claim_next(store, token: str) -> MailRow | None:
    """Claim the next message due for sending (`sending`, this sender's token); None when
    there is none. One write transaction: two senders never claim the same row."""
    now = db_time(store.now())
    with store._write() as connection:
        row = connection.execute(
            f"SELECT {_COLUMNS} FROM reply_mails WHERE state = ? AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, id LIMIT 1",
            (QUEUED, now),
        ).fetchone()
        if row is None:
            return None
        connection.execute(
            "UPDATE reply_mails SET state = ?, claimed_at = ?, claimed_by = ?,"
            " attempts = attempts + 1 WHERE id = ? AND state = ?",
            (SENDING, now, token, row[0], QUEUED),
        )
        claimed = connection.execute(
            f"SELECT {_COLUMNS} FROM reply_mails WHERE id = ?", (row[0],)
        ).fetchone()
    return _row(claimed)


def mark_sent(store, operator, mail: MailRow) -> None:
    """The server accepted the message: `sent`, and the request records it (an
    acknowledgement, channel e-mail, now; or a note for a final answer), in one transaction."""
    at = store.now()
    with store._write() as connection:
        connection.execute(
            "UPDATE reply_mails SET state = ?, sent_at = ?, last_error = '' WHERE id = ?",
            (SENT, db_time(at), mail.id),
        )
        role = store._role_of(connection, operator)
        request = request_by_id(connection, mail.request_id)
        if request is None:
            return
        if mail.kind == ACK:
            if request.acknowledged_at is None and request.status.is_open:
                note = TEXTS["ack_note"].format(to=mail.to_address)
                acknowledge_in(store, connection, operator, role, request, at, MAIL_CHANNEL, note)
            return
        store.apply_in(
            connection,
            operator,
            role,
            request.id,
            Action.NOTE,
            expected_version=request.version,
            at=at,
            text=TEXTS["final_note"].format(to=mail.to_address),
        )


def mark_retry(store, mail: MailRow, error: str) -> str:
    """A temporary failure: queued again after the back-off, or failed after `MAX_ATTEMPTS`
    tries. The state it is left in."""
    now = store.now()
    state = QUEUED if mail.attempts < MAX_ATTEMPTS else FAILED
    message = (
        error if state == QUEUED else TEXTS["gave_up"].format(attempts=mail.attempts, error=error)
    )
    with store._write() as connection:
        connection.execute(
            "UPDATE reply_mails SET state = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
            (state, db_time(now + retry_delay(mail.attempts)), message, mail.id),
        )
    return state


def mark_failed(store, mail: MailRow, error: str) -> None:
    """A permanent refusal: failed, with the server's message; never tried again."""
    with store._write() as connection:
        connection.execute(
            "UPDATE reply_mails SET state = ?, last_error = ? WHERE id = ?",
            (FAILED, error, mail.id),
        )


def request_mails(store, request_id: int) -> list[MailRow]:
    """The messages of one request, oldest first (the request detail)."""
    with store._read() as connection:
        rows = connection.execute(
            f"SELECT {_COLUMNS} FROM reply_mails WHERE request_id = ? ORDER BY id",
            (request_id,),
        ).fetchall()
    return [_row(row) for row in rows]


def outbox_counts(store) -> dict[str, int]:
    """How many messages are in each state."""
    with store._read() as connection:
        return dict(
            connection.execute("SELECT state, count(*) FROM reply_mails GROUP BY state").fetchall()
        )


def outbox_rows(store, *, include_sent: bool = False) -> list[tuple[str, MailRow]]:
    """(reference, message) of the outbox not sent (or every one), latest first."""
    where = "" if include_sent else " WHERE m.state != 'sent'"
    columns = ", ".join(f"m.{column.strip()}" for column in _COLUMNS.split(","))
    with store._read() as connection:
        rows = connection.execute(
            f"SELECT r.reference, {columns} FROM reply_mails m"
            f" JOIN requests r ON r.id = m.request_id{where} ORDER BY m.id DESC"
        ).fetchall()
    return [(row[0], _row(row[1:])) for row in rows]
