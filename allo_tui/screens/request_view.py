"""A request opened from a call: read-only summary, and the follow-up call ("rappel").

When a caller rings about a request they already made, the hostess opens it (reference typed
in F2, or Enter on the caller card) and logs the call as a follow-up: a note Event on the
request and a Call linked to it, without creating a new request.

The full request detail with its workflow actions belongs to `request_detail`; this screen
offers it (Enter) when that module is installed and stands in for it otherwise.
"""

from __future__ import annotations

from importlib import import_module

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Static

from allo_tui.console import console_of
from allo_tui.data.errors import user_message
from allo_tui.domain import limits
from allo_tui.domain.display import format_datetime
from allo_tui.domain.errors import AlloError
from allo_tui.domain.labels import EVENT_LABELS, STATUS_LABELS, URGENCY_LABELS
from allo_tui.domain.records import CallOutcome, EventRecord, RequestRecord
from allo_tui.literal import literal, printable
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.text_fields import SafeInput

TEXTS = {
    "loading": "Chargement…",
    "status": "Statut",
    "category": "Catégorie",
    "service": "Service",
    "urgency": "Urgence",
    "location": "Lieu",
    "caller": "Demandeur",
    "anonymous": "anonyme",
    "created": "Reçue le",
    "ack_due": "Accusé de réception dû",
    "acknowledged": "Accusé de réception",
    "intervention_due": "Intervention due",
    "answer": "Réponse au demandeur",
    "answer_previous": "Réponse précédente",
    "duplicate_of": "Doublon de",
    "description": "Description",
    "timeline": "Historique",
    "by": "par",
    "follow_up_offer": (
        "Le demandeur rappelle au sujet de cette demande ? n : noter le rappel "
        "(l'appel est lié à la demande, aucune nouvelle demande n'est créée)."
    ),
    "follow_up_title": "Rappel du demandeur — demande {reference}",
    "follow_up_hint": "Objet du rappel (facultatif) — Entrée ou Ctrl+S : enregistrer · Échap : annuler",
    "follow_up_placeholder": "ex. : demande des nouvelles, le trou s'agrandit…",
    "follow_up_saved": "Rappel noté sur la demande {reference} ; appel terminé.",
    "error": "Action impossible : {error}",
    "not_found": "Demande introuvable : {error}",
}


def request_detail_class():
    """The full request detail screen class when installed, else None."""
    try:
        module = import_module("allo_tui.screens.request_detail")
    except ImportError:
        return None
    return getattr(module, "RequestDetailScreen", None)


def request_screen(request_id: int) -> Screen:
    """The best screen to show a request: the full detail when it exists, else this view."""
    detail = request_detail_class()
    return detail(request_id) if detail is not None else RequestViewScreen(request_id)


