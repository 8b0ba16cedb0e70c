"""Snapshots of the history list under filters and of a request detail with a long timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Input

from allo_tui.app import AlloApp
from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.domain.workflow import Action
from allo_tui.screens.request_detail import RequestDetailScreen

STREETS = ("Rue du Temple", "Boulevard Vaulabelle", "Place de l'Hôtel de Ville")
CODES = ("ECLAIRAGE", "VOIRIE", "TAGS", "DANGER", "ECLAIRAGE", "AUTRE")


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False  # a blinking cursor would make the picture flaky


@pytest.fixture
def history_app(store, operator, supervisor, clock):
    """Thirty requests over a fortnight, some moved along the workflow."""
    caller = store.create_caller(
        operator, NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
    )
    categories = {c.code: c for c in store.categories()}
    clock.set(datetime(2026, 11, 10, 8, 30, tzinfo=UTC))
    for index in range(30):
        request = store.create_request(
            operator,
            NewRequest(
                category_id=categories[CODES[index % len(CODES)]].id,
                description=f"Demande n° {index} [bold]texte[/bold]",
                caller_id=caller.id if index % 3 == 0 else None,
                street_number=str(index + 1),
                street=STREETS[index % len(STREETS)],
                landmark="devant l'école" if index % 4 == 0 else "",
            ),
        )
        if index % 5 == 1:
            store.apply(operator, request.id, Action.ACKNOWLEDGE, expected_version=1, how="phone")
        elif index % 5 == 2:
            store.apply(
                supervisor,
                request.id,
                Action.REJECT,
                reason_code="NON_FONDE",
                expected_version=1,
                text="non",
            )
        clock.advance(hours=11)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    app = AlloApp(store=store, operator=operator, console="test")
    app.animation_level = "none"
    return app


def test_history_list_with_filters(snap_compare, history_app) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("f4")
        await _settle(pilot)
        await pilot.press("down", "s", "2")  # Ouvertes
        await _settle(pilot)
        await pilot.press("c", *"eclai", "enter")
        await _settle(pilot)
        await pilot.press("down")

    assert snap_compare(history_app, terminal_size=(100, 30), run_before=run_before)


def test_history_list_at_80_columns(snap_compare, history_app) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("f4")
        await _settle(pilot)

    assert snap_compare(history_app, terminal_size=(80, 24), run_before=run_before)


@pytest.fixture
def detail_app(store, operator, supervisor, clock):
    """A request with a long life: acknowledged, assigned, reassigned, many notes, done."""
    caller = store.create_caller(operator, NewCaller(surname="Zébulon", given_name="Éléonore"))
    lighting = store.find_category("ECLAIRAGE")
    clock.set(datetime(2026, 11, 2, 8, 45, tzinfo=UTC))
    request = store.create_request(
        operator,
        NewRequest(
            category_id=lighting.id,
            description="Trois lampadaires éteints [red]depuis vendredi[/red], rue très sombre.",
            caller_id=caller.id,
            street_number="12",
            street="Rue du Temple",
            landmark="devant l'école",
        ),
    )
    services = {s.name: s.id for s in store.services()}
    version = request.version

    def step(who, action, **fields) -> None:
        nonlocal version
        clock.advance(hours=3, minutes=17)
        version = store.apply(who, request.id, action, expected_version=version, **fields).version

    step(operator, Action.ACKNOWLEDGE, how="phone")
    step(operator, Action.ASSIGN, service_id=services["Voirie"])
    step(supervisor, Action.ASSIGN, service_id=services["Éclairage public"], text="Mauvais service")
    for number in range(1, 11):
        step(operator, Action.NOTE, text=f"Rappel n° {number} du demandeur : toujours éteint.")
    step(operator, Action.START, text="Équipe sur place")
    step(
        operator,
        Action.DONE,
        outcome_code="REPARE",
        text="Trois ampoules changées ; le câble sera contrôlé la semaine prochaine.",
    )
    duplicate = store.create_request(
        operator,
        NewRequest(
            category_id=lighting.id,
            description="Lampadaire",
            street="Rue du Temple",
            duplicate_of_id=request.id,
        ),
    )
    assert duplicate.duplicate_of_id == request.id
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC) - timedelta(0))
    app = AlloApp(store=store, operator=supervisor, console="test")
    app.animation_level = "none"
    app.request_id = request.id
    return app


def test_request_detail_with_a_long_timeline(snap_compare, detail_app) -> None:
    async def run_before(pilot) -> None:
        pilot.app.push_screen(RequestDetailScreen(pilot.app.request_id))
        await _settle(pilot)
        await pilot.press("end")
        await _settle(pilot)

    assert snap_compare(detail_app, terminal_size=(110, 48), run_before=run_before)


def test_request_detail_top_with_keys_at_80_columns(snap_compare, detail_app) -> None:
    async def run_before(pilot) -> None:
        pilot.app.push_screen(RequestDetailScreen(pilot.app.request_id))
        await _settle(pilot)

    assert snap_compare(detail_app, terminal_size=(80, 24), run_before=run_before)
