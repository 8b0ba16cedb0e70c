"""The status workflow of a request, as data (DESIGN §3, Status workflow).

`new -> acknowledged -> assigned -> (planned) -> in_progress -> done -> closed`, with the
exits `rejected` (sans suite, with a coded reason), `duplicate`, `cancelled` and
`transferred` (to a named third party: our part ends; it may be reopened). `waiting` (for the
citizen or a third party) interrupts any other open status and keeps the status it resumes.

Operators (the hostesses) acknowledge, assign, start, mark done (with a coded outcome), mark
duplicates and add notes, and requalify (category, service, urgency) a request not yet
assigned; they may also put a request on hold waiting for the citizen (never for a third
party: that is the service's business, `waiting_kind_refusal`) and resume a waiting request
(the citizen calls back with what was awaited). Supervisors also reject, cancel, close,
reopen, reassign, requalify at any open status, plan, send back to the call centre and
transfer; admins may do everything supervisors may.

Service agents (role `service`, outside that ranking) act on their own services' requests
only: plan, start, mark done with the outcome and the answer, put on hold and resume, send
back to the call centre, transfer to a third party and add notes (see `SERVICE_FROM`).

A waiting request: a note or an acknowledgement leaves it waiting; resuming returns it to the
status it had (`resume_status`); every other action first resumes it, then is checked from
that status (`acting_status`), so the table's cells never list `waiting` for them.

This module and `allo_tui.domain.access` (which screens each role opens) are the one source of
the role x action table; the README's table is generated from both
(`allo_tui.domain.role_table`) and a test keeps them equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from allo_tui.domain.actions import Action, Transition  # noqa: F401 - re-exported
from allo_tui.domain.labels import STATUS_LABELS, URGENCY_LABELS  # noqa: F401 - re-exported
from allo_tui.domain.records import OPEN_STATUSES, Role, Status
from allo_tui.domain.workflow_checks import (  # noqa: F401 - re-exported
    WAITING_KINDS,
    WorkflowError,
    check_service,
    service_refusal,
    waiting_kind_refusal,
)

_ROLE_SCOPE = {
    Role.OPERATOR: "aux opérateurs",
    Role.SUPERVISOR: "aux superviseurs",
    Role.ADMIN: "aux administrateurs",
}

_ALL_STATUSES = frozenset(Status)
ACTIVE_STATUSES = OPEN_STATUSES - {Status.WAITING}
"""The open statuses a request is worked from (a waiting one is resumed first)."""
_REOPENABLE = frozenset(
    {
        Status.TRANSFERRED,
        Status.DONE,
        Status.CLOSED,
        Status.REJECTED,
        Status.DUPLICATE,
        Status.CANCELLED,
    }
)
# Assigning a request that is already assigned, planned or in progress is a reassignment.
_REASSIGN_FROM = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.PLANNED})
# Operators may requalify a request only before it is assigned to a service.
_OPERATOR_REQUALIFY_FROM = frozenset({Status.NEW, Status.ACKNOWLEDGED})
_STARTABLE = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.PLANNED})
_WAITING = frozenset({Status.WAITING})

NOT_RESUMING = frozenset({"note", "acknowledge", "resume"})
"""Actions that do not resume a waiting request first (a note, an acknowledgement; resuming
is itself the return): kept as values, `Action` is defined above."""

# What a service agent does with a request of their services (DESIGN §3): plan it, start
# it, mark it done with the outcome and the answer to the citizen, put it on hold and resume
# it, send it back to the call centre (not theirs), transfer it to a third party, add a note
# for the call centre. Not acknowledging (the call centre's promise to the citizen, made by
# letter, e-mail or phone), assigning or requalifying (a request that is not theirs is sent
# back), marking a duplicate (the original may be another service's, which they do not
# see), nor the supervisors' reject, cancel, close, reopen.
SERVICE_FROM: Mapping[Action, frozenset[Status]] = MappingProxyType(
    {
        Action.START: _STARTABLE,
        Action.DONE: ACTIVE_STATUSES,
        Action.NOTE: _ALL_STATUSES,
        Action.PLAN: ACTIVE_STATUSES,
        Action.WAIT: ACTIVE_STATUSES,
        Action.RESUME: _WAITING,
        Action.SEND_BACK: ACTIVE_STATUSES,
        Action.TRANSFER: ACTIVE_STATUSES,
    }
)
"""The service role's column of the role x action table: action -> statuses."""


def _rule(
    action: Action,
    from_statuses: frozenset[Status],
    role: Role,
    label: str,
    *,
    requires_text: bool = False,
    text_label: str = "",
) -> Transition:
    service_from = SERVICE_FROM.get(action, frozenset())
    return Transition(action, from_statuses, role, requires_text, label, text_label, service_from)


