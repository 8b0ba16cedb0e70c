"""The request detail's workflow actions: which are offered, the dialog each one needs, the
Store's write in a thread worker, and asking again when the request changed meanwhile."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, work

from allo_tui.data.errors import user_message
from allo_tui.domain import access
from allo_tui.domain.display import format_datetime
from allo_tui.domain.errors import AlloError, StaleWriteError
from allo_tui.domain.labels import ACKNOWLEDGEMENT_LABELS as HOW_LABELS
from allo_tui.domain.labels import capitalised
from allo_tui.domain.records import RequestRecord, ServiceRecord
from allo_tui.domain.workflow import (
    TRANSITIONS,
    Action,
    WorkflowError,
    is_allowed,
    refusal_reason,
)
from allo_tui.literal import printable
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.requalify_dialog import Requalification, RequalifyDialog
from allo_tui.screens.request_detail_content import request_changes
from allo_tui.screens.request_detail_texts import DONE_LABELS, TEXTS


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An action asked for, with what the operator typed or chose (kept after a refusal)."""

    action: Action
    text: str = ""
    service_id: int | None = None
    how: str = ""
    original_reference: str = ""
    requalification: Requalification | None = None


def _mobile_suffix(service: ServiceRecord) -> str:
    """ " (équipe mobile)" for a mobile team whose name does not already say so."""
    if service.is_mobile_team and "mobile" not in service.name.lower():
        return TEXTS["mobile_team"]
    return ""


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
            if not is_allowed(Action(str(parameters[0])), request.status, self.app.operator.role):
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
        for binding in self._bindings.key_to_bindings.get(event.key, []):
            if not binding.action.startswith("workflow("):
                continue
            action = Action(binding.action.removeprefix("workflow(").strip("')\""))
            if not is_allowed(action, request.status, self.app.operator.role):
                self._refuse(action)
                event.stop()
                event.prevent_default()
            return

    def _refuse(self, action: Action) -> None:
        request = self.request
        assert request is not None
        reason = refusal_reason(action, request.status, self.app.operator.role)
        if reason is None:  # pragma: no cover - only refused actions come here
            return
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
        if not is_allowed(action, request.status, self.app.operator.role):
            self._refuse(action)
            return
        self._ask(action)

    def _ask(self, action: Action, kept: PendingAction | None = None, notice: str = "") -> None:
        """Open the dialog `action` needs; `kept` fills it again after a refused stale save,
        and `notice` (what changed meanwhile) is shown in it."""
        request = self.request
        assert request is not None
        rule = TRANSITIONS[action]

        def go(pending: PendingAction) -> None:
            self.apply_action(pending, request)

        match action:
            case Action.ACKNOWLEDGE:
                choices = [(capitalised(label), how) for how, label in HOW_LABELS.items()]
                selected = kept.how if kept else self._ack_default
                self.app.push_screen(
                    ChoiceDialog(TEXTS["ack_title"], choices, selected=selected, notice=notice),
                    lambda how: how and go(PendingAction(action, how=how)),
                )
            case Action.ASSIGN:
                # Service names are shown literally by the dialog.
                choices = [
                    (service.name + _mobile_suffix(service), service.id)
                    for service in self._services
                ]
                selected = kept.service_id if kept else request.service_id
                self.app.push_screen(
                    ChoiceDialog(TEXTS["assign_title"], choices, selected=selected, notice=notice),
                    lambda service_id: (
                        service_id is not None and go(PendingAction(action, service_id=service_id))
                    ),
                )
            case Action.DUPLICATE:
                self.app.push_screen(
                    TextPromptDialog(
                        TEXTS["duplicate_title"],
                        rule.text_label,
                        required=True,
                        multiline=False,
                        placeholder=TEXTS["duplicate_placeholder"],
                        initial=kept.original_reference if kept else "",
                        notice=notice,
                    ),
                    lambda reference: (
                        reference is not None
                        and go(PendingAction(action, original_reference=reference.strip()))
                    ),
                )
            case Action.START if kept is None:
                go(PendingAction(action))
            case Action.START | Action.CLOSE:
                reference = printable(request.reference, one_line=True)
                if kept is None:
                    question = TEXTS["close_question"].format(reference=reference)
                    detail = TEXTS["close_detail"]
                else:
                    question = TEXTS["retry_question"].format(label=rule.label, reference=reference)
                    detail = notice
                self.app.push_screen(
                    ConfirmDialog(question, detail),
                    lambda yes: yes and go(PendingAction(action)),
                )
            case Action.REQUALIFY:
                assert self._calendar is not None
                self.app.push_screen(
                    RequalifyDialog(
                        request,
                        self._categories,
                        self._services,
                        self._calendar,
                        self.app.clock.now(),
                        initial=kept.requalification if kept else None,
                        notice=notice,
                    ),
                    lambda choice: (
                        choice is not None
                        and go(PendingAction(action, requalification=choice, text=choice.text))
                    ),
                )
            case _:
                self.app.push_screen(
                    TextPromptDialog(
                        f"{rule.label} — {request.reference}",
                        rule.text_label,
                        required=rule.requires_text,
                        initial=kept.text if kept else "",
                        notice=notice,
                    ),
                    lambda text: text is not None and go(PendingAction(action, text=text)),
                )

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
        reason = refusal_reason(action, request.status, role)
        if reason is None:
            if action in (Action.ACKNOWLEDGE, Action.ASSIGN):
                kept = TEXTS["kept_choice"]
            elif action is Action.REQUALIFY:
                kept = TEXTS["kept_requalify"]
            elif action in (Action.START, Action.CLOSE):
                kept = ""
            else:
                kept = TEXTS["kept_text"]
            self._ask(action, pending, f"{changed}\n{kept}".strip())
            return
        no_longer = TEXTS["no_longer"].format(label=TRANSITIONS[action].label, reason=reason)
        if pending.text.strip() and is_allowed(Action.NOTE, request.status, role):
            # The action is gone, the text is not: it can still go on the request as a note.
            self._ask(
                Action.NOTE,
                PendingAction(Action.NOTE, text=pending.text),
                f"{changed}\n{no_longer}\n{TEXTS['as_note']}",
            )
            return
        self.notify(printable(f"{changed}\n{no_longer}"), severity="warning", markup=False)
