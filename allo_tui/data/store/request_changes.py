"""Changes to a request: workflow actions (`apply`) and requalification, each one
version-checked write with its events."""

from __future__ import annotations

from datetime import date, datetime

from allo_tui.data.backend import Connection
from allo_tui.data.rows import db_time, request_by_id, stored_time
from allo_tui.data.rows.people import operator_services
from allo_tui.data.store import request_actions
from allo_tui.data.store.core import StoreCore
from allo_tui.data.store.request_actions import Change, resume
from allo_tui.data.store.writes import _add_event, _as_typed
from allo_tui.domain.errors import (
    NotFoundError,
    ValidationError,
)
from allo_tui.domain.records import (
    EventKind,
    OperatorRecord,
    RequestRecord,
    Role,
    Status,
)
from allo_tui.domain.workflow import (
    NOT_RESUMING,
    Action,
    check,
    check_service,
    target_status,
)

ENDING_STATUSES = (
    Status.CLOSED,
    Status.REJECTED,
    Status.CANCELLED,
    Status.DUPLICATE,
    Status.TRANSFERRED,
)
"""Statuses that set a request's `closed_at` (an open status clears it)."""
NOTED_ACTIONS = (Action.CANCEL, Action.START, Action.CLOSE, Action.REOPEN)
"""Actions whose text is the note of the status-change Event (the others build their own)."""


