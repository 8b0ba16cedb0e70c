"""The call in progress on one console: when it started, and what waits for the new-request form.

The console's app owns one `CallInProgress` (its `call`); screens reach it through
`allo_tui.console.console_of(app).call`. A call starts with the first thing typed for it (a
search, a new caller, F3) and ends when a request or an outcome is saved with it: the next one
then starts afresh. The caller chosen on F2 and a draft restored at start wait here until the
form takes them (the form may not be built yet when they are chosen).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from allo_tui.domain.clock import Clock
from allo_tui.domain.records import CallerRecord, CallInfo


class CallInProgress:
    """The call this console is taking, if any, and what it hands to the new-request form."""

    def __init__(self, clock: Clock, console: str) -> None:
        self._clock = clock
        self.console = console
        """The console the call is taken on (kept with the call when it is saved)."""
        self._started_at: datetime | None = None
        self._caller: CallerRecord | None = None
        self._draft: dict[str, Any] | None = None

    @property
    def started_at(self) -> datetime | None:
        """When the call started; None between calls."""
        return self._started_at

    def start(self) -> None:
        """Start timing a call unless one is already in progress."""
        if self._started_at is None:
            self._started_at = self._clock.now()

    def resume(self, started_at: datetime) -> None:
        """Go on with a call that started at `started_at` (a draft restored from a dead console)."""
        self._started_at = started_at

    def info(self, phone: str = "") -> CallInfo:
        """The call as saved with a request or an outcome (started now if none was)."""
        self.start()
        assert self._started_at is not None
        return CallInfo(started_at=self._started_at, console=self.console, phone=phone)

    def end(self) -> None:
        """The call was saved (a request, a follow-up, an outcome): the next one starts afresh."""
        self._started_at = None

    # -- what waits for the new-request form ------------------------------------------------

    def attach_caller(self, caller: CallerRecord | None) -> None:
        """The caller chosen for a new request (None: no caller yet); starts the call."""
        self.start()
        self._caller = caller

    def take_caller(self) -> CallerRecord | None:
        """The caller chosen for the form since it last looked, once."""
        caller, self._caller = self._caller, None
        return caller

    def hold_draft(self, fields: dict[str, Any]) -> None:
        """A draft to put back into the form (restored from a dead console)."""
        self._draft = fields

    def take_draft(self) -> dict[str, Any] | None:
        """The draft held for the form, once."""
        draft, self._draft = self._draft, None
        return draft
