"""F2, the caller lookup, driven through its keys on a real temp database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from pilot_helpers import settle
from rich.text import Text
from textual.widgets import Input, Static

from allo_tui.app import AlloApp
from allo_tui.data.backend.sqlite import search
from allo_tui.data.store import Store
from allo_tui.domain.records import CallOutcome, EventKind, NewCaller, NewRequest, OperatorRecord
from allo_tui.domain.search import SearchToken
from allo_tui.screens.caller_card import CallerCardScreen
from allo_tui.screens.caller_edit import CallerEditScreen
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.screens.request_view import FollowUpDialog, RequestViewScreen
from allo_tui.widgets.result_list import ResultList

ZEBULON = NewCaller(
    surname="Zébulon",
    given_name="Éléonore",
    phones=("03 86 12 34 56",),
    street_number="12",
    street="rue du Temple",
    postcode="89000",
    city="Auxerre",
)


@pytest.fixture
def directory(store: Store, operator: OperatorRecord) -> dict[str, int]:
    """A few callers whose names exercise the matching rules; key -> caller id."""
    people = {
        "zebulon": ZEBULON,
        "le goff": NewCaller(surname="Le Goff", given_name="Yann", phones=("06 11 22 33 44",)),
        "ndiaye": NewCaller(surname="N'Diaye", given_name="Awa", street="avenue Jean Jaurès"),
        "saint-just": NewCaller(surname="Saint-Just", given_name="Louis"),
        "martin": NewCaller(surname="Martin", given_name="Paul", phones=("03 86 99 00 11",)),
        "martinez": NewCaller(surname="Martinez", given_name="Ana"),
        "marchand": NewCaller(surname="Marchand", given_name="Zoé"),
    }
    return {key: store.create_caller(operator, new).id for key, new in people.items()}


def make_app(store, operator) -> AlloApp:
    app = AlloApp(store=store, operator=operator, console="test")
    app.animation_level = "none"
    return app


async def search_for(app: AlloApp, pilot, text: str) -> None:
    """Clear the box and type `text` key by key, as a hostess would."""
    app.screen.query_one("#query", Input).value = ""
    await pilot.press(*text) if text else None
    await settle(app, pilot)


def plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def rows(app: AlloApp) -> list[list[str]]:
    results = app.screen.query_one("#results", ResultList)
    return [[plain(c) for c in results.get_row_at(i)] for i in range(results.row_count)]


def names(app: AlloApp) -> list[str]:
    return [row[0] for row in rows(app)]


def count_line(app: AlloApp) -> str:
    return str(app.screen.query_one("#count", Static).render())


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


# -- the latest keystroke always wins ---------------------------------------------------------------


class HeldSearches:
    """A Store whose searches wait until the test lets them answer, in the order it chooses.

    Waiting ignores the cancel token on purpose: a superseded search really does come back
    with a (stale) answer, and only the screen can keep it off the table.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self.calls: list[tuple[str, SearchToken | None, threading.Event, threading.Event]] = []

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def search_callers(self, query: str, limit: int = 50, *, cancel: SearchToken | None = None):
        release, answered = threading.Event(), threading.Event()
        self.calls.append((query, cancel, release, answered))
        release.wait(30)
        try:
            return self._store.search_callers(query, limit)
        finally:
            answered.set()

    def release(self, index: int) -> None:
        """Let search `index` answer and wait until it has."""
        _, _, release, answered = self.calls[index]
        release.set()
        assert answered.wait(30)


async def test_an_older_slower_search_never_overwrites_the_latest(store, operator, directory):
    held = HeldSearches(store)
    app = make_app(held, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"martin")
        await pilot.pause()
        assert [query for query, *_ in held.calls][-1] == "martin"
        # The newest search answers first...
        held.release(len(held.calls) - 1)
        await pilot.pause()
        # ...then every older one, oldest last ("m" matches three callers).
        for index in reversed(range(len(held.calls) - 1)):
            held.release(index)
            await pilot.pause()
        await settle(app, pilot)
        assert held.calls[0][0] == "m"
        assert names(app) == ["MARTIN Paul", "MARTINEZ Ana"]
        # Every superseded search was told to stop; the latest one was not.
        tokens = [token for _, token, *_ in held.calls]
        assert all(token is not None and token.cancelled for token in tokens[:-1])
        assert tokens[-1] is not None and not tokens[-1].cancelled


