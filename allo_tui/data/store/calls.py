"""Calls: logging a call and listing them."""

from __future__ import annotations

from datetime import datetime

from allo_tui.data.rows import CALL_SELECT, call_record, db_time, stored_time
from allo_tui.data.store.core import StoreCore
from allo_tui.data.store.writes import _add_event, _exists
from allo_tui.domain.errors import NotFoundError, ValidationError
from allo_tui.domain.records import (
    CallInfo,
    CallOutcome,
    CallRecord,
    EventKind,
    OperatorRecord,
)

CALL_TEXTS = {
    "orientation_needs_entry": (
        "Un appel orienté ailleurs nomme l'organisme de l'annuaire, et lui seul."
    ),
    "entry_gone": "Cet organisme n'est plus dans l'annuaire : choisissez-en un autre.",
}
"""French messages of the call log."""


class CallStore(StoreCore):
    """Calls, for `Store`."""

    def log_call(
        self,
        operator: OperatorRecord,
        call: CallInfo,
        outcome: CallOutcome,
        *,
        caller_id: int | None = None,
        request_id: int | None = None,
        note: str = "",
        directory_id: int | None = None,
    ) -> CallRecord:
        """Record a call that created no request (or a follow-up note on one). An `oriented`
        call names the active entry of the orientation directory it was sent to
        (`directory_id`); no other outcome takes one."""
        now = db_time(self.now())
        outcome = CallOutcome(outcome)
        follow_up = request_id is not None and outcome is CallOutcome.FOLLOW_UP
        if (outcome is CallOutcome.ORIENTED) != (directory_id is not None):
            raise ValidationError("directory", CALL_TEXTS["orientation_needs_entry"])
        with self._write() as connection:
            # Checked before the call is inserted, whose foreign key would refuse it first.
            if follow_up and _exists(connection, "requests", request_id) is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            if directory_id is not None:
                entry = connection.execute(
                    "SELECT active FROM directory WHERE id = ?", (directory_id,)
                ).fetchone()
                if entry is None or not entry[0]:
                    raise ValidationError("directory", CALL_TEXTS["entry_gone"])
            (call_id,) = connection.execute(
                "INSERT INTO calls (started_at, ended_at, operator_id, console, phone, caller_id,"
                " request_id, outcome, directory_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                (
                    stored_time(call.started_at),
                    now,
                    operator.id,
                    call.console,
                    call.phone,
                    caller_id,
                    request_id,
                    outcome.value,
                    directory_id,
                ),
            ).fetchone()
            if follow_up:
                _add_event(
                    connection,
                    request_id,
                    now,
                    operator.id,
                    EventKind.NOTE,
                    note=note.strip() or "rappel du demandeur",
                )
            row = connection.execute(CALL_SELECT + "WHERE calls.id = ?", (call_id,)).fetchone()
        return call_record(row)

    def calls(self, *, since: datetime | None = None, limit: int = 200) -> list[CallRecord]:
        """The call log, newest first."""
        where, params = ("WHERE calls.started_at >= ? ", [db_time(since)]) if since else ("", [])
        with self._read() as connection:
            rows = connection.execute(
                CALL_SELECT + where + "ORDER BY calls.started_at DESC LIMIT ?", (*params, limit)
            )
            return [call_record(row) for row in rows]
