"""The Store's plumbing: engine, sessions and transactions, clock, calendar, backup
and the checks every area shares (roles, stale writes, references)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from allo_tui.data.changes import ChangeFeed
from allo_tui.data.lookup_reads import site_calendar
from allo_tui.data.models import (
    Operator,
    Request,
)
from allo_tui.data.request_reads import normalise_reference
from allo_tui.data.sqlite import (
    BackgroundCheckpointer,
    backup_database,
    create_engine_for,
)
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
from allo_tui.domain.workflow import WorkflowError


class StoreCore:
    """Sessions and plumbing on one database file; the areas below build on it."""

    def __init__(self, path: Path | str, *, clock: Clock | None = None) -> None:
        self.path = Path(path)
        self.clock = clock or Clock()
        self._engine = None
        self._engine_lock = threading.Lock()
        self._calendar: SiteCalendar | None = None
        self._checkpointer = BackgroundCheckpointer(self.path)

    @property
    def engine(self):
        """The SQLAlchemy engine, created on first use (thread-safe)."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = create_engine_for(self.path)
        return self._engine

    def close(self) -> None:
        """Close every pooled connection (after the running background checkpoint)."""
        self._checkpointer.wait(timeout=10)
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _raw_read(self) -> Iterator[sqlite3.Connection]:
        """The DB-API connection under one read transaction (for the shared plain reads)."""
        with self.engine.connect() as connection, connection.begin():
            yield connection.connection.driver_connection

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction, begun IMMEDIATE (takes the write lock before reading)."""
        engine = self.engine.execution_options(sqlite_immediate=True)
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
        self._checkpointer.wrote()

    @contextmanager
    def _raw_write(self) -> Iterator[sqlite3.Connection]:
        """The DB-API connection under one write transaction begun IMMEDIATE (plain SQL)."""
        engine = self.engine.execution_options(sqlite_immediate=True)
        with engine.connect() as connection, connection.begin():
            yield connection.connection.driver_connection
        self._checkpointer.wrote()

    def now(self) -> datetime:
        return self.clock.now()

    def change_feed(self, counter: str = "requests") -> ChangeFeed:
        """A change feed on its own connection (one per polling worker)."""
        return ChangeFeed(self.path, counter)

    def backup(self, destination: Path | str, *, replace: bool = False) -> Path:
        """Copy the live database with SQLite's online backup API (`backup_database`: an
        existing destination is refused unless `replace`)."""
        destination = Path(destination)
        backup_database(self.path, destination, replace=replace)
        return destination

    def calendar(self) -> SiteCalendar:
        """The site's working-time calendar and due-date targets (cached)."""
        if self._calendar is None:
            with self._raw_read() as raw:
                self._calendar = site_calendar(raw)
        return self._calendar

    def _current_role(self, session: Session, operator: OperatorRecord) -> Role:
        row = session.get(Operator, operator.id)
        if row is None or not row.active:
            raise UnknownOperatorError(operator.login)
        return Role(row.role)

    def _require_role(self, session: Session, operator: OperatorRecord, role: Role) -> None:
        if not self._current_role(session, operator).includes(role):
            raise WorkflowError("Action réservée aux administrateurs.")

    def _stale(self, what: str, who: Operator | None, when: datetime | None) -> StaleWriteError:
        local = self.calendar().to_local(when).strftime("%H:%M") if when else ""
        return StaleWriteError(what, who.display_name if who else "?", when, local)

    def _find_reference(self, session: Session, reference: str) -> Request | None:
        year = self.calendar().reference_year(self.now())
        normal = normalise_reference(reference, year)
        if normal is None:
            return None
        return session.scalar(select(Request).where(Request.reference == normal))
