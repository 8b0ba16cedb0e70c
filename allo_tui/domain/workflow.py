"""The status workflow of a request, as data (DESIGN §3, Status workflow).

`new -> acknowledged -> assigned -> in_progress -> done -> closed`, with the exits
`rejected` (sans suite), `duplicate` and `cancelled`. Operators acknowledge, assign,
start, mark done, mark duplicates and add notes, and requalify (category, service,
urgency) a request not yet assigned; supervisors also reject, cancel, close, reopen,
reassign and requalify at any open status; admins may do everything supervisors may.

Service agents (role `service`, outside that ranking) act on their own services' requests
only: start, mark done with the answer and add notes (see `SERVICE_FROM`).

This module and `allo_tui.domain.access` (which screens each role opens) are the one source of
the role x action table; the README's table is generated from both
(`allo_tui.domain.role_table`) and a test keeps them equal.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from allo_tui.domain.labels import STATUS_LABELS, URGENCY_LABELS  # noqa: F401 - re-exported
from allo_tui.domain.records import OPEN_STATUSES, Role, Status

if TYPE_CHECKING:
    pass


class Action(StrEnum):
    """Something an operator does to a request."""

    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    START = "start"
    DONE = "done"
    CLOSE = "close"
    REJECT = "reject"
    DUPLICATE = "duplicate"
    CANCEL = "cancel"
    NOTE = "note"
    REOPEN = "reopen"
    REQUALIFY = "requalify"


@dataclass(frozen=True)
class Transition:
    """Who may perform an action, from which statuses, and what text it needs."""

    action: Action
    """The action this rule governs."""
    from_statuses: frozenset[Status]
    """Statuses the action may start from."""
    role: Role
    """Minimum role (higher roles included)."""
    requires_text: bool
    """True when the text (answer, reason, note) must not be blank."""
    label: str
    """French verb shown in the UI."""
    text_label: str = ""
    """French label of the text field (required or optional); empty when there is none."""
    service_from: frozenset[Status] = frozenset()
    """Statuses a service agent (role `service`) may do it from, on their services' requests
    only; empty: never."""


_ROLE_SCOPE = {
    Role.OPERATOR: "aux opérateurs",
    Role.SUPERVISOR: "aux superviseurs",
    Role.ADMIN: "aux administrateurs",
}

_ALL_STATUSES = frozenset(Status)
_REOPENABLE = frozenset(
    {Status.DONE, Status.CLOSED, Status.REJECTED, Status.DUPLICATE, Status.CANCELLED}
)
# Assigning a request that is already assigned or in progress is a reassignment.
_REASSIGN_FROM = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
# Operators may requalify a request only before it is assigned to a service.
_OPERATOR_REQUALIFY_FROM = frozenset({Status.NEW, Status.ACKNOWLEDGED})
_STARTABLE = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED})

# What a service agent does with a request of their services (DESIGN §3). Of today's
# actions: start it, mark it done with the answer to the citizen, add a note for the call
# centre. Not acknowledging (the call centre's promise to the citizen, made by letter,
# e-mail or phone), assigning or requalifying (a request that is not theirs goes back to
# the call centre: "renvoyer", to come), marking a duplicate (the original may be another
# service's, which they do not see), nor the supervisors' reject, cancel, close, reopen.
SERVICE_FROM: Mapping[Action, frozenset[Status]] = MappingProxyType(
    {
        Action.START: _STARTABLE,
        Action.DONE: OPEN_STATUSES,
        Action.NOTE: _ALL_STATUSES,
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
        Action.ACKNOWLEDGE: _rule(
            Action.ACKNOWLEDGE, OPEN_STATUSES, Role.OPERATOR, "Accuser réception"
        ),
        # Open to operators from new/acknowledged; a reassignment (from assigned or
        # in_progress) is reserved to supervisors, see `check`.
        Action.ASSIGN: _rule(Action.ASSIGN, OPEN_STATUSES, Role.OPERATOR, "Affecter"),
        Action.START: _rule(
            Action.START,
            _STARTABLE,
            Role.OPERATOR,
            "Démarrer",
        ),
        Action.DONE: _rule(
            Action.DONE,
            OPEN_STATUSES,
            Role.OPERATOR,
            "Terminer",
            requires_text=True,
            text_label="Réponse au demandeur",
        ),
        Action.CLOSE: _rule(Action.CLOSE, frozenset({Status.DONE}), Role.SUPERVISOR, "Clôturer"),
        Action.REJECT: _rule(
            Action.REJECT,
            OPEN_STATUSES,
            Role.SUPERVISOR,
            "Rejeter (sans suite)",
            requires_text=True,
            text_label="Motif du rejet",
        ),
        # The original request is a separate argument checked by the store.
        Action.DUPLICATE: _rule(
            Action.DUPLICATE,
            OPEN_STATUSES,
            Role.OPERATOR,
            "Marquer doublon",
            text_label="Demande d'origine",
        ),
        Action.CANCEL: _rule(
            Action.CANCEL,
            OPEN_STATUSES,
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
            OPEN_STATUSES,
            Role.OPERATOR,
            "Requalifier",
            text_label="Motif de la requalification",
        ),
    }
)
"""The rule of every action."""


class WorkflowError(Exception):
    """An action refused by the workflow; `reason` is a French sentence for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def permitted_statuses(action: Action, role: Role) -> frozenset[Status]:
    """One cell of the role x action table: the statuses `role` may do `action` from.

    For `service`, on the requests of the agent's own services only (`service_refusal`).
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


def refusal_reason(action: Action, status: Status, role: Role) -> str | None:
    """The French reason why `role` may not do `action` from `status`; None when allowed."""
    return _refusal(action, status, role)


def service_refusal(
    role: Role,
    request_service_id: int | None,
    request_service_name: str,
    service_ids: Collection[int],
) -> str | None:
    """Why a service agent may not act on this request (not one of their services), or None.

    Other roles act on every service's requests: always None for them.
    """
    if Role(role) is not Role.SERVICE:
        return None
    if request_service_id is None:
        return (
            "Cette demande n'est affectée à aucun service : vous n'agissez que sur les demandes"
            " de vos services."
        )
    if request_service_id not in service_ids:
        return (
            f"Cette demande relève du service « {request_service_name} » : vous n'agissez que"
            " sur les demandes de vos services."
        )
    return None


def check_service(
    role: Role,
    request_service_id: int | None,
    request_service_name: str,
    service_ids: Collection[int],
) -> None:
    """Raise WorkflowError (French reason) when a service agent's request is not theirs."""
    reason = service_refusal(role, request_service_id, request_service_name, service_ids)
    if reason is not None:
        raise WorkflowError(reason)


