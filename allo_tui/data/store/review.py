"""The review ("bilan"): the rows its figures are computed from (`allo_tui.domain.review`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from allo_tui.data.rows import db_time, utc_time
from allo_tui.data.rows.catalogue import setting
from allo_tui.data.store.core import StoreCore

if TYPE_CHECKING:  # loaded with the first review, not at the console's start-up
    from allo_tui.domain.review import Period, ReviewFigures

_REQUESTS = (
    "SELECT r.created_at, r.urgency, r.status, r.ack_due_at, r.acknowledged_at,"
    " r.intervention_due_at,"
    " (SELECT MIN(e.at) FROM events e WHERE e.request_id = r.id AND e.kind = 'status'"
    "  AND e.new_value = 'done'),"
    " r.closed_at,"
    " CASE WHEN r.caller_id IS NULL OR c.contact_preference = 'none' THEN 1 ELSE 0 END"
    " FROM requests r LEFT JOIN callers c ON c.id = r.caller_id"
    " WHERE (r.ack_due_at >= ? AND r.ack_due_at < ?)"
    " OR (r.intervention_due_at >= ? AND r.intervention_due_at < ?)"
    " OR (r.created_at >= ? AND r.created_at < ?)"
    " OR (r.created_at < ? AND (r.closed_at IS NULL OR r.closed_at >= ?))"
)

_MADE = " WHERE r.created_at >= ? AND r.created_at < ?"
_BY_CATEGORY = (
    "SELECT c.label, COUNT(*) FROM requests r JOIN categories c ON c.id = r.category_id"
    + _MADE
    + " GROUP BY c.label"
)
_BY_SERVICE = (
    "SELECT COALESCE(s.name, '(aucun)'), COUNT(*) FROM requests r"
    " LEFT JOIN services s ON s.id = r.service_id" + _MADE + " GROUP BY COALESCE(s.name, '(aucun)')"
)
_BY_CHANNEL = "SELECT r.channel, COUNT(*) FROM requests r" + _MADE + " GROUP BY r.channel"


class ReviewStore(StoreCore):
    """The review's reads, for `Store`."""

    def review(self, period: Period, now: datetime | None = None) -> ReviewFigures:
        """Every figure of `period` (see `allo_tui.domain.review` for the definitions)."""
        from allo_tui.domain.review import (
            DEFAULT_VOLUME_ESTIMATE,
            ReviewRequest,
            review_figures,
            with_counts,
        )

        now = now or self.now()
        calendar = self.calendar()
        start, end = period.bounds(calendar)
        low, high = db_time(start), db_time(end)
        with self._read() as connection:
            rows = connection.execute(
                _REQUESTS, (low, high, low, high, low, high, high, high)
            ).fetchall()
            calls = connection.execute(
                "SELECT started_at FROM calls WHERE started_at >= ? AND started_at < ?",
                (low, high),
            ).fetchall()
            stored = setting(connection, "review")
            grouped = [
                dict(connection.execute(sql, (low, high)).fetchall())
                for sql in (_BY_CATEGORY, _BY_SERVICE, _BY_CHANNEL)
            ]
        estimate = DEFAULT_VOLUME_ESTIMATE
        if stored:
            try:
                estimate = int(json.loads(stored).get("estimate", estimate))
            except (ValueError, TypeError, AttributeError):
                pass
        requests = [
            ReviewRequest(
                created_at=utc_time(row[0]),
                urgency=int(row[1]),
                status=row[2],
                ack_due_at=utc_time(row[3]),
                acknowledged_at=utc_time(row[4]),
                intervention_due_at=utc_time(row[5]),
                done_at=utc_time(row[6]),
                closed_at=utc_time(row[7]),
                anonymous=bool(row[8]),
            )
            for row in rows
        ]
        starts = [utc_time(row[0]) for row in calls]
        figures = review_figures(period, calendar, requests, starts, now, estimate)
        return with_counts(figures, *grouped)
