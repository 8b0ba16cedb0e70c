"""The change feed on PostgreSQL: LISTEN on the channel the triggers NOTIFY.

The triggers that bump `change_counters` also call `pg_notify('allo_<counter>', '')` in the
writing transaction, so the notification leaves the server when it commits, to every console
on every machine. `changed()` only waits on the socket for a notification (no query, no round
trip to the server): polled every 100 ms it costs next to nothing while nothing happens. After a
reconnection the counter itself is compared once, so a change made while the link was down is
not missed.
"""

from __future__ import annotations

import threading

import psycopg

WAIT_SECONDS = 0.05
"""How long one poll waits on the socket for a notification on its way (the server sends it
just after the writer's COMMIT returns); waiting in `select` costs no CPU."""


def channel(counter: str) -> str:
    """The NOTIFY channel of a change counter."""
    return f"allo_{counter}"


class NotifyFeed:
    """Poll with `changed()`; safe to call from one worker thread at a time."""

    def __init__(self, url: str, counter: str = "requests") -> None:
        self._url = url
        self._counter = counter
        self._lock = threading.Lock()
        self._connection: psycopg.Connection | None = None
        self._value: int | None = None

    def _read_counter(self, connection: psycopg.Connection) -> int:
        row = connection.execute(
            "SELECT value FROM change_counters WHERE name = %s", (self._counter,)
        ).fetchone()
        return row[0] if row else 0

    def changed(self) -> bool:
        """True once for each batch of commits (from any machine) that touched the counter."""
        from allo_tui.data.backend.postgresql import connect

        with self._lock:
            try:
                if self._connection is None:
                    connection = connect(self._url)
                    connection.execute(f"LISTEN {channel(self._counter)}")
                    self._connection = connection
                    return self._counter_moved(connection)
                if not list(self._connection.notifies(timeout=WAIT_SECONDS)):
                    return False
                return self._counter_moved(self._connection)
            except psycopg.Error:
                self.close()
                raise

    def _counter_moved(self, connection: psycopg.Connection) -> bool:
        """Read the counter: True when it moved since the last read (not on the first)."""
        previous, self._value = self._value, self._read_counter(connection)
        return previous is not None and self._value != previous

    def close(self) -> None:
        """Close the feed's connection; the next poll reconnects and still sees what changed."""
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None
