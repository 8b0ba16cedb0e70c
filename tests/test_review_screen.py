"""F8, the review (bilan): supervisors and admins only; the numbers on screen are the store's,
as charts or as tables (`t` toggles)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pilot_helpers import make_app, settle
from store_helpers import request_for

from allo_tui.domain.review import review_tables, year_of
from allo_tui.screens.review import ReviewScreen, cell_text


async def test_a_supervisor_reads_the_same_numbers_as_the_store(store, supervisor, operator):
    for day in range(3):
        store.clock.set(datetime(2026, 10, 5, 8, 0, tzinfo=UTC) + timedelta(days=day))
        store.create_request(operator, request_for(store, "VOIRIE", "Nid de poule"))
    app = make_app(store, supervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await settle(app, pilot, rounds=3, pause=0.2)
        assert isinstance(app.screen, ReviewScreen)
        await app.workers.wait_for_complete()
        await settle(app, pilot, rounds=2)
        period = year_of(2026)
        now = app.clock.now()
        expected = review_tables(store.review(period, now), store.review(period.previous(), now))
        shown = app.screen.tables
        assert [t.rows for t in shown] == [t.rows for t in expected]
        await pilot.press("t")
        await settle(app, pilot)
        from textual.widgets import DataTable

        grids = list(app.screen.query(DataTable))
        assert len(grids) == len(expected)
        first = grids[0]
        row = first.get_row_at(0)
        assert list(row) == [cell_text(v) for v in expected[0].rows[0]]


async def test_a_hostess_has_no_review(store, operator):
    app = make_app(store, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReviewScreen)


async def test_any_two_dates_typed_after_d(store, supervisor, operator):
    from allo_tui.domain.review import between

    store.clock.set(datetime(2026, 10, 5, 8, 0, tzinfo=UTC))
    store.create_request(operator, request_for(store, "VOIRIE", "Nid de poule"))
    app = make_app(store, supervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await settle(app, pilot, rounds=3, pause=0.2)
        await app.workers.wait_for_complete()
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press(*"31/12/2026 au 01/10/2026", "enter")
        await settle(app, pilot)
        dialog = app.screen
        assert "précède" in str(dialog.query_one("#dialog-error").render())
        field = dialog.query_one("#dialog-text")
        field.value = ""
        await pilot.press(*"01/10/2026 au 31/10/2026", "enter")
        await settle(app, pilot, rounds=3, pause=0.2)
        await app.workers.wait_for_complete()
        await settle(app, pilot, rounds=2)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        period = between(datetime(2026, 10, 1).date(), datetime(2026, 10, 31).date())
        assert screen.period == period
        heading = str(screen.query_one("#review-heading").render())
        assert "du 01/10/2026 au 31/10/2026" in heading
        assert "du 31/08/2026 au 30/09/2026" in heading  # the 31 days before
        now = app.clock.now()
        expected = review_tables(store.review(period, now), store.review(period.previous(), now))
        assert [t.rows for t in screen.tables] == [t.rows for t in expected]
        series = next(t for t in screen.tables if t.name == "evolution")
        assert series.rows[0][0].startswith("S40")  # a month is shown by weeks
