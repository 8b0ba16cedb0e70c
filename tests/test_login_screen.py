"""The login screen of a served session (`allo --login`) and the session guard: a wrong
password is refused after the delay with the message under the fields, the right one ends
the login app with the operator (whose console is then the one of their role); a served
console idle for the (shortened) timeout logs out, keys keep it open; a console whose login
is disabled meanwhile logs out within seconds."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import ALL_BACKENDS

from allo_tui.app import AlloApp, ServiceConsoleApp, console_app
from allo_tui.data.store import Store
from allo_tui.domain import passwords
from allo_tui.domain.records import OperatorRecord, Role
from allo_tui.screens import login as login_screen
from allo_tui.served import LoginApp
from allo_tui.session_guard import TEXTS as GUARD_TEXTS
from allo_tui.session_guard import SessionGuard

BACKENDS = ALL_BACKENDS
PASSWORD = "Trottoir-89!"


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(passwords, "N", 2**10)
    monkeypatch.setattr(login_screen, "FAILURE_DELAY", 0.3)


@pytest.fixture
def agent(store: Store, admin) -> OperatorRecord:
    store.add_operator("voirie1", Role.SERVICE, "Victor Voirie", ["VOIRIE"])
    return store.set_password("voirie1", PASSWORD)


async def wait_until(pilot, condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        await pilot.pause(0.05)


def message(app) -> str:
    return str(app.screen.query_one("#login-message").render())


async def log_in(pilot, login: str, password: str) -> None:
    await pilot.press(*login)
    await pilot.press("tab")
    await pilot.press(*password)
    await pilot.press("enter")


async def test_a_wrong_password_is_refused_after_the_delay_then_the_right_one_logs_in(
    store: Store, agent
) -> None:
    app = LoginApp(store)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "LoginScreen")
        started = time.monotonic()
        await log_in(pilot, "voirie1", "pas le bon")
        # The refusal is written, then the focus goes back to the login (a refresh later).
        await wait_until(pilot, lambda: "incorrect" in message(app) and app.focused.id == "login")
        assert time.monotonic() - started >= 0.3
        assert app.screen.query_one("#password").value == ""
        assert app.return_value is None

        # The login is selected: typed again, it replaces itself.
        await log_in(pilot, "voirie1", PASSWORD)
        await wait_until(pilot, lambda: app.return_value is not None)
    operator = app.return_value
    assert operator.login == "voirie1" and operator.role is Role.SERVICE
    assert app.session_continues()
    assert type(console_app(store, operator, console="test")) is ServiceConsoleApp


async def test_missing_fields_and_a_locked_login_are_said(store: Store, agent, clock) -> None:
    for _ in range(5):
        store.verify_login("voirie1", "pas le bon")
    app = LoginApp(store, message="Session fermée après 15 minutes sans activité.")
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "LoginScreen")
        assert "Session fermée" in message(app)
        await pilot.press("enter")
        assert message(app) == "Tapez votre identifiant."
        await log_in(pilot, "voirie1", PASSWORD)
        await wait_until(pilot, lambda: "bloqué" in message(app))
        assert "heure de Paris" in message(app) and app.return_value is None
    assert not app.session_continues()


async def test_a_hostess_logs_in_to_the_call_centre_console(store: Store, operator) -> None:
    store.set_password(operator.login, PASSWORD)
    app = LoginApp(store, demo=True)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "LoginScreen")
        assert "demo-" in str(app.screen.query_one("#login-demo").render())
        await log_in(pilot, operator.login, PASSWORD)
        await wait_until(pilot, lambda: app.return_value is not None)
    assert type(console_app(store, app.return_value, console="test")) is AlloApp


async def test_an_idle_served_console_logs_out_and_keys_keep_it_open(store: Store, agent) -> None:
    app = console_app(store, agent, console="test")
    guard = SessionGuard(idle_seconds=0.6, served=True)
    app.session_guard = guard
    async with app.run_test() as pilot:
        for _ in range(8):  # 1.6 s of keys: never idle for 0.6 s
            await pilot.press("shift")
            await pilot.pause(0.2)
            assert guard.logout_reason is None
        await wait_until(pilot, lambda: guard.logout_reason is not None)
        await pilot.pause(0.2)
    assert guard.logout_reason == GUARD_TEXTS["idle"].format(duration="1 minute")
    assert app.session_continues()  # the login screen comes back on this connection
    assert app.return_value is None


async def test_a_console_whose_login_is_disabled_logs_out_within_seconds(
    store: Store, agent, operator
) -> None:
    app = console_app(store, operator, console="test")
    guard = SessionGuard(check_seconds=0.2)  # a terminal console: no idle logout
    app.session_guard = guard
    async with app.run_test() as pilot:
        await pilot.pause(0.5)
        assert guard.logout_reason is None
        await asyncio.to_thread(store.set_operator_active, operator.login, False)
        await wait_until(pilot, lambda: guard.logout_reason is not None, timeout=5)
    assert guard.logout_reason == GUARD_TEXTS["disabled"]
    assert not app.session_continues()  # a terminal console ends, saying why
