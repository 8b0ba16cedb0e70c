"""A lost database server loses nothing: the network between the console and PostgreSQL is
cut mid-call (a TCP proxy on loopback) and restored; the console says so, keeps the form and
its draft on this PC (mode 0600), tries the save again by itself and saves once, when the
server is back. A save whose COMMIT answer was lost is tried again with the same key and
creates nothing twice.
"""

from __future__ import annotations

import asyncio
import stat
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from backends import enabled_backends
from pilot_helpers import make_app, notifications, open_form, settle, shown, type_text
from store_helpers import scalar
from tcp_proxy import TcpProxy
from textual.widgets import Static

import allo_tui.screens.new_request_save as save_module
from allo_tui.data.store import Store
from allo_tui.local_draft import local_draft_path
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.typeahead import TypeAhead

pytestmark = pytest.mark.skipif(
    "postgresql" not in enabled_backends(), reason="ALLO_TEST_BACKENDS leaves PostgreSQL out"
)


@pytest.fixture
def server_database(pg_url):
    return pg_url


@pytest.fixture
def proxy(server_database):
    parts = urlsplit(server_database)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture
def console_store(server_database, proxy, clock, monkeypatch, tmp_path):
    """A Store reaching the server through the proxy; drafts kept here go to a temp dir."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(save_module, "RETRY_SECONDS", 0.3)
    parts = urlsplit(server_database)
    user = f"{parts.username}@" if parts.username else ""
    through = urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{proxy.port}"))
    store = Store(through, clock=clock)
    yield store
    store.close()


async def fill_form(app, pilot, description: str):
    screen = await open_form(app, pilot)
    screen.query_one("#category", TypeAhead).input.focus()
    await type_text(pilot, "nid")
    await settle(app, pilot)
    await pilot.press("enter")
    await type_text(pilot, "12")
    await pilot.press("enter")
    await type_text(pilot, "rue du temple")
    await settle(app, pilot)
    await pilot.press("enter", "enter")
    await type_text(pilot, description)
    return screen


async def wait_for_reference(app, pilot, screen, seconds: float = 15.0) -> str:
    for _ in range(int(seconds / 0.1)):
        await settle(app, pilot, pause=0.1)
        text = shown(screen.query_one("#reference", Static))
        if "Demande n°" in text:
            return text
    raise AssertionError("the request was never saved")


async def test_a_call_survives_the_server_going_away_and_is_saved_once_it_is_back(
    console_store, proxy, server_database
):
    admin = console_store.resolve_operator("admin")
    app = make_app(console_store, admin)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await fill_form(app, pilot, "trou profond")

        proxy.cut()
        await asyncio.to_thread(app.requests_watch.check)
        await pilot.press("ctrl+s")
        await settle(app, pilot, pause=0.5)

        assert "injoignable" in app.sub_title
        assert any("n'est pas perdue" in text for text in notifications(app))
        assert screen.query_one("#description", LimitedTextArea).text == "trou profond"
        kept = local_draft_path(console_store.label, "test")
        assert kept.exists()
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert "trou profond" in kept.read_text(encoding="utf-8")
        assert scalar(server_database, "SELECT count(*) FROM requests") == 0

        await asyncio.sleep(1.0)  # a few tries while the server is away
        proxy.restore()
        text = await wait_for_reference(app, pilot, screen)
        await asyncio.to_thread(app.requests_watch.check)
        await settle(app, pilot)

        assert "2026-00001" in text
        assert "injoignable" not in app.sub_title
        assert not kept.exists()
    assert scalar(server_database, "SELECT count(*) FROM requests") == 1
    assert scalar(server_database, "SELECT description FROM requests") == "trou profond"
    assert scalar(server_database, "SELECT count(*) FROM drafts") == 0


async def test_a_save_whose_commit_answer_was_lost_creates_nothing_twice(
    console_store, server_database, monkeypatch
):
    admin = console_store.resolve_operator("admin")
    real_create = console_store.create_request
    tries: list[str | None] = []

    def commit_then_lose_the_answer(operator, new, *args, **kwargs):
        record = real_create(operator, new, *args, **kwargs)
        tries.append(new.idempotency_key)
        if len(tries) == 1:
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return record

    monkeypatch.setattr(console_store, "create_request", commit_then_lose_the_answer)
    app = make_app(console_store, admin)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await fill_form(app, pilot, "plaque arrachée")
        await pilot.press("ctrl+s")
        text = await wait_for_reference(app, pilot, screen)

    assert "2026-00001" in text
    assert len(tries) == 2 and tries[0] == tries[1] is not None
    assert scalar(server_database, "SELECT count(*) FROM requests") == 1
    assert scalar(server_database, "SELECT count(*) FROM events") == 1