async def test_clearing_the_box_wins_over_a_search_still_running(store, operator, directory):
    held = HeldSearches(store)
    app = make_app(held, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"zeb", "escape")
        for index in range(len(held.calls)):
            held.release(index)
        await settle(app, pilot)
        assert rows(app) == []
        assert count_line(app).startswith("Tapez un téléphone")


async def test_a_superseded_search_is_stopped_inside_sqlite(
    store, operator, directory, monkeypatch
):
    real_find = search.find_callers
    started = threading.Event()
    stopped: list[str] = []

    def endless_for_m(connection, query, limit=50, token=None):
        if query == "m":
            started.set()
            safety = threading.Timer(30, connection.interrupt)
            safety.start()
            try:
                connection.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                    "SELECT count(*) FROM n"
                ).fetchone()
            except BaseException:
                stopped.append("interrupted" if token and token.cancelled else "safety net")
                raise
            finally:
                safety.cancel()
        return real_find(connection, query, limit, token)

    monkeypatch.setattr(search, "find_callers", endless_for_m)
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        started.wait(10)
        await pilot.press("a", "r")
        await settle(app, pilot)
        assert stopped == ["interrupted"]
        assert names(app) == ["MARCHAND Zoé", "MARTIN Paul", "MARTINEZ Ana"]


# -- typed text is data -------------------------------------------------------------------------------

FTS_SYNTAX = ['"', "*", "-x", "(", ")", "NEAR(a b)", "AND", "OR", "NOT", "^", "'", "zéb*",
              '"zébulon', "zébulon -éléonore", "zébulon OR martin", "(zébulon", "^zéb",
              "names:zébulon", "{names}: x", "\\", "%", "[bold]", "[@click=app.quit]",
              "\x1b[31m"]  # fmt: skip


async def test_search_syntax_typed_in_the_box_is_plain_text(
    store, operator, directory, monkeypatch
) -> None:
    errors: list[Exception] = []
    monkeypatch.setattr(
        LookupScreen, "_show_error", lambda self, token, error: errors.append(error)
    )
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        for typed in FTS_SYNTAX:
            await search_for(app, pilot, "")
            app.screen.query_one("#query", Input).insert_text_at_cursor(typed)
            await settle(app, pilot)
            assert errors == [], f"typing {typed!r}"
            assert app.is_running, f"typing {typed!r}"
        # The meaning does not change either: '-' is no negation, OR is a word, * no wildcard.
        for typed, expected in [
            ("zébulon -éléonore", ["ZÉBULON Éléonore"]),
            ("zéb*", ["ZÉBULON Éléonore"]),
            ('"zébulon', ["ZÉBULON Éléonore"]),
            ("zébulon OR martin", []),
            ("NOT martin", []),
        ]:
            await search_for(app, pilot, "")
            app.screen.query_one("#query", Input).insert_text_at_cursor(typed)
            await settle(app, pilot)
            assert names(app) == expected, f"typing {typed!r}"


async def test_names_with_markup_and_escape_sequences_show_literally(store, operator) -> None:
    store.create_caller(
        operator, NewCaller(surname="[bold]Martin", given_name="[@click=app.quit]Paul")
    )
    store.create_caller(operator, NewCaller(surname="Rouge\x1b[31m", given_name="Léa"))
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "martin")
        assert names(app) == ["[BOLD]MARTIN [@click=app.quit]Paul"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running
        title = app.screen.query_one("#caller-name", Static).render()
        assert str(title) == "[BOLD]MARTIN [@click=app.quit]Paul"
        await pilot.press("escape")
        await search_for(app, pilot, "rouge")
        # The ESC character is shown as a symbol: it can no longer colour the terminal.
        assert names(app) == ["ROUGE␛[31M Léa"]


async def test_a_query_with_markup_shows_literally_when_nothing_is_found(store, operator) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#query", Input).insert_text_at_cursor("[red]x[/red]")
        await settle(app, pilot)
        assert "Aucun demandeur pour « [red]x[/red] »." in count_line(app)


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


# -- a reference typed in the box --------------------------------------------------------------------------


@pytest.fixture
def request_of_zebulon(store, operator, directory, clock):
    voirie = next(c for c in store.categories() if c.code == "VOIRIE")
    request = store.create_request(
        operator,
        NewRequest(
            category_id=voirie.id,
            description="Nid-de-poule devant le 12",
            caller_id=directory["zebulon"],
            street="rue du Temple",
        ),
    )
    clock.advance(days=2)  # the caller rings back two days later
    return request


@pytest.mark.parametrize("typed", ["2026-00001", "00001", "2026-1"])
async def test_a_reference_opens_the_request_and_logs_a_follow_up(
    store, operator, request_of_zebulon, clock, typed
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, typed)
        assert names(app)[0] == "▶ Demande 2026-00001  ZÉBULON Éléonore"
        assert count_line(app).startswith("Demande 2026-00001 trouvée.")
        assert "Entrée : ouvrir la demande et noter un rappel" in count_line(app)
        started = app.call.started_at
        assert started == clock.now()
        clock.advance(minutes=3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestViewScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, FollowUpDialog)
        await pilot.press(*"demande des nouvelles")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestViewScreen)
        assert app.call.started_at is None, "the follow-up ends the call"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "", "ready for the next call"

    (call,) = store.calls()
    assert call.outcome is CallOutcome.FOLLOW_UP
    assert (call.request_id, call.caller_id) == (
        request_of_zebulon.id,
        request_of_zebulon.caller_id,
    )
    assert (call.started_at, call.ended_at) == (started, started + timedelta(minutes=3))
    assert call.phone == ""
    note = store.events(request_of_zebulon.id)[-1]
    assert (note.kind, note.note) == (EventKind.NOTE, "demande des nouvelles")
    # No new request was created.
    assert store.get_request_by_reference("2026-00002") is None


