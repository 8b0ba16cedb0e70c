"""F10 — end the call without a request: choose how it ended, the Call is logged.

Calls that create no request still count (calls ≠ requests in the statistics). F10 is an app
key: it works on the new-request form and on the caller lookup. The screen it is pressed on may
say which phone and caller the call was with (`call_context()`) and hear that the call ended
(`call_ended()`); both are optional.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import msgspec
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
    (CallOutcome.ORIENTED, "Orienté vers…"),
)
OUTCOME_LABELS = dict(OUTCOMES)

TEXTS = {
    "title": "Fin d'appel sans demande",
    "hint": "1–5 ou ↑/↓ puis Entrée · Échap : revenir à l'appel",
    "abandon": "La saisie en cours sera abandonnée.",
    "logged": "Appel terminé : {outcome} ({duration}).",
    "failed": "Appel non enregistré : {error}",
    "orient_title": "Orienter l'appel vers…",
    "orient_placeholder": "Tapez : gaz, électricité, déchets, police…",
    "oriented": "Appel orienté vers {name} : {phone} ({duration}).",
    "directory_empty": (
        "L'annuaire d'orientation est vide : un administrateur l'alimente"
        " (« allo catalogue add-directory »)."
    ),
    "directory_failed": "Annuaire illisible : {error}",
}
ORIENTED_NOTICE_SECONDS = 30
"""How long the number of the body a call was oriented to stays on screen (to read it out)."""


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
        Binding("5", "choose(4)", "Orienté vers…", show=False),
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

    def log(outcome: CallOutcome, entry: DirectoryChoice | None = None) -> None:
        call_in_progress = console_of(app).call
        call = call_in_progress.info(phone)
        call_in_progress.end()
        app.run_worker(
            lambda: _log(app, screen, call, outcome, caller_id, entry),
            thread=True,
            exit_on_error=False,
            group="end_call",
            name="log_call",
        )

    def oriented(entry: DirectoryChoice | None) -> None:
        if entry is None:  # Esc: back to how the call ended
            app.push_screen(EndCallScreen(abandons_input=abandons), chosen)
        else:
            log(CallOutcome.ORIENTED, entry)

    def chosen(outcome: CallOutcome | None) -> None:
        if outcome is CallOutcome.ORIENTED:
            app.run_worker(
                lambda: _offer_directory(app, oriented),
                thread=True,
                exit_on_error=False,
                group="end_call",
                name="read_directory",
            )
        elif outcome is not None:
            log(outcome)

    app.push_screen(EndCallScreen(abandons_input=abandons), chosen)


class DirectoryChoice(msgspec.Struct, frozen=True):
    """An entry of the orientation directory, as the hostess reads it out."""

    id: int
    name: str
    phone: str
    hours: str
    handles: str

    def label(self) -> str:
        """One line of the list: what the filter matches (name, number, hours, what it handles)."""
        return " · ".join(
            part for part in (self.name, self.phone, self.hours, self.handles) if part
        )


def _offer_directory(app: App, oriented: Callable[[DirectoryChoice | None], None]) -> None:
    """Read the directory off the event loop, then offer it (or say it is empty)."""
    from allo_tui.data.store.admin_catalogue import directory_entries

    try:
        rows = directory_entries(console_of(app).store)
    except Exception as error:  # noqa: BLE001 - shown to the user and logged
        app.call_from_thread(_failed, app, error, TEXTS["directory_failed"])
        return
    entries = [DirectoryChoice(*row[:5]) for row in rows]
    app.call_from_thread(_show_directory, app, entries, oriented)


def _show_directory(
    app: App, entries: list[DirectoryChoice], oriented: Callable[[DirectoryChoice | None], None]
) -> None:
    if not entries:
        app.notify(TEXTS["directory_empty"], severity="warning", markup=False, timeout=10)
        return
    from allo_tui.screens.action_dialogs import SearchChoiceDialog

    dialog = SearchChoiceDialog(
        TEXTS["orient_title"],
        [(entry.label(), entry) for entry in entries],
        placeholder=TEXTS["orient_placeholder"],
    )
    app.push_screen(dialog, oriented)


def _log(
    app: App,
    screen,
    call: CallInfo,
    outcome: CallOutcome,
    caller_id: int | None,
    entry: DirectoryChoice | None = None,
) -> None:
    console = console_of(app)
    try:
        record = console.store.log_call(
            console.operator,
            call,
            outcome,
            caller_id=caller_id,
            directory_id=entry.id if entry is not None else None,
        )
    except Exception as error:  # noqa: BLE001 - shown to the user and logged
        app.call_from_thread(_failed, app, error)
        return
    duration = format_duration((record.ended_at or call.started_at) - record.started_at)
    if entry is not None:
        message = TEXTS["oriented"].format(name=entry.name, phone=entry.phone, duration=duration)
        timeout = ORIENTED_NOTICE_SECONDS
    else:
        message = TEXTS["logged"].format(outcome=OUTCOME_LABELS[outcome].lower(), duration=duration)
        timeout = None
    app.call_from_thread(_done, app, screen, message, timeout)


def _done(app: App, screen, message: str, timeout: float | None = None) -> None:
    if timeout is None:
        app.notify(message, markup=False)
    else:
        app.notify(message, markup=False, timeout=timeout)
    ended = getattr(screen, "call_ended", None)
    if callable(ended):
        ended()


def _failed(app: App, error: Exception, text: str = TEXTS["failed"]) -> None:
    app.log.error(f"end of call failed: {error!r}")
    app.notify(text.format(error=printable(str(error))), severity="error", markup=False)
