"""The live board (F5): order and grouping, countdowns, live updates across connections and
processes, filters, assignment — on a real database with a fixed clock."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from pilot_helpers import settle
from textual.widgets import OptionList

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import NewRequest, Status
from allo_tui.domain.workflow import Action
from allo_tui.screens.board import BoardScreen
from allo_tui.widgets.board_list import BoardList, layout_columns, visible_text
from allo_tui.widgets.service_picker import ServicePicker

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday, 10:00 in Paris


def category(store: Store, code: str):
    return next(c for c in store.categories() if c.code == code)


def create(store: Store, who, clock: FixedClock, at: datetime, code: str, **fields):
    clock.set(at)
    return store.create_request(
        who, NewRequest(category_id=category(store, code).id, description="test", **fields)
    )


@pytest.fixture
def board_data(store: Store, admin, clock: FixedClock) -> dict[str, str]:
    """Nine requests around Tuesday 24 November 2026 10:00 (Paris); one of them closed."""
    made = {
        # created the previous week: acknowledgement late (Mon 18:00) and due today (Tue 18:00)
        "ack_late": create(store, admin, clock, datetime(2026, 11, 19, 9, 0, tzinfo=UTC), "VOIRIE"),
        "ack_today": create(store, admin, clock, datetime(2026, 11, 20, 9, 0, tzinfo=UTC), "TAGS"),
        "late_1": create(
            store, admin, clock, NOW - timedelta(hours=2), "DANGER", street="Rue du Temple"
        ),
        "closed": create(store, admin, clock, NOW - timedelta(minutes=90), "VOIRIE"),
        "normal": create(store, admin, clock, NOW - timedelta(hours=1), "ESPVERTS"),
        "remark_a": create(store, admin, clock, NOW - timedelta(minutes=30), "AUTRE"),
        "remark_b": create(store, admin, clock, NOW - timedelta(minutes=20), "AUTRE"),
        "soon_1": create(store, admin, clock, NOW - timedelta(minutes=10), "ARBRE"),
        "urgent_2": create(store, admin, clock, NOW - timedelta(minutes=1), "SIGNAL"),
    }
    clock.set(NOW)
    closed = made["closed"]
    store.apply(admin, closed.id, Action.DONE, expected_version=closed.version, text="fait")
    return {name: request.reference for name, request in made.items()}


BOARD_ORDER = ("late_1", "soon_1", "urgent_2", "ack_late", "ack_today", "normal")
REMARKS = ("remark_a", "remark_b")


def board_lines(board: BoardList) -> list[str]:
    """What the board shows, line by line (column titles first)."""
    return [board.render_line(y).text.rstrip() for y in range(board.size.height)]


def row_of(board: BoardList, reference: str) -> str:
    return next(line for line in board_lines(board) if reference in line)


def choose(picker: ServicePicker, store: Store, name: str) -> None:
    """Move the picker's highlight to the service called `name`."""
    service = next(service for service in store.services() if service.name == name)
    options = picker.query_one(OptionList)
    options.highlighted = options.get_option_index(str(service.id))


async def open_board(app, pilot) -> BoardScreen:
    await pilot.press("f5")
    await settle(app, pilot)
    assert isinstance(app.screen, BoardScreen)
    return app.screen


# -- the Store's board read -------------------------------------------------------------


def test_snapshot_orders_by_urgency_then_due_time_latest_last(store, board_data) -> None:
    snapshot = store.board_snapshot(limit=50)
    references = [request.reference for request in snapshot.rows]
    assert references == [board_data[name] for name in (*BOARD_ORDER, *REMARKS)]
    assert board_data["closed"] not in references, "done requests leave the board"
    assert [request.intervention_due_at for request in snapshot.rows[-2:]] == [None, None]


def test_snapshot_counts_open_late_and_acknowledgements_due_today(store, board_data) -> None:
    counts = store.board_snapshot(limit=1).counts
    assert counts.open_by_urgency == {1: 2, 2: 1, 3: 3, 4: 2}
    assert counts.late_by_urgency == {1: 1, 2: 0, 3: 0, 4: 0}
    assert (counts.acks_due_today, counts.acks_late) == (2, 1)
    assert counts.valid_until == NOW + timedelta(minutes=50), "when soon_1 turns late"
    assert counts.at == NOW


def test_snapshot_reads_only_the_window_asked_for(store, board_data) -> None:
    snapshot = store.board_snapshot(limit=3)
    assert [r.reference for r in snapshot.rows] == [board_data[n] for n in BOARD_ORDER[:3]]
    assert snapshot.counts.open() == 8, "figures count every open request, not the window"


