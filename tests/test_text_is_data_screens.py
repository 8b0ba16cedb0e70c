"""Text is data (see test_text_is_data): the wall, the caller card and its edit form, the request
view and its follow-up, the confirmation and restore-draft offers, error messages quoting stored
text, a possible duplicate and the header's operator name all show stored text literally and
send no control character to the terminal.
"""

from __future__ import annotations

from hostile_text import (
    CONTROL,
    DESCRIPTION,
    SERVICE_NAME,
    STREET,
    SURNAME,
    assert_literal,
)
from msgspec.structs import replace
from pilot_helpers import notifications
from pilot_helpers import settle_thrice as settle
from textual import events
from textual.widgets import Input, TextArea

from allo_tui.app import AlloApp, BoardApp
from allo_tui.domain.errors import AlloError
from allo_tui.domain.records import Role
from allo_tui.screens.caller_card import CallerCardScreen
from allo_tui.screens.caller_edit import CallerEditScreen
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.request_view import FollowUpDialog, RequestViewScreen
from allo_tui.screens.restore_draft import RestoreDraftScreen
from allo_tui.screens.wall import WallScreen
from allo_tui.widgets.duplicates_panel import duplicate_prompt


async def test_wall_screen_shows_stored_text_literally(store, hostile):
    app = BoardApp(
        store=store,
        services=(hostile.service_id,),
        service_names={hostile.service_id: SERVICE_NAME},
    )
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WallScreen)
        assert_literal(app, hostile.reference, "␛[31m[bold]Voirie", "␛[2J[i]Danger")


async def test_caller_card_and_its_edit_form_show_stored_text_literally(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(CallerCardScreen(hostile.caller_id))
        await settle(app, pilot)
        assert_literal(app, "␛[31MDUPONT [bold]Zoé␛[2J", "␛[2J[@click=app.quit]note", "● 2026-")
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerEditScreen)
        # The text boxes cannot show an ESC literally: it is removed, and the form says so.
        assert app.screen.query_one("#surname", Input).value == "[31mDupont"
        assert app.screen.query_one("#notes", TextArea).text == "[2J[@click=app.quit]note\nsuite"
        assert_literal(app, "[bold]Zoé[2J", "caractère(s) de contrôle", "fiche de ␛[31MDUPONT")
        await pilot.press("escape")  # nothing typed: leaves without asking
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)


async def test_request_view_and_follow_up_show_stored_text_literally(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(RequestViewScreen(hostile.id))
        await settle(app, pilot)
        assert_literal(app, "␛[31m[bold]Rue rouge", "␛[2J[@click=app.quit]note")
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, FollowUpDialog)
        field = app.screen.query_one("#follow-up-note", Input)
        field.post_message(events.Paste("\x1b[31mrappel\x1b[0m"))
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
    assert store.events(hostile.id)[-1].note.endswith("[31mrappel[0m")
    assert "\x1b" not in store.events(hostile.id)[-1].note


async def test_confirmation_and_restore_offer_show_stored_text_literally(store, hostess, hostile):
    from allo_tui.domain.records import DraftRecord

    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(ConfirmDialog("Supprimer « \x1b[31m[bold]x » ?", "\x1b]0;t\x07"))
        await settle(app, pilot)
        assert_literal(app, "Supprimer « ␛[31m[bold]x » ?", "␛]0;t␇")
        app.pop_screen()
        draft = DraftRecord(
            id=1,
            operator_id=hostess.id,
            console="\x1b[31mpc-accueil",
            fields={"name": SURNAME, "street": STREET, "description": DESCRIPTION},
            updated_at=hostile.created_at,
        )
        app.push_screen(RestoreDraftScreen(draft))
        await settle(app, pilot)
        assert_literal(app, "sur ␛[31mpc-accueil", "␛[31mDupont", "␛[31m[bold]Rue rouge")


async def test_errors_quoting_stored_text_are_shown_literally(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")

    def failing_log_call(*args, **kwargs):
        raise AlloError("numéro \x1b[31m[bold]refusé\x1b]0;t\x07")

    store.log_call = failing_log_call  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        assert any("␛[31m[bold]refusé" in text for text in notifications(app))
        assert_literal(app, "␛[31m[bold]refusé␛]0;t␇")


def test_a_possible_duplicate_shows_an_imported_reference_literally(hostile):
    prompt = duplicate_prompt(replace(hostile, reference="\x1b[2J2026-1"))
    assert not CONTROL.search(prompt.plain.replace("\n", ""))
    assert "␛[2J2026-1" in prompt.plain


async def test_the_header_shows_an_operator_name_literally(store, admin):
    named = store.add_operator("named", Role.OPERATOR, "\x1b]0;titre\x07[bold]Anne\x1b[2J")
    app = AlloApp(store=store, operator=named, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert_literal(app, "␛]0;titre␇[bold]Anne␛[2J")
