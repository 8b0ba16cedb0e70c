"""A console's session guard: a disabled login is logged out within seconds, and a served
session (`allo --login`, what `allo serve` runs) is logged out after 15 minutes without a key
or a mouse event.

The console app mixes in `GuardedApp` and runs a guard when one is given
(`app.session_guard`, set by the command that opens the console). The check of
`operators.active` is one indexed read in a thread worker every few seconds, never on the
event loop. A logout keeps what the new-request form holds as a draft (as Ctrl+Q does),
records why in `logout_reason`, and ends the app: the command then shows the login screen
again with that reason (served) or prints it (terminal).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events

IDLE_SECONDS = 15 * 60.0
"""A served session without a key or a mouse event for this long is logged out."""
CHECK_SECONDS = 3.0
"""How often a console reads whether its operator is still enabled."""
DRAFT_SECONDS = 5.0
"""At a logout, how long the new-request form has to write its draft before the app ends."""

TEXTS = {
    "idle": "Session fermée après {duration} sans activité : identifiez-vous de nouveau.",
    "disabled": "Votre identifiant a été désactivé par un administrateur : session fermée.",
}


class SessionGuard:
    """Watches one console: its operator still enabled, and (served) its idleness.

    `idle_seconds`: None for a terminal console (no idle logout). `served`: after a logout
    the same process shows the login screen again (`GuardedApp.session_continues`).
    """

    def __init__(
        self,
        *,
        idle_seconds: float | None = None,
        check_seconds: float = CHECK_SECONDS,
        served: bool = False,
    ) -> None:
        self.idle_seconds = idle_seconds
        self.check_seconds = check_seconds
        self.served = served
        self.logout_reason: str | None = None
        self._last_input = time.monotonic()
        self._app = None

    def start(self, app) -> None:
        """Start watching `app` (a mounted console with `store` and `operator`)."""
        self._app = app
        self._last_input = time.monotonic()
        if self.idle_seconds is not None:
            app.set_interval(min(self.idle_seconds / 5, 5.0), self._check_idle)
        app.set_interval(self.check_seconds, self._check_enabled)

    def touched(self) -> None:
        """A key or a mouse event: the idle countdown starts again."""
        self._last_input = time.monotonic()

    def _check_idle(self) -> None:
        if self.idle_seconds is None or self.logout_reason is not None:
            return
        if time.monotonic() - self._last_input >= self.idle_seconds:
            minutes = max(1, round(self.idle_seconds / 60))
            duration = f"{minutes} minute" + ("s" if minutes > 1 else "")
            self.log_out(TEXTS["idle"].format(duration=duration))

    def _check_enabled(self) -> None:
        app = self._app
        if app is None or self.logout_reason is not None:
            return
        app.run_worker(
            self._read_enabled,
            thread=True,
            group="session-guard",
            exclusive=True,
            exit_on_error=False,
        )

    def _read_enabled(self) -> None:
        app = self._app
        try:
            enabled = app.store.operator_active(app.operator.id)
        except Exception:  # noqa: BLE001 - the database away: the app's watch says so
            return
        if not enabled:
            app.call_from_thread(self.log_out, TEXTS["disabled"])

    def log_out(self, reason: str) -> None:
        """End the session for `reason` (on the event loop), once."""
        if self.logout_reason is not None or self._app is None:
            return
        self.logout_reason = reason
        self._app.log_out()


class GuardedApp:
    """Mixed into the console app: runs `session_guard` when there is one, and feeds it the
    keys and mouse events."""

    session_guard: SessionGuard | None = None

    def on_mount(self) -> None:
        if self.session_guard is not None:
            self.session_guard.start(self)

    async def on_event(self, event: events.Event) -> None:
        guard = self.session_guard
        if guard is not None and isinstance(event, _INPUT_EVENTS):
            guard.touched()
        await super().on_event(event)  # type: ignore[misc]

    def session_continues(self) -> bool:
        """True when this app ends for a logout after which the login screen comes back."""
        guard = self.session_guard
        return guard is not None and guard.served and guard.logout_reason is not None

    def log_out(self) -> None:
        """End the console now; a new request being typed is kept as a draft (as Ctrl+Q)."""
        find: Callable | None = getattr(self, "_new_request_form", None)
        form = find() if find is not None else None
        if form is not None and form.has_input():
            form.flush_draft_and_exit(form.draft_fields())
            # The draft could not be written (its error is shown): the logout still happens.
            self.set_timer(DRAFT_SECONDS, self.exit)  # type: ignore[attr-defined]
        else:
            self.exit()  # type: ignore[attr-defined]


_INPUT_EVENTS = (events.Key, events.MouseEvent, events.Paste)
