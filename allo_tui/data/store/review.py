"""The review ("bilan"): the rows its figures are computed from (`allo_tui.domain.review`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from allo_tui.data.rows import REVIEW_EVENT_SQL, db_time, utc_time
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
# closed, or first done that day. The ids are a UNION of index ranges: as one WHERE of ORs,
# the subquery on events kept PostgreSQL from combining the indexes, and it read all the
# requests (1.6 s at five million).
_REQUESTS = (
    "WITH counted(id) AS ("
    "SELECT id FROM requests WHERE created_at >= ? AND created_at < ?"
    " UNION SELECT id FROM requests WHERE ack_due_at >= ? AND ack_due_at < ?"
    " UNION SELECT id FROM requests WHERE intervention_due_at >= ? AND intervention_due_at < ?"
    " UNION SELECT id FROM requests WHERE closed_at >= ? AND closed_at < ?"
    " UNION SELECT d.request_id FROM events d WHERE d.kind = 'status'"
    f"  AND d.{REVIEW_EVENT_SQL} AND d.new_value = 'done' AND d.at >= ? AND d.at < ?"
    ") SELECT r.created_at, r.urgency, r.status, r.ack_due_at, r.acknowledged_at,"
    f" r.intervention_due_at, {_FIRST_DONE}, r.closed_at,"
    " CASE WHEN r.caller_id IS NULL OR c.contact_preference = 'none' THEN 1 ELSE 0 END,"
    " k.label, COALESCE(s.name, ''), r.channel, r.neighbourhood, r.street,"
    " CASE WHEN r.duplicate_of_id IS NULL THEN 0 ELSE 1 END"
    " FROM counted JOIN requests r ON r.id = counted.id"
    " LEFT JOIN callers c ON c.id = r.caller_id"
    " JOIN categories k ON k.id = r.category_id"
    " LEFT JOIN services s ON s.id = r.service_id"
)
_CALLS = (
    "SELECT started_at, COALESCE(outcome, ''), request_id IS NOT NULL FROM calls"
    " WHERE started_at >= ? AND started_at < ?"
)
# Send-backs (the service left, in `old_value`) and reopenings, with the request's category.
# (`REVIEW_EVENT_SQL` is written out so that the planners see the partial index applies.)
_EVENTS = (
    "SELECT e.at, CASE WHEN e.kind = 'assignment' THEN 'sent_back' ELSE 'reopened' END,"
    " k.label, e.old_value"
    " FROM events e JOIN requests r ON r.id = e.request_id"
    " JOIN categories k ON k.id = r.category_id"
    f" WHERE e.at >= ? AND e.at < ? AND e.{REVIEW_EVENT_SQL} AND ("
    "  (e.kind = 'assignment' AND e.new_value = '' AND e.note LIKE ?)"
    f"  OR (e.kind = 'status' AND e.old_value IN {_CLOSED} AND e.new_value IN {_OPEN}))"
)
# The requests made before ? that may have been open then (open now, done, or ended after).
_MAYBE_OPEN = (
    f"SELECT r.created_at, r.status, r.closed_at, {_FIRST_DONE} FROM requests r"
    " WHERE r.created_at < ? AND (r.closed_at IS NULL OR r.closed_at >= ?)"
)


_KEEP = (
    "INSERT INTO review_days (day, made, ended, figures) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (day) DO UPDATE SET made = excluded.made, ended = excluded.ended,"
    " figures = excluded.figures"
)
_SET_META = (
    "INSERT INTO review_meta (key, value) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
RUN_DAYS = 31
"""Days counted by one set of statements (a month of rows at a time)."""
REVIEW_LOCK = 2027
"""PostgreSQL advisory lock taken while the kept days are brought up to date."""

Progress = Callable[[int, int], None]
"""Told (days counted, days to count) while the kept figures are brought up to date."""


class ReviewStore(StoreCore):
    """The review's reads, for `Store`.

    The figures of each local day before today are kept in `review_days`; the days whose rows
    changed since (listed by triggers in `review_dirty`) and the days that ended since the last
    review are counted again first. Today and the days after are always counted from the
    rows. A store that may not write (a read-only file) counts the whole period from the rows.
    """

    def review(self, period: Period, now: datetime | None = None) -> ReviewFigures:
        """Every figure of `period` (see `allo_tui.domain.review` for the definitions)."""
        from allo_tui.data.errors import DatabaseUnavailableError

        now = now or self.now()
        calendar = self.calendar()
        today = calendar.to_local(now).date()
        try:
            self.bring_review_up_to_date(today)
        except DatabaseUnavailableError as error:
            if error.kind != "read_only":
                raise
            return self.review_from_rows(period, now)
        return self._review_kept(period, now, today)

    def rebuild_review(self, progress: Progress | None = None) -> int:
        """Count every day's figures again from the rows (`allo report --rebuild`); returns
        the number of days counted."""
        today = self.calendar().to_local(self.now()).date()
        return self.bring_review_up_to_date(today, everything=True, progress=progress)

    def review_counts_everything(self) -> bool:
        """True when the next review must count every day from the rows (never counted, a new
        calendar, a renamed category or service): minutes on a big database."""
        with self._read() as connection:
            meta = dict(connection.execute("SELECT key, value FROM review_meta").fetchall())
            everything = connection.execute(
                "SELECT 1 FROM review_dirty WHERE day = '*' LIMIT 1"
            ).fetchone()
        return (
            everything is not None
            or "built_through" not in meta
            or meta.get("calendar") != _fingerprint(self.calendar())
        )

    def bring_review_up_to_date(
        self, today: date, *, everything: bool = False, progress: Progress | None = None
    ) -> int:
        """Count the kept days that need it (see the class); returns how many were counted.

        Each run of days is counted and kept in a write transaction of its own, so that a
        console saving meanwhile never waits more than one run (a month of rows). A change
        made meanwhile lists its day again: the next review counts it.
        """
        calendar = self.calendar()
        fingerprint = _fingerprint(calendar)
        last = today - timedelta(days=1)
        with self._read() as connection:
            meta = dict(connection.execute("SELECT key, value FROM review_meta").fetchall())
            dirty = connection.execute("SELECT id, day FROM review_dirty").fetchall()
            built = meta.get("built_through")
            everything = (
                everything
                or built is None
                or meta.get("calendar") != fingerprint
                or any(day == "*" for _id, day in dirty)
            )
            first = _first_day(connection, calendar) if everything else None
        if not everything and not dirty and built == last.isoformat():
            return 0
        if everything:
            days = set(_days_between(first, last)) if first is not None else set()
            with self._write() as connection:  # no review trusts the kept days until the end
                connection.execute("DELETE FROM review_meta WHERE key = 'built_through'")
        else:
            kept_through = date.fromisoformat(built)
            days = set()
            for _id, day in dirty:
                days.update(_local_days_of_utc_day(calendar, date.fromisoformat(day)))
            days = {d for d in days if d <= min(kept_through, last)}
            days.update(_days_between(kept_through + timedelta(days=1), last))
        counted = 0
        # Every day kept is over: whatever was due then and is still pending is late.
        midnight = datetime.combine(today, time(0), tzinfo=calendar.zone).astimezone(UTC)
        for first_day, last_day in _runs(sorted(days)):
            with self._write() as connection:
                if self.is_server:
                    connection.execute("SELECT pg_advisory_xact_lock(?)", (REVIEW_LOCK,))
                self._keep(connection, calendar, first_day, last_day, midnight)
            counted += (last_day - first_day).days + 1
            if progress is not None:
                progress(counted, len(days))
        with self._write() as connection:
            if everything:
                if first is None:
                    connection.execute("DELETE FROM review_days")
                else:
                    connection.execute(
                        "DELETE FROM review_days WHERE day < ? OR day > ?",
                        (first.isoformat(), last.isoformat()),
                    )
            ids = [row[0] for row in dirty]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                connection.execute(
                    f"DELETE FROM review_dirty WHERE id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
            connection.executemany(
                _SET_META, [("built_through", last.isoformat()), ("calendar", fingerprint)]
            )
        return counted

    def _keep(self, connection, calendar, first_day: date, last_day: date, now) -> None:
        """Count the days `first_day`..`last_day` and keep them (a day with nothing is
        removed)."""
        figures = self._count(connection, calendar, first_day, last_day, now)
        rows = []
        for day in _days_between(first_day, last_day):
            day_figures = figures.get(day)
            if day_figures is None or day_figures.empty:
                connection.execute("DELETE FROM review_days WHERE day = ?", (day.isoformat(),))
                continue
            rows.append(
                (
                    day.isoformat(),
                    day_figures.count("made"),
                    day_figures.count("ended"),
                    json.dumps(day_figures.as_json(), separators=(",", ":")),
                )
            )
        if rows:
            connection.executemany(_KEEP, rows)

    def _count(self, connection, calendar, first: date, last: date, now: datetime):
        """The figures of the local days `first`..`last`, counted from the rows."""
        from allo_tui.data.store.request_actions import SENT_BACK_NOTE
        from allo_tui.domain.review_days import ReviewCall, ReviewEvent, day_figures

        start = datetime.combine(first, time(0), tzinfo=calendar.zone).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=calendar.zone)
        span = (db_time(start), db_time(end.astimezone(UTC)))
        requests = _requests(connection.execute(_REQUESTS, span * 5).fetchall())
        calls = connection.execute(_CALLS, span).fetchall()
        events = connection.execute(_EVENTS, (*span, SENT_BACK_NOTE + "%")).fetchall()
        return day_figures(
            calendar,
            first,
            last,
            now,
            requests,
            (ReviewCall(utc_time(row[0]), row[1], bool(row[2])) for row in calls),
            (ReviewEvent(utc_time(row[0]), row[1], row[2], row[3]) for row in events),
        )

    def _review_kept(self, period: Period, now: datetime, today: date) -> ReviewFigures:
        from allo_tui.domain.review import backlog_ages, review_figures
        from allo_tui.domain.review_days import DayFigures

        calendar = self.calendar()
        start, end = period.bounds(calendar)
        at = min(now, end)
        kept_last = min(period.last, today - timedelta(days=1))
        with self._read() as connection:
            days: dict[date, DayFigures] = {}
            if period.first <= kept_last:
                for day, figures in connection.execute(
                    "SELECT day, figures FROM review_days WHERE day >= ? AND day <= ?",
                    (period.first.isoformat(), kept_last.isoformat()),
                ):
                    days[date.fromisoformat(day)] = DayFigures.from_json(json.loads(figures))
            if period.last >= today:
                days.update(
                    self._count(connection, calendar, max(period.first, today), period.last, now)
                )
            before = min(period.first, today)
            open_at_start = connection.execute(
                "SELECT COALESCE(SUM(made - ended), 0) FROM review_days WHERE day < ?",
                (before.isoformat(),),
            ).fetchone()[0]
            if period.first > today:
                current = self._count(connection, calendar, today, today, now).get(today)
                if current is not None:
                    open_at_start += current.count("made") - current.count("ended")
            recent = _states(
                connection.execute(
                    _RECENT, (db_time(at - BACKLOG_RECENT), db_time(at), db_time(at))
                ).fetchall()
            )
            estimate = _estimate(connection)
        open_at_end = int(open_at_start) + sum(
            figures.count("made") - figures.count("ended")
            for day, figures in days.items()
            if day <= calendar.to_local(at - timedelta(microseconds=1)).date()
        )
        ages = backlog_ages((r.created_at for r in recent if r.open_at(at)), at)
        ages["> 10 j"] = open_at_end - sum(ages.values())
        return review_figures(
            period, days, open_at_start=int(open_at_start), ages=ages, volume_estimate=estimate
        )

    def review_from_rows(self, period: Period, now: datetime | None = None) -> ReviewFigures:
        """Every figure of `period` counted from the rows alone (nothing kept is read): what
        a store that may not write shows, and what the kept figures must always equal."""
        from allo_tui.domain.review import backlog_ages, review_figures

        now = now or self.now()
        calendar = self.calendar()
        start, end = period.bounds(calendar)
        at = min(now, end)
        with self._read() as connection:
            days = self._count(connection, calendar, period.first, period.last, now)
            before = connection.execute(_MAYBE_OPEN, (db_time(start),) * 2).fetchall()
            until = (
                connection.execute(_MAYBE_OPEN, (db_time(at),) * 2).fetchall() if at > start else []
            )
            estimate = _estimate(connection)
        return review_figures(
            period,
            days,
            open_at_start=sum(1 for r in _states(before) if r.open_at(start)),
            ages=backlog_ages((r.created_at for r in _states(until) if r.open_at(at)), at),
            volume_estimate=estimate,
        )


BACKLOG_RECENT = timedelta(days=10)
"""The ages told apart in the backlog (older ones are the rest of the open requests)."""
_RECENT = (
    f"SELECT r.created_at, r.status, r.closed_at, {_FIRST_DONE} FROM requests r"
    " WHERE r.created_at >= ? AND r.created_at < ? AND (r.closed_at IS NULL OR r.closed_at >= ?)"
)


def _estimate(connection) -> int:
    from allo_tui.domain.review import DEFAULT_VOLUME_ESTIMATE

    stored = setting(connection, "yearly_volume")
    try:
        return int(json.loads(stored)) if stored else DEFAULT_VOLUME_ESTIMATE
    except (ValueError, TypeError):
        return DEFAULT_VOLUME_ESTIMATE


def _requests(rows) -> list:
    from allo_tui.domain.review_days import ReviewRequest

    return [
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


def _fingerprint(calendar) -> str:
    """What of the calendar the kept figures depend on: the timezone (days) and the opening
    hours and closures (calls outside opening hours)."""
    data = calendar.to_dict()
    kept = {key: data[key] for key in ("timezone", "opening_hours", "closure_days")}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()[:16]


def _first_day(connection, calendar) -> date | None:
    firsts = [
        connection.execute("SELECT MIN(created_at) FROM requests").fetchone()[0],
        connection.execute("SELECT MIN(started_at) FROM calls").fetchone()[0],
    ]
    times = [utc_time(value) for value in firsts if value is not None]
    return calendar.to_local(min(times)).date() if times else None


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _local_days_of_utc_day(calendar, day: date) -> set[date]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    end = start + timedelta(days=1) - timedelta(microseconds=1)
    return {calendar.to_local(start).date(), calendar.to_local(end).date()}


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days, each of at most `RUN_DAYS`."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day == runs[-1][1] + timedelta(days=1) and (day - runs[-1][0]).days < RUN_DAYS:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