def test_snapshot_filters_rows_by_service_and_urgency(store, board_data) -> None:
    mobile = next(service for service in store.services() if service.is_mobile_team)
    by_service = store.board_snapshot(limit=50, services=(mobile.id,))
    assert [r.reference for r in by_service.rows] == [
        board_data["late_1"],
        board_data["soon_1"],
    ]
    assert by_service.counts.open() == 2, "figures follow the service filter"
    by_urgency = store.board_snapshot(limit=50, urgency=4)
    assert [r.reference for r in by_urgency.rows] == [board_data[n] for n in REMARKS]
    assert by_urgency.counts.open() == 8, "figures show every urgency for context"


@pytest.mark.parametrize("services", [(), (1,)])
def test_the_board_reads_indexes_only_and_never_sorts_the_open_requests(
    store, board_data, services
) -> None:
    """Every statement of the board's read, as SQLite plans it: the rows, then one statement
    of figures made only of index range searches (each open request counted once)."""
    import sqlite3

    statements: list[str] = []
    original = sqlite3.Connection.execute

    connection = sqlite3.connect(store.path)
    try:
        store.board_snapshot(limit=10, services=services)  # warm, then trace one read
        store.backend.set_trace(statements.append)
        store.board_snapshot(limit=10, services=services)
        store.backend.set_trace(None)
        selects = [sql for sql in statements if "INDEXED BY" in sql]
        assert len(selects) == 2, selects
        plans = [
            [row[3] for row in original(connection, "EXPLAIN QUERY PLAN " + sql)] for sql in selects
        ]
    finally:
        connection.close()
    rows, figures = plans
    index = "ix_requests_open_service" if services else "ix_requests_open"
    assert any(f"USING INDEX {index}" in step for step in rows), rows
    # Only the small window is sorted again after the joins, never the open requests.
    assert rows.index("MATERIALIZE r") < rows.index("USE TEMP B-TREE FOR ORDER BY"), rows
    searches = [step for step in figures if step.startswith("SEARCH")]
    assert all(
        step.startswith("SCALAR SUBQUERY") or step == "SCAN CONSTANT ROW" or step in searches
        for step in figures
    ), figures
    assert all("USING INDEX ix_requests_" in step for step in searches), searches
    # Per urgency: late, due later, no due date; disjoint ranges of the board's index.
    for bound in ("<?)", ">?)", "=?)"):
        ranges = [s for s in searches if index in s and f"intervention_due_at{bound}" in s]
        assert len(ranges) >= 4, (bound, searches)
    assert any("ix_requests_ack_owed (ack_due_at<?)" in step for step in searches), searches


# -- layout helpers ---------------------------------------------------------------------


def test_narrow_boards_drop_the_least_needed_columns_first() -> None:
    wide = [column.key for column, _, _ in layout_columns(160)]
    narrow = [column.key for column, _, _ in layout_columns(80)]
    assert "since" in wide and "since" not in narrow
    assert {"urgency", "reference", "due", "status", "category"} <= set(narrow)
    for width in (60, 80, 120, 200):
        column, x, cell = layout_columns(width)[-1]
        assert x + cell <= width


def test_typed_text_cannot_drive_the_terminal() -> None:
    assert visible_text("Rue \x1b[31mrouge") == "Rue ␛[31mrouge"
    assert visible_text("[bold]x") == "[bold]x"


# -- the console board ------------------------------------------------------------------


async def test_board_groups_by_urgency_and_marks_late_rows(store, admin, board_data) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        board = screen.board_list
        lines = board_lines(board)
        shown = [
            name
            for line in lines
            for name, reference in board_data.items()
            if f" {reference} " in line
        ]
        assert shown == [*BOARD_ORDER, *REMARKS]
        headings = [line.strip() for line in lines if " · " in line and "ouverte" in line]
        assert headings == [
            "1 · Immédiate — 2 ouverte(s), 1 en retard",
            "2 · Urgente — 1 ouverte(s)",
            "3 · Normale — 3 ouverte(s)",
            "4 · Sans intervention — 2 ouverte(s)",
        ]
        late = row_of(board, board_data["late_1"])
        assert late.startswith("!") and "en retard de 1 h 00" in late
        assert "il y a 2 h 00" in late and "Rue du Temple" in late
        assert "dans 50 min" in row_of(board, board_data["soon_1"])
        assert "dans 23 h 59" in row_of(board, board_data["urgent_2"])
        assert "AR!" in row_of(board, board_data["ack_late"])
        assert not row_of(board, board_data["soon_1"]).startswith("!")
        remark = row_of(board, board_data["remark_a"])
        assert "—" in remark and "retard" not in remark
        header = str(screen.query_one("#board-header").render())
        assert "Immédiate 2" in header and "En retard : 1" in header
        assert "AR à faire aujourd'hui : 2 (dont 1 en retard)" in header


