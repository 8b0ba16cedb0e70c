"""The new-request form's draft row: written while typing, off the event loop, never resurrected.

`DraftKeeper.touch()` after every change; the draft is written `DRAFT_DELAY` later by a thread
worker (throttled, not debounced: steady typing still writes a draft every `DRAFT_DELAY`, so the
row is never more than about a second behind the keyboard). A heartbeat every `HEARTBEAT_EVERY`
tells other consoles this one is alive. Saving or discarding the call bumps a generation under
the same lock the writers take, so a draft write still in flight cannot bring a finished call
back. While the database cannot be reached, the draft goes to a file on this PC instead
(`allo_tui.local_draft`), until the database answers again or the call is over. What a draft
holds is a `RequestDraft` (`allo_tui.domain.draft_fields`), the one shape the
form builds and a restored draft is read back into.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from textual.timer import Timer

from allo_tui.console import console_of
from allo_tui.data.errors import database_error
from allo_tui.domain.draft_fields import RequestDraft
from allo_tui.local_draft import delete_local_draft, write_local_draft
from allo_tui.screens.restore_draft import HEARTBEAT_EVERY, process_identity

if TYPE_CHECKING:
    from textual.screen import Screen

DRAFT_DELAY = 1.0
"""Seconds between a change and the draft write (the issue allows at most 2 s)."""

TEXTS = {
    "failed": "Brouillon non enregistré : {error}",
    "kept_here": (
        "Base de données injoignable : le brouillon est gardé sur ce poste et repartira vers"
        " la base dès son retour"
    ),
}


class DraftKeeper:
    """Keeps one screen's draft row (this operator, this console) in step with the form."""

    def __init__(
        self,
        screen: Screen,
        draft: Callable[[], RequestDraft],
        has_input: Callable[[], bool],
    ) -> None:
        self.screen = screen
        self._draft = draft
        self._has_input = has_input
        self._lock = threading.Lock()
        self._generation = 0
        self._timer: Timer | None = None
        self._last: RequestDraft | None = None
        self._process = process_identity()
        self.exists = False
        """True while this console has a draft row (written by this keeper or restored)."""
        self.paused = False
        """While True (saving, confirmation shown), changes write nothing."""
        self.kept_here = False
        """True while the draft is kept in a file on this PC (the database was away)."""

    # -- on the event loop ------------------------------------------------------------------

    def start(self) -> None:
        """Begin the heartbeat (call once the screen is mounted)."""
        self.screen.set_interval(HEARTBEAT_EVERY.total_seconds(), self.beat)

    def touch(self) -> None:
        """Something changed: the draft is written within `DRAFT_DELAY`."""
        if self.paused or self._timer is not None:
            return
        self._timer = self.screen.set_timer(DRAFT_DELAY, self.flush)

    def flush(self) -> None:
        """Write (or delete, when the form was emptied) the draft now, in a worker."""
        self.cancel_pending()
        if self.paused:
            return
        draft = self._draft()
        if draft == self._last:
            return
        if self._has_input():
            self._last = draft
            fields = draft.to_fields()
            generation = self._generation
            self._run(lambda: self._write(fields, generation), "draft_write")
        elif self.exists:
            self.discard()

    def cancel_pending(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def discard(self) -> None:
        """Delete the draft (the call was dropped or ended without a request)."""
        self.cancel_pending()
        self._last = None
        self._run(self._delete, "draft_delete")

    def restored(self) -> None:
        """The form was filled from a draft this console now owns: keep it beating."""
        self.exists = True
        self._last = None

    def forget(self) -> None:
        """The form was emptied: the next change is a new draft."""
        self.cancel_pending()
        self._last = None

    def beat(self) -> None:
        if self.kept_here and self._last is not None and not self.paused:
            # Kept on this PC while the database was away: try to put it back there.
            fields, generation = self._last.to_fields(), self._generation
            self._run(lambda: self._write(fields, generation), "draft_write")
        elif self.exists:
            self._run(self._heartbeat, "draft_heartbeat")

    # -- in worker threads ------------------------------------------------------------------

    @contextmanager
    def finishing(self) -> Iterator[None]:
        """Around the save of the call (in its worker): no draft write may follow it."""
        with self._lock:
            yield
            self._generation += 1
            self.exists = False
            self._forget_here()

    def write_now(self, fields: dict[str, Any]) -> None:
        """Write the draft at once (Ctrl+Q keeps it); raises on failure."""
        self._write(fields, self._generation)

    def keep_here(self, fields: dict[str, Any]) -> None:
        """Keep the draft in the file on this PC now (a save found the database away)."""
        self._run(lambda: self._keep_here(fields, notify=False), "draft_keep_here")

    def _write(self, fields: dict[str, Any], generation: int) -> None:
        console = console_of(self.screen.app)
        with self._lock:
            if generation != self._generation:
                return  # the call was saved or discarded meanwhile
            fields = dict(fields, process=self._process)
            try:
                console.store.save_draft(console.operator, console.console_name, fields)
            except Exception as error:
                if database_error(error) is None:
                    raise
                self._keep_here(fields, notify=not self.kept_here)
                return
            self.exists = True
            if self.kept_here:
                self._forget_here()

    def _keep_here(self, fields: dict[str, Any], *, notify: bool) -> None:
        """Write the draft to this PC's file (in a worker thread)."""
        console = console_of(self.screen.app)
        write_local_draft(console.store.label, console.console_name, fields)
        self.kept_here = True
        if notify:
            self.screen.app.call_from_thread(
                self.screen.app.notify, TEXTS["kept_here"], severity="warning", markup=False
            )

    def _forget_here(self) -> None:
        """The draft is in the database again, or the call is over: drop this PC's file."""
        console = console_of(self.screen.app)
        delete_local_draft(console.store.label, console.console_name)
        self.kept_here = False

    def _delete(self) -> None:
        console = console_of(self.screen.app)
        with self._lock:
            self._generation += 1
            self._forget_here()
            console.store.discard_draft(console.operator, console.console_name)
            self.exists = False

    def _heartbeat(self) -> None:
        console = console_of(self.screen.app)
        console.store.heartbeat(console.operator, console.console_name)

    def _run(self, job: Callable[[], None], name: str) -> None:
        app = self.screen.app

        def guarded() -> None:
            try:
                job()
            except Exception as error:  # noqa: BLE001 - shown to the user and logged
                app.call_from_thread(self.failed, error)

        self.screen.run_worker(guarded, thread=True, exit_on_error=False, group="drafts", name=name)

    def failed(self, error: Exception) -> None:
        """Say a draft write failed (on the event loop)."""
        app = self.screen.app
        app.log.error(f"draft write failed: {error!r}")
        app.notify(TEXTS["failed"].format(error=error), severity="warning", markup=False)
