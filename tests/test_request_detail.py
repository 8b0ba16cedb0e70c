"""The request detail driven through its keys: what it shows. Every field, the due dates and
text shown literally, how late a request is, the key line at 80 columns, a duplicate and its
original linked both ways, Enter to the caller card, the reference dialog, spans and timeline
details in French, and the command palette's actions.

Each test opens the detail on a real temp database. Beside it: test_request_detail_actions
(every workflow action by keys) and test_request_detail_changes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from conftest import ALL_BACKENDS, lamp_request
from pilot_helpers import link_texts, notifications, open_detail, shown_in
from pilot_helpers import settle_twice as settle
from textual.widgets import Input, OptionList

from allo_tui.app import AlloApp
from allo_tui.domain.records import EventKind, Status
from allo_tui.screens.request_detail import RequestDetailScreen, format_span

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


async def test_detail_shows_every_field_the_due_dates_and_text_literally(store, operator):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        fields = shown_in(screen, "#detail-fields")
        for text in (
            "Éclairage public",
            "12 Rue du Temple (devant l'école)",
            "ZÉBULON Éléonore",
            "Lampadaire éteint [bold]depuis[/bold] hier",
            "3 — Normale",
            "Nouvelle",
            "jeudi 26/11/2026 à 18:00 — reste 2 j 8 h",  # acknowledgement due
            "vendredi 04/12/2026 à 10:00 — reste 10 j",  # intervention due
        ):
            assert text in fields, text
        assert "Demande 2026-00001" in shown_in(screen, "#detail-title")
        assert "Création" in shown_in(screen, "#detail-timeline")


async def test_a_late_request_says_by_how_much(store, operator, clock):
    request = lamp_request(store, operator)
    clock.advance(days=12)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        assert "en retard de 2 j" in shown_in(screen, "#detail-fields")


async def test_the_key_line_breaks_between_two_actions_never_inside_one_at_80_columns(
    store, supervisor
):
    request = lamp_request(store, supervisor)
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        keys_line = shown_in(screen, "#detail-keys")
        lines = keys_line.splitlines()
        assert len(lines) >= 2, keys_line
        for label in ("a Accuser", "x Annuler", "q Requalifier"):
            assert any(label in line for line in lines), (label, keys_line)
        for line in lines:
            assert not line.rstrip().endswith((" a", " x", " q", "·")), keys_line


async def test_a_duplicate_names_its_original_and_both_details_link(store, operator):
    original = lamp_request(store, operator)
    copy = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, copy.id)
        await pilot.press("u")
        await pilot.press(*"2026-99999", "enter")
        await settle(app, pilot)
        assert any("introuvable" in text for text in notifications(app))
        assert store.get_request(copy.id).status is Status.NEW
        await pilot.press("u")
        await pilot.press(*"00001", "enter")  # this year's 2026-00001
        await settle(app, pilot)
        assert re.search(r"Doublon de\s+2026-00001", shown_in(screen, "#detail-fields"))
        assert link_texts(screen)[1].startswith("Doublon de 2026-00001")
        links = screen.query_one("#detail-links", OptionList)
        links.focus()
        links.highlighted = 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        assert app.screen.request_id == original.id
        assert link_texts(app.screen)[1].startswith("Doublon : 2026-00002")
    saved = store.get_request(copy.id)
    assert (saved.status, saved.duplicate_of_id) == (Status.DUPLICATE, original.id)


async def test_enter_opens_the_caller_card(store, operator):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        opened: list[int] = []
        app.open_caller_card = opened.append  # the card belongs to the lookup screen
        await pilot.press("enter")
        assert opened == [request.caller_id]
        assert app.screen is screen


async def test_the_reference_dialog_is_a_one_line_input(store, operator):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(app, pilot, request.id)
        await pilot.press("u")
        assert isinstance(app.screen.query_one("#dialog-text"), Input)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)


def test_spans_read_like_a_hostess_says_them():
    from datetime import timedelta

    assert format_span(timedelta(minutes=12)) == "12 min"
    assert format_span(timedelta(hours=3, minutes=5)) == "3 h 05"
    assert format_span(timedelta(days=2, hours=4)) == "2 j 4 h"
    assert format_span(timedelta(days=10)) == "10 j"


def test_timeline_details_read_in_french_whatever_wrote_the_event():
    from allo_tui.domain.records import EventRecord
    from allo_tui.screens.request_detail import event_detail

    def detail(kind, old="", new="", note=""):
        event = EventRecord(1, 1, datetime(2026, 11, 24, tzinfo=UTC), "x", kind, old, new, note)
        return event_detail(event).plain

    assert detail(EventKind.ACKNOWLEDGEMENT, new="letter") == "par courrier"
    assert detail(EventKind.ACKNOWLEDGEMENT, "new", "acknowledged") == "Nouvelle → Accusée"
    assert detail(EventKind.STATUS, "done", "closed", "ok") == "Terminée → Clôturée\nok"
    assert detail(EventKind.ASSIGNMENT, "Voirie", "Voirie") == "Voirie"
    assert detail(EventKind.ASSIGNMENT, "acknowledged", "assigned", "Voirie") == (
        "Accusée → Affectée\nVoirie"
    )
    assert detail(EventKind.NOTE, note="[bold]x") == "[bold]x"


async def test_the_command_palette_offers_the_possible_actions(store, operator):
    from textual.command import CommandList, CommandPalette

    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"marrer")  # Démarrer
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("ctrl+p")
        await pilot.press(*"rejeter")
        await pilot.pause(0.5)
        offered = app.screen.query_one(CommandList)
        prompts = [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]
        assert not any("Rejeter" in prompt for prompt in prompts), "not for an operator"
        await pilot.press(*["backspace"] * 7, *"note")
        await pilot.pause(0.5)
        prompts = [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]
        assert any("Note" in prompt for prompt in prompts), "an allowed action is offered"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
    assert store.get_request(request.id).status is Status.IN_PROGRESS