class RequestChangeStore(StoreCore):
    """Changes to a request, for `Store`."""

    def apply(
        self,
        operator: OperatorRecord,
        request_id: int,
        action: Action,
        *,
        expected_version: int,
        text: str = "",
        service_id: int | None = None,
        how: str = "",
        original_reference: str = "",
        planned_for: date | None = None,
        outcome_code: str = "",
        reason_code: str = "",
        waiting_kind: str = "",
    ) -> RequestRecord:
        """Move a request through the workflow, writing its Events; stale versions are refused.

        One transaction (see `apply_in`). A note does not change the request, so it never
        conflicts with another console.
        """
        at = self.now()
        with self._write() as connection:
            role = self._role_of(connection, operator)
            return self.apply_in(
                connection,
                operator,
                role,
                request_id,
                action,
                expected_version=expected_version,
                at=at,
                text=text,
                service_id=service_id,
                how=how,
                original_reference=original_reference,
                planned_for=planned_for,
                outcome_code=outcome_code,
                reason_code=reason_code,
                waiting_kind=waiting_kind,
            )

    def apply_in(
        self,
        connection: Connection,
        operator: OperatorRecord,
        role: Role,
        request_id: int,
        action: Action,
        *,
        expected_version: int,
        at: datetime,
        text: str = "",
        service_id: int | None = None,
        how: str = "",
        original_reference: str = "",
        planned_for: date | None = None,
        outcome_code: str = "",
        reason_code: str = "",
        waiting_kind: str = "",
    ) -> RequestRecord:
        """`apply` inside the caller's write transaction (`connection`), as `operator` whose
        stored `role` the caller read; `at` is the aware instant the change is made.

        Every check (request found, version, the agent's services, the workflow, the coded
        outcome or reason, the planned day, who is awaited) is made before anything is
        written: a refusal (NotFoundError, StaleWriteError, WorkflowError, ValidationError)
        leaves the request and its timeline as they were. A waiting request is resumed first
        by every action but a note and an acknowledgement (`allo_tui.domain.workflow`).
        """
        action, role = Action(action), Role(role)
        stamp = db_time(at)
        request = request_by_id(connection, request_id)
        if request is None:
            raise NotFoundError(f"demande n° {request_id} introuvable")
        if action is not Action.NOTE and request.version != expected_version:
            raise self._stale_write("Demande", request.updated_by, request.updated_at)
        _check_own_service(connection, operator, role, request)
        check(action, request.status, role, text=text, resume_status=request.resume_status)
        if action is Action.NOTE:
            _add_event(
                connection, request_id, stamp, operator.id, EventKind.NOTE, note=_as_typed(text)
            )
            return request_by_id(connection, request_id)
        calendar = self.calendar()
        resumes = action is Action.RESUME or action.value not in NOT_RESUMING
        change = resume(request, at, calendar, text if action is Action.RESUME else "")
        if not resumes:
            change = Change(request.status, request.intervention_due_at)
        acknowledged = request.acknowledged_at is not None
        match action:
            case Action.ACKNOWLEDGE:
                how = how or "phone"
                if how not in ("phone", "letter", "email"):
                    raise ValidationError(
                        "how", "Accusé de réception : téléphone, courrier ou courriel."
                    )
                change.changes.update(acknowledged_at=stamp, acknowledged_how=how)
                change.events.append((EventKind.ACKNOWLEDGEMENT, "", how, _as_typed(text)))
                if change.status is Status.NEW:
                    change.set_status(Status.ACKNOWLEDGED)
                elif change.status is Status.WAITING and request.resume_status is Status.NEW:
                    # Still waiting; it will resume as acknowledged.
                    change.changes["resume_status"] = Status.ACKNOWLEDGED.value
            case Action.ASSIGN:
                service = _service_name(connection, service_id)
                if service is None:
                    raise ValidationError("service", "Choisissez un service ou l'équipe mobile.")
                change.changes.update(service_id=service_id, sent_back=False)
                change.events.append(
                    (EventKind.ASSIGNMENT, request.service_name, service, _as_typed(text))
                )
                change.set_status(Status.ASSIGNED)
            case Action.DONE:
                request_actions.done(change, connection, outcome_code, text)
            case Action.REJECT:
                request_actions.reject(change, connection, reason_code, text)
            case Action.DUPLICATE:
                original_id = self._reference_id(connection, original_reference)
                if original_id is None:
                    raise ValidationError(
                        "original", f"Demande {original_reference!r} introuvable."
                    )
                if original_id == request.id:
                    raise ValidationError(
                        "original", "Une demande ne peut être son propre doublon."
                    )
                (original,) = connection.execute(
                    "SELECT reference FROM requests WHERE id = ?", (original_id,)
                ).fetchone()
                change.changes["duplicate_of_id"] = original_id
                change.events.append((EventKind.MERGE, "", original, _as_typed(text)))
                change.set_status(Status.DUPLICATE)
            case Action.PLAN:
                today = calendar.to_local(at).date()
                request_actions.plan(change, request, planned_for, today, text)
            case Action.WAIT:
                request_actions.wait(change, role, waiting_kind, text, at)
            case Action.RESUME:
                pass  # the resume above is the whole action
            case Action.SEND_BACK:
                request_actions.send_back(change, request, text, acknowledged=acknowledged)
            case Action.TRANSFER:
                request_actions.transfer(change, text)
            case _:
                new_status = target_status(action, change.status, acknowledged=acknowledged)
                note = _as_typed(text) if action in NOTED_ACTIONS else ""
                change.set_status(new_status, note)
        if "status" in change.changes:
            if change.status in ENDING_STATUSES:
                change.changes["closed_at"] = stamp
            elif change.status.is_open:
                change.changes["closed_at"] = None
        _update_request(connection, request_id, change.changes, stamp, operator)
        for kind, old, new, note in change.events:
            _add_event(
                connection, request_id, stamp, operator.id, kind, old=old, new=new, note=note
            )
        return request_by_id(connection, request_id)

    def requalify(
        self,
        operator: OperatorRecord,
        request_id: int,
        *,
        expected_version: int,
        category_id: int,
        service_id: int | None,
        urgency: int,
        text: str = "",
    ) -> RequestRecord:
        """Change a request's category, service and urgency; stale versions are refused.

        One transaction: the request and one `edit` Event whose old and new values name what
        changed, the intervention due date included. A raised urgency counts its due time
        from now, a lowered one from the call (`requalified_intervention_due`); the
        acknowledgement due date does not change. `service_id` None: the category's service.
        Operators may requalify before assignment, supervisors at any open status.
        """
        now = self.now()
        with self._write() as connection:
            role = self._role_of(connection, operator)
            return self.requalify_in(
                connection,
                operator,
                role,
                request_id,
                expected_version=expected_version,
                at=now,
                category_id=category_id,
                service_id=service_id,
                urgency=urgency,
                text=text,
            )

    def requalify_in(
        self,
        connection: Connection,
        operator: OperatorRecord,
        role: Role,
        request_id: int,
        *,
        expected_version: int,
        at: datetime,
        category_id: int,
        service_id: int | None,
        urgency: int,
        text: str = "",
    ) -> RequestRecord:
        """`requalify` inside the caller's write transaction, every check before any write
        (as `apply_in`); `at` is the aware instant of the change."""
        if urgency not in (1, 2, 3, 4):
            raise ValidationError(
                "urgency", "L'urgence va de 1 (immédiate) à 4 (sans intervention)."
            )
        calendar = self.calendar()
        now = at
        at = db_time(now)
        request = request_by_id(connection, request_id)
        if request is None:
            raise NotFoundError(f"demande n° {request_id} introuvable")
        if request.version != expected_version:
            raise self._stale_write("Demande", request.updated_by, request.updated_at)
        _check_own_service(connection, operator, role, request)
        check(
            Action.REQUALIFY,
            request.status,
            role,
            text=text,
            resume_status=request.resume_status,
        )
        category = connection.execute(
            "SELECT label, service_id, active FROM categories WHERE id = ?", (category_id,)
        ).fetchone()
        # A category no longer offered may stay the request's own, not become it.
        if category is None or not (category[2] or category_id == request.category_id):
            raise ValidationError("category", "Catégorie inconnue.")
        category_label, category_service_id, _active = category
        service_id = service_id if service_id is not None else category_service_id
        service = _service_name(connection, service_id)
        if service is None:
            raise ValidationError("service", "Service inconnu.")
        if (category_id, service_id, urgency) == (
            request.category_id,
            request.service_id,
            request.urgency,
        ):
            raise ValidationError(
                "requalify", "Rien à changer : même catégorie, même service, même urgence."
            )
        from allo_tui.domain.requalification import (  # loaded by the first requalification
            Qualification,
            requalification_texts,
            requalified_intervention_due,
        )

        # A waiting request is resumed first (its due date moved when it waited for the
        # citizen); requalifying to a service ends a send-back.
        resumed = resume(request, now, calendar)
        before = Qualification(
            request.category_label,
            request.service_name,
            request.urgency,
            resumed.due,
        )
        due = requalified_intervention_due(
            calendar,
            called_at=request.created_at,
            requalified_at=now,
            old_urgency=request.urgency,
            new_urgency=urgency,
            current_due=resumed.due,
        )
        after = Qualification(category_label, service, urgency, due)
        old_value, new_value = requalification_texts(before, after, calendar)
        changes = {
            **resumed.changes,
            "category_id": category_id,
            "service_id": service_id,
            "urgency": urgency,
            "intervention_due_at": stored_time(due),
            "sent_back": False,
        }
        _update_request(connection, request_id, changes, at, operator)
        for kind, old, new, note in resumed.events:
            _add_event(connection, request_id, at, operator.id, kind, old=old, new=new, note=note)
        _add_event(
            connection,
            request_id,
            at,
            operator.id,
            EventKind.EDIT,
            old=old_value,
            new=new_value,
            note=_as_typed(text),
        )
        return request_by_id(connection, request_id)


