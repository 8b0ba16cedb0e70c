"""The request detail's workflow actions: which are offered, the dialog each one needs, the
Store's write in a thread worker, and asking again when the request changed meanwhile."""

from __future__ import annotations

from textual import events, work

from allo_tui.data.errors import user_message
from allo_tui.domain import access
from allo_tui.domain.display import format_datetime
from allo_tui.domain.errors import AlloError, StaleWriteError
from allo_tui.domain.records import RequestRecord, Role, Status
from allo_tui.domain.workflow import (
    TRANSITIONS,
    Action,
    WorkflowError,
    is_allowed,
    refusal_reason,
)
from allo_tui.literal import printable
from allo_tui.screens.request_detail_content import request_changes
from allo_tui.screens.request_detail_questions import PendingAction
from allo_tui.screens.request_detail_texts import DONE_LABELS, TEXTS


def may(action: Action, request: RequestRecord, role: Role) -> bool:
    """True when `role` may do `action` on `request` now. A waiting request offers resuming,
    not waiting again (`w` does one or the other); its other actions resume it first."""
    if action is Action.WAIT and request.status is Status.WAITING:
        return False
    return is_allowed(action, request.status, role, resume_status=request.resume_status)


def why_not(action: Action, request: RequestRecord, role: Role) -> str | None:
    """Why `role` may not do `action` on `request` now, or None."""
    return refusal_reason(action, request.status, role, resume_status=request.resume_status)


