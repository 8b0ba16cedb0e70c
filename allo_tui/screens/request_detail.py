"""The request detail: every field, the due dates, the timeline and the workflow actions.

Pushed on top of the history (F4), the caller card (F2) or the board (F5) with
`app.push_screen(RequestDetailScreen(request_id))`; Esc goes back. Every action goes
through the Store (`Store.apply`), which checks the workflow, the operator's role and the
version the screen was showing: a request changed by another console since it was opened
is refused with who changed it and when; the detail reloads and asks again with what was
typed or chosen kept and what changed shown, so it can be saved on the new version. The
detail also reloads by itself when the change feed says requests changed elsewhere.

Only the actions this operator may take on this status are listed (key line, footer,
palette); a key of another action says why it is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from allo_tui.data.errors import user_message
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.display import format_datetime, format_long
from allo_tui.domain.errors import AlloError, NotFoundError, StaleWriteError
from allo_tui.domain.records import (
    CategoryRecord,
    Channel,
    ContactPreference,
    EventKind,
    EventRecord,
    Kind,
    RequestDetail,
    RequestRecord,
    ServiceRecord,
    Status,
)
from allo_tui.domain.workflow import (
    STATUS_LABELS,
    TRANSITIONS,
    URGENCY_LABELS,
    Action,
    WorkflowError,
    is_allowed,
    refusal_reason,
)
from allo_tui.requests_watch import RequestsChanged, RequestsWatch, WatchEvent
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.requalify_dialog import Requalification, RequalifyDialog
from allo_tui.widgets.action_keys import ActionKeys
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.literal import fill, literal, printable

TEXTS = {
    "loading": "Chargement de la demande…",
    "title": "Demande {reference}",
    "error": "Chargement impossible : {error}",
    "action_error": "Action impossible : {error}",
    "not_found": "Cette demande n'existe pas (ou plus).",
    "timeline": "Historique",
    "links": "Liens",
    "caller_link": "Demandeur : {name} — Entrée : fiche",
    "anonymous": "Appel anonyme",
    "original_link": "Doublon de {reference} — {summary}",
    "duplicate_link": "Doublon : {reference} — {summary}",
    "no_caller_card": "La fiche du demandeur n'est pas disponible ici.",
    "done_action": "{reference} : {what}.",
    "refused": "Refusé : {reason}",
    "ack_title": "Accusé de réception — comment ?",
    "assign_title": "Affecter à quel service ?",
    "duplicate_title": "Doublon de quelle demande ?",
    "duplicate_placeholder": "2026-00042 ou 00042",
    "mobile_team": " (équipe mobile)",
    "received": "{when} par {who} ({channel})",
    "ack_done": "fait le {when} ({how})",
    "due": "{when} — {left}",
    "due_late": "{when} — en retard de {late}",
    "due_none": "aucune (sans intervention)",
    "left": "reste {span}",
    "closed_at": "terminée le {when}",
    "version": "le {when} par {who}",
    "close_question": "Clôturer la demande {reference} ?",
    "close_detail": "Elle ne sera plus suivie ; un superviseur pourra la rouvrir (o).",
    "changed_by": "Modifiée entre-temps par {who} le {when} : {changes}.",
    "no_visible_change": "rien de visible ici",
    "kept_text": "Votre saisie est gardée : Ctrl+S l'enregistre sur la version à jour.",
    "kept_choice": "Votre choix est gardé : Entrée l'enregistre sur la version à jour.",
    "kept_requalify": "Vos choix sont gardés : Ctrl+S les enregistre sur la version à jour.",
    "retry_question": "{label} la demande {reference} malgré ce changement ?",
    "no_longer": "« {label} » n'est plus possible : {reason}",
    "as_note": "Votre texte est gardé : Ctrl+S l'enregistre comme note.",
    "changed_elsewhere": "Demande {reference} modifiée par {who} : {changes}",
}
FIELD_LABELS = {
    "received": "Reçue le",
    "kind": "Type",
    "category": "Catégorie",
    "service": "Service",
    "urgency": "Urgence",
    "status": "Statut",
    "location": "Lieu",
    "neighbourhood": "Quartier",
    "caller": "Demandeur",
    "description": "Description",
    "answer": "Réponse au demandeur",
    "answer_previous": "Réponse précédente",
    "original": "Doublon de",
    "ack_due": "Accusé de réception",
    "intervention_due": "Intervention",
    "updated": "Dernière modification",
}
CHANNEL_LABELS = {
    Channel.PHONE: "téléphone",
    Channel.COUNTER: "accueil",
    Channel.EMAIL: "courriel",
    Channel.LETTER: "courrier",
    Channel.MOBILE_TEAM: "équipe mobile",
    Channel.WEB: "internet",
}
KIND_LABELS = {
    Kind.INTERVENTION: "Demande d'intervention",
    Kind.COMPLAINT: "Doléance",
    Kind.REMARK: "Remarque",
    Kind.INFORMATION: "Information",
}
HOW_LABELS = {"phone": "téléphone", "letter": "courrier", "email": "courriel"}
EVENT_LABELS = {
    EventKind.CREATED: "Création",
    EventKind.STATUS: "Statut",
    EventKind.NOTE: "Note",
    EventKind.ASSIGNMENT: "Affectation",
    EventKind.ACKNOWLEDGEMENT: "Accusé de réception",
    EventKind.MERGE: "Doublon",
    EventKind.REPORTED_AGAIN: "Signalée à nouveau",
    EventKind.EDIT: "Modification",
}
TIMELINE_COLUMNS = ("Date", "Par", "Quoi", "Détail")
# What the confirmation says once an action went through.
DONE_LABELS = {
    Action.ACKNOWLEDGE: "accusé de réception enregistré",
    Action.ASSIGN: "affectée",
    Action.START: "intervention démarrée",
    Action.DONE: "terminée, réponse enregistrée",
    Action.CLOSE: "clôturée",
    Action.REJECT: "rejetée (sans suite)",
    Action.DUPLICATE: "marquée comme doublon",
    Action.CANCEL: "annulée",
    Action.NOTE: "note ajoutée",
    Action.REOPEN: "rouverte",
    Action.REQUALIFY: "requalifiée",
}
CHANGE_LABELS = {
    "status": "Statut",
    "category": "Catégorie",
    "service": "Service",
    "urgency": "Urgence",
    "acknowledged": "Accusé de réception",
    "answer": "Réponse",
    "original": "Doublon de",
    "due": "Intervention",
}
ACK_PREFERENCES = {
    ContactPreference.PHONE: "phone",
    ContactPreference.LETTER: "letter",
    ContactPreference.EMAIL: "email",
}
"""The caller's contact preference as the acknowledgement's default "how"."""
ACK_BY_CHANNEL = {Channel.EMAIL: "email", Channel.LETTER: "letter"}
"""Without a preference (anonymous, or "none"), a request that came by mail is answered so."""


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An action asked for, with what the operator typed or chose (kept after a refusal)."""

    action: Action
    text: str = ""
    service_id: int | None = None
    how: str = ""
    original_reference: str = ""
    requalification: Requalification | None = None


