"""Drafts: the new-request form saved as it is typed, heartbeats, orphans and claims."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select, text, update

from allo_tui.data.models import Draft
from allo_tui.data.store.common import (
    _db_time,
    _draft,
)
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.records import (
    DraftRecord,
    OperatorRecord,
)


class DraftStore(StoreCore):
    """Drafts, for `Store`."""

    def save_draft(self, operator: OperatorRecord, console: str, fields: dict) -> None:
        """Keep the form as typed (one draft per operator and console); also a heartbeat."""
        now = self.now()
        payload = json.dumps(fields, ensure_ascii=False)
        with self._write() as session:
            session.execute(
                text(
                    "INSERT INTO drafts (operator_id, console, fields, created_at, updated_at, heartbeat_at) "
                    "VALUES (:operator, :console, :fields, :now, :now, :now) "
                    "ON CONFLICT (operator_id, console) DO UPDATE SET fields = excluded.fields, "
                    "updated_at = excluded.updated_at, heartbeat_at = excluded.heartbeat_at"
                ),
                {
                    "operator": operator.id,
                    "console": console,
                    "fields": payload,
                    "now": _db_time(now),
                },
            )

    def heartbeat(self, operator: OperatorRecord, console: str) -> None:
        """Say this console is alive, so its draft is not offered elsewhere."""
        with self._write() as session:
            session.execute(
                update(Draft)
                .where(Draft.operator_id == operator.id, Draft.console == console)
                .values(heartbeat_at=self.now())
            )

    def orphan_drafts(
        self, operator: OperatorRecord, *, stale_after: timedelta = timedelta(seconds=30)
    ) -> list[DraftRecord]:
        """This operator's drafts whose console stopped beating: candidates to restore."""
        limit = self.now() - stale_after
        with self._read() as session:
            rows = session.scalars(
                select(Draft)
                .where(Draft.operator_id == operator.id, Draft.heartbeat_at < limit)
                .order_by(Draft.updated_at.desc())
            )
            return [_draft(row) for row in rows]

    def operator_drafts(self, operator: OperatorRecord) -> list[DraftRecord]:
        """Every draft of this operator, on any console, newest first."""
        with self._read() as session:
            rows = session.scalars(
                select(Draft)
                .where(Draft.operator_id == operator.id)
                .order_by(Draft.updated_at.desc(), Draft.id.desc())
            )
            return [_draft(row) for row in rows]

    def load_draft(self, operator: OperatorRecord, console: str) -> DraftRecord | None:
        with self._read() as session:
            row = session.scalar(
                select(Draft).where(Draft.operator_id == operator.id, Draft.console == console)
            )
            return _draft(row) if row else None

    def discard_draft(self, operator: OperatorRecord, console: str) -> None:
        with self._write() as session:
            session.query(Draft).filter(
                Draft.operator_id == operator.id, Draft.console == console
            ).delete()

    def claim_draft(
        self, operator: OperatorRecord, draft_id: int, console: str
    ) -> DraftRecord | None:
        """Take over an orphan draft for this console (deleting the old console's row)."""
        with self._write() as session:
            row = session.get(Draft, draft_id)
            if row is None or row.operator_id != operator.id:
                return None
            record = _draft(row)
            session.delete(row)
        return replace(record, console=console)
