"""The services' workflow through the Store (issue 14): plan, wait and resume, send back,
transfer, done with a coded outcome, reject with a coded reason; per role, with what the
database holds, refusals writing nothing, and planned and waiting requests counted open.

Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import ALL_BACKENDS
from store_helpers import NOW, execute, query, request_for, table_counts

from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.errors import StaleWriteError, ValidationError
from allo_tui.domain.records import OPEN_STATUSES, HistoryFilter, Role, Status
from allo_tui.domain.workflow import Action, WorkflowError, is_allowed, target_status

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

TODAY = date(2026, 11, 24)  # NOW in Paris
NEW_ACTIONS = (Action.PLAN, Action.WAIT, Action.SEND_BACK, Action.TRANSFER)
ARGUMENTS = {
    Action.PLAN: {"planned_for": TODAY + timedelta(days=2)},
    Action.WAIT: {"waiting_kind": "citizen", "text": "Photo du trou"},
    Action.SEND_BACK: {"text": "Pas chez nous : trottoir privé"},
    Action.TRANSFER: {"text": "Enedis"},
    Action.DONE: {"outcome_code": "REPARE", "text": "Rebouché"},
    Action.REJECT: {"reason_code": "DOMAINE_PRIVE"},
    Action.START: {},
    Action.RESUME: {},
    Action.NOTE: {"text": "Vu sur place"},
}


@pytest.fixture
def voirie_agent(store: Store, admin):
    return store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", ["VOIRIE"])


@pytest.fixture
def people(operator, supervisor, admin, voirie_agent):
    return {
        Role.OPERATOR: operator,
        Role.SUPERVISOR: supervisor,
        Role.ADMIN: admin,
        Role.SERVICE: voirie_agent,
    }


def assigned_pothole(store: Store, operator):
    pothole = store.create_request(operator, request_for(store, "VOIRIE"))
    return store.apply(
        operator, pothole.id, Action.ASSIGN, expected_version=1, service_id=pothole.service_id
    )


def request_row(db_path, request_id: int) -> tuple:
    return query(db_path, "SELECT * FROM requests WHERE id = ?", (request_id,))[0]


def status_events(db_path, request_id: int) -> list[tuple]:
    return query(
        db_path,
        "SELECT events.kind, old_value, new_value, note, operators.login FROM events"
        " JOIN operators ON operators.id = events.operator_id"
        " WHERE request_id = ? ORDER BY events.id",
        (request_id,),
    )


# -- every new action, per role, from an assigned request (the role x action table) ----------


SOURCES = (
    Status.NEW,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.PLANNED,
    Status.WAITING,
    Status.TRANSFERRED,
    Status.DONE,
)
"""Statuses each action is tried from (a waiting request resumes `assigned`)."""
STEPS = {
    Status.ASSIGNED: [],
    Status.IN_PROGRESS: [Action.START],
    Status.PLANNED: [Action.PLAN],
    Status.WAITING: [Action.WAIT],
    Status.TRANSFERRED: [Action.TRANSFER],
    Status.DONE: [Action.DONE],
}


def pothole_in(store: Store, operator, admin, status: Status):
    """A Voirie request brought to `status` (by an admin, from assigned)."""
    if status is Status.NEW:
        return store.create_request(operator, request_for(store, "VOIRIE"))
    request = assigned_pothole(store, operator)
    for action in STEPS[status]:
        arguments = dict(ARGUMENTS[action])
        if action is Action.PLAN:  # another day than the test plans for
            arguments["planned_for"] = TODAY + timedelta(days=5)
        request = store.apply(
            admin, request.id, action, expected_version=request.version, **arguments
        )
    assert request.status is status
    return request


@pytest.mark.parametrize("status", SOURCES)
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", [*NEW_ACTIONS, Action.RESUME, Action.DONE])
def test_each_action_per_role_and_status_does_what_the_table_says(
    store: Store, operator, admin, people, db_path, action: Action, role: Role, status: Status
):
    request = pothole_in(store, operator, admin, status)
    before = table_counts(db_path), request_row(db_path, request.id)
    who = people[role]
    resume = request.resume_status

    if is_allowed(action, status, role, resume_status=resume):
        after = store.apply(
            who, request.id, action, expected_version=request.version, **ARGUMENTS[action]
        )
        assert after.version == request.version + 1
        assert after.status is target_status(
            action, status, acknowledged=False, resume_status=resume
        )
        assert status_events(db_path, request.id)[-1][-1] == who.login
    else:
        with pytest.raises(WorkflowError):
            store.apply(
                who, request.id, action, expected_version=request.version, **ARGUMENTS[action]
            )
        assert (table_counts(db_path), request_row(db_path, request.id)) == before


def test_operators_wait_for_the_citizen_but_not_for_a_third_party(store: Store, operator, db_path):
    request = assigned_pothole(store, operator)
    before = table_counts(db_path)
    with pytest.raises(WorkflowError) as refused:
        store.apply(
            operator,
            request.id,
            Action.WAIT,
            expected_version=request.version,
            waiting_kind="third_party",
            text="Enedis",
        )
    assert "services et aux superviseurs" in refused.value.reason
    assert table_counts(db_path) == before
    with pytest.raises(ValidationError):
        store.apply(
            operator, request.id, Action.WAIT, expected_version=request.version, text="Photo"
        )
    waiting = store.apply(
        operator,
        request.id,
        Action.WAIT,
        expected_version=request.version,
        waiting_kind="citizen",
        text="Photo",
    )
    assert waiting.status is Status.WAITING


# -- plan --------------------------------------------------------------------------------


def test_plan_for_a_day_then_plan_again_and_a_past_day_is_refused(
    store: Store, operator, voirie_agent, db_path
):
    request = assigned_pothole(store, operator)
    before = table_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.apply(
            voirie_agent,
            request.id,
            Action.PLAN,
            expected_version=request.version,
            planned_for=TODAY - timedelta(days=1),
        )
    assert "est passé" in refused.value.message
    with pytest.raises(ValidationError):
        store.apply(voirie_agent, request.id, Action.PLAN, expected_version=request.version)
    assert table_counts(db_path) == before

    planned = store.apply(
        voirie_agent,
        request.id,
        Action.PLAN,
        expected_version=request.version,
        planned_for=date(2027, 1, 12),
        text="Avec la balayeuse",
    )
    assert planned.status is Status.PLANNED and planned.is_open
    assert planned.planned_for == date(2027, 1, 12)
    assert store.get_request(request.id).planned_for == date(2027, 1, 12)
    assert status_events(db_path, request.id)[-1] == (
        "status",
        "assigned",
        "planned",
        "programmée le 12/01/2027\nAvec la balayeuse",
        "voirie1",
    )

    moved = store.apply(
        voirie_agent,
        request.id,
        Action.PLAN,
        expected_version=planned.version,
        planned_for=TODAY,
    )
    assert (moved.status, moved.planned_for) == (Status.PLANNED, TODAY)
    assert status_events(db_path, request.id)[-1][:3] == (
        "edit",
        "Programmée le 12/01/2027",
        "Programmée le 24/11",
    )


# -- done and reject: coded lists ----------------------------------------------------------


def test_coded_lists_are_read_active_and_in_order_and_an_inactive_one_is_refused(
    store: Store, operator, supervisor, db_path
):
    outcomes = store.outcomes()
    assert outcomes[0].code == "REPARE" and outcomes[0].label == "Réparé"
    assert [item.code for item in store.rejection_reasons()][:2] == [
        "HORS_COMPETENCE",
        "DOMAINE_PRIVE",
    ]
    execute(db_path, "UPDATE outcomes SET active = FALSE WHERE code = 'NETTOYE'")
    assert "NETTOYE" not in [item.code for item in store.outcomes()]

    request = assigned_pothole(store, operator)
    before = table_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.apply(
            supervisor,
            request.id,
            Action.DONE,
            expected_version=request.version,
            outcome_code="NETTOYE",
        )
    assert "n'est pas dans la liste" in refused.value.message
    assert table_counts(db_path) == before

    done = store.apply(
        supervisor,
        request.id,
        Action.DONE,
        expected_version=request.version,
        outcome_code="CONCESSIONNAIRE",
    )
    assert (done.outcome_code, done.outcome_label, done.answer) == (
        "CONCESSIONNAIRE",
        "Signalé au concessionnaire",
        "",
    )


# -- wait and resume -------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "moved"), [("citizen", True), ("third_party", False)])
def test_waiting_for_the_citizen_moves_the_due_date_waiting_for_a_third_party_does_not(
    store: Store, operator, voirie_agent, clock: FixedClock, db_path, kind: str, moved: bool
):
    request = assigned_pothole(store, operator)
    due = request.intervention_due_at
    waiting = store.apply(
        voirie_agent,
        request.id,
        Action.WAIT,
        expected_version=request.version,
        waiting_kind=kind,
        text="Photo du trou",
    )
    assert waiting.status is Status.WAITING and waiting.is_open
    assert (waiting.waiting_kind, waiting.waiting_for) == (kind, "Photo du trou")
    assert (waiting.waiting_since, waiting.resume_status) == (NOW, Status.ASSIGNED)

    clock.advance(hours=30)
    resumed = store.apply(voirie_agent, request.id, Action.RESUME, expected_version=waiting.version)

    assert resumed.status is Status.ASSIGNED
    assert resumed.intervention_due_at == (due + timedelta(hours=30) if moved else due)
    assert (resumed.waiting_kind, resumed.waiting_for, resumed.waiting_since) == ("", "", None)
    assert resumed.resume_status is None
    kind_, old, new, note, login = status_events(db_path, request.id)[-1]
    assert (kind_, old, new, login) == ("status", "waiting", "assigned", "voirie1")
    assert note.startswith("Reprise après 1 j 6 h d'attente")
    assert ("intervention due le" in note) is moved


def test_any_action_on_a_waiting_request_resumes_it_first(
    store: Store, operator, voirie_agent, clock: FixedClock, db_path
):
    request = assigned_pothole(store, operator)
    due = request.intervention_due_at
    waiting = store.apply(
        voirie_agent,
        request.id,
        Action.WAIT,
        expected_version=request.version,
        waiting_kind="citizen",
        text="Accès au jardin",
    )
    noted = store.apply(operator, request.id, Action.NOTE, expected_version=0, text="Rappellera")
    assert noted.status is Status.WAITING  # a note leaves it waiting

    clock.advance(hours=2)
    started = store.apply(voirie_agent, request.id, Action.START, expected_version=waiting.version)

    assert started.status is Status.IN_PROGRESS
    assert started.intervention_due_at == due + timedelta(hours=2)
    assert started.waiting_kind == "" and started.resume_status is None
    assert [event[:3] for event in status_events(db_path, request.id)[-2:]] == [
        ("status", "waiting", "assigned"),
        ("status", "assigned", "in_progress"),
    ]
    # An action the status it resumes does not allow is refused, and nothing is written.
    waiting = store.apply(
        voirie_agent,
        request.id,
        Action.WAIT,
        expected_version=started.version,
        waiting_kind="third_party",
        text="Devis",
    )
    before = table_counts(db_path), request_row(db_path, request.id)
    with pytest.raises(WorkflowError):
        store.apply(voirie_agent, request.id, Action.START, expected_version=waiting.version)
    assert (table_counts(db_path), request_row(db_path, request.id)) == before


# -- send back, transfer ---------------------------------------------------------------------


@pytest.mark.parametrize("acknowledged", [False, True])
def test_send_back_clears_the_service_restores_the_status_and_flags_it_until_reassigned(
    store: Store, operator, voirie_agent, db_path, acknowledged: bool
):
    pothole = store.create_request(operator, request_for(store, "VOIRIE"))
    version = 1
    if acknowledged:
        version = store.apply(operator, pothole.id, Action.ACKNOWLEDGE, expected_version=1).version
    started = store.apply(voirie_agent, pothole.id, Action.START, expected_version=version)

    back = store.apply(
        voirie_agent,
        pothole.id,
        Action.SEND_BACK,
        expected_version=started.version,
        text="Trottoir privé",
    )

    assert back.status is (Status.ACKNOWLEDGED if acknowledged else Status.NEW)
    assert (back.service_id, back.service_name, back.sent_back) == (None, "", True)
    assert status_events(db_path, pothole.id)[-2:] == [
        ("assignment", "Voirie", "", "Renvoyée au centre d'appels : Trottoir privé", "voirie1"),
        (
            "status",
            "in_progress",
            back.status.value,
            "Renvoyée au centre d'appels : Trottoir privé",
            "voirie1",
        ),
    ]
    assert [r.id for r in store.sent_back_requests()] == [pothole.id]
    assert [r.id for r in store.history(HistoryFilter(sent_back_only=True)).rows] == [pothole.id]
    assert pothole.id in [r.id for r in store.board_snapshot(limit=50).rows]
    # No longer theirs: the agent cannot act on it.
    with pytest.raises(WorkflowError):
        store.apply(voirie_agent, pothole.id, Action.START, expected_version=back.version)

    reassigned = store.apply(
        operator,
        pothole.id,
        Action.ASSIGN,
        expected_version=back.version,
        service_id=pothole.service_id,
    )
    assert reassigned.sent_back is False
    assert store.sent_back_requests() == []


def test_requalifying_a_sent_back_request_to_a_service_ends_the_flag(
    store: Store, operator, supervisor, voirie_agent
):
    pothole = store.create_request(operator, request_for(store, "VOIRIE"))
    back = store.apply(
        voirie_agent, pothole.id, Action.SEND_BACK, expected_version=1, text="Pas nous"
    )
    requalified = store.requalify(
        supervisor,
        pothole.id,
        expected_version=back.version,
        category_id=pothole.category_id,
        service_id=None,
        urgency=pothole.urgency,
    )
    assert requalified.sent_back is False and requalified.service_id == pothole.service_id


def test_transfer_ends_our_part_and_a_supervisor_may_reopen_it(
    store: Store, operator, supervisor, voirie_agent, clock: FixedClock, db_path
):
    request = assigned_pothole(store, operator)
    clock.advance(minutes=10)
    transferred = store.apply(
        voirie_agent,
        request.id,
        Action.TRANSFER,
        expected_version=request.version,
        text="  Enedis   Bourgogne ",
    )
    assert transferred.status is Status.TRANSFERRED and not transferred.is_open
    assert transferred.transferred_to == "Enedis Bourgogne"
    assert transferred.closed_at == NOW + timedelta(minutes=10)
    assert status_events(db_path, request.id)[-1][:4] == (
        "status",
        "assigned",
        "transferred",
        "Transmise à Enedis Bourgogne",
    )
    with pytest.raises(WorkflowError):
        store.apply(voirie_agent, request.id, Action.REOPEN, expected_version=transferred.version)
    reopened = store.apply(
        supervisor, request.id, Action.REOPEN, expected_version=transferred.version
    )
    assert reopened.status is Status.NEW and reopened.closed_at is None


# -- refusals write nothing ------------------------------------------------------------------


@pytest.mark.parametrize("action", [*NEW_ACTIONS, Action.DONE, Action.RESUME])
def test_a_stale_version_is_refused_and_nothing_is_written(
    store: Store, operator, voirie_agent, db_path, action: Action
):
    request = assigned_pothole(store, operator)
    if action is Action.RESUME:
        request = store.apply(
            voirie_agent, request.id, Action.WAIT, expected_version=request.version,
            **ARGUMENTS[Action.WAIT],
        )  # fmt: skip
    store.apply(operator, request.id, Action.ACKNOWLEDGE, expected_version=request.version)
    before = table_counts(db_path), request_row(db_path, request.id)

    with pytest.raises(StaleWriteError):
        store.apply(
            voirie_agent,
            request.id,
            action,
            expected_version=request.version,
            **ARGUMENTS[action],
        )
    assert (table_counts(db_path), request_row(db_path, request.id)) == before


@pytest.mark.parametrize("action", [*NEW_ACTIONS, Action.DONE])
def test_a_service_agent_is_refused_another_services_request_and_nothing_is_written(
    store: Store, operator, voirie_agent, db_path, action: Action
):
    lamp = store.create_request(operator, request_for(store, "ECLAIRAGE", "Lampadaire éteint"))
    before = table_counts(db_path), request_row(db_path, lamp.id)
    with pytest.raises(WorkflowError) as refused:
        store.apply(voirie_agent, lamp.id, action, expected_version=1, **ARGUMENTS[action])
    assert "vos services" in refused.value.reason
    assert (table_counts(db_path), request_row(db_path, lamp.id)) == before


def test_apply_in_refuses_one_request_without_writing_it_inside_a_wider_transaction(
    store: Store, operator, supervisor, db_path
):
    first = assigned_pothole(store, operator)
    second = assigned_pothole(store, operator)
    before = request_row(db_path, second.id)
    with store._write() as connection:
        done = store.apply_in(
            connection,
            supervisor,
            Role.SUPERVISOR,
            first.id,
            Action.DONE,
            expected_version=first.version,
            at=NOW,
            outcome_code="REPARE",
        )
        with pytest.raises(StaleWriteError):
            store.apply_in(
                connection,
                supervisor,
                Role.SUPERVISOR,
                second.id,
                Action.DONE,
                expected_version=second.version - 1,
                at=NOW,
                outcome_code="REPARE",
            )
    assert done.status is Status.DONE
    assert store.get_request(first.id).status is Status.DONE
    assert request_row(db_path, second.id) == before


# -- planned and waiting requests are open: board, counts, late, history, queue ---------------


def test_planned_and_waiting_requests_are_on_the_board_counted_open_and_late(
    store: Store, operator, voirie_agent, clock: FixedClock
):
    planned = assigned_pothole(store, operator)
    planned = store.apply(
        voirie_agent,
        planned.id,
        Action.PLAN,
        expected_version=planned.version,
        planned_for=TODAY + timedelta(days=20),
    )
    waiting = assigned_pothole(store, operator)
    waiting = store.apply(
        voirie_agent,
        waiting.id,
        Action.WAIT,
        expected_version=waiting.version,
        waiting_kind="third_party",
        text="Devis",
    )
    transferred = assigned_pothole(store, operator)
    store.apply(
        voirie_agent,
        transferred.id,
        Action.TRANSFER,
        expected_version=transferred.version,
        text="Enedis",
    )
    ids = {planned.id, waiting.id}
    urgency = planned.urgency
    assert {Status.PLANNED, Status.WAITING} <= OPEN_STATUSES

    snapshot = store.board_snapshot(limit=50)
    rows = {row.id: row for row in snapshot.rows}
    assert ids <= set(rows) and transferred.id not in rows
    assert rows[planned.id].planned_for == TODAY + timedelta(days=20)
    assert (rows[waiting.id].waiting_kind, rows[waiting.id].waiting_for) == ("third_party", "Devis")
    assert snapshot.counts.open_by_urgency[urgency] == 2
    assert snapshot.counts.late() == 0
    assert store.open_counts()[urgency] == 2
    assert {r.id for r in store.open_interventions()} == ids
    assert {r.id for r in store.service_queue([planned.service_id])} == ids
    open_history = store.history(HistoryFilter(statuses=OPEN_STATUSES)).rows
    assert {r.id for r in open_history} == ids

    clock.advance(days=11)  # past the 10-day target of urgency 3
    late = store.board_snapshot(limit=50).counts
    assert late.late_by_urgency[urgency] == 2 and late.late() == 2
    assert {r.id for r in store.history(HistoryFilter(late_only=True)).rows} == ids
    assert {r.id for r in store.service_queue([planned.service_id], late_only=True)} == ids


def test_acknowledging_a_waiting_request_leaves_it_waiting_to_resume_as_acknowledged(
    store: Store, operator, voirie_agent, db_path
):
    pothole = store.create_request(operator, request_for(store, "VOIRIE"))
    waiting = store.apply(
        operator, pothole.id, Action.WAIT, expected_version=1, waiting_kind="citizen", text="Photo"
    )
    assert waiting.resume_status is Status.NEW
    acknowledged = store.apply(
        operator, pothole.id, Action.ACKNOWLEDGE, expected_version=waiting.version, how="letter"
    )
    assert acknowledged.status is Status.WAITING
    assert acknowledged.resume_status is Status.ACKNOWLEDGED
    resumed = store.apply(
        operator, pothole.id, Action.RESUME, expected_version=acknowledged.version, text="Reçue"
    )
    assert resumed.status is Status.ACKNOWLEDGED
    assert status_events(db_path, pothole.id)[-1][3].endswith("\nReçue")
