"""Snapshots of F2 and the caller card with fixed data, at the smallest supported size."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from allo_tui.app import AlloApp
from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.domain.workflow import Action
from allo_tui.screens.caller_card import CallerCardScreen
from allo_tui.screens.caller_edit import CallerEditScreen

CALLERS = (
    NewCaller(
        surname="Zébulon",
        given_name="Éléonore",
        phones=("03 86 12 34 56", "06 11 22 33 44"),
        street_number="12",
        street="rue du Temple",
        postcode="89000",
        city="Auxerre",
        neighbourhood="Centre",
        notes="Malentendante : parler fort.",
    ),
    NewCaller(
        surname="Martin",
        given_name="Paul",
        phones=("03 86 99 00 11",),
        street="place de l'Arquebuse",
    ),
    NewCaller(surname="Martinez", given_name="Ana", phones=("poste 12",)),
    NewCaller(surname="Marchand", given_name="[bold]Zoé", street="avenue Jean Jaurès"),
)


@pytest.fixture
def fixed_app(store, operator, supervisor, clock):
    """An app on a database with four callers; Zébulon has three requests, one cancelled."""
    ids = [store.create_caller(operator, new).id for new in CALLERS]
    categories = {c.code: c for c in store.categories()}
    made = []
    for code, street in (("VOIRIE", "rue du Temple"), ("TAGS", "rue de Paris"), ("ECLAIRAGE", "")):
        made.append(
            store.create_request(
                operator,
                NewRequest(
                    category_id=categories[code].id,
                    description="…",
                    caller_id=ids[0],
                    street_number="12" if street else "",
                    street=street,
                    landmark="" if street else "devant l'école",
                ),
            )
        )
        clock.advance(days=3)
    store.apply(supervisor, made[1].id, Action.CANCEL, expected_version=1, text="doublon")
    app = AlloApp(store=store, operator=operator, console="test")
    app.animation_level = "none"
    app.caller_ids = ids  # for the tests below
    return app


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _no_blink(pilot) -> None:
    """A blinking cursor would make the snapshot depend on timing."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


def test_lookup_with_results(snap_compare, fixed_app) -> None:
    async def run_before(pilot) -> None:
        _no_blink(pilot)
        await pilot.press(*"mar")
        await _settle(pilot)
        await pilot.press("down")

    assert snap_compare(fixed_app, terminal_size=(80, 24), run_before=run_before)


def test_lookup_by_phone(snap_compare, fixed_app) -> None:
    async def run_before(pilot) -> None:
        _no_blink(pilot)
        await pilot.press(*"22 33 44")
        await _settle(pilot)

    assert snap_compare(fixed_app, terminal_size=(100, 24), run_before=run_before)


def test_lookup_with_nothing_found(snap_compare, fixed_app) -> None:
    async def run_before(pilot) -> None:
        _no_blink(pilot)
        await pilot.press(*"dupuis")
        await _settle(pilot)

    assert snap_compare(fixed_app, terminal_size=(80, 24), run_before=run_before)


def test_caller_card(snap_compare, fixed_app) -> None:
    async def run_before(pilot) -> None:
        pilot.app.push_screen(CallerCardScreen(pilot.app.caller_ids[0]))
        await _settle(pilot)

    assert snap_compare(fixed_app, terminal_size=(80, 24), run_before=run_before)


def test_caller_form(snap_compare, fixed_app) -> None:
    async def run_before(pilot) -> None:
        caller = pilot.app.store.get_caller(pilot.app.caller_ids[2])
        pilot.app.push_screen(CallerEditScreen(caller=caller))
        await _settle(pilot)
        _no_blink(pilot)
        pilot.app.screen.query_one("#phone-1", Input).value = "03 86 99 00 11"
        await _settle(pilot)

    assert snap_compare(fixed_app, terminal_size=(80, 24), run_before=run_before)
