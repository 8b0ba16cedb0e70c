"""`allo board`, the wall screen: figures, clock, automatic paging, narrowing, and keeping the
last data on screen while the database is unreachable — on a real database, fixed clock."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import settle
from textual.widgets import Digits, Static

from allo_tui.app import BoardApp
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import NewRequest
from allo_tui.screens.board import RETRY_SECONDS
from allo_tui.screens.wall import WallScreen
from allo_tui.widgets.board_list import BoardList

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL (its own mechanics
and snapshots on SQLite only)."""

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday, 10:00 in Paris


def category_id(store: Store, code: str) -> int:
    return next(c.id for c in store.categories() if c.code == code)


def fill(store: Store, who, clock: FixedClock, count: int, code: str = "VOIRIE") -> list[str]:
    """`count` requests of category `code`, one a minute up to NOW."""
    references = []
    for index in range(count):
        clock.set(NOW - timedelta(minutes=count - index))
        request = store.create_request(
            who, NewRequest(category_id=category_id(store, code), description=f"n° {index}")
        )
        references.append(request.reference)
    clock.set(NOW)
    return references


def visible(board: BoardList) -> list[str]:
    return [board.render_line(y).text.rstrip() for y in range(board.size.height)]


def text_of(screen: WallScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def start(app: BoardApp, pilot) -> WallScreen:
    await settle(app, pilot)
    assert isinstance(app.screen, WallScreen)
    return app.screen


async def test_wall_shows_big_figures_clock_and_date(store, admin, clock) -> None:
    fill(store, admin, clock, 3)
    fill(store, admin, clock, 2, code="DANGER")  # urgency 1, due in an hour or less
    clock.advance(minutes=59)  # the first DANGER is now a minute late, the second due now
    app = BoardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(app, pilot)
        figures = {
            name: screen.query_one(f"#count-{name}", Digits).value
            for name in ("1", "2", "3", "4", "late", "acks")
        }
        assert figures == {"1": "2", "2": "0", "3": "3", "4": "0", "late": "1", "acks": "0"}
        assert screen.query_one("#clock", Digits).value == "10:59"
        assert "mardi 24 novembre 2026" in str(screen.query_one("#date").render())
        assert screen.query_one("#figure-late").has_class("-alert")
        lines = visible(screen.board_list)
        assert "en retard de 1 min" in next(line for line in lines if line.startswith("!"))
        assert not screen.board_list.can_focus, "read-only: no cursor"


async def test_wall_pages_through_a_list_that_does_not_fit(store, admin, clock) -> None:
    references = fill(store, admin, clock, 30)
    app = BoardApp(store, page_seconds=600)  # pages are flipped by hand below
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await start(app, pilot)
        board = screen.board_list
        pages = board.page_count
        assert pages > 1
        assert text_of(screen, "#wall-page") == f"page 1/{pages}"
        first = visible(board)
        assert references[0] in "".join(first)
        screen.next_page()
        await pilot.pause()
        assert text_of(screen, "#wall-page") == f"page 2/{pages}"
        second = visible(board)
        assert second[1:] != first[1:] and references[0] not in "".join(second)
        assert second[0] == first[0], "column titles stay"
        for _ in range(pages - 1):
            screen.next_page()
        await pilot.pause()
        assert text_of(screen, "#wall-page") == f"page 1/{pages}", "back to the first page"


async def test_an_urgent_arrival_brings_the_wall_to_the_first_page(
    store, db_path, admin, clock
) -> None:
    fill(store, admin, clock, 30)
    app = BoardApp(store, page_seconds=600)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await start(app, pilot)
        await asyncio.to_thread(app.requests_watch.check)
        screen.next_page()
        assert screen.board_list.page == 1
        other = Store(db_path, clock=clock)
        try:
            urgent = other.create_request(
                admin, NewRequest(category_id=category_id(other, "ARBRE"), description="chêne")
            )
        finally:
            other.close()
        await asyncio.to_thread(app.requests_watch.check)
        await settle(app, pilot)
        assert screen.board_list.page == 0
        assert urgent.reference in visible(screen.board_list)[2], "at the top, under its heading"


async def test_wall_narrowed_to_a_service_and_an_urgency(store, admin, clock) -> None:
    fill(store, admin, clock, 2)
    urgent = fill(store, admin, clock, 2, code="ARBRE")
    mobile = next(service for service in store.services() if service.is_mobile_team)
    names = {service.id: service.name for service in store.services()}
    app = BoardApp(store, services=(mobile.id,), urgency=1, service_names=names)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(app, pilot)
        assert [r.reference for r in screen.board_list.rows] == urgent
        title = text_of(screen, "#wall-title")
        assert mobile.name in title and "urgence 1" in title
        assert screen.query_one("#figure-3").has_class("-unselected")
        assert screen.query_one("#count-3", Digits).value == "0", "figures follow the service"


@pytest.mark.backends("sqlite")  # a file's mechanics, or a snapshot
async def test_wall_keeps_the_last_data_while_the_file_is_away(
    store, db_path, admin, clock
) -> None:
    references = fill(store, admin, clock, 3)
    app = BoardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(app, pilot)
        watch = app.requests_watch
        await asyncio.to_thread(watch.check)
        away = db_path.with_name("away.sqlite3")
        db_path.rename(away)  # the share went away, the file was moved…
        clock.advance(minutes=2)
        await asyncio.to_thread(watch.check)
        await settle(app, pilot)
        status = screen.query_one("#wall-status", Static)
        assert status.display
        assert str(status.render()) == (
            "connexion perdue — nouvel essai… (dernières données : 10:00:00)"
        )
        assert [r.reference for r in screen.board_list.rows] == references, "data kept"
        screen.tick()  # the board does not reopen a missing file by itself
        await settle(app, pilot)
        assert not db_path.exists()
        away.rename(db_path)
        await asyncio.to_thread(watch.check)
        await settle(app, pilot)
        assert not status.display, "recovered by itself"
        assert screen.loaded_at == NOW + timedelta(minutes=2)


class FlakyStore(Store):
    """A Store whose board reads fail while `locked` is set, as under a long write lock."""

    locked = False

    def board_snapshot(self, **options):
        if self.locked:
            raise sqlite3.OperationalError("database is locked")
        return super().board_snapshot(**options)


@pytest.mark.backends("sqlite")  # a file's mechanics, or a snapshot
async def test_wall_retries_a_locked_database_until_it_answers(db_path, clock) -> None:
    store = FlakyStore(db_path, clock=clock)
    admin = store.resolve_operator("admin")
    references = fill(store, admin, clock, 2)
    app = BoardApp(store)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await start(app, pilot)
            store.locked = True
            screen.request_reload()
            await settle(app, pilot)
            status = screen.query_one("#wall-status", Static)
            assert status.display and "nouvel essai" in str(status.render())
            assert [r.reference for r in screen.board_list.rows] == references
            clock.advance(seconds=RETRY_SECONDS)
            screen.tick()  # still locked: tried again, still lost, nothing lost on screen
            await settle(app, pilot)
            assert status.display and len(screen.board_list.rows) == 2
            store.locked = False
            clock.advance(seconds=RETRY_SECONDS)
            screen.tick()
            await settle(app, pilot)
            assert not status.display
    finally:
        store.close()


# -- snapshots --------------------------------------------------------------------------


def _snapshot_data(store: Store, admin, clock: FixedClock) -> None:
    """A small, fixed board: late, due soon, normal and remark rows, one acknowledged."""
    made = []
    for minutes_ago, code, street in (
        (130, "DANGER", "Rue du Temple"),
        (600, "SIGNAL", "Boulevard Vauban"),
        (50, "ARBRE", "Parc de l'Arbre Sec"),
        (2 * 24 * 60, "VOIRIE", "Rue de Paris"),
        (45, "ECLAIRAGE", "Quai de la Marine"),
        (30, "AUTRE", "Place Charles Surugue"),
    ):
        clock.set(NOW - timedelta(minutes=minutes_ago))
        made.append(
            store.create_request(
                admin,
                NewRequest(category_id=category_id(store, code), description="x", street=street),
            )
        )
    clock.set(NOW)
    from allo_tui.domain.workflow import Action

    store.apply(admin, made[4].id, Action.ACKNOWLEDGE, expected_version=1, how="phone")


@pytest.mark.backends("sqlite")  # a file's mechanics, or a snapshot
def test_wall_snapshot(snap_compare, store, admin, clock) -> None:
    _snapshot_data(store, admin, clock)
    app = BoardApp(store)

    async def ready(pilot) -> None:
        app.animation_level = "none"
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 30), run_before=ready)


@pytest.mark.backends("sqlite")  # a file's mechanics, or a snapshot
def test_wall_snapshot_at_80x24(snap_compare, store, admin, clock) -> None:
    _snapshot_data(store, admin, clock)
    app = BoardApp(store)

    async def ready(pilot) -> None:
        app.animation_level = "none"
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


@pytest.mark.backends("sqlite")  # a file's mechanics, or a snapshot
def test_console_board_snapshot(snap_compare, store, supervisor, clock) -> None:
    from allo_tui.app import AlloApp

    _snapshot_data(store, supervisor, clock)
    app = AlloApp(store=store, operator=supervisor, console="test")

    async def ready(pilot) -> None:
        app.animation_level = "none"
        await pilot.press("f5")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 30), run_before=ready)
