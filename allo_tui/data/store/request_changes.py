"""Changes to a request: workflow actions (`apply`) and requalification, each one
version-checked write with its events."""

from __future__ import annotations

from allo_tui.data.backend import Connection
from allo_tui.data.rows import db_time, request_by_id, stored_time
from allo_tui.data.rows.people import operator_services
from allo_tui.data.store.core import StoreCore
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
from allo_tui.domain.requalification import (
    Qualification,
    requalification_texts,
    requalified_intervention_due,
)
from allo_tui.domain.workflow import (
    Action,
    check,
    check_service,
    target_status,
)

ENDING_STATUSES = (Status.CLOSED, Status.REJECTED, Status.CANCELLED, Status.DUPLICATE)
"""Statuses that set a request's `closed_at` (an open status clears it)."""
NOTED_ACTIONS = (
    Action.DONE,
    Action.REJECT,
    Action.CANCEL,
    Action.START,
    Action.CLOSE,
    Action.REOPEN,
)
"""Actions whose text is the note of the status-change Event."""


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
    ) -> RequestRecord:
        """Move a request through the workflow, writing an Event; stale versions are refused.

        A note does not change the request, so it never conflicts with another console.
        """
        action = Action(action)
        at = db_time(self.now())
        with self._write() as connection:
            role = self._role_of(connection, operator)
            request = request_by_id(connection, request_id)
            if request is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            if action is not Action.NOTE and request.version != expected_version:
                raise self._stale_write("Demande", request.updated_by, request.updated_at)
            status = request.status
            _check_own_service(connection, operator, role, request)
            check(action, status, role, text=text)
            events: list[tuple[EventKind, str, str, str]] = []  # kind, old, new, note
            if action is Action.NOTE:
                events.append((EventKind.NOTE, "", "", _as_typed(text)))
            else:
                new_status = target_status(
                    action, status, acknowledged=request.acknowledged_at is not None
                )
                changes: dict[str, object] = {}
                if action is Action.ACKNOWLEDGE:
                    how = how or "phone"
                    if how not in ("phone", "letter", "email"):
                        raise ValidationError(
                            "how", "Accusé de réception : téléphone, courrier ou courriel."
                        )
                    changes.update(acknowledged_at=at, acknowledged_how=how)
                    events.append((EventKind.ACKNOWLEDGEMENT, "", how, _as_typed(text)))
                elif action is Action.ASSIGN:
                    service = _service_name(connection, service_id)
                    if service is None:
                        raise ValidationError(
                            "service", "Choisissez un service ou l'équipe mobile."
                        )
                    changes["service_id"] = service_id
                    events.append(
                        (EventKind.ASSIGNMENT, request.service_name, service, _as_typed(text))
                    )
                elif action is Action.DONE:
                    changes["answer"] = _as_typed(text)
                elif action is Action.DUPLICATE:
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
                    changes["duplicate_of_id"] = original_id
                    events.append((EventKind.MERGE, "", original, _as_typed(text)))
                if new_status != status:
                    note = _as_typed(text) if action in NOTED_ACTIONS else ""
                    events.append((EventKind.STATUS, status.value, new_status.value, note))
                    changes["status"] = new_status.value
                    if new_status in ENDING_STATUSES:
                        changes["closed_at"] = at
                    elif new_status.is_open:
                        changes["closed_at"] = None
                _update_request(connection, request_id, changes, at, operator)
            for kind, old, new, note in events:
                _add_event(
                    connection, request_id, at, operator.id, kind, old=old, new=new, note=note
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
        if urgency not in (1, 2, 3, 4):
            raise ValidationError(
                "urgency", "L'urgence va de 1 (immédiate) à 4 (sans intervention)."
            )
        calendar = self.calendar()
        now = self.now()
        at = db_time(now)
        with self._write() as connection:
            role = self._role_of(connection, operator)
            request = request_by_id(connection, request_id)
            if request is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            if request.version != expected_version:
                raise self._stale_write("Demande", request.updated_by, request.updated_at)
            _check_own_service(connection, operator, role, request)
            check(Action.REQUALIFY, request.status, role, text=text)
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
            before = Qualification(
                request.category_label,
                request.service_name,
                request.urgency,
                request.intervention_due_at,
            )
            due = requalified_intervention_due(
                calendar,
                called_at=request.created_at,
                requalified_at=now,
                old_urgency=request.urgency,
                new_urgency=urgency,
                current_due=request.intervention_due_at,
            )
            after = Qualification(category_label, service, urgency, due)
            old_value, new_value = requalification_texts(before, after, calendar)
            changes = {
                "category_id": category_id,
                "service_id": service_id,
                "urgency": urgency,
                "intervention_due_at": stored_time(due),
            }
            _update_request(connection, request_id, changes, at, operator)
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
