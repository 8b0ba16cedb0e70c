"""The console's watch on the change feed: one per app, shared by the app and its boards.

A daemon thread polls the backend's change feed (SQLite: `PRAGMA data_version`, then the
requests counter; PostgreSQL: the notifications already received) a few times a second —
microseconds per poll — and publishes what it saw on the app's
event loop through a Textual `Signal`:

- `RequestsChanged` when any connection (this process or another) changed requests, with the
  urgency-1 requests that arrived since the last look;
- `ConnectionLost` when the database cannot be read (locked past the busy timeout, file gone);
- `ConnectionRestored` when it can be read again (boards reload then).

The app itself subscribes to ring the bell and show a notification for every urgency-1 arrival,
so every open console and board hears about it. In headless test runs the thread is not
started: tests call `check()` (from a thread) to take one look, deterministically.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

import msgspec
from textual.signal import Signal

from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.domain.records import RequestRecord
from allo_tui.literal import printable

if TYPE_CHECKING:
    from textual.app import App

POLL_SECONDS = 0.1
"""How often the feed is polled; change-to-visible is this plus one board query and a render."""
URGENT_LEVEL = 1
NOTIFY_AT_MOST = 3
NOTIFY_SECONDS = 30

TEXTS = {
    "title": "Urgence {label}",
    "arrival": "{reference} — {category}",
    "more": "… et {count} autre(s) demande(s) urgente(s)",
}


class RequestsChanged(msgspec.Struct, frozen=True):
    """Requests changed in the database; `arrivals` are open urgency-1 requests new since."""

    arrivals: tuple[RequestRecord, ...] = ()


class ConnectionLost(msgspec.Struct, frozen=True):
    """The database could not be read; `error` says why (for the log)."""

    error: str


class ConnectionRestored(msgspec.Struct, frozen=True):
    """The database can be read again after a `ConnectionLost`."""


WatchEvent = RequestsChanged | ConnectionLost | ConnectionRestored


def _file_identity(path) -> tuple[int, int]:
    """(device, inode) of the database file: tells when it was replaced or moved away."""
    status = os.stat(path)
    return status.st_dev, status.st_ino


class RequestsWatch:
    """Polls the change feed of `app.store` and publishes `WatchEvent`s on `signal`."""

    def __init__(self, app: App, *, poll_seconds: float = POLL_SECONDS) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.signal: Signal[WatchEvent] = Signal(app, "requests-watch")
        self.connected = True
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._feed = None
        self._identity: tuple[int, int] | None = None
        self._last_id: int | None = None

    # -- life cycle -----------------------------------------------------------------------

    @classmethod
    def attach(cls, app: App) -> RequestsWatch:
        """The app's watch, created, subscribed for urgent notifications and started once."""
        watch = getattr(app, "requests_watch", None)
        if watch is None:
            watch = cls(app)
            app.requests_watch = watch  # type: ignore[attr-defined]
            watch.signal.subscribe(app, watch.announce)
            watch.start()
        return watch

    def start(self, *, force: bool = False) -> None:
        """Start the polling thread (not in headless test runs unless `force`)."""
        if self._thread is not None or (self.app.is_headless and not force):
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="requests-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the polling thread and close the feed's connection."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)
        with self._lock:
            self._close_feed()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.check():
                return
            self._stop.wait(self.poll_seconds)

    # -- one look -------------------------------------------------------------------------

    def check(self) -> bool:
        """Take one look at the feed and publish what changed; call from a thread, not the loop.

        Returns False once the app is gone (the polling thread then ends).
        """
        event = self._look()
        if event is None:
            return True
        try:
            self.app.call_from_thread(self.signal.publish, event)
        except RuntimeError:  # the app's loop is closed: nobody left to tell
            return False
        return True

    def _look(self) -> WatchEvent | None:
        store = self.app.store
        with self._lock:
            try:
                # A file replaced or restored: connections on the old one see nothing new.
                # (A server database has no file: nothing to watch there.)
                identity = _file_identity(store.path) if store.path is not None else None
                if identity is not None and self._identity not in (None, identity):
                    self._close_feed()
                    store.close()
                self._identity = identity
                if self._feed is None:
                    feed = store.change_feed()
                    feed.changed()  # opens its connection and reads the baseline
                    self._feed = feed
                    if self._last_id is None:
                        self._last_id = store.last_request_id()
                    changed = not self.connected  # after a loss, anything may have changed
                else:
                    changed = self._feed.changed()
                arrivals: tuple[RequestRecord, ...] = ()
                if changed:
                    # Settings changes move this feed too: the calendar is read again at once.
                    store.refresh_settings()
                    arrivals = tuple(
                        store.open_requests_after(self._last_id or 0, urgency=URGENT_LEVEL)
                    )
                    if arrivals:
                        self._last_id = max(request.id for request in arrivals)
            except Exception as error:  # noqa: BLE001 - any failure to read is a lost connection
                self._close_feed()
                self._identity = None
                if self.connected:
                    store.close()  # read again through fresh connections once it is back
                if self.connected:
                    self.connected = False
                    return ConnectionLost(repr(error))
                return None
            if not self.connected:
                self.connected = True
                return ConnectionRestored()
            return RequestsChanged(arrivals) if changed else None

    def _close_feed(self) -> None:
        if self._feed is not None:
            try:
                self._feed.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail too
                pass
            self._feed = None

    # -- the app's own subscriber ---------------------------------------------------------

    def announce(self, event: WatchEvent) -> None:
        """Ring the bell and notify for each urgency-1 arrival (on the app's loop)."""
        if not isinstance(event, RequestsChanged) or not event.arrivals:
            return
        self.app.bell()
        title = TEXTS["title"].format(label=URGENCY_LABELS[URGENT_LEVEL].lower())
        for request in event.arrivals[:NOTIFY_AT_MOST]:
            message = TEXTS["arrival"].format(
                reference=printable(request.reference, one_line=True),
                category=printable(request.category_label, one_line=True),
            )
            if request.location:
                message += "\n" + printable(request.location, one_line=True)
            self.app.notify(
                message,
                title=title,
                severity="error",
                timeout=NOTIFY_SECONDS,
                markup=False,
            )
        extra = len(event.arrivals) - NOTIFY_AT_MOST
        if extra > 0:
            self.app.notify(
                TEXTS["more"].format(count=extra),
                title=title,
                severity="error",
                timeout=NOTIFY_SECONDS,
                markup=False,
            )