class FollowUpDialog(ModalScreen[str | None]):
    """Ask what the follow-up call was about; dismissed with the note, or None to cancel."""

    CSS_PATH = "request_view.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="follow_up.save", priority=True),
        Binding("escape", "cancel", "Annuler", id="follow_up.cancel"),
    ]

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference

    def compose(self) -> ComposeResult:
        with Vertical(id="follow-up"):
            yield Static(
                Text(TEXTS["follow_up_title"].format(reference=printable(self.reference))),
                id="follow-up-title",
            )
            # A pasted note loses its control characters before it is stored.
            yield SafeInput(
                placeholder=TEXTS["follow_up_placeholder"],
                id="follow-up-note",
                max_length=limits.ANSWER,
            )
            yield Static(TEXTS["follow_up_hint"], id="follow-up-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#follow-up-note", Input).focus()

    @on(Input.Submitted, "#follow-up-note")
    def action_save(self) -> None:
        self.dismiss(self.query_one("#follow-up-note", Input).value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FollowUpMixin:
    """Logs a follow-up call on a request (shared by the request view and the caller card).

    The screen sets `call_phone`: the number the call came from, when the lookup knew it.
    """

    call_phone: str = ""

    def ask_follow_up(self, request: RequestRecord) -> None:
        """Ask for the note, then record the Call and the note Event; the call ends."""

        def answered(note: str | None) -> None:
            if note is not None:
                self.save_follow_up(request, note)

        self.app.push_screen(FollowUpDialog(request.reference), answered)

    @work(thread=True, exit_on_error=False, group="follow_up")
    def save_follow_up(self, request: RequestRecord, note: str) -> None:
        """Record the follow-up off the event loop."""
        app = self.app
        try:
            app.store.log_call(
                app.operator,
                console_of(app).call.info(self.call_phone),
                CallOutcome.FOLLOW_UP,
                request_id=request.id,
                caller_id=request.caller_id,
                note=note,
            )
        except AlloError as error:
            app.call_from_thread(self._follow_up_failed, str(error))
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            app.call_from_thread(self._follow_up_failed, user_message(error))
        else:
            app.call_from_thread(self._follow_up_saved, request)

    def _follow_up_saved(self, request: RequestRecord) -> None:
        console_of(self.app).call.end()
        self.notify(
            TEXTS["follow_up_saved"].format(reference=printable(request.reference, one_line=True)),
            markup=False,
        )
        self.follow_up_done(request)

    def follow_up_done(self, request: RequestRecord) -> None:
        """Hook: refresh what the screen shows after a follow-up was recorded."""

    def _follow_up_failed(self, message: str) -> None:
        self.app.log.error(f"follow-up failed: {message}")
        self.notify(TEXTS["error"].format(error=printable(message)), severity="error", markup=False)


class RequestViewScreen(FollowUpMixin, Screen[None]):
    """One request, read-only, with its timeline; `n` logs the call as a follow-up on it."""

    CSS_PATH = "request_view.tcss"
    COMMANDS = Screen.COMMANDS | {BindingCommands}
    BINDINGS = [
        Binding("n", "follow_up", "Noter un rappel", id="request_view.follow_up"),
        Binding("enter", "open_detail", "Fiche complète", id="request_view.open_detail"),
        Binding("escape", "back", "Retour", id="request_view.back"),
    ]

    def __init__(self, request_id: int, *, call_phone: str = "") -> None:
        super().__init__()
        self.request_id = request_id
        self.call_phone = call_phone
        self.request: RequestRecord | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="request-view"):
            yield Static(TEXTS["loading"], id="request-title", markup=False)
            yield Static(TEXTS["follow_up_offer"], id="follow-up-offer", markup=False)
            yield Static("", id="request-fields")
            yield Static(TEXTS["description"], classes="section", markup=False)
            yield Static("", id="request-description")
            yield Static(TEXTS["timeline"], classes="section", markup=False)
            yield Static("", id="request-timeline")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#request-view").focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "follow_up":
            return self.request is not None
        if action == "open_detail":
            return self.request is not None and request_detail_class() is not None
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="request_view")
    def load(self) -> None:
        """Read the request and its events off the event loop."""
        try:
            request = self.app.store.get_request(self.request_id)
            events = self.app.store.events(self.request_id)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(
                self.notify,
                TEXTS["not_found"].format(error=printable(str(error))),
                severity="error",
                markup=False,
            )
            return
        self.app.call_from_thread(self._show, request, events)

    def _show(self, request: RequestRecord, events: list[EventRecord]) -> None:
        self.request = request
        self.refresh_bindings()
        title = Text.assemble(
            (f"Demande {printable(request.reference, one_line=True)}", "bold"),
            "  ",
            (STATUS_LABELS[request.status], "bold reverse" if request.is_open else "dim"),
        )
        self.query_one("#request-title", Static).update(title)
        self.query_one("#request-fields", Static).update(request_fields(request))
        self.query_one("#request-description", Static).update(
            literal(request.description, one_line=False)
        )
        self.query_one("#request-timeline", Static).update(timeline(events))

    def follow_up_done(self, request: RequestRecord) -> None:
        self.load()

    def action_follow_up(self) -> None:
        if self.request is not None:
            self.ask_follow_up(self.request)

    def action_open_detail(self) -> None:
        detail = request_detail_class()
        if detail is not None and self.request is not None:
            self.app.switch_screen(detail(self.request.id))

    def action_back(self) -> None:
        self.dismiss()

    def call_context(self) -> tuple[str, int | None, bool]:
        """For F10: the call's phone and the caller of this request; nothing typed is lost."""
        return self.call_phone, self.request.caller_id if self.request else None, False

    def call_ended(self) -> None:
        """F10 ended the call: back to the lookup for the next one."""
        self.dismiss()


def request_fields(request: RequestRecord) -> Text:
    """The fields of a request, one per line, user text shown literally."""
    lines: list[tuple[str, Text]] = [
        (TEXTS["category"], literal(request.category_label)),
        (TEXTS["service"], literal(request.service_name or "—")),
        (
            TEXTS["urgency"],
            Text(f"{request.urgency} — {URGENCY_LABELS.get(request.urgency, '')}"),
        ),
        (TEXTS["location"], literal(request.location or "—")),
        (TEXTS["caller"], literal(request.caller_name or TEXTS["anonymous"])),
        (
            TEXTS["created"],
            Text.assemble(format_datetime(request.created_at), f" {TEXTS['by']} ")
            + literal(request.created_by),
        ),
        (TEXTS["ack_due"], Text(format_datetime(request.ack_due_at) or "—")),
        (TEXTS["intervention_due"], Text(format_datetime(request.intervention_due_at) or "—")),
    ]
    if request.acknowledged_at:
        lines.append((TEXTS["acknowledged"], Text(format_datetime(request.acknowledged_at))))
    if request.duplicate_of_reference:
        lines.append((TEXTS["duplicate_of"], literal(request.duplicate_of_reference)))
    if request.answer:
        # Reopened: the answer given before is history, not what the citizen will be told.
        label = TEXTS["answer_previous"] if request.is_open else TEXTS["answer"]
        lines.append((label, literal(request.answer)))
    width = max(len(label) for label, _ in lines)
    out = Text()
    for index, (label, value) in enumerate(lines):
        if index:
            out.append("\n")
        out.append(f"{label:<{width}}  ", style="bold")
        out.append_text(value)
    return out


def timeline(events: list[EventRecord]) -> Text:
    """The events of a request, oldest first, user text shown literally."""
    out = Text()
    for index, event in enumerate(events):
        if index:
            out.append("\n")
        out.append(format_datetime(event.at), style="dim")
        out.append("  ")
        out.append(EVENT_LABELS.get(event.kind, event.kind.value), style="bold")
        if event.old_value or event.new_value:
            out.append("  ")
            old = STATUS_LABELS.get(event.old_value, event.old_value) if event.old_value else ""
            new = STATUS_LABELS.get(event.new_value, event.new_value) if event.new_value else ""
            out.append_text(literal(f"{old} → {new}" if old else new))
        if event.note:
            out.append("  ")
            out.append_text(literal(event.note))
        out.append("  — ", style="dim")
        out.append_text(literal(event.operator, "dim"))
    return out
