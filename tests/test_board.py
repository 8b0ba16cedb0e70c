"""The live board (F5) in the console: order and grouping by urgency, late rows in the theme's
error colour, countdowns ticking from memory, repaints of changed lines only, and live updates
from other connections and processes (also for a hidden board) — on a real database with a
fixed clock.

Beside it: test_board_read (the Store's board read, layout helpers), test_board_keys.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

from conftest import ALL_BACKENDS, BOARD_ORDER, FIXED_NOW, REMARKS, category, create_at
from pilot_helpers import board_lines, open_board, row_of, settle

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.records import NewRequest, Status
from allo_tui.domain.workflow import Action

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

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
        new = create_at(store, admin, clock, FIXED_NOW, "ARBRE")  # urgency 1: inside the window
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
                admin,
                new.id,
                Action.DONE,
                outcome_code="REPARE",
                expected_version=new.version,
                text="sécurisé",
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
        new = create_at(store, admin, app.clock, FIXED_NOW, "SIGNAL")
        await asyncio.to_thread(app.requests_watch.check)
        await settle(app, pilot)
        assert all(r.reference != new.reference for r in screen.board_list.rows)
        await pilot.press("f5")
        await settle(app, pilot)
        assert any(r.reference == new.reference for r in screen.board_list.rows)


async def test_a_caller_who_wants_a_call_back_shows_tel_until_the_call_is_recorded(
    store, admin
) -> None:
    from allo_tui.domain.records import ContactPreference, NewCaller

    by_phone = store.create_caller(admin, NewCaller(surname="Rappel", phones=("0386123456",)))
    by_letter = store.create_caller(
        admin, NewCaller(surname="Lettre", contact_preference=ContactPreference.LETTER)
    )
    voirie = category(store, "VOIRIE").id
    call_back = store.create_request(
        admin, NewRequest(category_id=voirie, description="x", caller_id=by_phone.id)
    )
    letter = store.create_request(
        admin, NewRequest(category_id=voirie, description="y", caller_id=by_letter.id)
    )
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        board = screen.board_list
        assert " Tél " in row_of(board, call_back.reference)
        assert " AR " in row_of(board, letter.reference)
    store.apply(admin, call_back.id, Action.ACKNOWLEDGE, expected_version=1, how="phone")
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        assert " Tél " not in row_of(screen.board_list, call_back.reference)
