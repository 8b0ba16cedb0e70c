"""What a service does with a request, through the real screens on a real database: a Voirie
agent plans a pothole for a day then marks it done with "Réparé" and an answer, and the hostess
reads that answer on the caller card at the citizen's next call; the agent puts a request on
hold (w) and resumes it (w again), sends one back to the call centre (b) with a reason,
transfers one to a third party (t); a bad or past day is refused in the dialog with what was
typed kept; a request changed meanwhile is refused and asked again with the choice kept; the
board shows waiting requests apart and a sent-back one flagged; the queue filters planned and
waiting requests.
"""

from __future__ import annotations

from datetime import date

from conftest import ALL_BACKENDS
from msgspec.structs import replace
from pilot_helpers import (
    board_lines,
    enabled,
    listed,
    notifications,
    open_board,
    open_detail,
    settle,
    settle_timers,
    shown_in,
    type_text,
)
from pilot_helpers import settle_twice as settle2
from store_helpers import request_for
from textual.widgets import DataTable, Static

from allo_tui.app import AlloApp, console_app
from allo_tui.data.store import Store
from allo_tui.domain.records import NewCaller, Role, Status
from allo_tui.domain.workflow import Action
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.caller_card import CallerCardScreen
from allo_tui.screens.queue import QueueScreen
from allo_tui.screens.request_detail import RequestDetailScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def pothole(store: Store, operator, description: str = "Nid de poule devant le 12"):
    """A Voirie request from a known caller."""
    caller = store.create_caller(operator, NewCaller(surname="Zébulon", given_name="Éléonore"))
    fields = request_for(store, "VOIRIE", description)
    return store.create_request(operator, replace(fields, caller_id=caller.id))


def voirie_agent(store: Store):
    return store.add_operator("dmoreau", Role.SERVICE, "Denis Moreau", ["VOIRIE"])


def outcome_index(store: Store, label: str) -> str:
    """The key (1–9) of an outcome in the done dialog's list."""
    return str([item.label for item in store.outcomes()].index(label) + 1)


