"""Service agents (role `service`, issue 14): attached to services, acting on their services'
requests only; through the Store and `allo operator` (DESIGN §3).

Each test runs on SQLite and on PostgreSQL and checks what the database holds.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS
from store_helpers import query, request_for, scalar, table_counts

from allo_tui.cli import main
from allo_tui.data.store import Store
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import EventKind, Role, Status
from allo_tui.domain.workflow import Action, WorkflowError

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


def codes_of(db_path, login: str) -> list[str]:
    return [
        row[0]
        for row in query(
            db_path,
            "SELECT services.code FROM operator_services"
            " JOIN services ON services.id = operator_services.service_id"
            " JOIN operators ON operators.id = operator_services.operator_id"
            " WHERE operators.login = ? ORDER BY services.code",
            (login,),
        )
    ]


@pytest.fixture
def voirie_agent(store: Store, admin):
    return store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", ["VOIRIE"])


# -- the Store: operators and their services -------------------------------------------------


def test_a_service_agent_is_stored_with_its_services_and_read_back(store: Store, admin, db_path):
    added = store.add_operator("terrain", Role.SERVICE, "Terrain", ["voirie", "EMI", "Voirie"])

    assert added.role is Role.SERVICE
    assert added.service_codes == ("EMI", "VOIRIE")  # any case, each once, by code
    assert codes_of(db_path, "terrain") == ["EMI", "VOIRIE"]
    for record in (
        store.get_operator("terrain"),
        store.resolve_operator("terrain"),
        next(o for o in store.list_operators() if o.login == "terrain"),
    ):
        assert record.role is Role.SERVICE
        assert record.service_codes == ("EMI", "VOIRIE")
        assert len(record.service_ids) == 2
    assert store.get_operator("admin").service_ids == ()


def test_adding_again_replaces_the_services_and_another_role_clears_them(
    store: Store, admin, db_path
):
    store.add_operator("terrain", Role.SERVICE, "", ["VOIRIE", "EMI"])
    assert store.add_operator("terrain", Role.SERVICE, "", ["SIGNAL"]).service_codes == ("SIGNAL",)
    assert codes_of(db_path, "terrain") == ["SIGNAL"]

    again = store.add_operator("terrain", Role.OPERATOR)

    assert again.role is Role.OPERATOR and again.service_ids == ()
    assert codes_of(db_path, "terrain") == []


@pytest.mark.parametrize(
    ("role", "services", "words"),
    [
        (Role.SERVICE, [], "au moins un service"),
        (Role.SERVICE, ["VOIRIE", "NOPE"], "Service inconnu : NOPE (services connus : ACCUEIL"),
        (Role.OPERATOR, ["VOIRIE"], "Seul un agent de service"),
        (Role.SUPERVISOR, ["VOIRIE"], "Seul un agent de service"),
    ],
)
def test_bad_services_are_refused_and_nothing_is_written(
    store: Store, admin, db_path, role, services, words
):
    before = table_counts(db_path), scalar(db_path, "SELECT count(*) FROM operator_services")

    with pytest.raises(ValidationError) as refused:
        store.add_operator("terrain", role, "", services)

    assert words in refused.value.message
    assert "\n" not in refused.value.message
    assert store.get_operator("terrain") is None
    assert (table_counts(db_path), scalar(db_path, "SELECT count(*) FROM operator_services")) == (
        before
    )


# -- the Store: acting on requests -----------------------------------------------------------


@pytest.mark.parametrize("action", [Action.START, Action.NOTE, Action.DONE])
def test_a_service_agent_acting_on_another_services_request_is_refused_and_nothing_written(
    store: Store, operator, voirie_agent, db_path, action
):
    lamp = store.create_request(operator, request_for(store, "ECLAIRAGE", "Lampadaire éteint"))
    before = table_counts(db_path)

    with pytest.raises(WorkflowError) as refused:
        store.apply(voirie_agent, lamp.id, action, expected_version=1, text="Réparé")

    assert "Éclairage public" in refused.value.reason
    assert "vos services" in refused.value.reason
    assert table_counts(db_path) == before
    assert store.get_request(lamp.id).status is Status.NEW


def test_a_service_agent_starts_notes_and_marks_done_their_services_request(
    store: Store, operator, voirie_agent, db_path
):
    pothole = store.create_request(operator, request_for(store, "VOIRIE"))
    assigned = store.apply(
        operator, pothole.id, Action.ASSIGN, expected_version=1, service_id=pothole.service_id
    )

    started = store.apply(voirie_agent, pothole.id, Action.START, expected_version=assigned.version)
    noted = store.apply(
        voirie_agent,
        pothole.id,
        Action.NOTE,
        expected_version=started.version,
        text="Passage prévu jeudi",
    )
    done = store.apply(
        voirie_agent,
        pothole.id,
        Action.DONE,
        expected_version=noted.version,
        outcome_code="REPARE",
        text="Trou rebouché",
    )

    assert started.status is Status.IN_PROGRESS
    assert done.status is Status.DONE and done.answer == "Trou rebouché"
    events = query(
        db_path,
        "SELECT events.kind, operators.login FROM events"
        " JOIN operators ON operators.id = events.operator_id"
        " WHERE request_id = ? ORDER BY events.id",
        (pothole.id,),
    )
    assert events[-3:] == [
        (EventKind.STATUS.value, "voirie1"),
        (EventKind.NOTE.value, "voirie1"),
        (EventKind.STATUS.value, "voirie1"),
    ]


@pytest.mark.parametrize(
    ("action", "text"),
    [
        (Action.ACKNOWLEDGE, ""),
        (Action.REJECT, "Hors compétence"),
        (Action.CANCEL, ""),
        (Action.DUPLICATE, ""),
    ],
)
def test_a_service_agent_is_refused_the_call_centres_actions_even_on_their_requests(
    store: Store, operator, voirie_agent, db_path, action, text
):
    pothole = store.create_request(operator, request_for(store, "VOIRIE"))
    before = table_counts(db_path)

    with pytest.raises(WorkflowError) as refused:
        store.apply(voirie_agent, pothole.id, action, expected_version=1, text=text)

    assert "centre d'appels" in refused.value.reason
    assert table_counts(db_path) == before


def test_a_service_agent_may_not_requalify_and_nothing_is_written(
    store: Store, operator, voirie_agent, db_path
):
    pothole = store.create_request(operator, request_for(store, "VOIRIE"))
    before = table_counts(db_path)

    with pytest.raises(WorkflowError):
        store.requalify(
            voirie_agent,
            pothole.id,
            expected_version=1,
            category_id=pothole.category_id,
            service_id=pothole.service_id,
            urgency=1,
        )

    assert table_counts(db_path) == before


def test_services_are_read_at_the_time_of_the_action_not_from_the_console_record(
    store: Store, operator, voirie_agent, db_path
):
    pothole = store.create_request(operator, request_for(store, "VOIRIE"))
    store.add_operator("voirie1", Role.SERVICE, "", ["ECLAIRAGE"])  # moved by an admin

    with pytest.raises(WorkflowError):
        store.apply(voirie_agent, pothole.id, Action.START, expected_version=1)

    assert store.get_request(pothole.id).status is Status.NEW


def test_hostesses_and_supervisors_still_act_on_every_service(
    store: Store, operator, supervisor, voirie_agent
):
    lamp = store.create_request(operator, request_for(store, "ECLAIRAGE", "Lampadaire éteint"))
    started = store.apply(operator, lamp.id, Action.START, expected_version=1)
    rejected = store.apply(
        supervisor,
        lamp.id,
        Action.REJECT,
        expected_version=started.version,
        reason_code="DEJA_TRAITE",
        text="Doublon",
    )
    assert rejected.status is Status.REJECTED


# -- the command line ------------------------------------------------------------------------


def allo(db_path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db_path), "--operator", "amelie", *args])


def test_operator_add_service_with_services_and_list_shows_them(db_path):
    assert allo(db_path, "operator", "list").exit_code == 0  # amelie: the first, admin

    added = allo(
        db_path,
        "operator",
        "add",
        "voirie1",
        "--role",
        "service",
        "--service",
        "voirie",
        "--service",
        "EMI",
        "--name",
        "Agent Voirie",
    )

    assert added.exit_code == 0, added.output
    assert added.output == "voirie1 (Agent Voirie) : service (EMI, VOIRIE)\n"
    listing = allo(db_path, "operator", "list").output.splitlines()
    # The columns after these (the password's state) are `allo operator list`'s own.
    columns = ["\t".join(line.split("\t")[:4]) for line in listing]
    assert "voirie1\tservice\tAgent Voirie\tEMI,VOIRIE" in columns
    assert "amelie\tadmin\tamelie\t-" in columns
    assert codes_of(db_path, "voirie1") == ["EMI", "VOIRIE"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--role", "service"), "au moins un service"),
        (("--role", "service", "--service", "TROTTOIR"), "Service inconnu : TROTTOIR"),
        (("--role", "supervisor", "--service", "VOIRIE"), "Seul un agent de service"),
        (("--service", "VOIRIE"), "Seul un agent de service"),
    ],
)
def test_operator_add_refuses_bad_services_in_one_line_writing_nothing(db_path, args, words):
    assert allo(db_path, "operator", "list").exit_code == 0
    before = table_counts(db_path)

    result = allo(db_path, "operator", "add", "voirie1", *args)

    assert result.exit_code == 2
    assert words in result.output
    assert result.output.count("\n") == 1
    assert table_counts(db_path) == before
    assert codes_of(db_path, "voirie1") == []
    assert query(db_path, "SELECT login FROM operators WHERE login = 'voirie1'") == []


def test_db_copy_keeps_the_service_agents_services(
    store: Store, admin, db_path, tmp_path, monkeypatch
):
    """`operator_services` has a key of two columns: copied in key order, batch by batch."""
    import allo_tui.data.copy as copy

    store.add_operator("terrain", Role.SERVICE, "", ["VOIRIE", "EMI", "SIGNAL"])
    store.add_operator("voirie1", Role.SERVICE, "", ["VOIRIE"])
    store.close()
    monkeypatch.setattr(copy, "BATCH", 1)
    destination = tmp_path / "copy.sqlite3"

    copy.copy_database(db_path, destination)

    copied = Store(destination)
    try:
        assert copied.get_operator("terrain").service_codes == ("EMI", "SIGNAL", "VOIRIE")
        assert copied.get_operator("voirie1").service_codes == ("VOIRIE",)
    finally:
        copied.close()