class ActionsPart:
    """The actions part of `RequestDetailScreen`: the workflow keys offered (footer, palette) or
    refused with a reason, each action's dialog, the write, and a stale save offered again."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the actions this operator may not do on this request now (footer, palette);
        grey them out while an action is being saved."""
        if action == "workflow":
            request = self.request
            if request is None:
                return False
            if not may(Action(str(parameters[0])), request, self.app.operator.role):
                return False
            return None if self._busy else True
        if action == "open_caller":
            if not access.may_open(access.Screen.CALLER_CARD, self.app.operator.role):
                return False  # a service agent reads the caller's name here, no card
            request = self.request
            return True if request is not None and request.caller_id is not None else None
        return True

    def on_key(self, event: events.Key) -> None:
        """The key of an action not listed here says why it is refused instead of nothing."""
        request = self.request
        if request is None or self._busy:
            return
        # A key may carry two actions (`w`: put on hold, or resume a waiting request).
        actions = [
            Action(binding.action.removeprefix("workflow(").strip("')\""))
            for binding in self._bindings.key_to_bindings.get(event.key, [])
            if binding.action.startswith("workflow(")
        ]
        role = self.app.operator.role
        if actions and not any(may(a, request, role) for a in actions):
            self._refuse(actions[0])
            event.stop()
            event.prevent_default()

    def _refuse(self, action: Action) -> None:
        request = self.request
        assert request is not None
        reason = why_not(action, request, self.app.operator.role) or TEXTS["already_waiting"]
        label = TRANSITIONS[action].label
        self.notify(
            TEXTS["refused"].format(reason=f"{label} — {reason}"), severity="warning", markup=False
        )

    def action_workflow(self, name: str) -> None:
        """Ask what the action needs (answer, reason, service…), then apply it."""
        request = self.request
        if request is None or self._busy:
            return
        action = Action(name)
        if not may(action, request, self.app.operator.role):
            self._refuse(action)
            return
        self._ask(action)

    def apply_action(self, pending: PendingAction, seen: RequestRecord) -> None:
        """Apply `pending` to the version `seen` (the one the operator decided on) in a
        worker; the screen reloads whatever the outcome."""
        self._busy = True
        self.refresh_bindings()
        self._apply(pending, seen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="request-detail-write")
    def _apply(self, pending: PendingAction, seen: RequestRecord) -> None:
        store = self.app.store
        action = pending.action
        version = seen.version
        try:
            if pending.requalification is not None:
                choice = pending.requalification
                updated = store.requalify(
                    self.app.operator,
                    self.request_id,
                    expected_version=version,
                    category_id=choice.category_id,
                    service_id=choice.service_id,
                    urgency=choice.urgency,
                    text=choice.text,
                )
            else:
                updated = store.apply(
                    self.app.operator,
                    self.request_id,
                    action,
                    expected_version=version,
                    text=pending.text,
                    service_id=pending.service_id,
                    how=pending.how,
                    original_reference=pending.original_reference,
                    planned_for=pending.planned_for,
                    outcome_code=pending.outcome_code,
                    reason_code=pending.reason_code,
                    waiting_kind=pending.waiting_kind,
                )
        except StaleWriteError as error:
            self.app.call_from_thread(self._stale_refused, pending, seen, str(error))
        except WorkflowError as error:
            self.app.call_from_thread(
                self._after_action, TEXTS["refused"].format(reason=error.reason), "warning"
            )
        except AlloError as error:
            self.app.call_from_thread(
                self._after_action, TEXTS["refused"].format(reason=str(error)), "warning"
            )
        except Exception as error:  # noqa: BLE001 - shown to the user, not swallowed
            self.app.call_from_thread(
                self._after_action,
                TEXTS["action_error"].format(error=printable(user_message(error))),
                "error",
            )
        else:
            self._own_version = updated.version
            message = TEXTS["done_action"].format(
                reference=updated.reference, what=DONE_LABELS[action]
            )
            self.app.call_from_thread(self._after_action, message, "information")

    def _after_action(self, message: str, severity: str) -> None:
        self._busy = False
        # The message may quote stored text (who changed the request first, a reference).
        self.notify(printable(message), severity=severity, markup=False)  # type: ignore[arg-type]
        self.load()

    # -- a save refused because the request changed meanwhile ---------------------------

    def _stale_refused(self, pending: PendingAction, seen: RequestRecord, message: str) -> None:
        """Reload, then offer the same action again with what was typed or chosen kept."""
        self._busy = False
        self.notify(printable(message), severity="warning", markup=False)
        self._after_load = lambda: self._offer_again(pending, seen)
        self.load()

    def _offer_again(self, pending: PendingAction, seen: RequestRecord) -> None:
        """`seen`: the version the operator decided on; the request is now newer."""
        request = self.request
        assert request is not None
        changes = request_changes(seen, request)
        changed = TEXTS["changed_by"].format(
            who=request.updated_by,
            when=format_datetime(request.updated_at),
            changes="; ".join(changes) or TEXTS["no_visible_change"],
        )
        action = pending.action
        role = self.app.operator.role
        reason = None
        if not may(action, request, role):
            reason = why_not(action, request, role) or TEXTS["already_waiting"]
        if reason is None:
            if action in (Action.ACKNOWLEDGE, Action.ASSIGN):
                kept = TEXTS["kept_choice"]
            elif action in (Action.DONE, Action.REJECT, Action.WAIT):
                kept = TEXTS["kept_choice_and_text"]
            elif action in (Action.PLAN, Action.TRANSFER):
                kept = TEXTS["kept_line"]
            elif action is Action.REQUALIFY:
                kept = TEXTS["kept_requalify"]
            elif action in (Action.START, Action.CLOSE, Action.RESUME):
                kept = ""
            else:
                kept = TEXTS["kept_text"]
            self._ask(action, pending, f"{changed}\n{kept}".strip())
            return
        no_longer = TEXTS["no_longer"].format(label=TRANSITIONS[action].label, reason=reason)
        if pending.text.strip() and may(Action.NOTE, request, role):
            # The action is gone, the text is not: it can still go on the request as a note.
            self._ask(
                Action.NOTE,
                PendingAction(Action.NOTE, text=pending.text),
                f"{changed}\n{no_longer}\n{TEXTS['as_note']}",
            )
            return
        self.notify(printable(f"{changed}\n{no_longer}"), severity="warning", markup=False)
