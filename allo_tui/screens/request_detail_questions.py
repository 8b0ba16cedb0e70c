"""What each workflow action of the request detail asks before it is applied: how the
acknowledgement was given, which service, the planned day, the coded outcome and the answer,
the rejection reason, what is awaited, why it goes back to the call centre, to whom it is
transferred… `kept` (after a refused stale save) fills each dialog again with what was typed
or chosen, and `notice` says what changed meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from allo_tui.domain.display import local
from allo_tui.domain.labels import ACKNOWLEDGEMENT_LABELS as HOW_LABELS
from allo_tui.domain.labels import capitalised
from allo_tui.domain.planned_date import EXAMPLE, PlannedDateError, parse_planned_date
from allo_tui.domain.records import RequestRecord, ServiceRecord
from allo_tui.domain.workflow import TRANSITIONS, Action, waiting_kind_refusal
from allo_tui.literal import printable
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.requalify_dialog import Requalification, RequalifyDialog
from allo_tui.screens.request_detail_texts import TEXTS, WAITING_CHOICES


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An action asked for, with what the operator typed or chose (kept after a refusal)."""

    action: Action
    text: str = ""
    service_id: int | None = None
    how: str = ""
    original_reference: str = ""
    requalification: Requalification | None = None
    planned_for: date | None = None
    typed_date: str = ""
    """The planned day as typed ("lundi"), offered again as typed."""
    outcome_code: str = ""
    reason_code: str = ""
    waiting_kind: str = ""


def _mobile_suffix(service: ServiceRecord) -> str:
    """ " (équipe mobile)" for a mobile team whose name does not already say so."""
    if service.is_mobile_team and "mobile" not in service.name.lower():
        return TEXTS["mobile_team"]
    return ""


