"""Snapshots of the new-request form (filled, with a possible duplicate) and its confirmation."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from allo_tui.app import AlloApp
from allo_tui.domain.records import NewCaller, NewRequest

pytestmark = pytest.mark.usefixtures("quick_timers")


def _data(store, admin, clock):
    voirie = next(c for c in store.categories() if c.code == "VOIRIE")
    clock.advance(days=-3)
    store.create_request(
        admin,
        NewRequest(
            category_id=voirie.id,
            description="Trou [bold]profond[/bold] sur la chaussée, \x1b[31m",
            street="Rue du Temple",
            street_number="14",
        ),
    )
    clock.advance(days=3)
    return store.create_caller(
        admin,
        NewCaller(
            surname="Zébulon",
            given_name="Éléonore",
            phones=("03 86 12 34 56",),
            street_number="3",
            street="Place Charles Surugue",
        ),
    )


async def _fill(pilot) -> None:
    app = pilot.app
    app.animation_level = "none"

    async def settle() -> None:
        for _ in range(3):
            await pilot.pause(0.02)
            await app.workers.wait_for_complete()
            await pilot.pause()

    await pilot.press("f3")
    await settle()
    # Cursors drawn steadily from the start: a blink caught mid-way would make the picture vary.
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.press(*"0386123456")
    await settle()
    await pilot.press("enter", *"nid")
    await settle()
    await pilot.press("enter", *"12", "enter")
    await pilot.press(*["space" if c == " " else c for c in "rue du temple"])
    await settle()
    await pilot.press("enter", "enter", "enter", "enter")
    await pilot.press(*["space" if c == " " else c for c in "nid-de-poule [b]profond[/b]"])
    await settle()
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False
    await settle()


def test_the_filled_form_with_a_possible_duplicate(snap_compare, store, admin, clock) -> None:
    _data(store, admin, clock)
    app = AlloApp(store=store, operator=admin, console="test")
    assert snap_compare(app, terminal_size=(120, 34), run_before=_fill)


def test_the_filled_form_at_80x24(snap_compare, store, admin, clock) -> None:
    _data(store, admin, clock)
    app = AlloApp(store=store, operator=admin, console="test")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_fill)


def test_the_confirmation_to_read_out(snap_compare, store, admin, clock) -> None:
    _data(store, admin, clock)
    app = AlloApp(store=store, operator=admin, console="test")

    async def saved(pilot) -> None:
        await _fill(pilot)
        await pilot.press("ctrl+s")
        for _ in range(3):
            await pilot.pause(0.02)
            await app.workers.wait_for_complete()
            await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=saved)
