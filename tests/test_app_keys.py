"""The console's keys on screen: every full screen shows the F keys and its own keys at 80x24,
F1 shows the key map in force (with a remap), a remap onto a key in force is refused in one
French line, the key map check refuses clashes and unknown ids and keeps the rest, and Ctrl+C
says in French how to quit.
"""

from __future__ import annotations

import re

from conftest import ALL_BACKENDS
from pilot_helpers import painted_lines, settle

from allo_tui.app import AlloApp
from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.screens.board import BoardScreen
from allo_tui.screens.history import HistoryScreen
from allo_tui.screens.new_request import NewRequestScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- keys on screen, help, key map ---------------------------------------------------------

F_KEYS = ("F2 ", "F3 ", "F4 ", "F5 ", "F10 ", "^Q ")


def footer_lines(app: AlloApp) -> list[str]:
    """The footer's two lines, as painted at the bottom of the screen."""
    lines = painted_lines(app)
    assert len(lines) == app.size.height
    return lines[-2:]


def assert_screen_keys(app: AlloApp, *screen_keys: str) -> None:
    strip, keys = footer_lines(app)
    for key in F_KEYS:
        assert key in strip, (key, strip)
    for key in screen_keys:
        assert key in keys, (key, keys)
    assert "F1 Aide" in keys and "^P" in keys


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
        shown = "\n".join(painted_lines(app))
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
