"""The caller card and the caller form, driven through their keys on a real temp database."""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import make_app, settle
from rich.text import Text
from textual.widgets import DataTable, Input, Static, TextArea

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.records import CallOutcome, EventKind, NewCaller, NewRequest, Status
from allo_tui.domain.workflow import Action
from allo_tui.screens.caller_card import CallerCardScreen
from allo_tui.screens.caller_edit import (
    CallerEditScreen,
    ConfirmDiscardDialog,
    DuplicatePhoneDialog,
)
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.screens.request_view import FollowUpDialog, request_detail_class

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


async def open_card(app: AlloApp, pilot, caller_id: int) -> CallerCardScreen:
    app.call.start()
    app.push_screen(CallerCardScreen(caller_id))
    await settle(app, pilot)
    assert isinstance(app.screen, CallerCardScreen)
    return app.screen


def table_rows(screen) -> list[list[str]]:
    table = screen.query_one("#requests", DataTable)
    return [
        [c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.fixture
def zebulon(store, operator):
    return store.create_caller(
        operator,
        NewCaller(
            surname="Zébulon",
            given_name="Éléonore",
            phones=("03 86 12 34 56", "poste 12"),
            email="eleonore@example.fr",
            street_number="12",
            street="rue du Temple",
            postcode="89000",
            city="Auxerre",
            neighbourhood="Centre",
            notes="Malentendante : parler fort.\n[bold]Appeler le matin[/bold]",
        ),
    )


@pytest.fixture
def history(store, operator, supervisor, zebulon, clock):
    """Four requests of Zébulon, a day apart: the 1st and 3rd get closed, the others stay open."""
    categories = {c.code: c for c in store.categories()}
    made = []
    for index, code in enumerate(("VOIRIE", "ECLAIRAGE", "TAGS", "PROPRETE")):
        made.append(
            store.create_request(
                operator,
                NewRequest(
                    category_id=categories[code].id,
                    description=f"demande {index}",
                    caller_id=zebulon.id,
                    street=f"rue {index}",
                ),
            )
        )
        clock.advance(days=1)
    for request in (made[0], made[2]):
        store.apply(supervisor, request.id, Action.CANCEL, expected_version=1, text="ok")
    return made


async def test_the_card_shows_the_details_literally(store, operator, zebulon) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(app, pilot, zebulon.id)
        assert text_of(card, "#caller-name") == "ZÉBULON Éléonore"
        fields = text_of(card, "#caller-fields")
        assert "03 86 12 34 56 · poste 12 (numéro non vérifié)" in fields
        assert "12 rue du Temple, 89000 Auxerre" in fields
        assert "[bold]Appeler le matin[/bold]" in fields
        assert "Accusé par  téléphone" in fields
        assert text_of(card, "#requests-title").startswith("Aucune demande")


async def test_open_requests_come_first_then_the_newest(store, operator, zebulon, history):
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(app, pilot, zebulon.id)
        shown = table_rows(card)
        assert [row[0] for row in shown] == [
            "● 2026-00004",
            "● 2026-00002",
            "  2026-00003",
            "  2026-00001",
        ]
        assert [row[4] for row in shown] == ["Nouvelle", "Nouvelle", "Annulée", "Annulée"]
        assert text_of(card, "#requests-title") == "Demandes : 4, dont 2 ouverte(s)"
        # Open rows stand out.
        first = card.query_one("#requests", DataTable).get_row_at(0)[0]
        assert "bold" in str(first.style)


async def test_f3_starts_a_request_for_this_caller(store, operator, zebulon) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)
        assert app.screen._caller is not None and app.screen._caller.id == zebulon.id


async def test_enter_opens_the_highlighted_request(store, operator, zebulon, history) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        screen = app.screen
        detail = request_detail_class()
        if detail is not None:
            assert isinstance(screen, detail)
        assert screen.request_id == history[1].id


async def test_n_logs_a_follow_up_on_the_highlighted_request(
    store, operator, zebulon, history
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, FollowUpDialog)
        await pilot.press(*"toujours pas fait", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        assert app.call.started_at is None
    (call,) = store.calls()
    assert (call.outcome, call.request_id, call.caller_id) == (
        CallOutcome.FOLLOW_UP,
        history[3].id,
        zebulon.id,
    )
    assert store.events(history[3].id)[-1].kind is EventKind.NOTE
    assert store.get_request(history[3].id).status is Status.NEW


async def test_a_card_left_open_after_its_call_ended_gives_way_to_the_lookup(
    store, operator, zebulon
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("f3")
        await settle(app, pilot)
        app.call.end()  # the request was saved (or F10) on the form
        await pilot.press("f2")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "LookupScreen"


# -- editing ------------------------------------------------------------------------------------


async def test_e_edits_the_caller_and_keeps_an_unparsable_phone_flagged(
    store, operator, zebulon
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(app, pilot, zebulon.id)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CallerEditScreen)
        assert form.query_one("#phone-1", Input).value == "poste 12"
        assert "non reconnu" in text_of(form, "#phone-note-1")
        assert text_of(form, "#phone-note-0") == ""
        form.query_one("#phone-2", Input).value = "06 98 76 54 32"
        form.query_one("#given_name", Input).value = "Léonore"
        form.query_one("#notes", TextArea).text = "[red]rien[/red]"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is card
        assert text_of(card, "#caller-name") == "ZÉBULON Léonore"
    saved = store.get_caller(zebulon.id)
    assert [(p.number, p.valid) for p in saved.phones] == [
        ("+33386123456", True),
        ("poste 12", False),
        ("+33698765432", True),
    ]
    assert (saved.given_name, saved.notes, saved.version) == ("Léonore", "[red]rien[/red]", 2)


async def test_a_phone_of_another_caller_warns_and_offers_to_open_them(
    store, operator, zebulon
) -> None:
    other = store.create_caller(operator, NewCaller(surname="Durand", phones=("06 11 22 33 44",)))
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#phone-2", Input).value = "0611223344"
        await settle(app, pilot)
        assert text_of(form, "#phone-note-2") == (
            "Téléphone 3 : déjà le numéro de DURAND — Ctrl+O pour ouvrir sa fiche."
        )
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, DuplicatePhoneDialog)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        assert app.screen.caller_id == other.id
    assert store.get_caller(zebulon.id).version == 1, "nothing saved"


async def test_saving_anyway_gives_both_callers_the_number(store, operator, zebulon) -> None:
    store.create_caller(operator, NewCaller(surname="Durand", phones=("06 11 22 33 44",)))
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#phone-2", Input).value = "06 11 22 33 44"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
    assert len(store.callers_with_phone("06 11 22 33 44")) == 2


async def test_ctrl_o_opens_the_caller_who_has_the_number(store, operator, zebulon) -> None:
    other = store.create_caller(operator, NewCaller(surname="Durand", phones=("06 11 22 33 44",)))
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#phone-2", Input).value = "06 11 22 33 44"
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDiscardDialog), "something was typed: ask first"
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        assert app.screen.caller_id == other.id


async def test_a_stale_save_is_refused_then_saved_again_with_the_typed_text_kept(
    store, operator, supervisor, zebulon, db_path, clock
) -> None:
    app = make_app(store, operator)
    other_console = Store(db_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("e")
        await settle(app, pilot)
        # Another console saves the card while this one types a new given name.
        other_console.update_caller(supervisor, zebulon.id, 1, notes="changé ailleurs")
        given_name = app.screen.query_one("#given_name", Input)
        given_name.focus()
        given_name.value = ""
        await pilot.press(*"Léa", "ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CallerEditScreen), "refused: the form stays"
        status = text_of(form, "#form-status")
        assert "Chef Superviseur" in status and "rien n'a été écrasé" in status
        assert "Repris de sa version : Notes." in status
        assert form.query_one("#given_name", Input).value == "Léa", "what was typed is kept"
        assert form.query_one("#notes", TextArea).text == "changé ailleurs", "theirs taken"
        assert store.get_caller(zebulon.id).given_name == "Éléonore"
        await pilot.press("ctrl+s")  # on the new version: saved
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
    other_console.close()
    saved = store.get_caller(zebulon.id)
    assert (saved.given_name, saved.notes, saved.version) == ("Léa", "changé ailleurs", 3)


async def test_a_field_changed_on_both_consoles_keeps_the_typed_value_and_esc_asks(
    store, operator, supervisor, zebulon, db_path, clock
) -> None:
    app = make_app(store, operator)
    other_console = Store(db_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(app, pilot, zebulon.id)
        await pilot.press("e")
        await settle(app, pilot)
        other_console.update_caller(supervisor, zebulon.id, 1, email="autre@example.fr")
        other_console.close()
        app.screen.query_one("#email", Input).value = "mien@example.fr"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CallerEditScreen)
        assert form.query_one("#email", Input).value == "mien@example.fr"
        status = text_of(form, "#form-status")
        assert "gardée : Courriel (sa version : « autre@example.fr »)" in status
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDiscardDialog), "the kept edit is not dropped"
        await pilot.press("n")
        assert app.screen is form
    assert store.get_caller(zebulon.id).email == "autre@example.fr"


async def test_escape_asks_before_dropping_typed_text(store, operator, zebulon) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(app, pilot, zebulon.id)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("escape")  # nothing typed: leaves at once
        await settle(app, pilot)
        assert app.screen is card
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press(*"x", "escape")
        assert isinstance(app.screen, ConfirmDiscardDialog)
        await pilot.press("n")
        assert isinstance(app.screen, CallerEditScreen)
        await pilot.press("escape", "o")
        await settle(app, pilot)
        assert app.screen is card
    assert store.get_caller(zebulon.id).version == 1


async def test_a_caller_needs_a_name_or_a_phone(store, operator) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CallerEditScreen())
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerEditScreen)
        assert text_of(app.screen, "#error-surname") == "Saisissez au moins un nom ou un téléphone."
        app.screen.query_one("#email", Input).value = "pas-un-courriel"
        app.screen.query_one("#surname", Input).value = "Durand"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "@" in text_of(app.screen, "#error-email")
    assert store.search_callers("durand").rows == ()


async def test_an_admin_sees_who_opened_the_card_and_an_operator_does_not(
    store, admin, operator, zebulon, clock
):
    store.record_card_view(operator, zebulon.id)
    clock.advance(minutes=5)
    app = make_app(store, admin)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_card(app, pilot, zebulon.id)
        fields = text_of(screen, "#caller-fields")
        assert "Consultée par" in fields
        assert f"{operator.login} le 24/11/2026 10:00" in fields
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_card(app, pilot, zebulon.id)
        assert "Consultée par" not in text_of(screen, "#caller-fields")
    assert len(store.card_views(zebulon.id)) == 3, "every opening is recorded"