def check(action: Action, status: Status, role: Role, *, text: str = "") -> None:
    """Raise WorkflowError (French reason) unless `role` may do `action` from `status`.

    Also raises when the action requires a text (answer, reason, note) and `text` is blank.
    """
    reason = _refusal(action, status, role)
    if reason is not None:
        raise WorkflowError(reason)
    rule = TRANSITIONS[Action(action)]
    if rule.requires_text and not text.strip():
        raise WorkflowError(f"Champ obligatoire : {rule.text_label}.")


def is_allowed(action: Action, status: Status, role: Role) -> bool:
    """True when `role` may do `action` from `status` (the text is not checked)."""
    return _refusal(action, status, role) is None


def allowed_actions(status: Status, role: Role) -> list[Action]:
    """Actions `role` may do from `status`, in `Action` order."""
    return [action for action in Action if is_allowed(action, status, role)]


def target_status(action: Action, status: Status, *, acknowledged: bool) -> Status:
    """The status after `action` from `status`.

    `acknowledged` tells whether the request was acknowledged, which decides where a
    reopened request goes. Roles are not checked here (see `check`); a status the
    action cannot start from raises WorkflowError.
    """
    action, status = Action(action), Status(status)
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
        case Action.REOPEN:
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
    raise AssertionError(f"unhandled action {action!r}")  # pragma: no cover
