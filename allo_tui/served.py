"""A served session (`allo --login`; `allo serve` runs it per browser connection): the login
screen, then the console of the operator who logged in, with that operator's role (the same
app the terminal console gets: a hostess's, or a service agent's `ServiceConsoleApp`), then
the login screen again after a logout (15 minutes idle, login disabled), until the user quits.

One process runs these Textual apps one after the other. Under textual-serve each app's web
driver would end the browser session when its app ends; `SessionWebDriver` keeps it open
between them: the next app does not announce itself again, starts at the page's last known
size and focus, and the input thread of the previous app has stopped before the next one
reads.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.drivers.web_driver import WebDriver

from allo_tui.domain.records import OperatorRecord
from allo_tui.session_guard import IDLE_SECONDS, SessionGuard

PRELUDE = b"__GANGLION__\n"
"""What a web driver writes first, once per process for textual-serve."""


@dataclass
class _PageState:
    announced: bool = False
    size: tuple[int, int] | None = None
    focused: bool = False


_PAGE = _PageState()


class SessionWebDriver(WebDriver):
    """textual's web driver, for several apps in a row on one browser connection."""

    def __init__(self, app, *, debug: bool = False, mouse: bool = True, size=None) -> None:
        if size is None and _PAGE.size is not None:
            size = _PAGE.size
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._continued = _PAGE.announced
        _PAGE.announced = True
        if self._continued:
            write = self._write

            def write_once(data: bytes, write=write) -> int:
                return 0 if data == PRELUDE else write(data)

            self._write = write_once

    def start_application_mode(self) -> None:
        super().start_application_mode()
        if self._continued and _PAGE.focused:
            from textual import events

            self._app.call_later(self._app.post_message, events.AppFocus())

    def stop_application_mode(self) -> None:
        continues = getattr(self._app, "session_continues", None)
        if continues is None or not continues():
            super().stop_application_mode()
            return
        # Another app follows on this connection: stop reading, do not say "exit".
        self.exit_event.set()
        self._input_reader.close()
        if self._key_thread.is_alive():
            self._key_thread.join(2.0)

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == "resize":
            _PAGE.size = (int(payload["width"]), int(payload["height"]))  # type: ignore[call-overload]
        elif packet_type in ("focus", "blur"):
            _PAGE.focused = packet_type == "focus"
        super().on_meta(packet_type, payload)


def _keep_page(app: App) -> App:
    """Run `app` with `SessionWebDriver` when textual-serve runs us (TEXTUAL_DRIVER)."""
    driver = app.driver_class
    if isinstance(driver, type) and issubclass(driver, WebDriver):
        app.driver_class = SessionWebDriver
    return app


class LoginApp(App[OperatorRecord | None]):
    """The login screen alone: returns the operator who logged in, or None (Ctrl+Q)."""

    TITLE = "Allô Mairie"
    # Tab moves between the fields in the order typed: a priority key waits until what was
    # typed before it has reached its field (keys typed after it wait meanwhile).
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quitter", id="app.quit", priority=True),
        Binding("tab", "field(1)", show=False, priority=True),
        Binding("shift+tab", "field(-1)", show=False, priority=True),
    ]

    def __init__(self, store, *, message: str = "", demo: bool = False) -> None:
        super().__init__()
        self.store = store
        self.clock = store.clock
        self._message = message
        self._demo = demo

    def on_mount(self) -> None:
        from allo_tui.screens.login import LoginScreen

        self.push_screen(LoginScreen(self._message, demo=self._demo))

    async def action_field(self, step: int) -> None:
        """Tab / Shift+Tab: the next or previous field, once the keys before have landed."""
        for pump in (self.screen, self.screen.focused):
            if pump is None:
                continue
            handled = asyncio.Event()
            pump.call_later(handled.set)
            try:
                await asyncio.wait_for(handled.wait(), 5.0)
            except TimeoutError:
                break
        if step > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def session_continues(self) -> bool:
        """True when an operator logged in: their console follows on this connection."""
        return self.return_value is not None


def run_served(store, *, demo: bool, idle_seconds: float = IDLE_SECONDS) -> None:
    """Login screen, console, login screen again after a logout… until the user quits."""
    from allo_tui.app import console_app

    message = ""
    while True:
        operator = _keep_page(LoginApp(store, message=message, demo=demo)).run()
        if operator is None:
            return
        app = console_app(store, operator, demo=demo)
        guard = SessionGuard(idle_seconds=idle_seconds, served=True)
        app.session_guard = guard
        _keep_page(app).run()
        if guard.logout_reason is None:
            return
        message = guard.logout_reason
