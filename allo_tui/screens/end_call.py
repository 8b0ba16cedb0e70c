"""F10 — end the call without a request: choose how it ended, the Call is logged.

Calls that create no request still count (calls ≠ requests in the statistics). F10 is an app
key: it works on the new-request form and on the caller lookup. The screen it is pressed on may
say which phone and caller the call was with (`call_context()`) and hear that the call ended
(`call_ended()`); both are optional.
"""

from __future__ import annotations

from datetime import timedelta

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from allo_tui.console import console_of
from allo_tui.domain.records import CallInfo, CallOutcome
from allo_tui.literal import printable

OUTCOMES: tuple[tuple[CallOutcome, str], ...] = (
    (CallOutcome.INFORMATION, "Information donnée"),
    (CallOutcome.TRANSFERRED, "Transféré"),
    (CallOutcome.WRONG_NUMBER, "Faux numéro"),
    (CallOutcome.HUNG_UP, "Raccroché"),
)
OUTCOME_LABELS = dict(OUTCOMES)

TEXTS = {
    "title": "Fin d'appel sans demande",
    "hint": "1–4 ou ↑/↓ puis Entrée · Échap : revenir à l'appel",
    "abandon": "La saisie en cours sera abandonnée.",
    "logged": "Appel terminé : {outcome} ({duration}).",
    "failed": "Appel non enregistré : {error}",
}


def format_duration(delta: timedelta) -> str:
    """ "2 min 05 s", "45 s"."""
    seconds = max(int(delta.total_seconds()), 0)
    minutes, seconds = divmod(seconds, 60)
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


class EndCallScreen(ModalScreen[CallOutcome | None]):
    """How did the call end? Dismisses with the outcome, or None to go back to the call."""

    CSS_PATH = "end_call.tcss"
    BINDINGS = [
        Binding("1", "choose(0)", "Information", show=False),
        Binding("2", "choose(1)", "Transféré", show=False),
        Binding("3", "choose(2)", "Faux numéro", show=False),
        Binding("4", "choose(3)", "Raccroché", show=False),
        Binding("escape", "cancel", "Revenir", id="end_call.cancel"),
    ]

    def __init__(self, *, abandons_input: bool = False) -> None:
        super().__init__()
        self.abandons_input = abandons_input

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(TEXTS["title"], id="title", markup=False)
            yield OptionList(
                *(
                    Option(f"{n}  {label}", id=outcome.value)
                    for n, (outcome, label) in enumerate(OUTCOMES, start=1)
                ),
                id="outcomes",
            )
            if self.abandons_input:
                yield Static(TEXTS["abandon"], id="abandon", markup=False)
            yield Static(TEXTS["hint"], id="hint", markup=False)

    def on_mount(self) -> None:
        outcomes = self.query_one("#outcomes", OptionList)
        outcomes.highlighted = 0
        outcomes.focus()

    def action_choose(self, index: int) -> None:
        self.dismiss(OUTCOMES[index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(OUTCOMES[event.option_index][0])


def end_call_without_request(app: App) -> None:
    """Ask how the call ended, log it off the event loop, tell the screen it was pressed on."""
    screen = app.screen
    context = getattr(screen, "call_context", None)
    phone, caller_id, abandons = context() if callable(context) else ("", None, False)

    def logged(outcome: CallOutcome | None) -> None:
        if outcome is None:
            return
        call_in_progress = console_of(app).call
        call = call_in_progress.info(phone)
        call_in_progress.end()
        app.run_worker(
            lambda: _log(app, screen, call, outcome, caller_id),
            thread=True,
            exit_on_error=False,
            group="end_call",
            name="log_call",
        )

    app.push_screen(EndCallScreen(abandons_input=abandons), logged)


def _log(app: App, screen, call: CallInfo, outcome: CallOutcome, caller_id: int | None) -> None:
    console = console_of(app)
    try:
        record = console.store.log_call(console.operator, call, outcome, caller_id=caller_id)
    except Exception as error:  # noqa: BLE001 - shown to the user and logged
        app.call_from_thread(_failed, app, error)
        return
    duration = (record.ended_at or call.started_at) - record.started_at
    message = TEXTS["logged"].format(
        outcome=OUTCOME_LABELS[outcome].lower(), duration=format_duration(duration)
    )
    app.call_from_thread(_done, app, screen, message)


def _done(app: App, screen, message: str) -> None:
    app.notify(message, markup=False)
    ended = getattr(screen, "call_ended", None)
    if callable(ended):
        ended()


def _failed(app: App, error: Exception) -> None:
    app.log.error(f"log_call failed: {error!r}")
    app.notify(TEXTS["failed"].format(error=printable(str(error))), severity="error", markup=False)