TRANSITIONS: Mapping[Action, Transition] = MappingProxyType(
    {
        # Acknowledging records when and how the citizen was told; it leaves a waiting
        # request waiting.
        Action.ACKNOWLEDGE: _rule(
            Action.ACKNOWLEDGE, OPEN_STATUSES, Role.OPERATOR, "Accuser réception"
        ),
        # Open to operators from new/acknowledged; a reassignment (from assigned, planned or
        # in_progress) is reserved to supervisors, see `check`.
        Action.ASSIGN: _rule(Action.ASSIGN, ACTIVE_STATUSES, Role.OPERATOR, "Affecter"),
        Action.START: _rule(Action.START, _STARTABLE, Role.OPERATOR, "Démarrer"),
        # The coded outcome is required (checked by the store); the text is the free answer.
        Action.DONE: _rule(
            Action.DONE,
            ACTIVE_STATUSES,
            Role.OPERATOR,
            "Terminer",
            text_label="Réponse au demandeur",
        ),
        Action.CLOSE: _rule(Action.CLOSE, frozenset({Status.DONE}), Role.SUPERVISOR, "Clôturer"),
        # The coded reason is required (checked by the store); the text completes it.
        Action.REJECT: _rule(
            Action.REJECT,
            ACTIVE_STATUSES,
            Role.SUPERVISOR,
            "Rejeter (sans suite)",
            text_label="Précision sur le motif",
        ),
        # The original request is a separate argument checked by the store.
        Action.DUPLICATE: _rule(
            Action.DUPLICATE,
            ACTIVE_STATUSES,
            Role.OPERATOR,
            "Marquer doublon",
            text_label="Demande d'origine",
        ),
        Action.CANCEL: _rule(
            Action.CANCEL,
            ACTIVE_STATUSES,
            Role.SUPERVISOR,
            # Not just "Annuler": that is also what leaving a dialog means.
            "Annuler la demande",
            text_label="Motif de l'annulation",
        ),
        Action.NOTE: _rule(
            Action.NOTE,
            _ALL_STATUSES,
            Role.OPERATOR,
            "Ajouter une note",
            requires_text=True,
            text_label="Note",
        ),
        Action.REOPEN: _rule(
            Action.REOPEN,
            _REOPENABLE,
            Role.SUPERVISOR,
            "Rouvrir",
            text_label="Motif de la réouverture",
        ),
        # Operators only before assignment, see `check`; `Store.requalify` applies it.
        Action.REQUALIFY: _rule(
            Action.REQUALIFY,
            ACTIVE_STATUSES,
            Role.OPERATOR,
            "Requalifier",
            text_label="Motif de la requalification",
        ),
        # The planned day is a separate argument checked by the store.
        Action.PLAN: _rule(
            Action.PLAN, ACTIVE_STATUSES, Role.SUPERVISOR, "Programmer", text_label="Précision"
        ),
        # Operators wait for the citizen only (`waiting_kind_refusal`).
        Action.WAIT: _rule(
            Action.WAIT,
            ACTIVE_STATUSES,
            Role.OPERATOR,
            "Mettre en attente",
            requires_text=True,
            text_label="Ce qui est attendu",
        ),
        Action.RESUME: _rule(
            Action.RESUME, _WAITING, Role.OPERATOR, "Reprendre", text_label="Note"
        ),
        Action.SEND_BACK: _rule(
            Action.SEND_BACK,
            ACTIVE_STATUSES,
            Role.SUPERVISOR,
            "Renvoyer au centre d'appels",
            requires_text=True,
            text_label="Motif du renvoi",
        ),
        Action.TRANSFER: _rule(
            Action.TRANSFER,
            ACTIVE_STATUSES,
            Role.SUPERVISOR,
            "Transmettre à un tiers",
            requires_text=True,
            text_label="Transmise à (organisme, entreprise)",
        ),
    }
)
"""The rule of every action."""


def acting_status(action: Action, status: Status, resume_status: Status | None) -> Status:
    """The status `action` is checked from: a waiting request is resumed first (to
    `resume_status`) by every action but a note, an acknowledgement and `resume` itself.

    Without `resume_status` a waiting request stays `waiting` (and the action is refused).
    """
    status = Status(status)
    if status is Status.WAITING and Action(action).value not in NOT_RESUMING and resume_status:
        return Status(resume_status)
    return status


def permitted_statuses(action: Action, role: Role) -> frozenset[Status]:
    """One cell of the role x action table: the statuses `role` may do `action` from.

    For `service`, on the requests of the agent's own services only (`service_refusal`).
    On a waiting request, see `acting_status`.
    """
    action, role = Action(action), Role(role)
    rule = TRANSITIONS[action]
    if role is Role.SERVICE:
        return rule.service_from
    if not role.includes(rule.role):
        return frozenset()
    if action is Action.ASSIGN and not role.includes(Role.SUPERVISOR):
        return rule.from_statuses - _REASSIGN_FROM
    if action is Action.REQUALIFY and not role.includes(Role.SUPERVISOR):
        return rule.from_statuses & _OPERATOR_REQUALIFY_FROM
    return rule.from_statuses


