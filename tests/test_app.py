"""The console driven through its keys (Textual Pilot) on a real temp database."""

from __future__ import annotations

import re

from pilot_helpers import settle
from rich.text import Text
from textual.widgets import DataTable, Input, Static, TextArea

from allo_tui.app import AlloApp
from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.screens.board import BoardScreen
from allo_tui.screens.history import HistoryScreen
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.widgets.board_list import BoardList
from allo_tui.widgets.typeahead import TypeAhead


def cell_texts(table) -> list[list[str]]:
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(index)]
        for index in range(table.row_count)
    ]


async def test_function_keys_switch_between_the_four_modes(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, LookupScreen)
        assert app.focused is app.screen.query_one("#query", Input)
        await pilot.press("f3")
        assert isinstance(app.screen, NewRequestScreen)
        await pilot.press("f4")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("f5")
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, LookupScreen)


async def test_lookup_lists_callers_found_by_unaccented_prefix(store, admin) -> None:
    store.create_caller(
        admin, NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
    )
    store.create_caller(admin, NewCaller(surname="[bold]Martin", given_name="Paul"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"eleo zeb")
        await settle(app, pilot)
        table = app.screen.query_one("#results")
        assert cell_texts(table)[0][:2] == ["ZÉBULON Éléonore", "03 86 12 34 56"]
        app.screen.query_one("#query", Input).value = ""
        await pilot.press(*"martin")
        await settle(app, pilot)
        assert cell_texts(table)[0][0] == "[BOLD]MARTIN Paul", "markup in a name shows literally"


async def test_new_request_form_saves_and_shows_the_reference(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        voirie = next(c for c in store.categories() if c.code == "VOIRIE")
        screen.query_one("#category", TypeAhead).set_text(voirie.label, voirie.id)
        screen.query_one("#street", TypeAhead).set_text("Rue du Temple")
        screen.query_one("#description", TextArea).text = "Nid-de-poule [red]profond"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        reference = screen.query_one("#reference", Static)
        assert "2026-00001" in str(reference.render())
    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None
    assert (saved.street, saved.description, saved.category_id) == (
        "Rue du Temple",
        "Nid-de-poule [red]profond",
        voirie.id,
    )
    calls = store.calls()
    assert len(calls) == 1 and calls[0].request_id == saved.id


async def test_new_request_without_description_keeps_the_form_open(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        first = store.categories()[0]
        screen.query_one("#category", TypeAhead).set_text(first.label, first.id)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "obligatoire" in str(screen.query_one("#message-description", Static).render())
        assert app.focused is screen.query_one("#description", TextArea)
    assert store.latest_requests() == []


async def test_history_and_board_show_requests_from_the_database(store, admin) -> None:
    danger = next(c for c in store.categories() if c.code == "DANGER")
    autre = next(c for c in store.categories() if c.code == "AUTRE")
    store.create_request(admin, NewRequest(category_id=autre.id, description="remarque"))
    store.create_request(admin, NewRequest(category_id=danger.id, description="plaque"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        history = cell_texts(app.screen.query_one("#history", DataTable))
        assert [row[0] for row in history] == ["2026-00002", "2026-00001"]
        await pilot.press("f5")
        await settle(app, pilot)
        board = app.screen.query_one("#board", BoardList)
        assert [row.reference for row in board.rows] == ["2026-00002", "2026-00001"], (
            "urgency 1 first"
        )


# -- keys on screen, help, palette, key map --------------------------------------------------

F_KEYS = ("F2 ", "F3 ", "F4 ", "F5 ", "F10 ", "^Q ")


def painted(app: AlloApp) -> list[str]:
    """The lines of the screen as Textual paints them."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def footer_lines(app: AlloApp) -> list[str]:
    """The footer's two lines, as painted at the bottom of the screen."""
    lines = painted(app)
    assert len(lines) == app.size.height
    return lines[-2:]


def assert_screen_keys(app: AlloApp, *screen_keys: str) -> None:
    strip, keys = footer_lines(app)
    for key in F_KEYS:
        assert key in strip, (key, strip)
    for key in screen_keys:
        assert key in keys, (key, keys)
    assert "F1 Aide" in keys and "^P" in keys


def type_ahead(app: AlloApp, *keys: str) -> None:
    """Keys typed faster than the app reads them: all queued before it handles the first."""
    from textual import events

    for key in keys:
        character = " " if key == "space" else key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)


def write_keymap(tmp_path, monkeypatch, **remaps: str) -> None:
    """A user config file with a [keymap] table (the site config is empty)."""
    config = tmp_path / "config-home" / "allo-tui"
    config.mkdir(parents=True)
    lines = ["[keymap]", *(f'"{k.replace("_", ".", 1)}" = "{v}"' for k, v in remaps.items())]
    (config / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site-config"))


async def test_every_full_screen_shows_the_f_keys_and_its_own_keys_at_80x24(store, admin):
    from allo_tui.screens.caller_card import CallerCardScreen
    from allo_tui.screens.request_detail import RequestDetailScreen

    danger = next(c for c in store.categories() if c.code == "DANGER")
    caller = store.create_caller(admin, NewCaller(surname="Zébulon", phones=("0386123456",)))
    store.create_request(admin, NewRequest(category_id=danger.id, description="plaque"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert_screen_keys(app, "⏎ Ouvrir", "Esc Effacer")
        await pilot.press("f3")
        await settle(app, pilot)
        assert_screen_keys(app, "^S Enregistrer", "Esc Annuler", "F6 Anonyme")
        await pilot.press("f4")
        await settle(app, pilot)
        assert_screen_keys(app, "F6 Filtres", "Esc Effacer")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        assert_screen_keys(app, "⏎ Ouvrir", "f Service", "Esc Tout")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        assert_screen_keys(app, "Esc Retour", "a Accuser")
        await pilot.press("f2")
        app.open_caller_card(caller.id)
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        assert_screen_keys(app, "Esc Retour")


async def test_f1_shows_the_key_map_in_force_with_a_remap(store, admin, tmp_path, monkeypatch):
    from allo_tui.screens.help import HelpScreen, key_rows

    write_keymap(tmp_path, monkeypatch, mode_board="f12")
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "F12 Tableau" in footer_lines(app)[0], "the strip shows the remapped key"
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(painted(app))
        assert re.search(r"F12 +Tableau +mode\.board", shown), shown
        assert "F5 " not in shown
        everywhere, here = key_rows(app, app.screen.below)
        assert ("F12", "Tableau", "mode.board") in everywhere
        assert ("^N", "Nouveau demandeur", "lookup.new_caller") in here
        texts = " ".join(what for _key, what, _id in everywhere + here)
        assert "Focus" not in texts and "Copy" not in texts, "no English from Textual"
        await pilot.press("escape")
        await pilot.press("f12")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_a_remap_onto_a_key_in_force_is_refused_in_one_french_line(
    store, admin, tmp_path, monkeypatch
):
    write_keymap(tmp_path, monkeypatch, mode_board="f6", mode_history="f11")
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1, messages
        assert "\n" not in messages[0]
        assert '"mode.board" = "f6" refusé' in messages[0]
        assert "Anonyme" in messages[0] or "Filtres" in messages[0]
        await pilot.press("f11")  # the other remap is applied
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("f5")  # F5 still shows the board
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("f3", "f6")  # F6 is still "anonymous" in the form
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)


async def test_palette_in_french_finds_the_board_and_opens_a_reference(store, admin):
    from textual.command import CommandPalette

    from allo_tui.screens.request_detail import RequestDetailScreen

    autre = next(c for c in store.categories() if c.code == "AUTRE")
    store.create_request(admin, NewRequest(category_id=autre.id, description="banc cassé"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert "Chercher une commande" in palette.query_one(Input).placeholder
        await pilot.press(*"tableau")
        await pilot.pause(0.3)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"2026-00001")
        await pilot.pause(0.3)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"zebulon")
        await pilot.pause(0.3)
        await settle(app, pilot)
        shown = [str(o.prompt) for o in app.screen.query_one("CommandList").options]
        assert any("Chercher le demandeur « zebulon »" in text for text in shown), shown
        await pilot.press("up", "enter")  # the last entry: search on F2
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "zebulon"
        await pilot.press("ctrl+p")
        await pilot.press(*"qz")
        await pilot.pause(0.8)
        await settle(app, pilot)
        shown = [str(o.prompt) for o in app.screen.query_one("CommandList").options]
        assert any("Aucune commande trouvée" in text for text in shown), shown


async def test_ctrl_c_says_in_french_how_to_quit(store, admin):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("ctrl+c")
        await settle(app, pilot)
        (notice,) = list(app._notifications)
        assert notice.title == "Quitter ?"
        assert notice.message == "Pour quitter Allô Mairie : ^Q"


async def test_keys_typed_right_after_the_first_f5_f4_f2_reach_the_screen(store, admin):
    """The first visit builds the screen: the keys typed meanwhile wait for its focus."""
    from allo_tui.screens.request_detail import RequestDetailScreen

    autre = next(c for c in store.categories() if c.code == "AUTRE")
    for number in range(3):
        store.create_request(admin, NewRequest(category_id=autre.id, description=f"r{number}"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        type_ahead(app, "f5", "down", "down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        board = app.get_screen_stack("board")[0].query_one("#board", BoardList)
        assert app.screen.request_id == board.rows[2].id, "the third row was opened"
        type_ahead(app, "escape", "f4", *"temple")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#history-filter", Input).value == "temple"
        type_ahead(app, "f5", "f2", *"dupont")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "dupont"


async def test_arrows_and_enter_typed_right_after_the_first_f4_open_the_row(store, admin):
    from allo_tui.screens.request_detail import RequestDetailScreen

    autre = next(c for c in store.categories() if c.code == "AUTRE")
    for number in range(3):
        store.create_request(admin, NewRequest(category_id=autre.id, description=f"r{number}"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        type_ahead(app, "f4", "down", "down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        assert app.screen.request_id == 2, "the second newest request"


def test_key_map_check_refuses_clashes_characters_and_unknown_ids_and_keeps_the_rest():
    from allo_tui.config import check_keymap
    from allo_tui.key_scopes import key_scopes

    app = AlloApp.__new__(AlloApp)  # only the class's bindings are read
    scopes = key_scopes(app)
    mapping = {
        "mode.board": "f6",  # F6 is "Anonyme" in the form and "Filtres" in the history
        "mode.history": "x",  # a letter everywhere would never reach a text box
        "nowhere.at_all": "f9",
        "board.filter_service": "f2",  # F2 is the lookup everywhere
        "history.status": "f",  # free on the history screen
        "app.end_call": "f12",  # free
    }
    accepted, refusals = check_keymap(mapping, scopes)
    assert accepted == {"history.status": "f", "app.end_call": "f12"}
    assert len(refusals) == 4 and all("\n" not in line for line in refusals)
    assert any('"mode.board" = "f6"' in line and "Anonyme" in line for line in refusals)
    assert any("inconnu" in line and "nowhere.at_all" in line for line in refusals)
    swap, refused = check_keymap({"mode.board": "f4", "mode.history": "f5"}, scopes)
    assert refused == [] and swap == {"mode.board": "f4", "mode.history": "f5"}, "a swap is fine"


async def test_esc_on_the_board_shows_every_urgency_again(store, admin):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert app.screen.urgency == 2
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.urgency is None


async def test_palette_finds_a_caller_from_a_caller_card_opened_on_the_lookup(store, admin):
    from allo_tui.screens.caller_card import CallerCardScreen

    caller = store.create_caller(admin, NewCaller(surname="ZÉBULON", given_name="Éléonore"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_caller_card(caller.id)
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"zebulon")
        await pilot.pause(0.3)
        await settle(app, pilot)
        await pilot.press("up", "enter")  # the last entry: search on F2
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "zebulon"


async def test_palette_lists_its_own_commands_in_french(store, admin):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", "down")  # the list of every command
        await pilot.pause(0.3)
        await settle(app, pilot)
        shown = " | ".join(str(o.prompt) for o in app.screen.query_one("CommandList").options)
        for french in ("Aller au tableau", "Historique des demandes", "Thème", "Capture d'écran"):
            assert french in shown, shown
        for english in ("Keys", "Screenshot", "Theme", "Quit the application", "Go to start"):
            assert english not in shown, shown
