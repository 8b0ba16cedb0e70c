"""The runner a build uses: every generating step on one connection."""

from __future__ import annotations

from allo_tui.demo.callers import _CallerSteps
from allo_tui.demo.constants import _CHUNK
from allo_tui.demo.requests import _RequestSteps
from allo_tui.demo.statements import _ranges


class _Runner(_CallerSteps, _RequestSteps):
    """Runs the generating statements on one connection (the target's or the scratch's)."""

    # -- full-text search (second process) --------------------------------------------------------

    def fill_search(self, table: str, source: str) -> None:
        """Index every row of `source` (callers, caller_phones or demo_rq) with the INSERT of
        the migration's own trigger."""
        if source == "demo_rq":
            rows = f"({self._request_text('r.id BETWEEN ? AND ?')})"
        else:
            rows = f"(SELECT * FROM {source} WHERE id BETWEEN ? AND ?)"
        sql = self.plan.schema.search_fills[table].format(source=rows)
        high_id = self.execute(f"SELECT coalesce(max(id), 0) FROM {source}").fetchone()[0]
        for low, high in _ranges(1, high_id, _CHUNK):
            self.execute(sql, (low, high))
            rows = self.R if table == "request_search" else self.C
            self._tick(table, (high - low + 1) * rows / max(1, high_id))
