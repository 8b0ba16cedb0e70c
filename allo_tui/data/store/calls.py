"""Calls: logging a call and listing them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from allo_tui.data.models import (
    Call,
    Event,
    Request,
)
from allo_tui.data.store.common import _call
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.errors import NotFoundError
from allo_tui.domain.records import (
    CallInfo,
    CallOutcome,
    CallRecord,
    EventKind,
    OperatorRecord,
)


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
    ) -> CallRecord:
        """Record a call that created no request (or a follow-up note on one)."""
        now = self.now()
        outcome = CallOutcome(outcome)
        with self._write() as session:
            row = Call(
                started_at=call.started_at,
                ended_at=now,
                operator_id=operator.id,
                console=call.console,
                phone=call.phone,
                caller_id=caller_id,
                request_id=request_id,
                outcome=outcome.value,
            )
            session.add(row)
            if request_id is not None and outcome is CallOutcome.FOLLOW_UP:
                if session.get(Request, request_id) is None:
                    raise NotFoundError(f"demande n° {request_id} introuvable")
                session.add(
                    Event(
                        request_id=request_id,
                        at=now,
                        operator_id=operator.id,
                        kind=EventKind.NOTE.value,
                        note=note.strip() or "rappel du demandeur",
                    )
                )
            session.flush()
            return _call(row, operator.login)

    def calls(self, *, since: datetime | None = None, limit: int = 200) -> list[CallRecord]:
        """The call log, newest first."""
        query = select(Call).order_by(Call.started_at.desc()).limit(limit)
        if since is not None:
            query = query.where(Call.started_at >= since)
        with self._read() as session:
            return [_call(row, row.operator.login) for row in session.scalars(query)]