class QuestionsPart:
    """The dialogs part of `RequestDetailScreen` (see the module docstring)."""

    def _today(self) -> date:
        return local(self.app.clock.now()).date()

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

                def acknowledged(how: str | None) -> None:
                    if not how:
                        return
                    if how == self._ack_sent_by:  # queued: recorded once it has gone
                        self.notify(TEXTS[f"ack_queued_{how}"], markup=False)
                        return
                    go(PendingAction(action, how=how))

                self.app.push_screen(
                    ChoiceDialog(TEXTS["ack_title"], choices, selected=selected, notice=notice),
                    acknowledged,
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
            case Action.PLAN:
                self._ask_plan(request, go, kept, notice)
            case Action.DONE | Action.REJECT:
                self._ask_coded(action, request, go, kept, notice)
            case Action.WAIT:
                self._ask_wait(request, go, kept, notice)
            case Action.TRANSFER:
                self.app.push_screen(
                    TextPromptDialog(
                        TEXTS["transfer_title"].format(reference=request.reference),
                        TEXTS["transfer_label"],
                        required=True,
                        multiline=False,
                        placeholder=TEXTS["transfer_placeholder"],
                        initial=kept.text if kept else "",
                        notice=notice,
                    ),
                    lambda whom: whom is not None and go(PendingAction(action, text=whom.strip())),
                )
            case Action.START | Action.RESUME if kept is None:
                go(PendingAction(action))
            case Action.START | Action.RESUME | Action.CLOSE:
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
                title = rule.label
                if action is Action.SEND_BACK:
                    title = TEXTS["send_back_title"]
                self.app.push_screen(
                    TextPromptDialog(
                        f"{title} — {request.reference}",
                        rule.text_label,
                        required=rule.requires_text,
                        initial=kept.text if kept else "",
                        notice=notice,
                    ),
                    lambda text: text is not None and go(PendingAction(action, text=text)),
                )

    def _ask_plan(
        self,
        request: RequestRecord,
        go: Callable[[PendingAction], None],
        kept: PendingAction | None,
        notice: str,
    ) -> None:
        """The planned day, typed ("12/01", "lundi"); a bad or past day is refused in the
        dialog, which keeps what was typed."""

        def problem(typed: str) -> str | None:
            try:
                parse_planned_date(typed, self._today())
            except PlannedDateError as error:
                return str(error)
            return None

        def planned(typed: str | None) -> None:
            if typed is None:
                return
            day = parse_planned_date(typed, self._today())
            go(PendingAction(Action.PLAN, planned_for=day, typed_date=typed.strip()))

        initial = ""
        if kept is not None:
            initial = kept.typed_date
        elif request.planned_for is not None:
            initial = f"{request.planned_for:%d/%m/%Y}"
        self.app.push_screen(
            TextPromptDialog(
                TEXTS["plan_title"].format(reference=request.reference),
                TEXTS["plan_label"],
                required=True,
                multiline=False,
                placeholder=EXAMPLE,
                initial=initial,
                notice=notice,
                validate=problem,
            ),
            planned,
        )

    def _ask_coded(
        self,
        action: Action,
        request: RequestRecord,
        go: Callable[[PendingAction], None],
        kept: PendingAction | None,
        notice: str,
    ) -> None:
        """Done: the coded outcome, then the answer to the citizen; rejected: the coded
        reason, then what is said about it. Esc on the text goes back to the list."""
        rule = TRANSITIONS[action]
        done = action is Action.DONE
        items = self._outcomes if done else self._rejection_reasons
        choices = [(item.label, item.code) for item in items]
        if kept is not None:
            selected = kept.outcome_code if done else kept.reason_code
        else:
            selected = request.outcome_code if done else request.rejection_reason_code
        reference = printable(request.reference, one_line=True)
        title = TEXTS["outcome_title" if done else "reason_title"].format(reference=reference)
        text_label = TEXTS["answer_label" if done else "reason_label"]
        typed = kept.text if kept is not None else ""

        def ask_text(code: str | None) -> None:
            if code is None:
                return
            label = next((item.label for item in items if item.code == code), code)

            def written(text: str | None) -> None:
                if text is None:  # back to the list, the code chosen kept
                    pending = replace(
                        kept or PendingAction(action),
                        outcome_code=code if done else "",
                        reason_code="" if done else code,
                    )
                    self._ask_coded(action, request, go, pending, "")
                    return
                if done:
                    go(PendingAction(action, outcome_code=code, text=text))
                else:
                    go(PendingAction(action, reason_code=code, text=text))

            self.app.push_screen(
                TextPromptDialog(
                    f"{title} {label}",
                    text_label,
                    required=rule.requires_text,
                    initial=typed,
                ),
                written,
            )

        self.app.push_screen(
            ChoiceDialog(title, choices, selected=selected, notice=notice), ask_text
        )

    def _ask_wait(
        self,
        request: RequestRecord,
        go: Callable[[PendingAction], None],
        kept: PendingAction | None,
        notice: str,
    ) -> None:
        """Waiting for whom (the citizen, a third party), then what is awaited. A hostess
        waits for the citizen only: she is asked what is awaited straight away."""
        reference = printable(request.reference, one_line=True)
        title = TEXTS["wait_title"].format(reference=reference)
        role = self.app.operator.role
        choices = [
            (label, kind)
            for label, kind in WAITING_CHOICES
            if waiting_kind_refusal(role, kind) is None
        ]
        chosen_first = len(choices) > 1

        def ask_what(kind: str | None) -> None:
            if kind is None:
                return

            def written(text: str | None) -> None:
                if text is None:
                    if chosen_first:  # back to the choice, the kind kept
                        pending = replace(kept or PendingAction(Action.WAIT), waiting_kind=kind)
                        self._ask_wait(request, go, pending, "")
                    return
                go(PendingAction(Action.WAIT, waiting_kind=kind, text=text))

            self.app.push_screen(
                TextPromptDialog(
                    title,
                    TEXTS["wait_label_" + kind],
                    required=True,
                    initial=kept.text if kept is not None else "",
                    notice="" if chosen_first else notice,
                ),
                written,
            )

        if not chosen_first:
            ask_what(choices[0][1])
            return
        selected = kept.waiting_kind if kept is not None else "citizen"
        self.app.push_screen(
            ChoiceDialog(title, choices, selected=selected, notice=notice), ask_what
        )