async def test_a_cancelled_follow_up_writes_nothing(store, operator, request_of_zebulon) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "2026-00001")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("n", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestViewScreen)
        assert app.call.started_at is not None
    assert store.calls() == []


async def test_an_unknown_reference_is_just_a_search(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "2026-00999")
        assert rows(app) == []
        assert "Aucun demandeur" in count_line(app)


# -- the call in progress -----------------------------------------------------------------------------------


async def test_typing_starts_the_call_and_f10_ends_it_with_the_typed_phone(
    store, operator, directory, clock
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.call.started_at is None
        await search_for(app, pilot, "03 86 12 34 56")
        assert app.call.started_at == clock.now()
        clock.advance(seconds=40)
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("1")  # information given
        await settle(app, pilot)
        assert app.call.started_at is None
        assert app.screen.query_one("#query", Input).value == ""
    (call,) = store.calls()
    assert call.outcome is CallOutcome.INFORMATION
    assert call.phone == "03 86 12 34 56"
    assert call.caller_id == directory["zebulon"]
    assert call.ended_at - call.started_at == timedelta(seconds=40)


async def test_f10_logs_the_caller_the_hostess_moved_to_or_opened(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "mar")  # three callers: none is "the" caller yet
        await pilot.press("down")  # MARTIN Paul
        await pilot.press("f10", "1")
        await settle(app, pilot)
        await search_for(app, pilot, "mar")
        await pilot.press("enter")  # the card of the first, MARCHAND Zoé
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f10", "2")
        await settle(app, pilot)
    assert {(c.outcome, c.caller_id) for c in store.calls()} == {
        (CallOutcome.INFORMATION, directory["martin"]),
        (CallOutcome.TRANSFERRED, directory["marchand"]),
    }


async def test_f10_after_part_of_a_number_logs_the_number_of_the_caller_found(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "12 34 56")
        assert names(app) == ["ZÉBULON Éléonore"]
        await pilot.press("f10", "1")
        await settle(app, pilot)
    (call,) = store.calls()
    assert (call.caller_id, call.phone) == (directory["zebulon"], "03 86 12 34 56")


async def test_five_digits_alone_also_find_the_callers_of_that_postcode(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "89000")
        assert rows(app)[0][:3] == [
            "ZÉBULON Éléonore",
            "03 86 12 34 56",
            "12 rue du Temple, 89000 Auxerre",
        ]
        await search_for(app, pilot, "3456")  # digits of a number still find it
        assert names(app) == ["ZÉBULON Éléonore"]
        assert rows(app)[0][2] == "12 rue du Temple"


async def test_a_long_query_found_nowhere_still_shows_the_keys_line(store, operator) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await search_for(app, pilot, "rue du temple martin paul jean pierre jacques etienne")
        count = app.screen.query_one("#count", Static)
        shown = [count.render_line(y).text for y in range(2)]
        assert shown[0].strip().startswith("Aucun demandeur pour « rue du temple")
        assert shown[0].rstrip().endswith("…")
        assert shown[1].strip().startswith("Ctrl+N : nouveau demandeur")


async def test_a_single_letter_asks_for_more_instead_of_saying_nobody(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        for typed in ("m", "m z", "'", "03"):
            await search_for(app, pilot, typed)
            assert rows(app) == [], typed
            assert count_line(app).startswith("Continuez à taper"), typed
