"""The status workflow of a request, as data (DESIGN §3, Status workflow).

`new -> acknowledged -> assigned -> in_progress -> done -> closed`, with the exits
`rejected` (sans suite), `duplicate` and `cancelled`. Operators acknowledge, assign,
start, mark done, mark duplicates and add notes, and requalify (category, service,
urgency) a request not yet assigned; supervisors also reject, cancel, close, reopen,
reassign and requalify at any open status; admins may do everything supervisors may.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from allo_tui.domain.labels import STATUS_LABELS, URGENCY_LABELS  # noqa: F401 - re-exported
from allo_tui.domain.records import OPEN_STATUSES, Role, Status

if TYPE_CHECKING:
    from allo_tui.domain.calendar import SiteCalendar


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


def _rule(
    action: Action,
    from_statuses: frozenset[Status],
    role: Role,
    label: str,
    *,
    requires_text: bool = False,
    text_label: str = "",
) -> Transition:
    return Transition(action, from_statuses, role, requires_text, label, text_label)


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
            frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED}),
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


def _refusal(action: Action, status: Status, role: Role) -> str | None:
    """The French reason why `role` may not do `action` from `status`, or None."""
    action, status, role = Action(action), Status(status), Role(role)
    rule = TRANSITIONS[action]
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


def requalified_intervention_due(
    calendar: SiteCalendar,
    *,
    called_at: datetime,
    requalified_at: datetime,
    old_urgency: int,
    new_urgency: int,
    current_due: datetime | None,
) -> datetime | None:
    """The intervention due date after the urgency went from `old_urgency` to `new_urgency`.

    A raised urgency (a smaller number) counts its target from the requalification: the
    service could not know before; but it never moves the due date later than it was (a
    request nearly due at urgency 3 raised to 2 keeps its nearer date). A lowered one counts
    from the call, as if it had been taken so. The same urgency keeps `current_due` (which
    may have been moved by a wait). The acknowledgement due date never changes: it depends
    on the call alone.
    """
    if new_urgency == old_urgency:
        return current_due
    if new_urgency > old_urgency:
        return calendar.intervention_due(called_at, new_urgency)
    due = calendar.intervention_due(requalified_at, new_urgency)
    if due is not None and current_due is not None:
        return min(due, current_due)
    return due


@dataclass(frozen=True)
class Qualification:
    """What a requalification changes: category, service, urgency, and the due date they imply."""

    category: str
    """The category's label."""
    service: str
    """The service's name ("" when none)."""
    urgency: int
    intervention_due_at: datetime | None


def requalification_texts(
    old: Qualification, new: Qualification, calendar: SiteCalendar
) -> tuple[str, str]:
    """The old and new values of a requalification Event, in French, changed parts only.

    "Catégorie : Voirie · Urgence : 3 (Normale) · Intervention : 04/12/2026 10:00" (site time);
    an urgency with no target reads "Intervention : aucune".
    """

    def due(at: datetime | None) -> str:
        return calendar.to_local(at).strftime("%d/%m/%Y %H:%M") if at else "aucune"

    parts: tuple[list[str], list[str]] = ([], [])
    fields = (
        ("Catégorie", old.category, new.category),
        ("Service", old.service or "—", new.service or "—"),
        (
            "Urgence",
            f"{old.urgency} ({URGENCY_LABELS.get(old.urgency, '?')})",
            f"{new.urgency} ({URGENCY_LABELS.get(new.urgency, '?')})",
        ),
        ("Intervention", due(old.intervention_due_at), due(new.intervention_due_at)),
    )
    for label, before, after in fields:
        if before != after:
            parts[0].append(f"{label} : {before}")
            parts[1].append(f"{label} : {after}")
    return " · ".join(parts[0]), " · ".join(parts[1])
