"""What each workflow action changes on a request and which events it writes, computed before
anything is written (`RequestChangeStore.apply_in` writes them, or nothing when one of these
raises).

`Change` gathers the columns to set and the events to add, in order; the resume of a waiting
request comes first (`resume`), then the action's own changes (which override its status).
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from allo_tui.data.backend import Connection
from allo_tui.data.rows import db_time, stored_time
from allo_tui.data.store.coded_lists import OUTCOMES, REJECTION_REASONS, active_label
from allo_tui.data.store.writes import _as_typed
from allo_tui.domain import limits
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.planned_date import format_planned
from allo_tui.domain.records import EventKind, RequestRecord, Role, Status
from allo_tui.domain.waiting import resume_note, resumed_due, wait_note
from allo_tui.domain.workflow import WorkflowError, waiting_kind_refusal

SENT_BACK_NOTE = "Renvoyée au centre d'appels"
"""The start of a send-back's note (the reason follows)."""


class Change(msgspec.Struct):
    """Columns to set (names of ours, never user text) and events to add, in order."""

    status: Status
    """The request's status as the action sees it (after a resume)."""
    due: datetime | None
    """Its intervention due date as the action sees it (after a resume)."""
    changes: dict[str, object] = msgspec.field(default_factory=dict)
    events: list[tuple[EventKind, str, str, str]] = msgspec.field(default_factory=list)
    """(kind, old value, new value, note)"""

    def set_status(self, new: Status, note: str = "") -> None:
        if new != self.status:
            self.events.append((EventKind.STATUS, self.status.value, new.value, note))
            self.changes["status"] = new.value
            self.status = new


def resume(request: RequestRecord, now: datetime, calendar: SiteCalendar, text: str = "") -> Change:
    """The return of a waiting request to the status it had (nothing for another status).

    Waiting for the citizen moves the intervention due date later by the time waited."""
    change = Change(request.status, request.intervention_due_at)
    if request.status is not Status.WAITING:
        return change
    back = request.resume_status or (Status.ASSIGNED if request.service_id else Status.NEW)
    due = resumed_due(request.intervention_due_at, request.waiting_kind, request.waiting_since, now)
    note = resume_note(
        request.waiting_kind,
        request.waiting_since,
        now,
        request.intervention_due_at,
        due,
        calendar,
    )
    if text.strip():
        note = f"{note}\n{_as_typed(text)}"
    change.set_status(back, note)
    change.due = due
    if due != request.intervention_due_at:
        change.changes["intervention_due_at"] = stored_time(due)
    change.changes.update(waiting_kind="", waiting_for="", waiting_since=None, resume_status="")
    return change


def coded(connection: Connection, table: str, code: str) -> str:
    """The label of an active outcome or rejection reason; ValidationError otherwise."""
    field_name, what = (
        ("outcome", "la réponse apportée") if table == OUTCOMES else ("reason", "le motif du rejet")
    )
    if not code.strip():
        raise ValidationError(field_name, f"Choisissez {what} dans la liste.")
    label = active_label(connection, table, code.strip())
    if label is None:
        raise ValidationError(
            field_name, f"« {code.strip()} » n'est pas dans la liste : choisissez {what}."
        )
    return label


def _with_text(label: str, text: str) -> str:
    return f"{label} — {_as_typed(text)}" if text.strip() else label


def done(change: Change, connection: Connection, outcome_code: str, text: str) -> None:
    label = coded(connection, OUTCOMES, outcome_code)
    change.changes.update(outcome_code=outcome_code.strip(), answer=_as_typed(text))
    change.set_status(Status.DONE, _with_text(label, text))


def reject(change: Change, connection: Connection, reason_code: str, text: str) -> None:
    label = coded(connection, REJECTION_REASONS, reason_code)
    change.changes["rejection_reason_code"] = reason_code.strip()
    change.set_status(Status.REJECTED, _with_text(label, text))


def plan(
    change: Change, request: RequestRecord, planned_for: date | None, today: date, text: str
) -> None:
    """Plan for a day (today or later, the site's day); planning again moves the day."""
    if planned_for is None:
        raise ValidationError("planned_for", "Indiquez le jour prévu de l'intervention.")
    if isinstance(planned_for, datetime):
        planned_for = planned_for.date()
    if planned_for < today:
        raise ValidationError(
            "planned_for",
            f"Le {planned_for:%d/%m/%Y} est passé : une intervention se programme"
            " aujourd'hui ou plus tard.",
        )
    day = format_planned(planned_for, today)
    note = f"programmée le {day}" + (f"\n{_as_typed(text)}" if text.strip() else "")
    if change.status is Status.PLANNED:
        if request.planned_for == planned_for:
            raise ValidationError("planned_for", f"Déjà programmée le {day}.")
        old = format_planned(request.planned_for, today) if request.planned_for else ""
        change.events.append(
            (EventKind.EDIT, f"Programmée le {old}", f"Programmée le {day}", _as_typed(text))
        )
    else:
        change.set_status(Status.PLANNED, note)
    change.changes["planned_for"] = planned_for.isoformat()


def wait(change: Change, role: Role, kind: str, text: str, at: datetime) -> None:
    """Put on hold for the citizen or a third party, keeping the status to resume."""
    reason = waiting_kind_refusal(role, kind)
    if reason is not None:
        if kind in ("citizen", "third_party"):
            raise WorkflowError(reason)
        raise ValidationError("waiting_kind", reason)
    _check_length("waiting_for", text)
    change.changes.update(
        waiting_kind=kind,
        waiting_for=_as_typed(text),
        waiting_since=db_time(at),
        resume_status=change.status.value,
    )
    change.set_status(Status.WAITING, wait_note(kind, _as_typed(text)))


def send_back(change: Change, request: RequestRecord, text: str, *, acknowledged: bool) -> None:
    """Back to the call centre: no service, acknowledged (when it was) or new, flagged."""
    if request.service_id is None:
        raise ValidationError(
            "service", "Cette demande n'est affectée à aucun service : rien à renvoyer."
        )
    note = f"{SENT_BACK_NOTE} : {_as_typed(text)}"
    change.events.append((EventKind.ASSIGNMENT, request.service_name, "", note))
    change.changes.update(service_id=None, sent_back=True)
    change.set_status(Status.ACKNOWLEDGED if acknowledged else Status.NEW, note)


def transfer(change: Change, text: str) -> None:
    """Passed to a named third party: our part ends."""
    whom = " ".join(text.split())
    _check_length("transferred_to", whom)
    change.changes["transferred_to"] = whom
    change.set_status(Status.TRANSFERRED, f"Transmise à {whom}")


def _check_length(field_name: str, value: str) -> None:
    limit = {"transferred_to": 200}.get(field_name) or limits.LIMITS.get(field_name)
    if limit is not None and len(value) > limit:
        raise ValidationError(
            field_name, f"Texte trop long : {len(value)} caractères pour {limit} au plus."
        )