async def test_an_agent_plans_then_marks_done_and_the_hostess_reads_the_answer(
    store: Store, operator
):
    request = pothole(store, operator)
    agent = voirie_agent(store)
    app = console_app(store, agent, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        screen = await open_detail(app, pilot, request.id)
        assert enabled(screen, "p") and enabled(screen, "d")
        await pilot.press("p")
        assert isinstance(app.screen, TextPromptDialog)
        await type_text(pilot, "lundi")
        await pilot.press("enter")
        await settle2(app, pilot)
        assert app.screen is screen
        assert "Programmée le 30/11" in shown_in(screen, "#detail-fields")
        assert "Programmée" in shown_in(screen, "#detail-title")

        await pilot.press("d")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press(outcome_index(store, "Réparé"))
        await settle(app, pilot)
        assert isinstance(app.screen, TextPromptDialog)
        await type_text(pilot, "Trou rebouché à l'enrobé")
        await pilot.press("ctrl+s")
        await settle2(app, pilot)
        assert app.screen is screen
        fields = shown_in(screen, "#detail-fields")
        assert "Terminée — Réparé" in fields
        assert "Réparé — Trou rebouché à l'enrobé" in fields
    saved = store.get_request(request.id)
    assert (saved.status, saved.outcome_code, saved.answer) == (
        Status.DONE,
        "REPARE",
        "Trou rebouché à l'enrobé",
    )
    assert saved.planned_for == date(2026, 11, 30)

    hostess = AlloApp(store=store, operator=operator, console="hostess")
    async with hostess.run_test(size=(100, 30)) as pilot:
        hostess.call.start()
        hostess.push_screen(CallerCardScreen(saved.caller_id))
        await settle2(hostess, pilot)
        card = hostess.screen
        table = card.query_one("#requests", DataTable)
        assert "Terminée — Réparé" in "".join(str(c) for c in table.get_row_at(0))
        answer = shown_in(card, "#request-answer")
        assert "Réponse au demandeur : Réparé — Trou rebouché à l'enrobé" in answer


async def test_a_past_or_unreadable_day_is_refused_in_the_dialog_and_nothing_is_written(
    store: Store, operator
):
    request = pothole(store, operator)
    app = console_app(store, voirie_agent(store), console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        await open_detail(app, pilot, request.id)
        await pilot.press("p")
        dialog = app.screen
        await type_text(pilot, "20/11")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog, "a past day keeps the dialog open"
        error = str(dialog.query_one("#dialog-error", Static).render())
        assert "20/11/2026 est passé" in error
        assert dialog.value == "20/11", "what was typed is kept"
        await pilot.press("ctrl+u")
        await type_text(pilot, "bientôt")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "illisible" in str(dialog.query_one("#dialog-error", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
    assert store.get_request(request.id).status is Status.NEW
    assert len(store.events(request.id)) == 1


async def test_w_puts_on_hold_for_the_citizen_and_w_again_resumes(store: Store, operator):
    request = pothole(store, operator)
    app = console_app(store, voirie_agent(store), console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        screen = await open_detail(app, pilot, request.id)
        assert "Attente" in shown_in(screen, "#detail-keys")
        assert "Reprendre" not in shown_in(screen, "#detail-keys")
        await pilot.press("w")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("1")  # the citizen
        await settle(app, pilot)
        await type_text(pilot, "Une photo du trou")
        await pilot.press("ctrl+s")
        await settle2(app, pilot)
        assert "En attente du demandeur : Une photo du trou" in shown_in(screen, "#detail-fields")
        keys = shown_in(screen, "#detail-keys")
        assert "Reprendre" in keys and "Attente" not in keys
        waiting = store.get_request(request.id)
        assert (waiting.status, waiting.waiting_kind, waiting.waiting_for) == (
            Status.WAITING,
            "citizen",
            "Une photo du trou",
        )

        await pilot.press("w")
        await settle2(app, pilot)
        assert app.screen is screen, "resuming asks nothing"
        assert store.get_request(request.id).status is Status.NEW
        assert "En attente" not in shown_in(screen, "#detail-title")


async def test_send_back_with_a_reason_clears_the_service_and_flags_it(store: Store, operator):
    request = pothole(store, operator)
    app = console_app(store, voirie_agent(store), console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("b")
        dialog = app.screen
        assert isinstance(dialog, TextPromptDialog)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog, "a send-back needs its reason"
        await type_text(pilot, "Trottoir privé, pas la voirie")
        await pilot.press("ctrl+s")
        await settle2(app, pilot)
        assert app.screen is screen
        assert "Trottoir privé, pas la voirie" in shown_in(screen, "#detail-timeline")
    saved = store.get_request(request.id)
    assert saved.service_id is None and saved.sent_back
    assert saved.status is Status.NEW

    hostess = AlloApp(store=store, operator=operator, console="hostess")
    async with hostess.run_test(size=(120, 40)) as pilot:
        board = await open_board(hostess, pilot)
        await settle(hostess, pilot, rounds=2)
        line = next(line for line in board_lines(board.board_list) if saved.reference in line)
        assert "renvoyée" in line


async def test_transfer_to_a_third_party_ends_our_part(store: Store, operator):
    request = pothole(store, operator)
    app = console_app(store, voirie_agent(store), console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("t")
        assert isinstance(app.screen, TextPromptDialog)
        await type_text(pilot, "Enedis")
        await pilot.press("enter")
        await settle2(app, pilot)
        assert "Transmise à Enedis" in shown_in(screen, "#detail-fields")
        assert not listed(screen, "t"), "nothing more for the service to do"
    saved = store.get_request(request.id)
    assert (saved.status, saved.transferred_to) == (Status.TRANSFERRED, "Enedis")


async def test_a_plan_refused_as_stale_is_asked_again_with_the_day_kept(store: Store, operator):
    request = pothole(store, operator)
    app = console_app(store, voirie_agent(store), console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        await open_detail(app, pilot, request.id)
        # Another console acknowledges it while the agent types the day.
        store.apply(operator, request.id, Action.ACKNOWLEDGE, expected_version=request.version)
        await pilot.press("p")
        await type_text(pilot, "lundi")
        await pilot.press("enter")
        await settle2(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, TextPromptDialog), "asked again"
        assert dialog.value == "lundi"
        assert "Anne Hôtesse" in str(dialog.query_one("#dialog-notice", Static).render())
        assert store.get_request(request.id).status is Status.ACKNOWLEDGED
        await pilot.press("enter")
        await settle2(app, pilot)
    assert store.get_request(request.id).status is Status.PLANNED


async def test_a_supervisor_rejects_with_a_coded_reason(store: Store, operator, supervisor):
    request = pothole(store, operator)
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("r")
        assert isinstance(app.screen, ChoiceDialog)
        reasons = [item.label for item in store.rejection_reasons()]
        await pilot.press(str(reasons.index("Domaine privé") + 1))
        await settle(app, pilot)
        await type_text(pilot, "Voie privée de la résidence")
        await pilot.press("ctrl+s")
        await settle2(app, pilot)
        assert "Sans suite — Domaine privé" in shown_in(screen, "#detail-fields")
    saved = store.get_request(request.id)
    assert (saved.status, saved.rejection_reason_code) == (Status.REJECTED, "DOMAINE_PRIVE")


async def test_the_board_shows_waiting_requests_apart_and_planned_ones_with_their_day(
    store: Store, operator
):
    agent = voirie_agent(store)
    waiting = pothole(store, operator, "Plaque descellée")
    planned = pothole(store, operator, "Trottoir fissuré")
    other = pothole(store, operator, "Bordure cassée")
    store.apply(
        agent,
        waiting.id,
        Action.WAIT,
        expected_version=waiting.version,
        text="Accord du syndic",
        waiting_kind="third_party",
    )
    store.apply(
        agent,
        planned.id,
        Action.PLAN,
        expected_version=planned.version,
        planned_for=date(2026, 12, 1),
    )
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        board = await open_board(app, pilot)
        await settle(app, pilot, rounds=2)
        lines = board_lines(board.board_list)
        heading = next(i for i, line in enumerate(lines) if "En attente" in line)
        at = {
            request.reference: index
            for request in (waiting, planned, other)
            for index, line in enumerate(lines)
            if request.reference in line
        }
        assert at[planned.reference] < heading and at[other.reference] < heading
        assert at[waiting.reference] > heading
        assert "att. tiers" in lines[at[waiting.reference]]
        assert "prog. 01/12" in lines[at[planned.reference]]


async def test_the_queue_keeps_planned_or_waiting_requests_with_p_and_w(store: Store, operator):
    agent = voirie_agent(store)
    waiting = pothole(store, operator, "Plaque descellée")
    planned = pothole(store, operator, "Trottoir fissuré")
    other = pothole(store, operator, "Bordure cassée")
    store.apply(
        agent,
        waiting.id,
        Action.WAIT,
        expected_version=waiting.version,
        text="Une photo",
        waiting_kind="citizen",
    )
    store.apply(
        agent,
        planned.id,
        Action.PLAN,
        expected_version=planned.version,
        planned_for=date(2026, 12, 1),
    )
    app = console_app(store, agent, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot, rounds=2)
        queue = app.screen
        assert isinstance(queue, QueueScreen)

        def references() -> set[str]:
            table = queue.table
            return {str(table.get_row_at(i)[2]) for i in range(table.row_count)}

        assert references() == {waiting.reference, planned.reference, other.reference}
        await pilot.press("p")
        await settle(app, pilot)
        assert references() == {planned.reference}
        assert "programmées seulement" in shown_in(queue, "#queue-summary")
        await pilot.press("w")
        await settle(app, pilot)
        assert references() == {waiting.reference}
        await pilot.press("w")
        await settle(app, pilot)
        assert len(references()) == 3
        await pilot.press("p", "escape")
        await settle(app, pilot)
        assert len(references()) == 3
        assert not any("Refusé" in text for text in notifications(app))


def test_the_detail_screen_binds_the_keys_of_design_section_4():
    keys = {
        binding.action: binding.key
        for binding in RequestDetailScreen.BINDINGS
        if binding.action.startswith("workflow(")
    }
    assert keys["workflow('plan')"] == "p"
    assert keys["workflow('wait')"] == keys["workflow('resume')"] == "w"
    assert keys["workflow('send_back')"] == "b"
    assert keys["workflow('transfer')"] == "t"
