"""The login screen of a served session (`allo --login`, what `allo serve` runs per browser
connection): login and password (masked), Enter sends them.

The check runs in a thread worker (the hash takes ~0.1 s); a refusal is shown only after
`FAILURE_DELAY`, slept in that worker, never on the event loop, so guessing is slow whatever
the number of tabs. The message appears under the password field, where the user looks; the
login field then holds the login selected (typing replaces it, Tab goes to the password).
The password is never logged: it goes to the worker through an attribute, not as an
argument (a worker's description shows its arguments), and is cleared at once.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from allo_tui.domain.passwords import MAX_LENGTH, LoginRefused
from allo_tui.domain.records import OperatorRecord
from allo_tui.screens.login_texts import TEXTS

FAILURE_DELAY = 1.5
"""Seconds before a refusal is shown (tests shorten it)."""


class LoginScreen(Screen[None]):
    """Login and password; on success the app exits with the operator (`LoginApp`)."""

    CSS_PATH = "login.tcss"
    AUTO_FOCUS = "#login"

    def __init__(self, message: str = "", *, demo: bool = False) -> None:
        super().__init__()
        self._message = message
        self._demo = demo
        self._pending: tuple[str, str] | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(TEXTS["title"], id="login-title")
            yield Label(TEXTS["login"])
            yield Input(id="login", max_length=64)
            yield Label(TEXTS["password"])
            yield Input(id="password", password=True, max_length=MAX_LENGTH)
            message = Static(Text(self._message), id="login-message")
            if self._message:
                message.add_class("-refused")
            yield message
            if self._demo:
                yield Static(TEXTS["demo"], id="login-demo")
            yield Static(TEXTS["hint"], id="login-hint")

    @property
    def login_input(self) -> Input:
        return self.query_one("#login", Input)

    @property
    def password_input(self) -> Input:
        return self.query_one("#password", Input)

    def say(self, message: str, *, refused: bool = True) -> None:
        """Show `message` under the password field (plain text, never markup)."""
        shown = self.query_one("#login-message", Static)
        shown.update(Text(message))
        shown.set_class(refused, "-refused")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._busy:
            return
        login = self.login_input.value.strip()
        password = self.password_input.value
        if event.input.id == "login" and login and not password:
            self.password_input.focus()
            return
        if not login:
            self.say(TEXTS["missing_login"])
            self.login_input.focus()
            return
        if not password:
            self.say(TEXTS["missing_password"])
            self.password_input.focus()
            return
        self._busy = True
        self._pending = (login, password)
        self.password_input.value = ""
        self.say(TEXTS["checking"], refused=False)
        self.run_worker(
            self._verify, thread=True, exclusive=True, group="login", exit_on_error=False
        )

    def _verify(self) -> None:
        """In a thread: the Store's verdict, a refusal after the delay."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            outcome: OperatorRecord | LoginRefused | str = self.app.store.verify_login(*pending)
        except Exception as error:  # noqa: BLE001 - one sentence, details in the log
            from allo_tui.data.errors import user_message

            outcome = user_message(error)
        del pending
        if not isinstance(outcome, OperatorRecord):
            time.sleep(FAILURE_DELAY)
        self.app.call_from_thread(self._answered, outcome)

    def _answered(self, outcome: OperatorRecord | LoginRefused | str) -> None:
        self._busy = False
        if isinstance(outcome, OperatorRecord):
            self.say("", refused=False)
            self.app.exit(outcome)
            return
        self.say(outcome.message if isinstance(outcome, LoginRefused) else outcome)
        self.login_input.focus()  # the login selected: typed again or kept (Tab)
