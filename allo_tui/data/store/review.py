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

_CLOSED = "('done', 'closed', 'rejected', 'duplicate', 'cancelled', 'transferred')"
_OPEN = "('new', 'acknowledged', 'assigned', 'in_progress', 'planned', 'waiting')"
_FIRST_DONE = (
    "(SELECT MIN(e.at) FROM events e WHERE e.request_id = r.id AND e.kind = 'status'"
    " AND e.new_value = 'done')"
)
# Every request that counts on a day of the period: made, acknowledgement or intervention due,
# closed, or first done that day.
_REQUESTS = (
    "SELECT r.created_at, r.urgency, r.status, r.ack_due_at, r.acknowledged_at,"
    f" r.intervention_due_at, {_FIRST_DONE}, r.closed_at,"
    " CASE WHEN r.caller_id IS NULL OR c.contact_preference = 'none' THEN 1 ELSE 0 END,"
    " k.label, COALESCE(s.name, ''), r.channel, r.neighbourhood, r.street,"
    " CASE WHEN r.duplicate_of_id IS NULL THEN 0 ELSE 1 END"
    " FROM requests r LEFT JOIN callers c ON c.id = r.caller_id"
    " JOIN categories k ON k.id = r.category_id"
    " LEFT JOIN services s ON s.id = r.service_id"
    " WHERE (r.created_at >= ? AND r.created_at < ?)"
    " OR (r.ack_due_at >= ? AND r.ack_due_at < ?)"
    " OR (r.intervention_due_at >= ? AND r.intervention_due_at < ?)"
    " OR (r.closed_at >= ? AND r.closed_at < ?)"
    " OR r.id IN (SELECT d.request_id FROM events d WHERE d.kind = 'status'"
    "  AND d.new_value = 'done' AND d.at >= ? AND d.at < ?)"
)
_CALLS = (
    "SELECT started_at, COALESCE(outcome, ''), request_id IS NOT NULL FROM calls"
    " WHERE started_at >= ? AND started_at < ?"
)
# Send-backs (the service left, in `old_value`) and reopenings, with the request's category.
_EVENTS = (
    "SELECT e.at, CASE WHEN e.kind = 'assignment' THEN 'sent_back' ELSE 'reopened' END,"
    " k.label, e.old_value"
    " FROM events e JOIN requests r ON r.id = e.request_id"
    " JOIN categories k ON k.id = r.category_id"
    " WHERE e.at >= ? AND e.at < ? AND ("
    "  (e.kind = 'assignment' AND e.new_value = '' AND e.note LIKE ?)"
    f"  OR (e.kind = 'status' AND e.old_value IN {_CLOSED} AND e.new_value IN {_OPEN}))"
)
# The requests made before ? that may have been open then (open now, done, or ended after).
_MAYBE_OPEN = (
    f"SELECT r.created_at, r.status, r.closed_at, {_FIRST_DONE} FROM requests r"
    " WHERE r.created_at < ? AND (r.closed_at IS NULL OR r.closed_at >= ?)"
)


class ReviewStore(StoreCore):
    """The review's reads, for `Store`."""

    def review(self, period: Period, now: datetime | None = None) -> ReviewFigures:
        """Every figure of `period` (see `allo_tui.domain.review` for the definitions)."""
        from allo_tui.data.store.request_actions import SENT_BACK_NOTE
        from allo_tui.domain.review import (
            DEFAULT_VOLUME_ESTIMATE,
            ReviewCall,
            ReviewEvent,
            ReviewRequest,
            backlog_ages,
            review_figures,
        )
        from allo_tui.domain.review_days import day_figures

        now = now or self.now()
        calendar = self.calendar()
        start, end = period.bounds(calendar)
        at = min(now, end)
        span = (db_time(start), db_time(end))
        with self._read() as connection:
            rows = connection.execute(_REQUESTS, span * 5).fetchall()
            calls = connection.execute(_CALLS, span).fetchall()
            events = connection.execute(_EVENTS, (*span, SENT_BACK_NOTE + "%")).fetchall()
            before = connection.execute(_MAYBE_OPEN, (db_time(start),) * 2).fetchall()
            if at > start:
                until = connection.execute(_MAYBE_OPEN, (db_time(at),) * 2).fetchall()
            else:
                until = []
            stored = setting(connection, "review")
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
                category=row[9],
                service=row[10],
                channel=row[11],
                neighbourhood=row[12] or "",
                street=row[13] or "",
                duplicate=bool(row[14]),
            )
            for row in rows
        ]
        days = day_figures(
            calendar,
            period.first,
            period.last,
            now,
            requests,
            (ReviewCall(utc_time(row[0]), row[1], bool(row[2])) for row in calls),
            (ReviewEvent(utc_time(row[0]), row[1], row[2], row[3]) for row in events),
        )
        return review_figures(
            period,
            days,
            open_at_start=sum(1 for r in _states(before) if r.open_at(start)),
            ages=backlog_ages((r.created_at for r in _states(until) if r.open_at(at)), at),
            volume_estimate=estimate,
        )


def _states(rows) -> list:
    """`_MAYBE_OPEN` rows as requests that know when they ended."""
    from allo_tui.domain.review_days import ReviewRequest

    return [
        ReviewRequest(
            created_at=utc_time(row[0]),
            urgency=0,
            status=row[1],
            ack_due_at=None,
            acknowledged_at=None,
            intervention_due_at=None,
            done_at=utc_time(row[3]),
            closed_at=utc_time(row[2]),
            anonymous=False,
        )
        for row in rows
    ]
