"""Changes to a request: workflow actions (`apply`) and requalification, each one
version-checked write with its events."""

from __future__ import annotations

from allo_tui.data.models import (
    Category,
    Event,
    Request,
    Service,
)
from allo_tui.data.store.core import StoreCore
from allo_tui.data.store.writes import _as_typed
from allo_tui.domain.errors import (
    NotFoundError,
    ValidationError,
)
from allo_tui.domain.records import (
    EventKind,
    OperatorRecord,
    RequestRecord,
    Status,
)
from allo_tui.domain.workflow import Action, check, target_status


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
        now = self.now()
        with self._write() as session:
            role = self._current_role(session, operator)
            request = session.get(Request, request_id)
            if request is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            if action is not Action.NOTE and request.version != expected_version:
                raise self._stale("Demande", request.updated_by, request.updated_at)
            status = Status(request.status)
            check(action, status, role, text=text)
            events: list[Event] = []

            def event(kind: EventKind, old: str = "", new: str = "", note: str = "") -> None:
                events.append(
                    Event(
                        request_id=request.id,
                        at=now,
                        operator_id=operator.id,
                        kind=kind.value,
                        old_value=old,
                        new_value=new,
                        note=note,
                    )
                )

            if action is Action.NOTE:
                event(EventKind.NOTE, note=_as_typed(text))
            else:
                new_status = target_status(
                    action, status, acknowledged=request.acknowledged_at is not None
                )
                if action is Action.ACKNOWLEDGE:
                    how = how or "phone"
                    if how not in ("phone", "letter", "email"):
                        raise ValidationError(
                            "how", "Accusé de réception : téléphone, courrier ou courriel."
                        )
                    request.acknowledged_at = now
                    request.acknowledged_how = how
                    event(EventKind.ACKNOWLEDGEMENT, new=how, note=_as_typed(text))
                elif action is Action.ASSIGN:
                    if service_id is None or session.get(Service, service_id) is None:
                        raise ValidationError(
                            "service", "Choisissez un service ou l'équipe mobile."
                        )
                    old_service = request.service.name if request.service else ""
                    request.service_id = service_id
                    session.flush()
                    session.refresh(request, ["service"])
                    event(
                        EventKind.ASSIGNMENT,
                        old=old_service,
                        new=request.service.name,
                        note=_as_typed(text),
                    )
                elif action is Action.DONE:
                    request.answer = _as_typed(text)
                elif action is Action.DUPLICATE:
                    original = self._find_reference(session, original_reference)
                    if original is None:
                        raise ValidationError(
                            "original", f"Demande {original_reference!r} introuvable."
                        )
                    if original.id == request.id:
                        raise ValidationError(
                            "original", "Une demande ne peut être son propre doublon."
                        )
                    request.duplicate_of_id = original.id
                    event(EventKind.MERGE, new=original.reference, note=_as_typed(text))
                if new_status != status:
                    note = (
                        _as_typed(text)
                        if action
                        in (
                            Action.DONE,
                            Action.REJECT,
                            Action.CANCEL,
                            Action.START,
                            Action.CLOSE,
                            Action.REOPEN,
                        )
                        else ""
                    )
                    event(EventKind.STATUS, old=status.value, new=new_status.value, note=note)
                    request.status = new_status.value
                    if new_status in (
                        Status.CLOSED,
                        Status.REJECTED,
                        Status.CANCELLED,
                        Status.DUPLICATE,
                    ):
                        request.closed_at = now
                    elif new_status.is_open:
                        request.closed_at = None
                request.version += 1
                request.updated_at = now
                request.updated_by_id = operator.id
            session.add_all(events)
            session.flush()
        return self.get_request(request_id)

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
        from allo_tui.domain.workflow import (
            Qualification,
            requalification_texts,
            requalified_intervention_due,
        )

        if urgency not in (1, 2, 3, 4):
            raise ValidationError(
                "urgency", "L'urgence va de 1 (immédiate) à 4 (sans intervention)."
            )
        calendar = self.calendar()
        now = self.now()
        with self._write() as session:
            role = self._current_role(session, operator)
            request = session.get(Request, request_id)
            if request is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            if request.version != expected_version:
                raise self._stale("Demande", request.updated_by, request.updated_at)
            check(Action.REQUALIFY, Status(request.status), role, text=text)
            category = session.get(Category, category_id)
            # A category no longer offered may stay the request's own, not become it.
            if category is None or not (category.active or category.id == request.category_id):
                raise ValidationError("category", "Catégorie inconnue.")
            service = session.get(
                Service, service_id if service_id is not None else category.service_id
            )
            if service is None:
                raise ValidationError("service", "Service inconnu.")
            if (category.id, service.id, urgency) == (
                request.category_id,
                request.service_id,
                request.urgency,
            ):
                raise ValidationError(
                    "requalify", "Rien à changer : même catégorie, même service, même urgence."
                )
            before = Qualification(
                request.category.label,
                request.service.name if request.service else "",
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
            after = Qualification(category.label, service.name, urgency, due)
            old_value, new_value = requalification_texts(before, after, calendar)
            request.category_id = category.id
            request.service_id = service.id
            request.urgency = urgency
            request.intervention_due_at = due
            request.version += 1
            request.updated_at = now
            request.updated_by_id = operator.id
            session.add(
                Event(
                    request_id=request.id,
                    at=now,
                    operator_id=operator.id,
                    kind=EventKind.EDIT.value,
                    old_value=old_value,
                    new_value=new_value,
                    note=_as_typed(text),
                )
            )
            session.flush()
        return self.get_request(request_id)
