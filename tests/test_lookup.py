"""F2, the caller lookup, driven through its keys on a real temp database: every form of query
finds the caller as typed, the rows and their count, the keys that work from the box, and what
the screen offers when nothing is found (Ctrl+N, F3 for an anonymous request).

Beside it: test_lookup_latest_wins, _literal, _reference and _call.
"""

from __future__ import annotations

from conftest import ALL_BACKENDS
from pilot_helpers import count_line, make_app, names, rows, search_for, settle
from textual.widgets import Input, Static

from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.screens.caller_card import CallerCardScreen
from allo_tui.screens.caller_edit import CallerEditScreen
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.widgets.result_list import ResultList

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- every query form ---------------------------------------------------------------------------


QUERY_FORMS = [
    # phone digits in any form and any part
    ("03 86 12", "ZÉBULON Éléonore"),
    ("0386123456", "ZÉBULON Éléonore"),
    ("+33 3 86 12", "ZÉBULON Éléonore"),
    ("86 12 34", "ZÉBULON Éléonore"),
    ("03.86.12.34.56", "ZÉBULON Éléonore"),
    ("22 33 44", "LE GOFF Yann"),
    # names: accents, case and order do not matter; each part of a compound name works
    ("eleo zeb", "ZÉBULON Éléonore"),
    ("ZEBULON E", "ZÉBULON Éléonore"),
    ("zébulon éléonore", "ZÉBULON Éléonore"),
    ("goff", "LE GOFF Yann"),
    ("le goff", "LE GOFF Yann"),
    ("n'diaye", "N'DIAYE Awa"),
    ("diaye", "N'DIAYE Awa"),
    ("ndiaye", "N'DIAYE Awa"),
    ("saint-just", "SAINT-JUST Louis"),
    ("just", "SAINT-JUST Louis"),
    # address
    ("temple", "ZÉBULON Éléonore"),
    ("12 rue du temple", "ZÉBULON Éléonore"),
    ("jaures", "N'DIAYE Awa"),
]


async def test_each_query_form_finds_the_caller_as_typed(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        for typed, expected in QUERY_FORMS:
            await search_for(app, pilot, typed)
            assert names(app)[:1] == [expected], f"typing {typed!r}"


async def test_exact_surname_comes_before_longer_surnames(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "mar")
        assert names(app) == ["MARCHAND Zoé", "MARTIN Paul", "MARTINEZ Ana"]
        assert count_line(app).splitlines()[0] == "3 demandeurs"
        assert "Entrée : fiche du demandeur" in count_line(app).splitlines()[1]
        await search_for(app, pilot, "martin")
        assert names(app) == ["MARTIN Paul", "MARTINEZ Ana"]


async def test_a_row_shows_phone_address_open_requests_and_last_contact(
    store, operator, directory
) -> None:
    voirie = next(c for c in store.categories() if c.code == "VOIRIE")
    store.create_request(
        operator,
        NewRequest(category_id=voirie.id, description="Trou", caller_id=directory["zebulon"]),
    )
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "zeb")
        assert rows(app) == [
            ["ZÉBULON Éléonore", "03 86 12 34 56", "12 rue du Temple", "1", "24/11/2026"]
        ]


async def test_the_count_is_capped_and_the_rows_fit_one_screen(store, operator) -> None:
    for index in range(230):
        store.create_caller(operator, NewCaller(surname="Martin", given_name=f"P{index:03d}"))
    app = make_app(store, operator)
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(app, pilot, "martin")
        assert count_line(app).startswith("200+ demandeurs")
        assert 0 < len(rows(app)) <= 30


# -- keys from the box ---------------------------------------------------------------------------


async def test_up_down_and_enter_work_from_the_box(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "mar")
        box = app.screen.query_one("#query", Input)
        await pilot.press("down", "down", "up")
        assert app.focused is box
        assert app.screen.query_one("#results", ResultList).cursor_row == 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        assert app.screen.caller_id == directory["martin"]


async def test_enter_pressed_before_the_answer_opens_the_first_result(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"zeb", "enter")  # no waiting between the keys and Enter
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        assert app.screen.caller_id == directory["zebulon"]


async def test_f3_starts_a_request_for_the_highlighted_caller(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "mar")
        await pilot.press("down", "f3")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)
        assert app.screen._caller is not None
        assert app.screen._caller.id == directory["martin"]


# -- nothing found ---------------------------------------------------------------------------------------


async def test_nothing_found_says_so_and_offers_the_actions(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "dupuis")
        line = count_line(app)
        assert rows(app) == []
        assert "Aucun demandeur pour « dupuis »." in line
        assert "Ctrl+N : nouveau demandeur (nom DUPUIS)" in line
        assert "F3 : nouvelle demande" in line and "anonyme" not in line


async def test_the_empty_lookup_says_what_f3_does_and_the_form_offers_anonymity(
    store, operator, directory
) -> None:
    """F3 from an empty lookup opens the form on the phone box (a new caller is typed there);
    the hint says so instead of promising an anonymous request, and the form offers F6."""
    app = make_app(store, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        line = count_line(app)
        assert "F3 : nouvelle demande (téléphone d'abord)" in line
        assert "anonyme" not in line
        await pilot.press("f3")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NewRequestScreen)
        assert app.focused is form.query_one("#phone-input")
        status = str(form.query_one("#caller-status", Static).render())
        assert "F6 anonyme" in status
        await pilot.press("f6")
        await settle(app, pilot)
        assert "Appel anonyme" in str(form.query_one("#caller-status", Static).render())
        assert app.focused is form.query_one("#category-input")


async def test_f3_typed_right_after_a_phone_fragment_is_for_the_caller_it_finds(
    store, operator, directory
) -> None:
    """Keys sent with no gap: F3 waits for the fragment's answer before opening the form."""
    from textual import events

    app = make_app(store, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key in [*"12 34 56", "f3", *"nid"]:
            event = events.Key("space" if key == " " else key, key if len(key) == 1 else None)
            event.set_sender(app)
            app.post_message(event)
        for _ in range(5):
            await settle(app, pilot)
            await pilot.pause(0.05)
        form = app.screen
        assert isinstance(form, NewRequestScreen)
        status = str(form.query_one("#caller-status", Static).render())
        assert "ZÉBULON" in status.upper(), status
        assert form.query_one("#category-input", Input).value == "nid"


async def test_ctrl_n_creates_a_caller_with_the_typed_phone(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "06 98 76 54 32")
        assert "(tél. 06 98 76 54 32)" in count_line(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CallerEditScreen)
        assert form.query_one("#phone-0", Input).value == "06 98 76 54 32"
        assert form.query_one("#surname", Input).value == ""
        assert app.focused is form.query_one("#surname", Input)
        await pilot.press(*"Durand")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
    created = store.callers_with_phone("06 98 76 54 32")
    assert [(c.surname, c.phones[0].number) for c in created] == [("Durand", "+33698765432")]


async def test_ctrl_n_puts_typed_words_in_the_name(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "DUPUIS Jeanne")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        form = app.screen
        assert form.query_one("#surname", Input).value == "Dupuis"
        assert form.query_one("#given_name", Input).value == "Jeanne"
        assert form.query_one("#phone-0", Input).value == ""
        assert app.focused is form.query_one("#phone-0", Input)


async def test_f3_with_nothing_found_takes_an_anonymous_request(store, operator, directory):
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "personne")
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)
        assert app.screen._caller is None
        assert app.call.started_at is not None