def _check_own_service(
    connection: Connection, operator: OperatorRecord, role: Role, request: RequestRecord
) -> None:
    """Refuse (WorkflowError) a service agent's action on a request not of their services.

    Their services are read in the same transaction, never taken from the record the
    console holds (an admin may have changed them since it logged in).
    """
    if role is not Role.SERVICE:
        return
    services = operator_services(connection, operator.id).get(operator.id, [])
    check_service(
        role,
        request.service_id,
        request.service_name,
        [service_id for service_id, _code in services],
    )


def _service_name(connection: Connection, service_id: int | None) -> str | None:
    """The name of the service with this id, or None when there is none."""
    if service_id is None:
        return None
    row = connection.execute("SELECT name FROM services WHERE id = ?", (service_id,)).fetchone()
    return row[0] if row else None


def _update_request(
    connection: Connection,
    request_id: int,
    changes: dict[str, object],
    at: str,
    operator: OperatorRecord,
) -> None:
    """Write `changes` (column names of ours, never user text) and the new version, by whom
    and when. None of them is indexed for full-text search (no `search_*` to recompute)."""
    assignments = [f"{column} = ?" for column in changes]
    assignments += ["version = version + 1", "updated_at = ?", "updated_by_id = ?"]
    connection.execute(
        f"UPDATE requests SET {', '.join(assignments)} WHERE id = ?",
        (*changes.values(), at, operator.id, request_id),
    )
