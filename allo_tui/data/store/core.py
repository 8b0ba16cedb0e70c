"""The Store's plumbing: the backend and its transactions, clock, calendar, backup
and the checks every area shares (roles, stale writes, references)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path

from allo_tui.data.backend import Backend, ChangeFeed, Connection, open_backend
from allo_tui.data.rows import normalise_reference, site_calendar, utc_time
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.clock import Clock
from allo_tui.domain.errors import (
    StaleWriteError,
    UnknownOperatorError,
)
from allo_tui.domain.records import (
    OperatorRecord,
    Role,
)
from allo_tui.domain.streets import Street

CALENDAR_FRESH_FOR = timedelta(seconds=30)
"""How long a console keeps the site's calendar before reading it again."""


class StoreCore:
    """The backend and the plumbing every area builds on."""

    def __init__(self, target: Path | str | Backend, *, clock: Clock | None = None) -> None:
        self.backend = target if isinstance(target, Backend) else open_backend(target)
        self.path = getattr(self.backend, "path", None)
        self.clock = clock or Clock()
        self._calendar: SiteCalendar | None = None
        self._calendar_read_at: datetime | None = None
        self._settings_counter: int | None = None
        self._streets: list[Street] | None = None

    @property
    def label(self) -> str:
        """The database as messages name it (a file path; a URL without its password)."""
        return self.backend.label

    @property
    def is_server(self) -> bool:
        """True for a database on a server (PostgreSQL), False for a file on this PC."""
        return self.path is None

    def preload(self) -> None:
        """Open a first connection and read the calendar and the street register now (call
        from a worker thread once the first screen is up, so no screen waits for them)."""
        self.calendar()
        self.streets()

    def close(self) -> None:
        """Close every pooled connection (after the running background checkpoint)."""
        self.backend.close()

    def _read(self) -> AbstractContextManager[Connection]:
        """A connection inside one read transaction (see `Backend.read`)."""
        return self.backend.read()

    def _write(self) -> AbstractContextManager[Connection]:
        """A connection inside one write transaction holding the write lock (`Backend.write`)."""
        return self.backend.write()

    def now(self) -> datetime:
        return self.clock.now()

    def change_feed(self, counter: str = "requests") -> ChangeFeed:
        """A change feed on its own connection (one per polling worker)."""
        return self.backend.change_feed(counter)

    def backup(self, destination: Path | str, *, replace: bool = False) -> Path:
        """Copy the live database (an existing destination is refused unless `replace`)."""
        destination = Path(destination)
        self.backend.backup(destination, replace=replace)
        return destination

    def calendar(self) -> SiteCalendar:
        """The site's working-time calendar and due-date targets, cached.

        An administrator's change (F9, `allo settings`, on any PC) bumps the `settings` change
        counter and moves the requests feed every console watches; the console then calls
        `refresh_settings`, which drops this cache at once. Without a watcher (a command, the
        API) the cache is read again after `CALENDAR_FRESH_FOR` at the latest.
        """
        now = self.now()
        read_at = self._calendar_read_at
        if (
            self._calendar is None
            or read_at is None
            or not (read_at <= now < read_at + CALENDAR_FRESH_FOR)
        ):
            with self._read() as raw:
                self._settings_counter = _settings_counter(raw)
                self._calendar = site_calendar(raw)
            self._calendar_read_at = now
        return self._calendar

    def refresh_settings(self) -> bool:
        """Read the `settings` change counter (one row); when it moved since the calendar was
        read, drop the cached calendar so the next use reads the new one. True when it did."""
        if self._calendar is None:
            return False
        with self._read() as raw:
            counter = _settings_counter(raw)
        if counter == self._settings_counter:
            return False
        self._calendar = None
        return True

    # -- checks shared by the areas, on a plain connection ------------------------------------

    def _role_of(self, connection: Connection, operator: OperatorRecord) -> Role:
        """The operator's role as stored now; an unknown or disabled login is refused."""
        row = connection.execute(
            "SELECT role, active FROM operators WHERE id = ?", (operator.id,)
        ).fetchone()
        if row is None or not row[1]:
            raise UnknownOperatorError(operator.login)
        return Role(row[0])

    def _stale_write(
        self, what: str, who: str | None, when: str | datetime | None
    ) -> StaleWriteError:
        """The refusal of an edit made on an old version: `who` (display name) saved `when`."""
        at = utc_time(when)
        local = self.calendar().to_local(at).strftime("%H:%M") if at else ""
        return StaleWriteError(what, who or "?", at, local)

    def _reference_id(self, connection: Connection, reference: str) -> int | None:
        """The id of the request with this reference as typed (see `normalise_reference`)."""
        year = self.calendar().reference_year(self.now())
        normal = normalise_reference(reference, year)
        if normal is None:
            return None
        row = connection.execute(
            "SELECT id FROM requests WHERE reference = ?", (normal,)
        ).fetchone()
        return row[0] if row else None


def _settings_counter(connection) -> int:
    row = connection.execute("SELECT value FROM change_counters WHERE name = 'settings'").fetchone()
    return row[0] if row else 0
