"""A Store that answers the first lookups before SQLAlchemy is even imported.

Importing SQLAlchemy's ORM costs about half a second of CPU, as much as Textual itself. The
console starts with a `LazyStore`: caller lookups, caller reads, the catalogue (categories,
services, calendar, known streets) and the change feed run on plain stdlib `sqlite3`
connections (the same functions the Store uses), and every other call
loads the real `Store` on first use. `preload()` loads it in the background once the first
screen is up, so it is ready before the hostess needs it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from allo_tui.data import search
from allo_tui.data.changes import ChangeFeed
from allo_tui.data.lookup_reads import (
    caller_ids_holding,
    caller_rows,
    category_rows,
    known_street_rows,
    search_callers_on,
    service_rows,
    site_calendar,
)
from allo_tui.data.request_reads import normalise_reference, request_by_reference
from allo_tui.data.sqlite import connect_raw
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.clock import Clock
from allo_tui.domain.errors import NotFoundError
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import (
    CallerRecord,
    CallerSearchResult,
    CategoryRecord,
    DraftRecord,
    OperatorRecord,
    RequestRecord,
    ServiceRecord,
)


class LazyStore:
    """Stands in for `allo_tui.data.store.Store`; same methods, same records."""

    def __init__(self, path: Path | str, *, clock: Clock | None = None) -> None:
        self.path = Path(path)
        self.clock = clock or Clock()
        self._store = None
        self._store_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()
        self._calendar: SiteCalendar | None = None

    # -- the real Store -------------------------------------------------------------------

    @property
    def store(self):
        """The full Store, imported and created on first use (thread-safe)."""
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    from allo_tui.data.store import Store

                    self._store = Store(self.path, clock=self.clock)
        return self._store

    @property
    def loaded(self) -> bool:
        return self._store is not None

    def preload(self) -> None:
        """Load the full Store now (call from a worker thread)."""
        self.store.engine  # noqa: B018 - creates the engine and its first connection lazily

    def __getattr__(self, name: str):
        # Only called for names not defined here: everything else is the real Store's.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.store, name)

    # -- what the first screen needs, without SQLAlchemy ----------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._idle_lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = connect_raw(self.path)
        try:
            yield connection
        except BaseException:
            connection.close()
            raise
        with self._idle_lock:
            self._idle.append(connection)

    def search_callers(
        self, query: str, limit: int = 50, *, cancel: search.SearchToken | None = None
    ) -> CallerSearchResult:
        """Same as `Store.search_callers`, on a plain connection."""
        with self._connection() as connection:
            return search_callers_on(connection, query, limit, cancel)

    def get_caller(self, caller_id: int) -> CallerRecord:
        """Same as `Store.get_caller`, on a plain connection."""
        with self._connection() as connection:
            rows = caller_rows(connection, [caller_id])
        if not rows:
            raise NotFoundError(f"demandeur n° {caller_id} introuvable")
        return rows[0]

    def callers_holding(self, number: str) -> list[CallerRecord]:
        """Same as `Store.callers_holding` (asked on the Tab after the first phone number of
        a session, maybe before the Store is loaded)."""
        if self._store is not None:
            return self._store.callers_holding(number)
        parsed = parse_phone(number)
        if parsed.e164 is None:
            return []
        with self._connection() as connection:
            ids = caller_ids_holding(connection, [parsed.e164])
            return caller_rows(connection, ids) if ids else []

    def get_request_by_reference(self, reference: str) -> RequestRecord | None:
        """Same as `Store.get_request_by_reference` (asked on every keystroke of the lookup)."""
        if self._store is not None:
            return self._store.get_request_by_reference(reference)
        normal = normalise_reference(reference, self.calendar().reference_year(self.now()))
        if normal is None:
            return None
        return self._read(lambda connection: request_by_reference(connection, normal))

    def categories(self) -> list[CategoryRecord]:
        if self._store is not None:
            return self._store.categories()
        return self._read(category_rows)

    def services(self) -> list[ServiceRecord]:
        if self._store is not None:
            return self._store.services()
        return self._read(service_rows)

    def calendar(self) -> SiteCalendar:
        # Once loaded, the Store answers (it reads the calendar settings itself).
        if self._store is not None:
            return self._store.calendar()
        if self._calendar is None:
            self._calendar = self._read(site_calendar)
        return self._calendar

    def known_streets(self, limit: int = 5000) -> list[str]:
        if self._store is not None:
            return self._store.known_streets(limit)
        return self._read(lambda connection: known_street_rows(connection, limit))

    def now(self) -> datetime:
        return self.clock.now()

    def last_request_id(self) -> int:
        """Same as `Store.last_request_id` (asked by the change watch as the console starts)."""
        if self._store is not None:
            return self._store.last_request_id()
        return self._read(lambda c: c.execute("SELECT max(id) FROM requests").fetchone()[0] or 0)

    def operator_drafts(self, operator: OperatorRecord) -> list[DraftRecord]:
        """Same as `Store.operator_drafts` (asked by the restore offer as the console starts)."""
        if self._store is not None:
            return self._store.operator_drafts(operator)
        rows = self._read(
            lambda connection: connection.execute(
                "SELECT id, operator_id, console, fields, updated_at, heartbeat_at FROM drafts"
                " WHERE operator_id = ? ORDER BY updated_at DESC, id DESC",
                (operator.id,),
            ).fetchall()
        )
        return [
            DraftRecord(
                id=draft_id,
                operator_id=operator_id,
                console=console,
                fields=json.loads(fields or "{}"),
                updated_at=_utc(updated_at),
                heartbeat_at=_utc(heartbeat_at),
            )
            for draft_id, operator_id, console, fields, updated_at, heartbeat_at in rows
        ]

    def _read(self, reader):
        """`reader(connection)` inside one read transaction on a plain connection."""
        with self._connection() as connection:
            connection.execute("BEGIN")
            try:
                return reader(connection)
            finally:
                if connection.in_transaction:
                    connection.execute("COMMIT")

    def change_feed(self, counter: str = "requests") -> ChangeFeed:
        return ChangeFeed(self.path, counter)

    def close(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        if self._store is not None:
            self._store.close()


def _utc(value: str | None) -> datetime | None:
    """A stored timestamp (UTC text, as the Store writes it) as an aware datetime."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None
