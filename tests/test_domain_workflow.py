"""Status workflow (DESIGN §3, Status workflow).

The expected permissions and target statuses are written out by hand here, not
derived from TRANSITIONS, so a wrong rule makes a test fail.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from allo_tui.domain.access import Reach, Screen, may_open, screen_reach
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.records import Role, Status
from allo_tui.domain.requalification import (
    Qualification,
    requalification_texts,
    requalified_intervention_due,
)
from allo_tui.domain.role_table import role_table_markdown, role_table_rows
from allo_tui.domain.workflow import (
    ACTIVE_STATUSES,
    STATUS_LABELS,
    TRANSITIONS,
    URGENCY_LABELS,
    WAITING_KINDS,
    Action,
    WorkflowError,
    acting_status,
    allowed_actions,
    check,
    check_service,
    is_allowed,
    permitted_statuses,
    refusal_reason,
    service_refusal,
    target_status,
    waiting_kind_refusal,
)

STATUS_COLUMNS = (
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.PLANNED,
    Status.WAITING,
    Status.TRANSFERRED,
    Status.DONE,
    Status.CLOSED,
    Status.REJECTED,
    Status.DUPLICATE,
    Status.CANCELLED,
)

# Who may do what, from which status.
# O = operators and above, S = supervisors and above, A = admins only, . = nobody.
# On a waiting request every action but a note, an acknowledgement and resume first resumes
# the status it had (tested below), so their `wai` cell is empty.
PERMISSIONS = {
    #                    new ack asg inp pla wai tra don clo rej dup can
    Action.ACKNOWLEDGE: " O   O   O   O   O   O   .   .   .   .   .   . ",
    Action.ASSIGN: "     O   O   S   S   S   .   .   .   .   .   .   . ",
    Action.START: "      O   O   O   .   O   .   .   .   .   .   .   . ",
    Action.DONE: "       O   O   O   O   O   .   .   .   .   .   .   . ",
    Action.CLOSE: "      .   .   .   .   .   .   .   S   .   .   .   . ",
    Action.REJECT: "     S   S   S   S   S   .   .   .   .   .   .   . ",
    Action.DUPLICATE: "  O   O   O   O   O   .   .   .   .   .   .   . ",
    Action.CANCEL: "     S   S   S   S   S   .   .   .   .   .   .   . ",
    Action.NOTE: "       O   O   O   O   O   O   O   O   O   O   O   O ",
    Action.REOPEN: "     .   .   .   .   .   .   S   S   S   S   S   S ",
    Action.REQUALIFY: "  O   O   S   S   S   .   .   .   .   .   .   . ",
    Action.PLAN: "       S   S   S   S   S   .   .   .   .   .   .   . ",
    Action.WAIT: "       O   O   O   O   O   .   .   .   .   .   .   . ",
    Action.RESUME: "     .   .   .   .   .   O   .   .   .   .   .   . ",
    Action.SEND_BACK: "  S   S   S   S   S   .   .   .   .   .   .   . ",
    Action.TRANSFER: "   S   S   S   S   S   .   .   .   .   .   .   . ",
}

MINIMUM_ROLE = {"O": Role.OPERATOR, "S": Role.SUPERVISOR, "A": Role.ADMIN}

# What a service agent (role `service`, outside the ranking) may do on their services'
# requests: X = allowed, . = not.
SERVICE_PERMISSIONS = {
    #                    new ack asg inp pla wai tra don clo rej dup can
    Action.ACKNOWLEDGE: " .   .   .   .   .   .   .   .   .   .   .   . ",
    Action.ASSIGN: "     .   .   .   .   .   .   .   .   .   .   .   . ",
    Action.START: "      X   X   X   .   X   .   .   .   .   .   .   . ",
    Action.DONE: "       X   X   X   X   X   .   .   .   .   .   .   . ",
    Action.CLOSE: "      .   .   .   .   .   .   .   .   .   .   .   . ",
    Action.REJECT: "     .   .   .   .   .   .   .   .   .   .   .   . ",
    Action.DUPLICATE: "  .   .   .   .   .   .   .   .   .   .   .   . ",
    Action.CANCEL: "     .   .   .   .   .   .   .   .   .   .   .   . ",
    Action.NOTE: "       X   X   X   X   X   X   X   X   X   X   X   X ",
    Action.REOPEN: "     .   .   .   .   .   .   .   .   .   .   .   . ",
    Action.REQUALIFY: "  .   .   .   .   .   .   .   .   .   .   .   . ",
    Action.PLAN: "       X   X   X   X   X   .   .   .   .   .   .   . ",
    Action.WAIT: "       X   X   X   X   X   .   .   .   .   .   .   . ",
    Action.RESUME: "     .   .   .   .   .   X   .   .   .   .   .   . ",
    Action.SEND_BACK: "  X   X   X   X   X   .   .   .   .   .   .   . ",
    Action.TRANSFER: "   X   X   X   X   X   .   .   .   .   .   .   . ",
}


def expected_allowed(action: Action, status: Status, role: Role) -> bool:
    if role is Role.SERVICE:
        return SERVICE_PERMISSIONS[action].split()[STATUS_COLUMNS.index(status)] == "X"
    cells = PERMISSIONS[action].split()
    cell = cells[STATUS_COLUMNS.index(status)]
    return cell != "." and role.includes(MINIMUM_ROLE[cell])


ALL_COMBINATIONS = [
    (action, status, role) for action in Action for status in Status for role in Role
]


def test_permission_table_covers_every_action_and_status() -> None:
    assert set(PERMISSIONS) == set(Action)
    assert set(STATUS_COLUMNS) == set(Status)
    assert all(len(row.split()) == len(STATUS_COLUMNS) for row in PERMISSIONS.values())
    assert set(SERVICE_PERMISSIONS) == set(Action)
    assert all(len(row.split()) == len(STATUS_COLUMNS) for row in SERVICE_PERMISSIONS.values())
    assert set(Role) == {Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SERVICE}


@pytest.mark.parametrize(("action", "role"), [(a, r) for a in Action for r in Role])
def test_permitted_statuses_is_the_cell_of_the_table(action: Action, role: Role) -> None:
    expected = {status for status in Status if expected_allowed(action, status, role)}
    assert permitted_statuses(action, role) == expected


@pytest.mark.parametrize(("action", "status", "role"), ALL_COMBINATIONS)
def test_is_allowed_matches_the_permission_table(
    action: Action, status: Status, role: Role
) -> None:
    assert is_allowed(action, status, role) is expected_allowed(action, status, role)


@pytest.mark.parametrize(("action", "status", "role"), ALL_COMBINATIONS)
def test_check_raises_a_french_reason_exactly_when_not_allowed(
    action: Action, status: Status, role: Role
) -> None:
    if expected_allowed(action, status, role):
        check(action, status, role, text="Réponse donnée au téléphone.")
    else:
        with pytest.raises(WorkflowError) as refused:
            check(action, status, role, text="Réponse donnée au téléphone.")
        assert refused.value.reason
        assert refused.value.reason.endswith(".")
        assert str(refused.value) == refused.value.reason


# Status after the action, for a request that was / was not acknowledged.
# "=" means the status does not change.
TARGETS = {
    #                     new  ack  asg  inp  pla  wai  tra  don  clo  rej  dup  can
    Action.ACKNOWLEDGE: ("ack", "=", "=", "=", "=", "=", *[None] * 6),
    Action.ASSIGN: ("asg", "asg", "asg", "asg", "asg", *[None] * 7),
    Action.START: ("inp", "inp", "inp", None, "inp", *[None] * 7),
    Action.DONE: ("don", "don", "don", "don", "don", *[None] * 7),
    Action.CLOSE: (*[None] * 7, "clo", *[None] * 4),
    Action.REJECT: ("rej", "rej", "rej", "rej", "rej", *[None] * 7),
    Action.DUPLICATE: ("dup", "dup", "dup", "dup", "dup", *[None] * 7),
    Action.CANCEL: ("can", "can", "can", "can", "can", *[None] * 7),
    Action.NOTE: ("=",) * 12,
    Action.REOPEN: (*[None] * 6, "re", "re", "re", "re", "re", "re"),
    # Not a status change: Store.requalify changes the fields, `apply` refuses it.
    Action.REQUALIFY: (None,) * 12,
    Action.PLAN: ("pla", "pla", "pla", "pla", "pla", *[None] * 7),
    Action.WAIT: ("wai", "wai", "wai", "wai", "wai", *[None] * 7),
    # Without the status to resume (tested below with it).
    Action.RESUME: (None,) * 12,
    Action.SEND_BACK: ("re", "re", "re", "re", "re", *[None] * 7),
    Action.TRANSFER: ("tra", "tra", "tra", "tra", "tra", *[None] * 7),
}
SHORT = {
    "ack": Status.ACKNOWLEDGED,
    "asg": Status.ASSIGNED,
    "inp": Status.IN_PROGRESS,
    "don": Status.DONE,
    "clo": Status.CLOSED,
    "rej": Status.REJECTED,
    "dup": Status.DUPLICATE,
    "can": Status.CANCELLED,
    "pla": Status.PLANNED,
    "wai": Status.WAITING,
    "tra": Status.TRANSFERRED,
}


@pytest.mark.parametrize("acknowledged", [False, True])
@pytest.mark.parametrize(("action", "status"), [(a, s) for a in Action for s in Status])
def test_target_status_matches_the_target_table(
    action: Action, status: Status, acknowledged: bool
) -> None:
    cell = TARGETS[action][STATUS_COLUMNS.index(status)]
    if cell is None:
        with pytest.raises(WorkflowError):
            target_status(action, status, acknowledged=acknowledged)
        return
    if cell == "=":
        expected = status
    elif cell == "re":
        expected = Status.ACKNOWLEDGED if acknowledged else Status.NEW
    else:
        expected = SHORT[cell]
    assert target_status(action, status, acknowledged=acknowledged) is expected


def test_role_refusal_names_the_required_role() -> None:
    with pytest.raises(WorkflowError) as refused:
        check(Action.REJECT, Status.NEW, Role.OPERATOR, text="Hors compétence")
    assert refused.value.reason == "Action réservée aux superviseurs."


def test_status_refusal_names_the_current_status_in_french() -> None:
    with pytest.raises(WorkflowError) as refused:
        check(Action.DONE, Status.DONE, Role.ADMIN, text="Fait")
    assert refused.value.reason == "Impossible depuis le statut « Terminée »."


def test_operator_cannot_reassign_but_supervisor_can() -> None:
    with pytest.raises(WorkflowError) as refused:
        check(Action.ASSIGN, Status.ASSIGNED, Role.OPERATOR)
    assert "superviseurs" in refused.value.reason
    check(Action.ASSIGN, Status.IN_PROGRESS, Role.SUPERVISOR)


@pytest.mark.parametrize(
    ("action", "status", "role", "label"),
    [
        (Action.WAIT, Status.IN_PROGRESS, Role.OPERATOR, "Ce qui est attendu"),
        (Action.SEND_BACK, Status.ASSIGNED, Role.SERVICE, "Motif du renvoi"),
        (Action.TRANSFER, Status.PLANNED, Role.SUPERVISOR, "Transmise à"),
        (Action.NOTE, Status.CLOSED, Role.OPERATOR, "Note"),
    ],
)
@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_text_is_refused_when_the_action_requires_it(
    action: Action, status: Status, role: Role, label: str, text: str
) -> None:
    with pytest.raises(WorkflowError) as refused:
        check(action, status, role, text=text)
    assert label in refused.value.reason


@pytest.mark.parametrize(
    "action",
    [
        Action.ACKNOWLEDGE,
        Action.ASSIGN,
        Action.START,
        Action.DUPLICATE,
        Action.CANCEL,
        Action.DONE,  # the coded outcome is required, checked by the store
        Action.REJECT,  # the coded reason is required, checked by the store
        Action.PLAN,  # the day is required, checked by the store
    ],
)
def test_actions_without_required_text_accept_a_blank_text(action: Action) -> None:
    check(action, Status.NEW, Role.ADMIN, text="  ")


@pytest.mark.parametrize(
    ("action", "requires_text"),
    [
        (Action.ACKNOWLEDGE, False),
        (Action.ASSIGN, False),
        (Action.START, False),
        (Action.DONE, False),
        (Action.CLOSE, False),
        (Action.REJECT, False),
        (Action.DUPLICATE, False),
        (Action.CANCEL, False),
        (Action.NOTE, True),
        (Action.REOPEN, False),
        (Action.REQUALIFY, False),
        (Action.PLAN, False),
        (Action.WAIT, True),
        (Action.RESUME, False),
        (Action.SEND_BACK, True),
        (Action.TRANSFER, True),
    ],
)
def test_requires_text_flags(action: Action, requires_text: bool) -> None:
    assert TRANSITIONS[action].requires_text is requires_text
    if requires_text:
        assert TRANSITIONS[action].text_label


@pytest.mark.parametrize(
    ("action", "label"),
    [
        (Action.ACKNOWLEDGE, "Accuser réception"),
        (Action.ASSIGN, "Affecter"),
        (Action.START, "Démarrer"),
        (Action.DONE, "Terminer"),
        (Action.CLOSE, "Clôturer"),
        (Action.REJECT, "Rejeter (sans suite)"),
        (Action.DUPLICATE, "Marquer doublon"),
        (Action.CANCEL, "Annuler la demande"),
        (Action.NOTE, "Ajouter une note"),
        (Action.REOPEN, "Rouvrir"),
        (Action.REQUALIFY, "Requalifier"),
        (Action.PLAN, "Programmer"),
        (Action.WAIT, "Mettre en attente"),
        (Action.RESUME, "Reprendre"),
        (Action.SEND_BACK, "Renvoyer au centre d'appels"),
        (Action.TRANSFER, "Transmettre à un tiers"),
    ],
)
def test_transitions_carry_french_labels(action: Action, label: str) -> None:
    assert TRANSITIONS[action].action is action
    assert TRANSITIONS[action].label == label


def test_allowed_actions_for_an_operator_on_a_new_request() -> None:
    assert allowed_actions(Status.NEW, Role.OPERATOR) == [
        Action.ACKNOWLEDGE,
        Action.ASSIGN,
        Action.START,
        Action.DONE,
        Action.DUPLICATE,
        Action.NOTE,
        Action.REQUALIFY,
        Action.WAIT,
    ]


def test_operator_requalifies_only_before_assignment() -> None:
    with pytest.raises(WorkflowError) as refused:
        check(Action.REQUALIFY, Status.ASSIGNED, Role.OPERATOR)
    assert refused.value.reason == "Requalification après affectation réservée aux superviseurs."
    check(Action.REQUALIFY, Status.ACKNOWLEDGED, Role.OPERATOR)
    check(Action.REQUALIFY, Status.IN_PROGRESS, Role.SUPERVISOR)


def test_allowed_actions_for_a_supervisor_on_a_done_request() -> None:
    assert allowed_actions(Status.DONE, Role.SUPERVISOR) == [
        Action.CLOSE,
        Action.NOTE,
        Action.REOPEN,
    ]


def test_plain_strings_are_accepted_for_action_status_and_role() -> None:
    assert is_allowed("close", "done", "supervisor")  # type: ignore[arg-type]
    assert target_status("acknowledge", "new", acknowledged=False) is Status.ACKNOWLEDGED  # type: ignore[arg-type]


def test_status_labels_are_french() -> None:
    assert dict(STATUS_LABELS) == {
        Status.NEW: "Nouvelle",
        Status.ACKNOWLEDGED: "Accusée",
        Status.ASSIGNED: "Affectée",
        Status.IN_PROGRESS: "En cours",
        Status.PLANNED: "Programmée",
        Status.WAITING: "En attente",
        Status.TRANSFERRED: "Transmise",
        Status.DONE: "Terminée",
        Status.CLOSED: "Clôturée",
        Status.REJECTED: "Sans suite",
        Status.DUPLICATE: "Doublon",
        Status.CANCELLED: "Annulée",
    }


def test_urgency_labels_are_french() -> None:
    assert dict(URGENCY_LABELS) == {
        1: "Immédiate",
        2: "Urgente",
        3: "Normale",
        4: "Sans intervention",
    }


# Requalification due dates: a call on Tuesday 24/11/2026 10:00 (Paris), requalified a day later.
CALLED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LATER = CALLED + timedelta(days=1, hours=2)
CURRENT_DUE = CALLED + timedelta(days=10)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (3, 1, LATER + timedelta(hours=1)),  # raised: from the requalification
        (3, 2, LATER + timedelta(hours=24)),
        (4, 3, LATER + timedelta(days=10)),
        (1, 3, CALLED + timedelta(days=10)),  # lowered: from the call
        (2, 3, CALLED + timedelta(days=10)),
        (3, 4, None),  # no intervention: no due date
        (3, 3, CURRENT_DUE),  # same urgency: the due date stays as it was
    ],
)
def test_a_raised_urgency_counts_from_the_requalification_a_lowered_one_from_the_call(
    old: int, new: int, expected: datetime | None
) -> None:
    due = requalified_intervention_due(
        SiteCalendar(),
        called_at=CALLED,
        requalified_at=LATER,
        old_urgency=old,
        new_urgency=new,
        current_due=None if old == 4 else CURRENT_DUE,  # urgency 4 has no due date
    )
    assert due == expected


def test_a_raised_urgency_never_moves_the_due_date_later() -> None:
    nearly_due = CALLED + timedelta(days=9, hours=12)
    due = requalified_intervention_due(
        SiteCalendar(),
        called_at=CALLED,
        requalified_at=nearly_due,
        old_urgency=3,
        new_urgency=2,
        current_due=CURRENT_DUE,
    )
    assert due == CURRENT_DUE  # not nearly_due + 24 h, twelve hours after it was due


def test_requalification_texts_name_only_what_changed_with_the_due_dates() -> None:
    before = Qualification("Voirie", "Voirie", 3, CALLED + timedelta(days=10))
    after = Qualification("Danger sur la voie", "Voirie", 1, LATER + timedelta(hours=1))
    old, new = requalification_texts(before, after, SiteCalendar())
    assert old == "Catégorie : Voirie · Urgence : 3 (Normale) · Intervention : 04/12/2026 10:00"
    assert new == (
        "Catégorie : Danger sur la voie · Urgence : 1 (Immédiate) · Intervention : 25/11/2026 13:00"
    )


# -- the service role: their services only; the screens; the README's table ---------------------

SCREENS = {
    #                         operator supervisor admin service
    Screen.LOOKUP: "          all      all        all   -",
    Screen.CALLER_CARD: "     all      all        all   -",
    Screen.NEW_REQUEST: "     all      all        all   -",
    Screen.END_CALL: "        all      all        all   -",
    Screen.HISTORY: "         all      all        all   own",
    Screen.BOARD: "           all      all        all   own",
    Screen.QUEUE: "           -        all        all   own",
    Screen.REQUEST_DETAIL: "  all      all        all   own",
    Screen.REVIEW: "          -        all        all   -",
    Screen.ADMIN: "           -        -          all   -",
}
ROLE_COLUMNS = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SERVICE)
REACH = {"all": Reach.ALL, "own": Reach.OWN_SERVICES, "-": None}


@pytest.mark.parametrize(("screen", "role"), [(s, r) for s in Screen for r in Role])
def test_screen_access_matches_the_screen_table(screen: Screen, role: Role) -> None:
    assert set(SCREENS) == set(Screen) and set(ROLE_COLUMNS) == set(Role)
    expected = REACH[SCREENS[screen].split()[ROLE_COLUMNS.index(role)]]
    assert screen_reach(screen, role) is expected
    assert may_open(screen, role) is (expected is not None)


def test_service_sits_outside_the_ranking() -> None:
    for ranked in (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN):
        assert not Role.SERVICE.includes(ranked)
        assert not ranked.includes(Role.SERVICE)
    assert Role.SERVICE.includes(Role.SERVICE)
    assert Role.ADMIN.includes(Role.OPERATOR) and not Role.OPERATOR.includes(Role.SUPERVISOR)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN])
def test_other_roles_act_on_every_services_requests(role: Role) -> None:
    assert service_refusal(role, 3, "Voirie", []) is None
    assert service_refusal(role, None, "", []) is None


def test_a_service_agent_acts_on_their_services_requests_only() -> None:
    assert service_refusal(Role.SERVICE, 2, "Voirie", [2, 3]) is None
    check_service(Role.SERVICE, 3, "Équipe mobile", [2, 3])
    with pytest.raises(WorkflowError) as refused:
        check_service(Role.SERVICE, 5, "Éclairage public", [2, 3])
    assert refused.value.reason == (
        "Cette demande relève du service « Éclairage public » : vous n'agissez que sur les"
        " demandes de vos services."
    )
    assert "aucun service" in (service_refusal(Role.SERVICE, None, "", [2]) or "")


def test_a_refused_service_action_says_it_belongs_to_the_call_centre() -> None:
    assert refusal_reason(Action.REJECT, Status.NEW, Role.SERVICE) == (
        "Action réservée au centre d'appels : un service ne la fait pas."
    )
    assert "statut" in (refusal_reason(Action.START, Status.IN_PROGRESS, Role.SERVICE) or "")
    assert allowed_actions(Status.ASSIGNED, Role.SERVICE) == [
        Action.START,
        Action.DONE,
        Action.NOTE,
        Action.PLAN,
        Action.WAIT,
        Action.SEND_BACK,
        Action.TRANSFER,
    ]


def test_the_readme_shows_the_role_table_of_the_workflow() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- role-table:")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- /role-table -->")
    assert readme[start:end] == role_table_markdown(), (
        "README's role table differs from allo_tui/domain/workflow.py: paste"
        " role_table_markdown() between the role-table markers"
    )


def test_the_role_table_has_a_row_per_screen_and_action_and_a_column_per_role() -> None:
    rows = role_table_rows()
    assert len(rows) == len(Screen) + len(Action) + 1  # + the supervisors' bulk actions
    assert rows[-1][1] == ("—", "F4, F5", "F4, F5", "—")
    assert all(len(cells) == len(Role) for _what, cells in rows)
    assert role_table_markdown().splitlines()[0] == (
        "| screen or action | operator | supervisor | admin | service |"
    )


# -- a waiting request: resumed first by every action but a note, an acknowledgement ---------


@pytest.mark.parametrize("resume", sorted(ACTIVE_STATUSES))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_on_a_waiting_request_an_action_is_checked_from_the_status_it_resumes(
    action: Action, role: Role, resume: Status
) -> None:
    if action in (Action.NOTE, Action.ACKNOWLEDGE, Action.RESUME):
        expected = expected_allowed(action, Status.WAITING, role)
    else:
        expected = expected_allowed(action, resume, role)
    assert is_allowed(action, Status.WAITING, role, resume_status=resume) is expected
    assert (action in allowed_actions(Status.WAITING, role, resume_status=resume)) is expected


@pytest.mark.parametrize("resume", sorted(ACTIVE_STATUSES))
def test_resume_returns_to_the_status_it_had_and_other_actions_go_on_from_it(
    resume: Status,
) -> None:
    assert (
        target_status(Action.RESUME, Status.WAITING, acknowledged=True, resume_status=resume)
        is resume
    )
    assert (
        target_status(Action.DONE, Status.WAITING, acknowledged=False, resume_status=resume)
        is Status.DONE
    )
    assert (
        target_status(Action.NOTE, Status.WAITING, acknowledged=False, resume_status=resume)
        is Status.WAITING
    )
    assert (
        target_status(Action.ACKNOWLEDGE, Status.WAITING, acknowledged=False, resume_status=resume)
        is Status.WAITING
    )
    assert acting_status(Action.TRANSFER, Status.WAITING, resume) is resume
    assert acting_status(Action.NOTE, Status.WAITING, resume) is Status.WAITING


def test_a_waiting_request_without_its_status_to_resume_offers_only_what_keeps_it_waiting() -> None:
    assert allowed_actions(Status.WAITING, Role.SERVICE) == [Action.NOTE, Action.RESUME]
    with pytest.raises(WorkflowError):
        target_status(Action.RESUME, Status.WAITING, acknowledged=False)


def test_operators_wait_for_the_citizen_only() -> None:
    assert waiting_kind_refusal(Role.OPERATOR, "citizen") is None
    assert waiting_kind_refusal(Role.OPERATOR, "third_party") == (
        "Attente d'un tiers réservée aux services et aux superviseurs."
    )
    for role in (Role.SUPERVISOR, Role.ADMIN, Role.SERVICE):
        assert waiting_kind_refusal(role, "third_party") is None
    assert "demandeur ou un tiers" in (waiting_kind_refusal(Role.SERVICE, "") or "")
    assert WAITING_KINDS == ("citizen", "third_party")


def test_send_back_and_reopen_go_to_acknowledged_when_it_was_else_new() -> None:
    for action in (Action.SEND_BACK,):
        assert target_status(action, Status.PLANNED, acknowledged=True) is Status.ACKNOWLEDGED
        assert target_status(action, Status.IN_PROGRESS, acknowledged=False) is Status.NEW
    assert (
        target_status(Action.REOPEN, Status.TRANSFERRED, acknowledged=True) is Status.ACKNOWLEDGED
    )
