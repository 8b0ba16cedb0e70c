"""The seam between the Store and a database engine.

The Store (`allo_tui.data.store`) writes its SQL once, in plain portable SQL with `?`
placeholders, and runs it on the connections a `Backend` lends it. Everything that differs from
one engine to another sits behind this interface: opening connections and their settings,
transactions that lock before they read, cancelling a running statement, full-text search, the
change feed that tells a console another one wrote, backup and integrity check, and the few SQL
fragments an engine spells its own way (`Dialect`).

Two implementations ship: `allo_tui.data.backend.sqlite` (a file on this PC, stdlib `sqlite3`)
and `allo_tui.data.backend.postgresql` (a server shared by several PCs, psycopg 3). Another
server backend plugs in beside them:

1. a sub-package `allo_tui/data/backend/<name>/` with a class implementing `Backend` (every
   method's docstring below says what a server backend must do);
2. a branch in `open_backend` that recognises its URL (`postgresql://…`);
3. branches in the Alembic migrations for the schema objects that differ (full-text indexes,
   triggers, partial indexes);
4. its own `find_callers` and history text search, returning the same ids.

Nothing outside `allo_tui.data.backend.<name>` imports that engine's driver: an import-linter
contract keeps `sqlite3` inside `allo_tui.data.backend.sqlite`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from allo_tui.domain.records import HistoryCursor, HistoryFilter
from allo_tui.domain.search import CallerMatches, SearchToken


class Cursor(Protocol):
    """What the Store uses of a DB-API cursor."""

    rowcount: int
    lastrowid: int | None

    def fetchone(self) -> tuple | None: ...
    def fetchall(self) -> list[tuple]: ...
    def __iter__(self) -> Iterator[tuple]: ...


class Connection(Protocol):
    """What the Store uses of a DB-API connection: `execute` with `?` placeholders.

    A backend whose driver takes another placeholder style (psycopg: `%s`) translates the
    statement once and caches it; the Store never writes a literal `?` or `%` in its SQL.
    """

    def execute(self, sql: str, parameters: Sequence[Any] = ...) -> Cursor: ...
    def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> Cursor: ...


class ChangeFeed(Protocol):
    """Tells one polling worker that requests (or another counter) changed."""

    def changed(self) -> bool:
        """True once for each batch of commits, by any process, that bumped the counter."""

    def close(self) -> None:
        """Release the feed's connection; the next poll reconnects and still sees changes."""


class Dialect(Protocol):
    """SQL fragments an engine spells its own way."""

    def indexed_by(self, index: str) -> str:
        """A hint that the statement must drive from `index` (`INDEXED BY ix` on SQLite, where
        the planner would otherwise sort every open request); "" where the engine has no such
        hint and chooses well on its own (PostgreSQL)."""


class Backend(ABC):
    """One database, as the Store reaches it. Thread-safe: the console's workers share it."""

    label: str
    """What the user calls the database in messages (a file path; a URL without password)."""
    dialect: Dialect

    @abstractmethod
    def read(self) -> AbstractContextManager[Connection]:
        """A connection inside one read transaction (a consistent snapshot), given back to the
        pool at the end. Server backends: REPEATABLE READ, READ ONLY."""

    @abstractmethod
    def write(self) -> AbstractContextManager[Connection]:
        """A connection inside one write transaction that holds the write lock before its first
        read, so a read-then-write (next reference number, version check) never loses to
        another console. Commits at the end of the block, rolls back on an exception; a commit
        is durable when the block returns. SQLite: `BEGIN IMMEDIATE`. Server backends: a
        transaction that serialises the Store's writers (e.g. `pg_advisory_xact_lock` taken
        first), so the Store's read-then-write logic holds unchanged."""

    @abstractmethod
    def change_feed(self, counter: str = "requests") -> ChangeFeed:
        """A feed on its own connection, polled about every 100 ms by one worker thread. The
        counters live in table `change_counters`, bumped by triggers on every engine; a server
        backend may poll that row or LISTEN for a notification."""

    @abstractmethod
    def find_callers(
        self, connection: Connection, query: str, limit: int, token: SearchToken
    ) -> CallerMatches:
        """Ids of the callers matching `query` (phone digits, name and address words), best
        first, at most `limit`, with the total and whether it was capped. Must stop with
        `SearchCancelled` soon after `token.cancel()`, even inside a running statement
        (SQLite: a progress handler; PostgreSQL: the connection's `cancel()`)."""

    @abstractmethod
    def caller_search_texts(
        self, surname, given_name, street_number, street, address_extra, postcode, city
    ) -> tuple[str | None, str | None]:
        """What to store in a caller's `search_names` and `search_address` columns when it is
        written: SQLite stores the `fold`ed text where its FTS5 tokenizer would not fold it as
        queries are folded, else None. A backend whose text search folds as `fold` does (e.g.
        PostgreSQL with `unaccent` in its index expressions) returns (None, None)."""

    @abstractmethod
    def request_search_texts(
        self, description, street_number, street, landmark
    ) -> tuple[str | None, str | None]:
        """The same for a request's `search_description` and `search_location` columns."""

    @abstractmethod
    def history_window(
        self,
        connection: Connection,
        filters: HistoryFilter,
        now: datetime,
        *,
        after: HistoryCursor | None,
        before: HistoryCursor | None,
        oldest: bool,
        limit: int,
    ) -> tuple[list[int], bool]:
        """Ids of one window of the history and whether rows lie beyond it, as
        `Store.history` describes (newest first; `after`/`before` a keyset cursor on
        `(created_at, id)`; `oldest` the last window). The filters include free text: a
        reference, words of the description and place, or a caller's name."""

    @abstractmethod
    def history_count(
        self, connection: Connection, filters: HistoryFilter, now: datetime, *, cap: int
    ) -> tuple[int, bool]:
        """How many requests the filters hold, counting at most `cap + 1`, and whether that
        count was capped."""

    @abstractmethod
    def backup(self, destination: Path, *, replace: bool = False) -> None:
        """Copy the live database to `destination` without harming any existing file (refused
        unless `replace`), checked before it is put in place. Server backends: a dump."""

    @abstractmethod
    def rewriting_events(self, connection: Connection) -> AbstractContextManager[None]:
        """Inside the block, and in `connection`'s writing transaction only, events may be
        rewritten: the one exception to append-only events, the anonymisation of a caller's
        personal data (GDPR, DESIGN §7). Other transactions never see events writable."""

    @abstractmethod
    def integrity_problems(self) -> list[str]:
        """What an integrity check of the database finds ([] when sound)."""

    @abstractmethod
    def close(self) -> None:
        """Close every pooled connection; the backend can be used again afterwards."""


def open_backend(target: str | Path) -> Backend:
    """The backend for a database: a file path (SQLite) or a `postgresql://` URL."""
    from allo_tui.data.backend.urls import is_postgresql_url, redacted

    text = str(target)
    if is_postgresql_url(text):
        from allo_tui.data.backend.postgresql import PostgresBackend

        return PostgresBackend(text)
    if "://" in text and not text.startswith("sqlite"):
        from allo_tui.data.errors import DatabaseFileError

        raise DatabaseFileError(f"moteur de base de données non pris en charge : {redacted(text)}")
    from allo_tui.data.backend.sqlite import SqliteBackend

    return SqliteBackend(Path(text.removeprefix("sqlite:///")))
