"""The board: open interventions, open counts, the wall board's snapshot and the
new-request watch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from allo_tui.data.rows import (
    OPEN_STATUS_SQL,
    REQUEST_COLUMNS,
    REQUEST_JOINS,
    REQUEST_SELECT,
    batched,
    db_time,
    marks,
    request_record,
    utc_time,
)
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.records import (
    BoardCounts,
    BoardSnapshot,
    RequestRecord,
)


class BoardStore(StoreCore):
    """The board, for `Store`."""

    def open_interventions(
        self,
        *,
        limit: int | None = 500,
        services: Sequence[int] = (),
        urgency: int | None = None,
    ) -> list[RequestRecord]:
        """Open requests by urgency, then due time (latest-due last)."""
        where, params = ["r." + OPEN_STATUS_SQL], []
        if services:
            where.append(f"r.service_id IN ({marks(len(services))})")
            params.extend(int(service) for service in services)
        if urgency is not None:
            where.append("r.urgency = ?")
            params.append(int(urgency))
        sql = (
            REQUEST_SELECT
            + "WHERE "
            + " AND ".join(where)
            + " ORDER BY r.urgency, r.intervention_due_at IS NULL, r.intervention_due_at,"
            " r.created_at"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._read() as connection:
            return [request_record(row) for row in connection.execute(sql, params)]

    def open_counts(self) -> dict[int, int]:
        """Number of open requests per urgency."""
        with self._read() as connection:
            rows = connection.execute(
                f"SELECT urgency, count(*) FROM requests WHERE {OPEN_STATUS_SQL} GROUP BY urgency"
            ).fetchall()
            counts = {u: 0 for u in (1, 2, 3, 4)}
            counts.update({urgency: count for urgency, count in rows})
            return counts

    def board_snapshot(
        self,
        *,
        limit: int,
        services: Sequence[int] = (),
        urgency: int | None = None,
    ) -> BoardSnapshot:
        """The first `limit` open requests in board order and the header figures, in one read.

        Board order is urgency, then intervention due time (latest-due last; no due date first
        within its urgency, which only happens for urgency 4), then id: exactly the order of
        the partial index `ix_requests_open`, so no sort is needed however many are open.
        Figures honour `services`; rows honour `services` and `urgency`.
        """
        now = self.now()
        zone = self.calendar().zone
        tonight = datetime.combine(
            now.astimezone(zone).date() + timedelta(days=1), datetime.min.time(), tzinfo=zone
        )
        # Raw SQL naming its indexes: without ANALYZE statistics SQLite would rather read every
        # open request through ix_requests_status_created and sort them all. Every figure is
        # read from an index alone (see migration 0004), never from the table.
        services = tuple(int(service) for service in services)
        index = self.backend.dialect.indexed_by(
            "ix_requests_open_service" if services else "ix_requests_open"
        )
        row_where, row_parameters = OPEN_STATUS_SQL, list(services)
        if services:
            row_where += f" AND service_id IN ({marks(len(services))})"
        if urgency is not None:
            row_where += " AND urgency = ?"
            row_parameters.append(int(urgency))
        row_parameters.append(limit)
        figures_sql, figures_parameters = _board_figures(
            index,
            self.backend.dialect.indexed_by("ix_requests_ack_owed"),
            services,
            db_time(now),
            db_time(tonight),
        )
        with self._read() as connection:
            rows = tuple(
                map(
                    request_record,
                    connection.execute(
                        _BOARD_ROWS_SQL.format(index=index, where=row_where), row_parameters
                    ).fetchall(),
                )
            )
            figures = connection.execute(figures_sql, figures_parameters).fetchone()
        # Per urgency: late, due later, without a due date (see `_board_figures`).
        by_urgency = dict(zip(_BOARD_LEVELS, batched(figures[:12], 3), strict=True))
        acks_late, acks_later_today = figures[12], figures[13]
        valid_until = tonight  # "due today" moves at midnight
        for instant in figures[14:]:
            moment = utc_time(instant)
            if moment is not None and moment < valid_until:
                valid_until = moment
        counts = BoardCounts(
            at=now,
            open_by_urgency={level: sum(counts) for level, counts in by_urgency.items()},
            late_by_urgency={level: counts[0] for level, counts in by_urgency.items()},
            acks_due_today=acks_late + acks_later_today,
            acks_late=acks_late,
            valid_until=valid_until,
        )
        return BoardSnapshot(rows=rows, counts=counts)

    def service_queue(
        self, services: Sequence[int] = (), *, late_only: bool = False, limit: int = 500
    ) -> list[RequestRecord]:
        """A service's queue: the open requests of `services` (every service's when empty,
        never a request with no service), late first, then by intervention due time (none
        last), then by id; at most `limit`."""
        now = db_time(self.now())
        services = tuple(int(service) for service in services)
        where = f"r.{OPEN_STATUS_SQL} AND r.service_id IS NOT NULL"
        parameters: list = []
        if services:
            where += f" AND r.service_id IN ({marks(len(services))})"
            parameters.extend(services)
        if late_only:
            where += " AND r.intervention_due_at < ?"
            parameters.append(now)
        sql = (
            f"{REQUEST_SELECT} WHERE {where} ORDER BY"
            " CASE WHEN r.intervention_due_at < ? THEN 0 ELSE 1 END,"
            " CASE WHEN r.intervention_due_at IS NULL THEN 1 ELSE 0 END,"
            " r.intervention_due_at, r.id LIMIT ?"
        )
        with self._read() as connection:
            rows = connection.execute(sql, (*parameters, now, limit)).fetchall()
        return [request_record(row) for row in rows]

    def sent_back_requests(self, *, limit: int = 500) -> list[RequestRecord]:
        """Open requests a service sent back to the call centre and nobody reassigned yet
        (no service, flagged `sent_back`), in board order: urgency, then due time."""
        sql = (
            f"{REQUEST_SELECT} WHERE r.{OPEN_STATUS_SQL} AND r.sent_back = TRUE"
            " ORDER BY r.urgency, r.intervention_due_at IS NULL, r.intervention_due_at, r.id"
            " LIMIT ?"
        )
        with self._read() as connection:
            return [request_record(row) for row in connection.execute(sql, (limit,))]

    def last_request_id(self) -> int:
        """The highest request id so far (0 on an empty database)."""
        with self._read() as connection:
            return connection.execute("SELECT max(id) FROM requests").fetchone()[0] or 0

    def open_requests_after(self, after_id: int, *, urgency: int) -> list[RequestRecord]:
        """Open requests of one urgency created after `after_id` (oldest first): new arrivals."""
        with self._read() as connection:
            rows = connection.execute(
                REQUEST_SELECT + f"WHERE r.{OPEN_STATUS_SQL} AND r.urgency = ? AND r.id > ?"
                " ORDER BY r.id",
                (urgency, after_id),
            )
            return [request_record(row) for row in rows]


# The board's rows in one statement: the window is cut from the partial index first (no sort
# of every open request), then joined to its labels. Plain SQL and tuples rather than ORM
# entities: building entities cost ~0.5 ms a row, more than the whole query.
_BOARD_ROWS_SQL = (
    REQUEST_COLUMNS
    + """FROM (
    SELECT * FROM requests {index} WHERE {where}
    ORDER BY urgency, intervention_due_at, id LIMIT ?
) AS r"""
    + REQUEST_JOINS
    + "ORDER BY r.urgency, r.intervention_due_at, r.id\n"
)


# The header figures, in one statement of index range counts. SQLite counts the entries of
# a range without reading them, but a GROUP BY or a `sum(condition)` reads every entry it
# visits: so each figure is made of disjoint ranges, and every open request is visited once
# (late + due later + no due date = open, per urgency; acknowledgements late + due later
# today = due today). See migration 0004 for the indexes.
_ACK_OWED_SQL = "acknowledged_at IS NULL AND " + OPEN_STATUS_SQL
_BOARD_LEVELS = (1, 2, 3, 4)
_DUE_RANGES = (  # each with whether it binds `now`
    ("intervention_due_at < ?", True),
    ("intervention_due_at >= ?", True),
    ("intervention_due_at IS NULL", False),
)


def _board_figures(
    index: str, ack_index: str, services: Sequence[int], now: str, tonight: str
) -> tuple[str, list]:
    """The SELECT of the board's figures and its parameters, in the order they are bound.

    Columns: for each urgency, its open requests late, due later and without a due date
    (12); the acknowledgements owed that are late, and due later today (2); then the next
    instants the figures change by themselves: the next intervention to fall due per
    (service, urgency) and the next acknowledgement to fall due.
    """
    parameters: list = []
    # One range per service (disjoint ranges of ix_requests_open_service), or the whole index.
    scopes = [(" AND service_id = ?", [service]) for service in services] or [("", [])]
    in_services = f" AND service_id IN ({marks(len(services))})" if services else ""

    def count(where: str, bound: list) -> str:
        ranges = []
        for scope, scope_parameters in scopes:
            ranges.append(
                f"(SELECT count(*) FROM requests {index}"
                f" WHERE {OPEN_STATUS_SQL}{scope} AND {where})"
            )
            parameters.extend(scope_parameters + bound)
        return " + ".join(ranges)

    def acks(where: str, bound: list, what: str = "count(*)") -> str:
        parameters.extend([*bound, *services])
        return (
            f"(SELECT {what} FROM requests {ack_index}"
            f" WHERE {_ACK_OWED_SQL} AND {where}{in_services})"
        )

    columns = [
        count(f"urgency = {level} AND {due}", [now] if binds_now else [])
        for level in _BOARD_LEVELS
        for due, binds_now in _DUE_RANGES
    ]
    columns.append(acks("ack_due_at < ?", [now]))
    columns.append(acks("ack_due_at >= ? AND ack_due_at < ?", [now, tonight]))
    for scope, scope_parameters in scopes:
        for level in _BOARD_LEVELS:
            columns.append(
                f"(SELECT min(intervention_due_at) FROM requests {index}"
                f" WHERE {OPEN_STATUS_SQL}{scope} AND urgency = {level}"
                " AND intervention_due_at >= ?)"
            )
            parameters.extend([*scope_parameters, now])
    columns.append(acks("ack_due_at >= ?", [now], "min(ack_due_at)"))
    return "SELECT " + ",\n       ".join(columns), parameters