def _refusal(action: Action, status: Status, role: Role) -> str | None:
    """The French reason why `role` may not do `action` from `status`, or None."""
    action, status, role = Action(action), Status(status), Role(role)
    rule = TRANSITIONS[action]
    if role is Role.SERVICE:
        if not rule.service_from:
            return "Action réservée au centre d'appels : un service ne la fait pas."
        if status not in rule.service_from:
            return f"Impossible depuis le statut « {STATUS_LABELS[status]} »."
        return None
    if not role.includes(rule.role):
        return f"Action réservée {_ROLE_SCOPE[rule.role]}."
    if status not in rule.from_statuses:
        return f"Impossible depuis le statut « {STATUS_LABELS[status]} »."
    if action is Action.ASSIGN and status in _REASSIGN_FROM and not role.includes(Role.SUPERVISOR):
        return "Réaffectation réservée aux superviseurs."
    if (
        action is Action.REQUALIFY
        and status not in _OPERATOR_REQUALIFY_FROM
        and not role.includes(Role.SUPERVISOR)
    ):
        return "Requalification après affectation réservée aux superviseurs."
    return None


def refusal_reason(
    action: Action, status: Status, role: Role, *, resume_status: Status | None = None
) -> str | None:
    """The French reason why `role` may not do `action` from `status`; None when allowed.

    `resume_status`: the status a waiting request resumes (see `acting_status`)."""
    return _refusal(action, acting_status(action, status, resume_status), role)


def check(
    action: Action,
    status: Status,
    role: Role,
    *,
    text: str = "",
    resume_status: Status | None = None,
) -> None:
    """Raise WorkflowError (French reason) unless `role` may do `action` from `status`.

    Also raises when the action requires a text (note, reason, what is awaited, to whom)
    and `text` is blank. `resume_status`: see `acting_status`.
    """
    reason = refusal_reason(action, status, role, resume_status=resume_status)
    if reason is not None:
        raise WorkflowError(reason)
    rule = TRANSITIONS[Action(action)]
    if rule.requires_text and not text.strip():
        raise WorkflowError(f"Champ obligatoire : {rule.text_label}.")


def is_allowed(
    action: Action, status: Status, role: Role, *, resume_status: Status | None = None
) -> bool:
    """True when `role` may do `action` from `status` (the text is not checked)."""
    return refusal_reason(action, status, role, resume_status=resume_status) is None


def allowed_actions(
    status: Status, role: Role, *, resume_status: Status | None = None
) -> list[Action]:
    """Actions `role` may do from `status`, in `Action` order.

    A waiting request (give its `resume_status`): a note, an acknowledgement, resuming, and
    every action of the status it resumes (which resumes it first)."""
    return [
        action for action in Action if is_allowed(action, status, role, resume_status=resume_status)
    ]


def target_status(
    action: Action,
    status: Status,
    *,
    acknowledged: bool,
    resume_status: Status | None = None,
) -> Status:
    """The status after `action` from `status`.

    `acknowledged` tells whether the request was acknowledged, which decides where a
    reopened or sent-back request goes; `resume_status` is the status a waiting request
    resumes (`acting_status`). Roles are not checked here (see `check`); a status the
    action cannot start from raises WorkflowError.
    """
    action = Action(action)
    status = acting_status(action, status, resume_status)
    rule = TRANSITIONS[action]
    if status not in rule.from_statuses:
        raise WorkflowError(f"Impossible depuis le statut « {STATUS_LABELS[status]} ».")
    match action:
        case Action.ACKNOWLEDGE:
            return Status.ACKNOWLEDGED if status is Status.NEW else status
        case Action.NOTE:
            return status
        case Action.REQUALIFY:
            # Not a status change: `Store.requalify` changes category, service and urgency.
            raise WorkflowError("La requalification se fait par « Requalifier » (q).")
        case Action.REOPEN | Action.SEND_BACK:
            return Status.ACKNOWLEDGED if acknowledged else Status.NEW
        case Action.ASSIGN:
            return Status.ASSIGNED
        case Action.START:
            return Status.IN_PROGRESS
        case Action.DONE:
            return Status.DONE
        case Action.CLOSE:
            return Status.CLOSED
        case Action.REJECT:
            return Status.REJECTED
        case Action.DUPLICATE:
            return Status.DUPLICATE
        case Action.CANCEL:
            return Status.CANCELLED
        case Action.PLAN:
            return Status.PLANNED
        case Action.WAIT:
            return Status.WAITING
        case Action.TRANSFER:
            return Status.TRANSFERRED
        case Action.RESUME:
            if resume_status is None or Status(resume_status) not in ACTIVE_STATUSES:
                raise WorkflowError("Statut à reprendre inconnu : choisissez une action.")
            return Status(resume_status)
    raise AssertionError(f"unhandled action {action!r}")  # pragma: no cover