async def test_late_rows_are_painted_in_the_theme_error_colour(store, admin, board_data) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        board = (await open_board(app, pilot)).board_list
        error = board.get_component_rich_style("board-list--late").color
        lines = [board.render_line(y) for y in range(board.size.height)]
        late = next(strip for strip in lines if board_data["late_1"] in strip.text)
        ontime = next(strip for strip in lines if board_data["soon_1"] in strip.text)
        reference_style = next(s.style for s in late if board_data["late_1"] in s.text)
        assert reference_style.color == error
        assert all(s.style.color != error for s in ontime if board_data["soon_1"] in s.text)


async def test_countdowns_tick_from_memory_without_reading_the_database(
    store, admin, clock, board_data
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        board = screen.board_list
        reads = screen.reloads
        assert board.tick(clock.now()) == 0, "nothing changed: nothing repainted"
        clock.advance(minutes=5)
        screen.tick()
        await pilot.pause()
        assert "dans 45 min" in row_of(board, board_data["soon_1"])
        assert "en retard de 1 h 05" in row_of(board, board_data["late_1"])
        await settle(app, pilot)
        assert screen.reloads == reads, "ticking does not query"
        clock.advance(minutes=46)  # past soon_1's due instant: the figures are read again
        screen.tick()
        await settle(app, pilot)
        assert screen.reloads == reads + 1
        assert row_of(board, board_data["soon_1"]).startswith("!")
        assert "En retard : 2" in str(screen.query_one("#board-header").render())


async def test_reload_repaints_only_the_lines_that_changed(store, admin, board_data) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        board = screen.board_list
        snapshot = screen.snapshot
        assert snapshot is not None
        now = app.clock.now()
        assert board.set_rows(snapshot.rows, snapshot.counts, now) == 0
        request = store.get_request_by_reference(board_data["normal"])
        assert request is not None
        store.apply(admin, request.id, Action.START, expected_version=request.version)
        fresh = store.board_snapshot(limit=60)
        assert board.set_rows(fresh.rows, fresh.counts, now) == 1, "one row changed in place"
        await pilot.pause()
        assert "En cours" in row_of(board, board_data["normal"])


async def test_rows_revealed_by_a_bigger_window_are_not_new_arrivals(
    store, admin, clock, board_data
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        board = (await open_board(app, pilot)).board_list
        now = clock.now()
        small = store.board_snapshot(limit=3)
        board.set_rows(small.rows, small.counts, now)
        bigger = store.board_snapshot(limit=5)
        board.set_rows(bigger.rows, bigger.counts, now)
        assert not board._arrivals, "scrolling further is not news"
        new = create(store, admin, clock, NOW, "ARBRE")  # urgency 1: inside the window
        fresh = store.board_snapshot(limit=6)
        board.set_rows(fresh.rows, fresh.counts, now)
        assert set(board._arrivals) == {new.id}


async def test_a_request_made_on_another_connection_appears_without_input(
    store, db_path, admin, clock, board_data
) -> None:
    rung: list[bool] = []
    notes: list[tuple[str, str]] = []
    app = AlloApp(store=store, operator=admin, console="test")
    app.bell = lambda: rung.append(True)  # type: ignore[method-assign]
    original_notify = app.notify

    def notify(message, *, title="", **options):
        notes.append((title, str(message)))
        return original_notify(message, title=title, **options)

    app.notify = notify  # type: ignore[method-assign]
    other = Store(db_path, clock=clock)  # another console: its own engine and connections
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            screen = await open_board(app, pilot)
            board = screen.board_list
            watch = app.requests_watch
            await asyncio.to_thread(watch.check)  # the baseline look
            new = other.create_request(
                admin,
                NewRequest(
                    category_id=category(other, "DANGER").id,
                    description="plaque soulevée",
                    street="Place de l'Hôtel de Ville",
                ),
            )
            await asyncio.to_thread(watch.check)  # the next poll of the change feed
            await settle(app, pilot)
            order = [request.reference for request in board.rows]
            assert order.index(new.reference) == 2, "after the late one and the one due 09:50"
            assert new.reference in row_of(board, new.reference)
            assert board._arrivals.get(new.id), "briefly highlighted"
            assert rung == [True]
            assert notes and new.reference in notes[-1][1] and "Urgence" in notes[-1][0]
            # The other console finishes it: it leaves the board.
            done = other.apply(
                admin, new.id, Action.DONE, expected_version=new.version, text="sécurisé"
            )
            assert done.status is Status.DONE
            await asyncio.to_thread(watch.check)
            await settle(app, pilot)
            assert not any(new.reference in line for line in board_lines(board))
            assert rung == [True], "only arrivals ring"
    finally:
        other.close()


async def test_a_request_made_by_another_process_reaches_a_running_board(
    store, db_path, admin, board_data
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        watch = app.requests_watch
        watch.poll_seconds = 0.05
        watch.start(force=True)  # the real polling thread, as in a terminal
        try:
            result = subprocess.run(
                [sys.executable, "-m", "allo_tui", "--db", str(db_path), "--operator", "admin"]
                + ["request", "add", "--category", "DANGER", "--urgency", "1"]
                + ["--description", "câble à terre", "--street", "Rue Joubert"],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            reference = result.stdout.strip()
            for _ in range(200):  # bounded wait for the polling thread (not a speed check)
                await settle(app, pilot)
                if any(r.reference == reference for r in screen.board_list.rows):
                    break
                await asyncio.sleep(0.05)
            assert any(r.reference == reference for r in screen.board_list.rows)
            assert "Rue Joubert" in row_of(screen.board_list, reference)
        finally:
            await asyncio.to_thread(watch.stop)


async def test_a_hidden_board_catches_up_when_shown_again(store, admin, board_data) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        await asyncio.to_thread(app.requests_watch.check)
        await pilot.press("f4")
        await settle(app, pilot)
        new = create(store, admin, app.clock, NOW, "SIGNAL")
        await asyncio.to_thread(app.requests_watch.check)
        await settle(app, pilot)
        assert all(r.reference != new.reference for r in screen.board_list.rows)
        await pilot.press("f5")
        await settle(app, pilot)
        assert any(r.reference == new.reference for r in screen.board_list.rows)


# -- keys -------------------------------------------------------------------------------


async def test_digit_keys_show_one_urgency_and_zero_shows_all(store, admin, board_data) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        await pilot.press("down", "down", "down", "4")
        await settle(app, pilot)
        assert [r.reference for r in screen.board_list.rows] == [board_data[n] for n in REMARKS]
        assert screen.board_list.highlighted.reference == board_data["remark_a"], "from the top"
        assert "urgence 4" in str(screen.query_one("#board-filter").render())
        await pilot.press("0")
        await settle(app, pilot)
        assert len(screen.board_list.rows) == 8
        assert not screen.query_one("#board-filter").display


async def test_f_filters_by_service(store, admin, board_data) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, ServicePicker)
        choose(app.screen, store, "Voirie")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert [r.reference for r in screen.board_list.rows] == [board_data["ack_late"]], (
            "only the open Voirie request"
        )
        assert "Voirie" in str(screen.query_one("#board-filter").render())


async def test_enter_opens_the_request_detail(store, admin, board_data) -> None:
    from allo_tui.screens.request_detail import RequestDetailScreen

    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_board(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        request = store.get_request_by_reference(board_data["soon_1"])
        assert request is not None and app.screen.request_id == request.id


async def test_supervisor_assigns_from_the_board(store, supervisor, board_data) -> None:
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        assert screen.board_list.highlighted.reference == board_data["late_1"]
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, ServicePicker)
        choose(app.screen, store, "Voirie")
        await pilot.press("enter")
        await settle(app, pilot)
    saved = store.get_request_by_reference(board_data["late_1"])
    assert saved is not None
    assert (saved.service_name, saved.status) == ("Voirie", Status.ASSIGNED)


async def test_operators_cannot_reassign_from_the_board(store, operator, board_data) -> None:
    request = store.get_request_by_reference(board_data["late_1"])
    assert request is not None
    mobile = next(service for service in store.services() if service.is_mobile_team)
    store.apply(
        operator, request.id, Action.ASSIGN, expected_version=request.version, service_id=mobile.id
    )
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        assert screen.board_list.highlighted.reference == board_data["late_1"]
        assert screen.check_action("assign", ()) is None, (
            "greyed out: reassigning is a supervisor's"
        )
        await pilot.press("down")
        assert screen.check_action("assign", ()) is True