def request_changes(old: RequestRecord, new: RequestRecord) -> list[str]:
    """What differs between two versions of a request, in French ("Statut : A → B")."""
    changes: list[str] = []

    def add(name: str, before: str, after: str) -> None:
        if before != after:
            short = [printable(v, one_line=True)[:60] or "—" for v in (before, after)]
            changes.append(f"{CHANGE_LABELS[name]} : {short[0]} → {short[1]}")

    add("status", STATUS_LABELS[old.status], STATUS_LABELS[new.status])
    add("category", old.category_label, new.category_label)
    add("service", old.service_name, new.service_name)
    add("urgency", str(old.urgency), str(new.urgency))
    add(
        "acknowledged",
        HOW_LABELS.get(old.acknowledged_how, "") if old.acknowledged_at else "",
        HOW_LABELS.get(new.acknowledged_how, "") if new.acknowledged_at else "",
    )
    add("answer", old.answer, new.answer)
    add("original", old.duplicate_of_reference, new.duplicate_of_reference)
    add(
        "due",
        format_datetime(old.intervention_due_at),
        format_datetime(new.intervention_due_at),
    )
    return changes


def format_span(delta: timedelta) -> str:
    """A duration as a hostess reads it: "2 j 4 h", "3 h 05", "12 min"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} j {hours} h" if hours else f"{days} j"
    if hours:
        return f"{hours} h {minutes:02d}"
    return f"{minutes} min"


def due_text(due: datetime | None, now: datetime, *, running: bool) -> Text:
    """A due date with the time left, or how late it is (in the error colour)."""
    if due is None:
        return Text(TEXTS["due_none"])
    when = format_long(due)
    if not running:
        return Text(when)
    if due < now:
        return Text(TEXTS["due_late"].format(when=when, late=format_span(now - due)), "bold red")
    left = TEXTS["left"].format(span=format_span(due - now))
    return Text(TEXTS["due"].format(when=when, left=left))


def event_detail(event: EventRecord) -> Text:
    """What an Event changed (old → new, in French) and its note, shown literally."""
    parts: list[str] = []
    old, new = event.old_value, event.new_value
    if event.kind is EventKind.EDIT:
        parts.extend(_field_changes(old, new))
    else:
        if event.kind not in (EventKind.NOTE, EventKind.MERGE, EventKind.REPORTED_AGAIN):
            # Statuses and channels in French (other tools may write them in any event).
            old, new = _value_label(old), _value_label(new)
        if old and new and old != new:
            parts.append(f"{old} → {new}")
        elif new:
            parts.append(new)
    if event.note:
        parts.append(event.note)
    return literal("\n".join(parts), one_line=False)


def _field_changes(old: str, new: str) -> list[str]:
    """An edit's "Label : before · Label : after" values as one "Label : before → after" line
    per field; values in another shape are shown as they are."""
    before = dict(part.split(" : ", 1) for part in old.split(" · ") if " : " in part)
    after = dict(part.split(" : ", 1) for part in new.split(" · ") if " : " in part)
    if not after or set(before) != set(after):
        return [text for text in (old, new) if text]
    return [f"{label} : {before[label]} → {value}" for label, value in after.items()]


def _value_label(value: str) -> str:
    """A status or an acknowledgement channel in French; anything else as it is."""
    if value in HOW_LABELS:
        return f"par {HOW_LABELS[value]}"
    return _status_label(value)


def _mobile_suffix(service: ServiceRecord) -> str:
    """ " (équipe mobile)" for a mobile team whose name does not already say so."""
    if service.is_mobile_team and "mobile" not in service.name.lower():
        return TEXTS["mobile_team"]
    return ""


def _status_label(value: str) -> str:
    try:
        return STATUS_LABELS[Status(value)]
    except ValueError:
        return value


def request_fields(request: RequestRecord, now: datetime) -> Table:
    """Every field of a request as a two-column grid, typed text shown literally.

    Strings are people's text (or stored values): `literal()` shows them as typed, one line
    unless it is the description or the answer; our own texts come as `Text`.
    """
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    running = request.is_open

    def row(label: str, value: str | Text, *, one_line: bool = True) -> None:
        shown = value if isinstance(value, Text) else literal(value, one_line=one_line)
        shown.no_wrap = False
        grid.add_row(Text(FIELD_LABELS[label]), shown)

    row(
        "received",
        fill(
            TEXTS["received"],
            when=format_datetime(request.created_at),
            who=request.created_by,
            channel=CHANNEL_LABELS.get(request.channel, request.channel),
        ),
    )
    row("kind", KIND_LABELS.get(request.kind, request.kind))
    row("category", request.category_label)
    row("service", request.service_name or "—")
    urgency = Text(f"{request.urgency} — {URGENCY_LABELS.get(request.urgency, '')}")
    if request.urgency == 1:
        urgency.stylize("bold")
    row("urgency", urgency)
    status = STATUS_LABELS[request.status]
    if request.closed_at is not None and not running:
        status += " — " + TEXTS["closed_at"].format(when=format_datetime(request.closed_at))
    row("status", Text(status))
    row("location", request.location or "—")
    if request.neighbourhood:
        row("neighbourhood", request.neighbourhood)
    row("caller", request.caller_name or TEXTS["anonymous"])
    row("description", request.description, one_line=False)
    if request.answer:
        # Reopened: the answer given before is history, not what the citizen will be told.
        if running:
            previous = literal(request.answer, one_line=False)
            previous.stylize("dim italic")
            row("answer_previous", previous)
        else:
            row("answer", request.answer, one_line=False)
    if request.duplicate_of_reference:
        row("original", request.duplicate_of_reference)
    if request.acknowledged_at is not None:
        how = HOW_LABELS.get(request.acknowledged_how, request.acknowledged_how)
        when = format_datetime(request.acknowledged_at)
        template = TEXTS["ack_done"] if how else TEXTS["ack_done"].removesuffix(" ({how})")
        row("ack_due", fill(template, when=when, how=how))
    else:
        row("ack_due", due_text(request.ack_due_at, now, running=running))
    row("intervention_due", due_text(request.intervention_due_at, now, running=running))
    row(
        "updated",
        fill(
            TEXTS["version"],
            when=format_datetime(request.updated_at),
            who=request.updated_by,
        ),
    )
    return grid


def timeline_table(events_: tuple[EventRecord, ...]) -> Table:
    """The timeline, oldest first (newest last), every cell plain text."""
    table = Table(expand=True, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(TIMELINE_COLUMNS[0], no_wrap=True)
    table.add_column(TIMELINE_COLUMNS[1], no_wrap=True, max_width=20)
    table.add_column(TIMELINE_COLUMNS[2], no_wrap=True)
    table.add_column(TIMELINE_COLUMNS[3], ratio=1)
    for event in events_:
        table.add_row(
            Text(format_datetime(event.at)),
            literal(event.operator),
            literal(EVENT_LABELS.get(event.kind, event.kind)),
            event_detail(event),
        )
    return table


class RequestDetailScreen(Screen[None]):
    """One request: its fields, due dates, timeline, links, and the actions on it."""

    CSS_PATH = "request_detail.tcss"
    COMMANDS = Screen.COMMANDS | {BindingCommands}
    AUTO_FOCUS = "#detail-body"
    BINDINGS = [
        Binding("a", "workflow('acknowledge')", "Accuser", id="request_detail.acknowledge"),
        Binding("g", "workflow('assign')", "Affecter", id="request_detail.assign"),
        Binding("s", "workflow('start')", "Démarrer", id="request_detail.start"),
        Binding("d", "workflow('done')", "Terminer", id="request_detail.done"),
        Binding("c", "workflow('close')", "Clôturer", id="request_detail.close"),
        Binding("r", "workflow('reject')", "Rejeter", id="request_detail.reject"),
        Binding("u", "workflow('duplicate')", "Doublon", id="request_detail.duplicate"),
        Binding("x", "workflow('cancel')", "Annuler", id="request_detail.cancel"),
        Binding("n", "workflow('note')", "Note", id="request_detail.note"),
        Binding("o", "workflow('reopen')", "Rouvrir", id="request_detail.reopen"),
        Binding("q", "workflow('requalify')", "Requalifier", id="request_detail.requalify"),
        Binding("enter", "open_caller", "Fiche", id="request_detail.caller"),
        Binding("escape", "back", "Retour", id="request_detail.back"),
        Binding("ctrl+r", "reload", "Actualiser", show=False, id="request_detail.reload"),
    ]

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id
        self.detail: RequestDetail | None = None
        self._services: list[ServiceRecord] = []
        self._categories: list[CategoryRecord] = []
        self._calendar: SiteCalendar | None = None
        self._ack_default = "phone"
        self._busy = False
        self._dirty = False
        """The change feed spoke while another screen (a dialog) was on top."""
        self._own_version: int | None = None
        """The version our own last action wrote: its reload is no news to announce."""
        self._after_load: Callable[[], None] | None = None
        """Run once the next load is shown (asking again after a refused stale save)."""

    @property
    def request(self) -> RequestRecord | None:
        """The request as last loaded (None until the first load)."""
        return self.detail.request if self.detail else None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Static(TEXTS["loading"], id="detail-title", markup=False)
            yield ActionKeys(id="detail-keys")
            yield Static("", id="detail-fields")
            yield OptionList(id="detail-links")
            yield Static(TEXTS["timeline"], id="detail-timeline-title", markup=False)
            yield Static("", id="detail-timeline")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-links", OptionList).display = False
        RequestsWatch.attach(self.app).signal.subscribe(self, self.on_watch_event)
        self.load()

    def on_watch_event(self, event: WatchEvent) -> None:
        """Requests changed somewhere (another console, a script): show this one as it is now."""
        if not isinstance(event, RequestsChanged):
            return
        if self.is_current and not self._busy:
            self.load()
        else:
            self._dirty = True

    def on_screen_resume(self) -> None:
        # After the answer of the dialog that was on top has been acted on: a save under way
        # reloads when it is done.
        self.call_after_refresh(self._reload_if_dirty)

    def _reload_if_dirty(self) -> None:
        if self._dirty and not self._busy:
            self._dirty = False
            self.load()

    # -- loading --------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="request-detail")
    def load(self) -> None:
        """Read the request, its timeline and its duplicates off the event loop."""
        store = self.app.store
        try:
            detail = store.request_detail(self.request_id)
            services = self._services or store.services()
            if not self._categories:
                self._categories = store.categories()
            if self._calendar is None:
                self._calendar = store.calendar()
            self._ack_default = self._acknowledgement_default(detail.request)
        except NotFoundError:
            self.app.call_from_thread(self._show_missing)
            return
        except Exception as error:  # noqa: BLE001 - shown to the user, not swallowed
            self.app.call_from_thread(self._show_error, error)
            return
        self.app.call_from_thread(self._show, detail, services)

    def _acknowledgement_default(self, request: RequestRecord) -> str:
        """How the acknowledgement is most likely given: the caller's contact preference,
        else the way the request came (courriel, courrier), else the phone. In a worker."""
        if request.caller_id is not None:
            try:
                preference = self.app.store.get_caller(request.caller_id).contact_preference
            except NotFoundError:
                preference = ContactPreference.NONE
            if preference in ACK_PREFERENCES:
                return ACK_PREFERENCES[preference]
        return ACK_BY_CHANNEL.get(request.channel, "phone")

    def _show(self, detail: RequestDetail, services: list[ServiceRecord]) -> None:
        previous = self.request
        self.detail = detail
        self._services = services
        request = detail.request
        now = self.app.clock.now()
        reference = printable(request.reference, one_line=True)
        self.sub_title = TEXTS["title"].format(reference=reference)
        title = Text(TEXTS["title"].format(reference=reference), "bold")
        title.append("  ")
        title.append(STATUS_LABELS[request.status], "reverse")
        title.append("  ")
        title.append(URGENCY_LABELS.get(request.urgency, ""))
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-keys", ActionKeys).show(self._action_keys(request))
        self.query_one("#detail-fields", Static).update(request_fields(request, now))
        self._show_links(detail)
        self.query_one("#detail-timeline-title", Static).update(
            f"{TEXTS['timeline']} ({len(detail.events)})"
        )
        self.query_one("#detail-timeline", Static).update(Group(timeline_table(detail.events)))
        self.refresh_bindings()
        after_load, self._after_load = self._after_load, None
        if after_load is not None:
            after_load()
        elif previous is not None and request.version not in (
            previous.version,
            self._own_version,
        ):
            self._announce_change(previous, request)

    def _announce_change(self, previous: RequestRecord, request: RequestRecord) -> None:
        """Say what another console changed on the request shown."""
        changes = request_changes(previous, request)
        if changes:
            message = TEXTS["changed_elsewhere"].format(
                reference=request.reference, who=request.updated_by, changes="; ".join(changes)
            )
            self.notify(printable(message), markup=False)

    def _action_keys(self, request: RequestRecord) -> list[tuple[str, str]]:
        """The workflow keys this operator may use on this request now, with their action.

        The footer may be too narrow for all of them (80 columns); this line wraps between
        two actions.
        """
        role = self.app.operator.role
        keys: list[tuple[str, str]] = []
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or not binding.action.startswith("workflow("):
                continue
            action = Action(binding.action.removeprefix("workflow(").strip("')\""))
            if not is_allowed(action, request.status, role):
                continue
            keys.append((self.app.get_key_display(binding), binding.description))
        return keys

    def _show_links(self, detail: RequestDetail) -> None:
        links = self.query_one("#detail-links", OptionList)
        links.clear_options()
        request = detail.request
        options: list[Option] = []
        if request.caller_id is not None:
            options.append(
                Option(
                    fill(TEXTS["caller_link"], name=request.caller_name),
                    id=f"caller:{request.caller_id}",
                )
            )
        if request.duplicate_of_id is not None:
            options.append(
                Option(
                    fill(
                        TEXTS["original_link"].removesuffix(" — {summary}"),
                        reference=request.duplicate_of_reference,
                    ),
                    id=f"request:{request.duplicate_of_id}",
                )
            )
        for duplicate in detail.duplicates:
            summary = f"{format_datetime(duplicate.created_at)} {duplicate.caller_name}".strip()
            options.append(
                Option(
                    fill(TEXTS["duplicate_link"], reference=duplicate.reference, summary=summary),
                    id=f"request:{duplicate.id}",
                )
            )
        links.add_options(options)
        links.display = bool(options)

    def _show_missing(self) -> None:
        self.query_one("#detail-title", Static).update(TEXTS["not_found"])
        self.notify(TEXTS["not_found"], severity="error", markup=False)

    def _show_error(self, error: Exception) -> None:
        self.app.log.error(f"request detail failed: {error!r}")
        self.notify(
            TEXTS["error"].format(error=printable(user_message(error))),
            severity="error",
            markup=False,
        )

    # -- navigation -----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_open_caller(self) -> None:
        """Open the caller card of this request's caller."""
        request = self.request
        if request is None or request.caller_id is None:
            return
        self._open_caller(request.caller_id)

    def _open_caller(self, caller_id: int) -> None:
        opener = getattr(self.app, "open_caller_card", None)
        if opener is None:
            self.notify(TEXTS["no_caller_card"], markup=False)
            return
        opener(caller_id)

    @on(OptionList.OptionSelected, "#detail-links")
    def _link_chosen(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option_id or "").partition(":")
        if kind == "caller":
            self._open_caller(int(value))
        elif kind == "request":
            self.app.push_screen(RequestDetailScreen(int(value)))

    # -- actions --------------------------------------------------------------------------

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
                choices = [(label.capitalize(), how) for how, label in HOW_LABELS.items()]
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
