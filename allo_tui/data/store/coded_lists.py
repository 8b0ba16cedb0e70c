"""The coded lists services and supervisors choose from: outcomes of a request done and
reasons to reject one (tables `outcomes` and `rejection_reasons`, migration 0010).

A request keeps the code; its label is read with the request (`allo_tui.data.rows`), so a
label may be reworded later. Only active entries are offered and accepted for a new action.
"""

from __future__ import annotations

from allo_tui.data.backend import Connection
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.records import CodedItem

__all__ = ["OUTCOMES", "REJECTION_REASONS", "CodedItem", "CodedListStore", "active_label"]

OUTCOMES = "outcomes"
REJECTION_REASONS = "rejection_reasons"
_TABLES = (OUTCOMES, REJECTION_REASONS)


def coded_items(connection: Connection, table: str) -> list[CodedItem]:
    """The active entries of a coded list (`OUTCOMES` or `REJECTION_REASONS`), in order."""
    if table not in _TABLES:
        raise ValueError(f"not a coded list: {table!r}")
    rows = connection.execute(f"SELECT code, label FROM {table} WHERE active ORDER BY position, id")
    return [CodedItem(code, label) for code, label in rows]


def active_label(connection: Connection, table: str, code: str) -> str | None:
    """The label of the active entry `code` of a coded list; None when there is none."""
    if table not in _TABLES:
        raise ValueError(f"not a coded list: {table!r}")
    row = connection.execute(
        f"SELECT label FROM {table} WHERE code = ? AND active", (code,)
    ).fetchone()
    return row[0] if row else None


class CodedListStore(StoreCore):
    """The coded lists, for `Store`."""

    def outcomes(self) -> list[CodedItem]:
        """The outcomes a request may be marked done with (active ones, in order)."""
        with self._read() as connection:
            return coded_items(connection, OUTCOMES)

    def rejection_reasons(self) -> list[CodedItem]:
        """The reasons a request may be rejected for (active ones, in order)."""
        with self._read() as connection:
            return coded_items(connection, REJECTION_REASONS)
