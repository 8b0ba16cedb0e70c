"""Drafts: the new-request form saved as it is typed, heartbeats, orphans and claims."""

from __future__ import annotations

import json
from datetime import timedelta

from msgspec.structs import replace

from allo_tui.data.rows import DRAFT_COLUMNS, db_time, draft_record
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.records import (
    DraftRecord,
    OperatorRecord,
)


class DraftStore(StoreCore):
    """Drafts, for `Store`."""

    def save_draft(self, operator: OperatorRecord, console: str, fields: dict) -> None:
        """Keep the form as typed (one draft per operator and console); also a heartbeat."""
        now = db_time(self.now())
        payload = json.dumps(fields, ensure_ascii=False)
        with self._write() as connection:
            connection.execute(
                "INSERT INTO drafts (operator_id, console, fields, created_at, updated_at,"
                " heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (operator_id, console) DO UPDATE SET fields = excluded.fields,"
                " updated_at = excluded.updated_at, heartbeat_at = excluded.heartbeat_at",
                (operator.id, console, payload, now, now, now),
            )

    def heartbeat(self, operator: OperatorRecord, console: str) -> None:
        """Say this console is alive, so its draft is not offered elsewhere."""
        with self._write() as connection:
            connection.execute(
                "UPDATE drafts SET heartbeat_at = ? WHERE operator_id = ? AND console = ?",
                (db_time(self.now()), operator.id, console),
            )

    def orphan_drafts(
        self, operator: OperatorRecord, *, stale_after: timedelta = timedelta(seconds=30)
    ) -> list[DraftRecord]:
        """This operator's drafts whose console stopped beating: candidates to restore."""
        limit = db_time(self.now() - stale_after)
        with self._read() as connection:
            rows = connection.execute(
                f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE operator_id = ? AND heartbeat_at < ?"
                " ORDER BY updated_at DESC",
                (operator.id, limit),
            )
            return [draft_record(row) for row in rows]

    def operator_drafts(self, operator: OperatorRecord) -> list[DraftRecord]:
        """Every draft of this operator, on any console, newest first."""
        with self._read() as connection:
            rows = connection.execute(
                f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE operator_id = ?"
                " ORDER BY updated_at DESC, id DESC",
                (operator.id,),
            )
            return [draft_record(row) for row in rows]

    def load_draft(self, operator: OperatorRecord, console: str) -> DraftRecord | None:
        with self._read() as connection:
            row = connection.execute(
                f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE operator_id = ? AND console = ?",
                (operator.id, console),
            ).fetchone()
        return draft_record(row) if row else None

    def discard_draft(self, operator: OperatorRecord, console: str) -> None:
        with self._write() as connection:
            connection.execute(
                "DELETE FROM drafts WHERE operator_id = ? AND console = ?", (operator.id, console)
            )

    def claim_draft(
        self, operator: OperatorRecord, draft_id: int, console: str
    ) -> DraftRecord | None:
        """Take over an orphan draft for this console (deleting the old console's row)."""
        with self._write() as connection:
            row = connection.execute(
                f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = ?", (draft_id,)
            ).fetchone()
            if row is None or row[1] != operator.id:
                return None
            connection.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
        return replace(draft_record(row), console=console)
