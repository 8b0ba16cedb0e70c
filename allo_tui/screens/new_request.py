"""F3 — new request: the form in call order, Ctrl+S saves and shows the reference to read out.

Call order (DESIGN §4): phone → caller → category → street number, street, landmark →
urgency → service → description; Tab / Shift+Tab follow it and Enter in a one-line field moves
on. Urgency and service are pre-set from the category: Enter on the landmark goes straight to the
description (Shift+Tab reaches them, Ctrl+G then 1–4 sets the urgency from any field, the palette
has the service), and a printable key typed on a choice field goes to the description. Every key
is handled in the order typed, whatever its speed (`KeyQueue`). Caller, category, street and
service are type-ahead boxes. As soon as category and street are
known, the side panel lists possible duplicates; Ctrl+D links the call to the highlighted one.

A call is never lost: the form keeps a draft row in the database (`DraftKeeper`: about a second
behind the keyboard, written by a thread worker, with a heartbeat); saving or discarding deletes
it. Everything typed is data: it is shown with `Text`, never as markup.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Select, Static

from allo_tui.domain import limits
from allo_tui.domain.errors import AlloError, ValidationError
from allo_tui.domain.phone import parse_phone, phone_query_digits
from allo_tui.domain.records import (
    CallerMatch,
    CallerRecord,
    CallerSearchResult,
    CategoryRecord,
    Channel,
    Kind,
    NewCaller,
    NewRequest,
    RequestRecord,
    ServiceRecord,
)
from allo_tui.domain.sanitize import CleanText
from allo_tui.domain.streets import Street, load_streets, match_streets
from allo_tui.domain.text import fold, split_name
from allo_tui.domain.workflow import URGENCY_LABELS
from allo_tui.screens.draft_keeper import DraftKeeper
from allo_tui.screens.new_request_commands import NewRequestCommands
from allo_tui.widgets.duplicates_panel import DuplicatesPanel
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.key_queue import KeyQueue, QueuedSelect
from allo_tui.widgets.literal import printable
from allo_tui.widgets.request_confirmation import RequestConfirmation
from allo_tui.widgets.text_fields import LimitedTextArea, SafeInput, TextCleaned
from allo_tui.widgets.typeahead import Suggestion, TypeAhead, TypeAheadInput
from allo_tui.widgets.urgency import UrgencyPicker

DESCRIPTION_LIMIT = limits.DESCRIPTION
"""As in Open311 (and the Store)."""
COUNTER_FROM = 3000
"""The counter stands out from this many characters."""
DUPLICATE_DELAY = 0.3
"""Seconds of quiet typing in the street box before looking for duplicates."""
SUGGESTION_LIMIT = 8
MOUNT_WAIT = 10.0
"""Seconds F3 waits at most for the form to be built before keys go on (see ready_for_typing)."""
NUMBER_WAIT = 10.0
"""Seconds a Tab typed after a whole phone number waits for who holds that number (the keys
typed after it wait as long: on a loaded machine the answer may take more than a second)."""

TEXTS = {
    "phone": "Téléphone",
    "phone_placeholder": "n° ou chiffres",
    "name": "Nom",
    "name_placeholder": "NOM Prénom",
    "category": "Catégorie",
    "category_placeholder": "tapez : nid, arbre, tag…",
    "place": "Lieu",
    "street_number": "N°",
    "street": "Voie",
    "street_placeholder": "rue, place, lieu-dit…",
    "landmark": "Repère",
    "landmark_placeholder": "devant l'école, face au n° 8…",
    "urgency": "Urgence",
    "service": "Service",
    "description": "Description",
    "channel": "Canal",
    "kind": "Nature",
    "caller_hint": "Tapez le téléphone ou le nom · Ctrl+N nouveau demandeur · F6 anonyme",
    "caller_chosen": "Demandeur : ",
    "caller_open": " · {count} demande(s) ouverte(s)",
    "caller_new": "Nouveau demandeur : sera créé à l'enregistrement",
    "caller_by_number": "Demandeur reconnu par son numéro : ",
    "caller_forced": "Nouveau demandeur : sera créé, bien que ce numéro soit celui de {names}",
    "caller_holder": (
        "Ce numéro est celui de {name} : rattaché à l'enregistrement · Ctrl+N nouveau demandeur"
    ),
    "caller_holders": (
        "Ce numéro est celui de {count} demandeurs ({names}) : choisissez-en un (↓ Entrée)"
        " · Ctrl+N nouveau demandeur"
    ),
    "error_caller_shared": (
        "Ce numéro est celui de {count} demandeurs : choisissez le demandeur dans la liste,"
        " ou Ctrl+N pour un nouveau."
    ),
    "caller_anonymous": "Appel anonyme (le numéro reste dans le journal des appels)",
    "street_known": "✓ voie connue",
    "street_unknown": "voie hors référentiel : gardée telle quelle",
    "counter": "{count} / {limit}",
    "error_category": "Choisissez une catégorie dans la liste (tapez un mot, Entrée).",
    "error_service": "Service inconnu : choisissez-le dans la liste.",
    "error_description_empty": "La description est obligatoire.",
    "error_description_long": "La description dépasse {limit} caractères ({count}).",
    "cleaned_controls": "{count} caractère(s) de contrôle supprimé(s).",
    "cleaned_lines": "Texte sur plusieurs lignes : lignes jointes par des espaces.",
    "cleaned_truncated": (
        "Collage coupé : {received} caractères reçus, {kept} gardés (limite {limit})."
    ),
    "error": "Enregistrement impossible : {error}",
    "load_error": "Chargement impossible : {error}",
    "confirm_discard": "Abandonner cette demande ?",
    "confirm_discard_detail": "La saisie sera perdue et son brouillon supprimé.",
    "confirm_quit": "Quitter allo ?",
    "confirm_quit_detail": (
        "La demande en cours reste en brouillon : elle sera proposée au prochain démarrage."
    ),
    "quit_yes": "Quitter (o)",
    "quit_no": "Rester (n)",
    "duplicate_description": "Même signalement que la demande {reference}.",
    "restored": "Brouillon repris : la saisie est comme avant l'interruption.",
    "typed_on_choice": "Frappe sur « {field} » : mise dans la description.",
    "urgency_armed": "Urgence : tapez 1, 2, 3 ou 4.",
    "urgency_hint": "Ctrl+G puis 1–4 depuis tout champ",
    "duplicates": "Doublons possibles",
    "service_title": "Service de la demande",
}

CHANNEL_LABELS = {
    Channel.PHONE: "Téléphone",
    Channel.COUNTER: "Accueil",
    Channel.EMAIL: "Courriel",
    Channel.LETTER: "Courrier",
    Channel.MOBILE_TEAM: "Équipe mobile",
    Channel.WEB: "Web",
}
KIND_LABELS = {
    Kind.INTERVENTION: "Demande d'intervention",
    Kind.COMPLAINT: "Doléance",
    Kind.REMARK: "Remarque",
    Kind.INFORMATION: "Information",
}
CHOICE_FIELDS = {
    "urgency": "urgency",
    "channel": "channel",
    "kind": "kind",
    "duplicates": "duplicates",
}
"""Fields chosen with keys, not typed in (id: their TEXTS label)."""
ONE_LINE_FIELDS = ("phone", "name", "category", "street_number", "street", "landmark", "service")


def target_phrase(level: int, target: timedelta | None) -> str:
    """What an urgency promises, for the hostess to say: "sur place sous 1 h", "sous 10 jours"."""
    if target is None:
        return "sans intervention : accusé de réception seulement"
    minutes = int(target.total_seconds() // 60)
    if minutes < 60:
        span = f"{minutes} min"
    elif minutes % (24 * 60) == 0 and minutes > 24 * 60:
        span = f"{minutes // (24 * 60)} jours"
    elif minutes % 60 == 0:
        span = f"{minutes // 60} h"
    else:
        span = f"{minutes // 60} h {minutes % 60:02d}"
    return f"sur place sous {span}" if level == 1 else f"sous {span}"


_LEADING_NUMBER = re.compile(
    r"^\s*(\d+(?:\s?(?:bis|ter|quater)\b|[a-dA-D]\b)?)[\s,]+(\S.*)$", re.IGNORECASE
)


def split_leading_number(text: str) -> tuple[str, str]:
    """ "12 rue du Temple" -> ("12", "rue du Temple"); "12 bis, rue X" -> ("12 bis", "rue X");
    no leading number -> ("", text)."""
    match = _LEADING_NUMBER.match(text)
    if match is None:
        return "", text
    return match.group(1), match.group(2)


def category_matches(query: str, categories: list[CategoryRecord]) -> list[CategoryRecord]:
    """Categories whose label or code has a word starting with each word typed (folded)."""
    typed = fold(query).split()
    if not typed:
        return list(categories)
    found = []
    for category in categories:
        words = fold(f"{category.label} {category.code}").split()
        if all(any(word.startswith(t) for word in words) for t in typed):
            found.append(category)
    return found


def service_matches(query: str, services: list[ServiceRecord]) -> list[ServiceRecord]:
    typed = fold(query).split()
    if not typed:
        return list(services)
    return [
        service
        for service in services
        if all(
            any(word.startswith(t) for word in fold(f"{service.name} {service.code}").split())
            for t in typed
        )
    ]


def caller_prompt(caller: CallerRecord) -> Text:
    """One suggestion line for a caller (literal text)."""
    text = Text(
        printable(caller.display_name or "—", one_line=True),
        style="bold",
        no_wrap=True,
        overflow="ellipsis",
    )
    phones = ", ".join(p.display for p in caller.phones)
    if phones:
        text.append("  " + printable(phones, one_line=True))
    if caller.address:
        text.append("  " + printable(caller.address, one_line=True), "dim")
    if caller.open_requests:
        text.append(f"  ({caller.open_requests} ouverte(s))", "italic")
    return text


class NewRequestScreen(Screen[None]):
    """Take a request from the caller on the line, from the first word to the reference."""

    CSS_PATH = "new_request.tcss"
    COMMANDS = Screen.COMMANDS | {NewRequestCommands}
    FOCUS_MOVES_IN_ORDER = True
    """Tab and Shift+Tab are priority keys here (see `allo_tui.widgets.text_fields`)."""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="new_request.save", priority=True),
        Binding(
            "ctrl+d", "link_duplicate", "Rattacher au doublon", id="new_request.link", priority=True
        ),
        # Acted on when typed (priority), so the keys typed next reach the field they lead to.
        Binding(
            "ctrl+n",
            "new_caller",
            "Nouveau demandeur",
            id="new_request.new_caller",
            priority=True,
        ),
        Binding("f6", "anonymous", "Anonyme", id="new_request.anonymous", priority=True),
        Binding(
            "ctrl+g", "urgency_key", "Urgence", id="new_request.urgency", priority=True, show=False
        ),
        Binding("tab", "next_field", show=False, id="new_request.next_field", priority=True),
        Binding(
            "shift+tab",
            "previous_field",
            show=False,
            id="new_request.previous_field",
            priority=True,
        ),
        Binding("escape", "cancel", "Annuler", id="new_request.cancel"),
        Binding("escape", "next_call", "Appel suivant", id="new_request.next_call"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._caller: CallerRecord | None = None  # shown on the status line
        self._caller_id: int | None = None  # what the request links to (set before a reload)
        self._anonymous = False
        self._categories: dict[int, CategoryRecord] = {}
        self._services: dict[int, ServiceRecord] = {}
        self._catalogue_ready = False
        self._streets_ready = False
        self._streets: tuple[Street, ...] = ()
        self._street_keys: set[str] = set()
        self._duplicate_timer: Timer | None = None
        self._saving = False
        self._confirmed = False
        self._pending_draft: dict | None = None
        self._submit_when_ready: tuple[RequestRecord | None] | None = None
        self._street_paste_note: tuple[str, Input, str] | None = None
        """A paste into the N° or street box was changed: (message, box, its value then)."""
        self._drafts = DraftKeeper(self, self.draft_fields, self.has_input)
        self._mounted = asyncio.Event()
        self.key_queue = KeyQueue(self, route=self._route_key, pending=self._keys_wait)
        """Every key and priority action of the form, handled in the order typed."""
        self._urgency_armed = False
        """Ctrl+G was typed: the next key 1–4 sets the urgency."""
        self._holders: tuple[str, tuple[CallerRecord, ...]] | None = None
        """The callers holding the whole number in the phone box: (its E.164 form, holders)."""
        self._force_new = False
        """Ctrl+N: a new caller even on a known number."""
        self._by_number = False
        """The caller was attached because the number typed is theirs."""
        self._tab_waiting: Timer | None = None
        """A Tab typed after a whole number waits for who holds it (keys after it wait too)."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with VerticalScroll(id="form", can_focus=False):
                with Horizontal(classes="field", id="caller-row"):
                    yield Label(TEXTS["phone"], classes="label")
                    yield TypeAhead(
                        TEXTS["phone_placeholder"],
                        id="phone",
                        jump_to="#category-input",
                        max_length=limits.PHONE,
                    )
                    yield Label(TEXTS["name"], classes="sublabel")
                    yield TypeAhead(
                        TEXTS["name_placeholder"],
                        id="name",
                        jump_to="#category-input",
                        max_length=limits.NAME,
                    )
                yield Static(TEXTS["caller_hint"], id="caller-status", classes="status")
                yield Static("", id="message-caller", classes="message")
                with Horizontal(classes="field"):
                    yield Label(TEXTS["category"], classes="label")
                    yield TypeAhead(
                        TEXTS["category_placeholder"],
                        id="category",
                        jump_to="#street_number",
                        open_on_focus=True,
                        accept_on_blur=True,
                        max_length=limits.CATEGORY,
                    )
                yield Static("", id="message-category", classes="message")
                with Horizontal(classes="field"):
                    yield Label(TEXTS["place"], classes="label")
                    yield Label(TEXTS["street_number"], classes="sublabel first")
                    yield SafeInput(
                        compact=True,
                        id="street_number",
                        max_length=limits.STREET_NUMBER,
                        enter_moves_on=True,
                    )
                    yield Label(TEXTS["street"], classes="sublabel")
                    yield TypeAhead(
                        TEXTS["street_placeholder"],
                        id="street",
                        jump_to="#landmark",
                        max_length=limits.STREET,
                    )
                yield Static("", id="message-street", classes="message")
                with Horizontal(classes="field"):
                    yield Label(TEXTS["landmark"], classes="label")
                    yield SafeInput(
                        placeholder=TEXTS["landmark_placeholder"],
                        compact=True,
                        id="landmark",
                        max_length=limits.LANDMARK,
                        enter_moves_on=True,
                        next_field="#description",  # urgency and service are pre-set
                    )
                yield Static("", id="message-landmark", classes="message")
                with Horizontal(classes="field"):
                    yield Label(TEXTS["urgency"], classes="label")
                    yield UrgencyPicker(3, id="urgency", hint=TEXTS["urgency_hint"])
                yield Static("", id="message-urgency", classes="message")
                with Horizontal(classes="field"):
                    yield Label(TEXTS["service"], classes="label")
                    yield TypeAhead(
                        id="service",
                        jump_to="#description",
                        open_on_focus=True,
                        accept_on_blur=True,
                        max_length=limits.CATEGORY,
                    )
                yield Static("", id="message-service", classes="message")
                with Horizontal(classes="field", id="description-head"):
                    yield Label(TEXTS["description"], classes="label")
                    yield Static("", id="counter")
                yield LimitedTextArea(limit=DESCRIPTION_LIMIT, id="description", compact=True)
                yield Static("", id="message-description", classes="message")
                with Horizontal(classes="field", id="extra-row"):
                    yield Label(TEXTS["channel"], classes="label")
                    yield QueuedSelect(
                        [(label, channel.value) for channel, label in CHANNEL_LABELS.items()],
                        value=Channel.PHONE.value,
                        allow_blank=False,
                        compact=True,
                        id="channel",
                    )
                    yield Label(TEXTS["kind"], classes="sublabel")
                    yield QueuedSelect(
                        [(label, kind.value) for kind, label in KIND_LABELS.items()],
                        value=Kind.INTERVENTION.value,
                        allow_blank=False,
                        compact=True,
                        id="kind",
                    )
            yield DuplicatesPanel(id="side")
        yield RequestConfirmation(id="confirmation")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._update_counter(0)
        self.load_catalogue()
        self.load_streets()
        self._drafts.start()
        self._mounted.set()

    def on_unmount(self) -> None:
        self.key_queue.close()

    async def ready_for_typing(self) -> None:
        """Called by the app as F3 is pressed: returns once the form can take keys.

        The app holds the keys typed after F3 while it waits (its queue is not read meanwhile):
        once the form is mounted (the first F3 of a session builds it) the pending caller or
        draft is applied and the first field to fill has the focus, so those keys land in the
        form, in order, and not on the screen left behind.
        """
        try:
            await asyncio.wait_for(self._mounted.wait(), MOUNT_WAIT)
        except TimeoutError:
            return  # never blocks the console: keys then go where Textual sends them
        self.take_pending_caller()
        self.take_pending_draft()
        self._focus_if_lost()

    def on_screen_resume(self) -> None:
        if self._confirmed:
            self._reset_form()
        self.take_pending_caller()
        self.take_pending_draft()
        self.call_after_refresh(self._focus_if_lost)

    def _focus_if_lost(self) -> None:
        focused = self.focused
        if focused is None or not focused.display:
            self._focus_first_empty()

    # -- loading --------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="catalogue")
    def load_catalogue(self) -> None:
        store = self.app.store
        try:
            categories = store.categories()
            services = store.services()
            calendar = store.calendar()
            targets = {
                level: target_phrase(level, calendar.target_for(level)) for level in URGENCY_LABELS
            }
            calendar.due_dates(store.now(), 3)  # warms the holiday tables: the save is instant
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._load_failed, error)
            return
        self.app.call_from_thread(self._set_catalogue, categories, services, targets)

    def _set_catalogue(
        self,
        categories: list[CategoryRecord],
        services: list[ServiceRecord],
        targets: dict[int, str],
    ) -> None:
        self._categories = {c.id: c for c in categories}
        self._services = {s.id: s for s in services}
        self.query_one("#urgency", UrgencyPicker).set_targets(targets)
        self._catalogue_ready = True
        for field in ("category", "service"):
            box = self._typeahead(field)
            box.loading = False
            if box.input.has_focus or box.text:
                self._typeahead_changed(TypeAhead.Changed(box, box.text))
        if self._pending_draft is not None:
            fields, self._pending_draft = self._pending_draft, None
            self.apply_draft(fields)
        if self._submit_when_ready is not None:
            (original,), self._submit_when_ready = self._submit_when_ready, None
            self._submit(original)

    @work(thread=True, exit_on_error=False, group="streets")
    def load_streets(self) -> None:
        """The shipped referential plus every street already used (can be slow: off the loop)."""
        try:
            shipped = load_streets()
            known = self.app.store.known_streets()
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._load_failed, error)
            return
        keys = {fold(street.name) for street in shipped}
        extra = tuple(Street(name, "connue") for name in known if fold(name) not in keys)
        keys.update(fold(street.name) for street in extra)
        self.app.call_from_thread(self._set_streets, shipped + extra, keys)

    def _set_streets(self, streets: tuple[Street, ...], keys: set[str]) -> None:
        self._streets = streets
        self._street_keys = keys
        self._streets_ready = True
        self._update_street_status()
        box = self._typeahead("street")
        box.loading = False
        if box.text and box.value is None:
            self._typeahead_changed(TypeAhead.Changed(box, box.text))

    def _load_failed(self, error: Exception) -> None:
        for field in ("category", "service", "street"):
            self._typeahead(field).loading = False  # a waiting Enter moves on without a list
        self.app.log.error(f"new request: loading failed: {error!r}")
        self.notify(TEXTS["load_error"].format(error=error), severity="error", markup=False)

    # -- the caller -----------------------------------------------------------------------

    def take_pending_caller(self) -> None:
        """Apply the caller chosen on F2 (the app keeps it until this screen is shown)."""
        if self._confirmed:
            self._reset_form()  # F3 after a save: the next call
        caller = getattr(self.app, "pending_caller", None)
        if caller is not None:
            self.app.pending_caller = None
            self.set_caller(caller)

    def set_caller(
        self, caller: CallerRecord | None, phone: str = "", *, focus: bool = True
    ) -> None:
        """Link the call to `caller` (chosen on F2 or in the suggestions); fills phone and name."""
        self._caller = caller
        self._caller_id = caller.id if caller is not None else None
        self._anonymous = False
        self._force_new = False
        self._by_number = False
        if caller is not None:
            shown = phone or (caller.phones[0].display if caller.phones else "")
            # From the database: shown with any control character made visible.
            self._typeahead("phone").set_text(printable(shown, one_line=True))
            self._typeahead("name").set_text(
                printable(caller.display_name, one_line=True), caller.id
            )
            if focus:
                self._focus_now(self._typeahead("category"))
        self._update_caller_status()
        self._touch()

    def _update_caller_status(self) -> None:
        status = self.query_one("#caller-status", Static)
        phone = self._typeahead("phone").text.strip()
        name = self._typeahead("name").text.strip()
        holders = self._phone_holders()
        if self._caller is not None:
            text = Text(TEXTS["caller_by_number" if self._by_number else "caller_chosen"])
            text.append(printable(self._caller.display_name, one_line=True), "bold")
            if self._caller.address:
                text.append(" · " + printable(self._caller.address, one_line=True))
            if self._caller.open_requests:
                text.append(TEXTS["caller_open"].format(count=self._caller.open_requests))
            status.update(text)
            status.set_class(True, "-chosen")
        elif self._caller_id is not None:  # restored from a draft, its record still loading
            status.update(Text.assemble(TEXTS["caller_chosen"], (printable(name), "bold")))
            status.set_class(True, "-chosen")
        elif self._anonymous:
            status.update(Text(TEXTS["caller_anonymous"]))
            status.set_class(False, "-chosen")
        elif holders and self._force_new:
            names = ", ".join(printable(h.display_name, one_line=True) for h in holders)
            status.update(Text(TEXTS["caller_forced"].format(names=names)))
            status.set_class(False, "-chosen")
        elif len(holders) == 1:
            name = printable(holders[0].display_name, one_line=True)
            status.update(Text(TEXTS["caller_holder"].format(name=name)))
            status.set_class(False, "-chosen")
        elif holders:
            names = ", ".join(printable(h.display_name, one_line=True) for h in holders)
            status.update(Text(TEXTS["caller_holders"].format(count=len(holders), names=names)))
            status.set_class(False, "-chosen")
        elif phone or name:
            status.update(Text(TEXTS["caller_new"]))
            status.set_class(False, "-chosen")
        else:
            status.update(Text(TEXTS["caller_hint"]))
            status.set_class(False, "-chosen")

    def action_new_caller(self) -> None:
        """Ctrl+N, in the order typed (see `KeyQueue`)."""
        self.key_queue.put_action(self._new_caller)

    def _new_caller(self) -> None:
        """Ctrl+N: the caller is not in the base; what is typed makes a new caller (even on a
        known number: the status line says who holds it)."""
        self._caller = None
        self._caller_id = None
        self._anonymous = False
        self._force_new = True
        self._by_number = False
        for field in ("phone", "name"):
            self._typeahead(field).close()
        self._update_caller_status()
        if not self._typeahead("name").text.strip():
            self._focus_now(self._typeahead("name"))
        else:
            self._focus_now(self._typeahead("category"))
        self._touch()

    def action_anonymous(self) -> None:
        """F6, in the order typed (see `KeyQueue`)."""
        self.key_queue.put_action(self._anonymous_call)

    def _anonymous_call(self) -> None:
        """F6: an anonymous call (no caller; the phone stays in the call log)."""
        self._caller = None
        self._caller_id = None
        self._anonymous = True
        self._force_new = False
        self._by_number = False
        self._typeahead("name").set_text("")
        self._typeahead("phone").close()
        self._update_caller_status()
        self._focus_now(self._typeahead("category"))
        self._touch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller-search")
    def search_callers(self, field: str, query: str) -> None:
        try:
            result = self.app.store.search_callers(query, limit=SUGGESTION_LIMIT)
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._load_failed, error)
            result = CallerSearchResult(query=query, rows=(), total=0, capped=False)
        self.app.call_from_thread(self._show_callers, field, query, result)

    def _show_callers(self, field: str, query: str, result: CallerSearchResult) -> None:
        rows = list(result.rows)
        highlight = None
        if rows and field == "phone":
            typed = parse_phone(query)
            exact = [
                index
                for index, row in enumerate(rows)
                if typed.valid and any(p.number == typed.stored for p in row.phones)
            ]
            if len(exact) == 1:
                highlight = exact[0]  # a shared line (several holders) is chosen, not guessed
            elif not exact and len(rows) == 1:
                highlight = 0
        elif len(rows) == 1 and not self._typeahead("phone").text.strip():
            highlight = 0
        suggestions = [
            Suggestion(caller_prompt(c), printable(c.display_name, one_line=True), c) for c in rows
        ]
        self._typeahead(field).show_suggestions(query, suggestions, highlight)

    # -- a whole number typed: who holds it ------------------------------------------------

    def _phone_holders(self) -> tuple[CallerRecord, ...]:
        """The known callers holding the whole number now in the phone box (checked)."""
        number = parse_phone(self._typeahead("phone").text).e164
        if self._holders is None or number is None or self._holders[0] != number:
            return ()
        return self._holders[1]

    def _holders_known(self) -> bool:
        """True when who holds the number in the phone box is known (or it is no number)."""
        number = parse_phone(self._typeahead("phone").text).e164
        return number is None or (self._holders is not None and self._holders[0] == number)

    def _check_number(self, text: str) -> None:
        """A whole valid number typed: ask who holds it (the answer may attach the caller)."""
        if not self._holders_known():
            self._holders = None
        if parse_phone(text).valid:
            self.find_holders(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="number-holders")
    def find_holders(self, text: str) -> None:
        try:
            holders = tuple(self.app.store.callers_holding(text))
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._load_failed, error)
            holders = ()
        self.app.call_from_thread(self._holders_found, text, holders)

    def _holders_found(self, text: str, holders: tuple[CallerRecord, ...]) -> None:
        number = parse_phone(text).e164
        if number is None or number != parse_phone(self._typeahead("phone").text).e164:
            return  # typed on since
        self._holders = (number, holders)
        if self._tab_waiting is not None:
            self._phone_tab()
        else:
            self._update_caller_status()

    def _phone_tab(self) -> None:
        """Tab after a phone number: one known holder is attached (and said), the focus goes to
        the category; several: the name box lists them to choose from; none: the name box."""
        text = self._typeahead("phone").text
        if not self._holders_known():
            if self._tab_waiting is None:
                self._check_number(text)
                self._tab_waiting = self.set_timer(NUMBER_WAIT, self._tab_waited)
            return  # acted on when the answer arrives (keys typed after the Tab wait for it)
        if self._tab_waiting is not None:
            self._tab_waiting.stop()
            self._tab_waiting = None
        holders = self._phone_holders()
        self._typeahead("phone").close()
        if len(holders) == 1 and not self._force_new and self._caller_id is None:
            self.set_caller(holders[0], parse_phone(text).display)
            self._by_number = True
            self._update_caller_status()
            return
        self._focus_now(self._typeahead("name"))
        if len(holders) > 1 and not self._force_new:
            self._offer_holders()
        self._update_caller_status()

    def _offer_holders(self) -> None:
        """A shared line: the name box (focused) lists the callers holding the number."""
        name_box = self._typeahead("name")
        suggestions = [
            Suggestion(caller_prompt(c), printable(c.display_name, one_line=True), c)
            for c in self._phone_holders()
        ]
        # Once the box has its focus (the list shows only in the focused box).
        name_box.input.call_later(name_box.show_suggestions, name_box.text, suggestions)

    def _tab_waited(self) -> None:
        """No answer in time: the Tab moves on as if the number were new."""
        self._tab_waiting = None
        number = parse_phone(self._typeahead("phone").text).e164
        self._holders = (number, ()) if number is not None else None
        self._phone_tab()

    # -- type-ahead answers ---------------------------------------------------------------

    def _typeahead(self, field: str) -> TypeAhead:
        return self.query_one(f"#{field}", TypeAhead)

    @on(TypeAhead.Changed)
    def _typeahead_changed(self, event: TypeAhead.Changed) -> None:
        field = event.typeahead.id or ""
        text = event.text
        if field in ("phone", "name"):
            self._caller = None  # what is on screen is what will be saved
            self._caller_id = None
            self._by_number = False
            if field == "name" and text.strip():
                self._anonymous = False
            if field == "phone":
                self._check_number(text)
            self._update_caller_status()
            digits = phone_query_digits(text) if field == "phone" else ""
            if (field == "phone" and len(digits) >= 4) or (
                field == "name" and len(fold(text)) >= 2
            ):
                self.search_callers(field, text)
            elif field == "name" and len(self._phone_holders()) > 1 and not self._force_new:
                self._offer_holders()  # ↓ in the empty name box: the callers of a shared line
            else:
                event.typeahead.show_suggestions(text, [])
        elif field in ("category", "service") and not self._catalogue_ready:
            event.typeahead.loading = True
            return  # answered when the catalogue arrives (an Enter typed meanwhile waits for it)
        elif field == "category":
            categories = category_matches(text, list(self._categories.values()))
            suggestions = [_suggestion(c.label, c.id) for c in categories]
            event.typeahead.show_suggestions(text, suggestions, 0 if text.strip() else None)
            self._schedule_duplicates()
        elif field == "street" and not self._streets_ready:
            event.typeahead.loading = True
            self._update_street_status()
            return  # answered when the streets arrive (an Enter typed meanwhile waits for them)
        elif field == "street":
            # "12 rue du temple": the number goes to the N° box when a street is picked.
            number, rest = split_leading_number(text)
            names = match_streets(rest, self._streets, SUGGESTION_LIMIT) if number else []
            if not names:
                number, names = "", match_streets(text, self._streets, SUGGESTION_LIMIT)
            suggestions = [_suggestion(name, (name, number)) for name in names]
            event.typeahead.show_suggestions(text, suggestions, 0 if names else None)
            self._update_street_status()
            self._schedule_duplicates()
        elif field == "service":
            services = service_matches(text, list(self._services.values()))
            suggestions = [_suggestion(s.name, s.id) for s in services]
            event.typeahead.show_suggestions(text, suggestions, 0 if text.strip() else None)

    @on(TypeAhead.Picked)
    def _typeahead_picked(self, event: TypeAhead.Picked) -> None:
        field = event.typeahead.id or ""
        value = event.suggestion.value
        if field in ("phone", "name") and isinstance(value, CallerRecord):
            phone = ""
            if field == "phone":
                typed = parse_phone(self._typeahead("phone").text)
                match = [p for p in value.phones if typed.valid and p.number == typed.stored]
                phone = match[0].display if match else ""
            self.set_caller(value, phone, focus=not event.by_enter)
            return
        if field == "category" and isinstance(value, int):
            self._category_chosen(value)
        elif field == "street":
            number = value[1] if isinstance(value, tuple) else ""
            number_box = self.query_one("#street_number", SafeInput)
            if number and not number_box.value.strip():
                number_box.value = number
            self._update_street_status()
            self._schedule_duplicates()
        elif field == "service":
            self._set_message("service", "")
        self._touch()

    def _category_chosen(self, category_id: int) -> None:
        category = self._categories.get(category_id)
        if category is None:
            return
        self._set_message("category", "")
        self.query_one("#urgency", UrgencyPicker).value = category.default_urgency
        service = self._services.get(category.service_id)
        self._typeahead("service").set_text(
            service.name if service else category.service_name, category.service_id
        )
        self._set_message("service", "")
        self._schedule_duplicates()

    def _update_street_status(self) -> None:
        street = self._typeahead("street").text.strip()
        if not street or not self._street_keys:
            message, kind = "", "-ok"
        elif fold(street) in self._street_keys:
            message, kind = TEXTS["street_known"], "-ok"
        else:
            message, kind = TEXTS["street_unknown"], "-warning"
        note = self._street_paste_note
        if note is not None and note[1].value == note[2]:
            # What a paste into the N° or street box lost stays said, before the street status.
            message, kind = " ".join(filter(None, (note[0], message))), "-warning"
        else:
            self._street_paste_note = None
        self._set_message("street", message, kind)

    # -- moving on, messages, counter ------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the box moved the focus on itself (see SafeInput.enter_moves_on)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        self._touch()

    @on(LimitedTextArea.Changed, "#description")
    def _description_changed(self, event: LimitedTextArea.Changed) -> None:
        length = len(event.text_area.text)
        self._update_counter(length)
        if self.query_one("#message-description").has_class("-error") and (
            0 < length <= DESCRIPTION_LIMIT
        ):
            self._set_message("description", "")
        self._touch()

    @on(UrgencyPicker.Changed)
    def _urgency_changed(self) -> None:
        self._touch()

    @on(Select.Changed)
    def _select_changed(self) -> None:
        self._touch()

    @on(TextCleaned)
    def _text_cleaned(self, event: TextCleaned) -> None:
        cleaned: CleanText = event.cleaned
        parts = []
        if cleaned.truncated:
            parts.append(
                TEXTS["cleaned_truncated"].format(
                    received=_thousands(cleaned.received),
                    kept=_thousands(len(cleaned.text)),
                    limit=_thousands(event.limit or 0),
                )
            )
        if cleaned.joined_lines:
            parts.append(TEXTS["cleaned_lines"])
        if cleaned.removed_controls:
            parts.append(TEXTS["cleaned_controls"].format(count=cleaned.removed_controls))
        field = self._field_of(event.field)
        message = " ".join(parts)
        if field == "street" and isinstance(event.field, Input):
            # The street status shares the line and is redrawn as the street changes.
            self._street_paste_note = (message, event.field, event.field.value)
            self._update_street_status()
            return
        self._set_message(field, message, "-warning")

    def _field_of(self, widget) -> str:
        node = widget
        while node is not None and node is not self:
            if node.id in ("phone", "name"):
                return "caller"
            if node.id in ("category", "street", "service", "landmark", "description"):
                return node.id
            if node.id == "street_number":
                return "street"
            node = node.parent
        return "description"

    def _set_message(self, field: str, message: str, kind: str = "-error") -> None:
        widget = self.query_one(f"#message-{field}", Static)
        widget.update(Text(message))
        widget.set_classes(f"message {kind}" if message else "message")

    def _update_counter(self, length: int) -> None:
        counter = self.query_one("#counter", Static)
        counter.update(
            TEXTS["counter"].format(count=_thousands(length), limit=_thousands(DESCRIPTION_LIMIT))
        )
        counter.set_class(COUNTER_FROM <= length <= DESCRIPTION_LIMIT, "-near")
        counter.set_class(length > DESCRIPTION_LIMIT, "-over")

    def action_next_field(self) -> None:
        """Tab, in the order typed: the keys typed after it go to the next field."""
        self.key_queue.put_action(self._step_focus, True)

    def action_previous_field(self) -> None:
        """Shift+Tab, in the order typed."""
        self.key_queue.put_action(self._step_focus, False)

    def _step_focus(self, forward: bool) -> None:
        focused = self.focused
        if forward and focused is self._typeahead("phone").input and self._caller_id is None:
            self._phone_tab()
            return
        if isinstance(focused, TypeAheadInput) and focused.typeahead.enter_pending:
            # An Enter waits for its answer: the Tab follows it, like the keys typed after it.
            focused.hold_key(events.Key("tab" if forward else "shift+tab", None))
        elif forward:
            self.focus_next()
        else:
            self.focus_previous()

    def _focus_now(self, widget: Widget) -> None:
        """Move the focus at once. (`Widget.focus` queues the move in the app, behind keys
        already typed, which would then reach the field being left.)"""
        if isinstance(widget, TypeAhead):
            widget = widget.input
        self.set_focus(widget)

    def _focus_first_empty(self) -> None:
        if self._confirmed:
            return
        if self._caller_id is None and not self._anonymous and not self._typeahead("phone").text:
            self._focus_now(self._typeahead("phone"))
        elif self._categories and self._typeahead("category").value is None:
            self._focus_now(self._typeahead("category"))
        else:
            self._focus_now(self.query_one("#description", LimitedTextArea))

    # -- possible duplicates ---------------------------------------------------------------

    def _schedule_duplicates(self) -> None:
        if self._duplicate_timer is not None:
            self._duplicate_timer.stop()
        self._duplicate_timer = self.set_timer(DUPLICATE_DELAY, self._check_duplicates)

    def _check_duplicates(self) -> None:
        self._duplicate_timer = None
        category = self._typeahead("category").value
        street = self._typeahead("street").text.strip()
        if not isinstance(category, int) or not street:
            self._show_duplicates(None, [])
            return
        self.find_duplicates(category, street)

    @work(thread=True, exclusive=True, exit_on_error=False, group="duplicates")
    def find_duplicates(self, category_id: int, street: str) -> None:
        try:
            rows = self.app.store.possible_duplicates(category_id, street)
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._load_failed, error)
            return
        self.app.call_from_thread(self._show_duplicates, (category_id, street), rows)

    def _show_duplicates(self, key: tuple[int, str] | None, rows: list[RequestRecord]) -> None:
        current = self._typeahead("category").value, self._typeahead("street").text.strip()
        if key is not None and key != current:
            return  # typed on since: a newer search is coming
        self.query_one(DuplicatesPanel).show(key, rows)
        self.refresh_bindings()

    def _highlighted_duplicate(self) -> RequestRecord | None:
        return self.query_one(DuplicatesPanel).highlighted

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "link_duplicate":
            return (
                not self._confirmed
                and not self._saving
                and self._highlighted_duplicate() is not None
                and isinstance(self._typeahead("category").value, int)
            )
        if action in ("new_caller", "anonymous", "save", "cancel"):
            return not self._confirmed
        if action == "next_call":
            return self._confirmed
        return True

    def action_link_duplicate(self) -> None:
        """Ctrl+D: record this call as a duplicate of the highlighted request."""
        original = self._highlighted_duplicate()
        if original is not None:
            self._after_typed_keys(self._submit, original)

    # -- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        """Ctrl+S: validate beside each field, then save off the event loop."""
        self._after_typed_keys(self._submit, None)

    def _after_typed_keys(self, callback, *args) -> None:
        """Run `callback` once the keys typed before Ctrl+S/D have been handled.

        Ctrl+S is a priority key, acted on when it arrives; keys typed just before it may still
        wait in the key queue. Queuing the save behind them saves what was typed.
        """
        self.key_queue.put_action(callback, *args)

    # -- keys in the order typed (see `KeyQueue`) ----------------------------------------------

    def _forward_event(self, event: events.Event) -> None:
        """A key for the screen itself (no field focused) takes its turn in the key queue."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.key_queue.put_key(event)
            return
        super()._forward_event(event)

    def _keys_wait(self) -> bool:
        """True while the next key must wait: an Enter waits for the suggestions it picks from,
        or a Tab for who holds the whole phone number typed."""
        if not self.is_mounted:
            return False
        if self._tab_waiting is not None:
            return True
        return any(box.enter_pending for box in self.query(TypeAhead))

    async def _route_key(self, event: events.Key) -> Widget | None:
        """Where the next key goes: the focused field, with the form's own rules:

        - after Ctrl+G, a key 1–4 sets the urgency (any other key is handled as usual);
        - Enter in a still empty description is an Enter too many: dropped;
        - Enter on the urgency goes to the description (the service is pre-set);
        - a printable key typed on a choice field (urgency, channel, kind) goes to the end of
          the description, with a notice: a description typed one Enter short is not lost.
        """
        app = self.app
        if app.screen is not self and self in app.screen_stack:
            # A dialog opened by a key typed before this one: the key answers it.
            return app.screen.focused or app.screen
        if self._urgency_armed:
            self._urgency_armed = False
            self._set_message("urgency", "")
            if event.character in ("1", "2", "3", "4"):
                self.set_urgency(int(event.character))
                return None
            if event.key == "escape":
                return None
        focused = self.focused
        if focused is None:
            return self
        if (
            event.key == "enter"
            and isinstance(focused, LimitedTextArea)
            and not focused.text.strip()
        ):
            return None  # an Enter too many before the description: no blank first lines
        if event.key == "enter" and focused.id == "urgency":
            # Urgency and service are pre-set: Enter on the urgency goes to the description.
            self._focus_now(self.query_one("#description", LimitedTextArea))
            return None
        if event.is_printable and focused.id in CHOICE_FIELDS:
            description = self.query_one("#description", LimitedTextArea)
            description.move_cursor(description.document.end)
            self._focus_now(description)
            self._set_message(
                "description",
                TEXTS["typed_on_choice"].format(field=TEXTS[CHOICE_FIELDS[focused.id]]),
                "-warning",
            )
            return description
        return focused

    def action_urgency_key(self) -> None:
        """Ctrl+G: the next key 1–4 sets the urgency, from any field."""
        self.key_queue.put_action(self._arm_urgency)

    def set_urgency(self, level: int) -> None:
        """Set the urgency (Ctrl+G then 1–4, or the palette)."""
        self.query_one("#urgency", UrgencyPicker).value = level

    def action_choose_service(self) -> None:
        """The palette's "Service de la demande…": pick the service in a list."""
        from allo_tui.widgets.service_picker import ServicePicker

        def chosen(service_id: int | None) -> None:
            service = self._services.get(service_id) if service_id is not None else None
            if service is not None:
                self._typeahead("service").set_text(
                    printable(service.name, one_line=True), service.id
                )
                self._set_message("service", "")
                self._touch()

        current = self._typeahead("service").value
        self.app.push_screen(
            ServicePicker(
                list(self._services.values()),
                title=TEXTS["service_title"],
                current=current if isinstance(current, int) else None,
            ),
            chosen,
        )

    def _arm_urgency(self) -> None:
        self._urgency_armed = True
        self._set_message("urgency", TEXTS["urgency_armed"], "-ok")

    def _submit(self, original: RequestRecord | None) -> None:
        if self._saving or self._confirmed:
            return
        if not self._catalogue_ready:
            # Still loading (a draft being restored waits for the catalogue): save right after.
            self._submit_when_ready = (original,)
            return
        category_box = self._typeahead("category")
        if category_box.value is None and category_box.is_open:
            category_box.pick_highlighted(by_enter=False)
        service_box = self._typeahead("service")
        if service_box.value is None and service_box.is_open:
            service_box.pick_highlighted(by_enter=False)
        for box in (self._typeahead(f) for f in ("phone", "name", "street")):
            box.close()
        errors: list[tuple[str, str]] = []
        holders = self._phone_holders()
        if (
            len(holders) > 1
            and self._caller_id is None
            and not self._force_new
            and not self._anonymous
        ):
            errors.append(("caller", TEXTS["error_caller_shared"].format(count=len(holders))))
        category = category_box.value if isinstance(category_box.value, int) else None
        if category is None:
            errors.append(("category", TEXTS["error_category"]))
        service_id = service_box.value if isinstance(service_box.value, int) else None
        if service_id is None and service_box.text.strip():
            errors.append(("service", TEXTS["error_service"]))
        description = self.query_one("#description", LimitedTextArea).text
        if original is not None and not description.strip():
            description = TEXTS["duplicate_description"].format(reference=original.reference)
        if not description.strip():
            errors.append(("description", TEXTS["error_description_empty"]))
        elif len(description) > DESCRIPTION_LIMIT:
            errors.append(
                (
                    "description",
                    TEXTS["error_description_long"].format(
                        limit=_thousands(DESCRIPTION_LIMIT), count=_thousands(len(description))
                    ),
                )
            )
        for field in ("category", "service", "description"):
            if self.query_one(f"#message-{field}").has_class("-error"):
                self._set_message(field, "")
        if errors:
            for field, message in errors:
                self._set_message(field, message)
            self._focus_field(errors[0][0])
            return
        assert category is not None
        phone = self._typeahead("phone").text.strip()
        name = self._typeahead("name").text.strip()
        new_caller = None
        if self._caller_id is None and not self._anonymous and (phone or name):
            surname, given_name = split_name(name)
            new_caller = NewCaller(
                surname=surname, given_name=given_name, phones=(phone,) if phone else ()
            )
        new = NewRequest(
            category_id=category,
            description=description,
            caller_id=self._caller_id,
            new_caller=new_caller,
            caller_match=CallerMatch.FORCE_NEW if self._force_new else CallerMatch.NUMBER,
            urgency=self.query_one("#urgency", UrgencyPicker).value,
            service_id=service_id,
            channel=Channel(self.query_one("#channel", Select).value),
            kind=Kind(self.query_one("#kind", Select).value),
            street_number=self.query_one("#street_number", SafeInput).value,
            street=self._typeahead("street").text,
            landmark=self.query_one("#landmark", SafeInput).value,
            duplicate_of_id=original.id if original else None,
        )
        self._drafts.cancel_pending()
        self._drafts.paused = True
        self._saving = True
        self.refresh_bindings()
        self.save(new, self.app.current_call(phone), original)

    def _focus_field(self, field: str) -> None:
        if field in ("category", "service", "street"):
            self._focus_now(self._typeahead(field))
        elif field == "caller" and len(self._phone_holders()) > 1:
            self._focus_now(self._typeahead("name"))
            self._offer_holders()
        elif field == "caller":
            self._focus_now(self._typeahead("phone"))
        elif field in ("description", "landmark", "street_number"):
            self._focus_now(self.query_one(f"#{field}"))

    @work(thread=True, exit_on_error=False, group="save")
    def save(self, new: NewRequest, call, original: RequestRecord | None) -> None:
        """One transaction: request, first Event, Call, new caller, draft deleted."""
        store = self.app.store
        try:
            with self._drafts.finishing():
                record = store.create_request(
                    self.app.operator, new, call, draft_console=self.app.console_name
                )
            if original is not None:
                original = store.get_request(original.id)
        except ValidationError as error:
            self.app.call_from_thread(self._field_error, error.field, error.message)
        except AlloError as error:
            self.app.call_from_thread(self._failed, str(error))
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._failed, repr(error))
        else:
            self.app.call_from_thread(self._saved, record, original)

    def _field_error(self, field: str, message: str) -> None:
        self._saving = False
        self._drafts.paused = False
        self.refresh_bindings()
        target = field if field in ("category", "service", "description") else "description"
        if field == "caller":
            target = "caller"
        self._set_message(target, message)
        self._focus_field(target)

    def _failed(self, message: str) -> None:
        self._saving = False
        self._drafts.paused = False
        self.refresh_bindings()
        self.app.log.error(message)
        self.notify(TEXTS["error"].format(error=message), severity="error", markup=False)

    def _saved(self, record: RequestRecord, original: RequestRecord | None) -> None:
        self._saving = False
        self._confirmed = True
        self._drafts.forget()
        self.app.end_call()
        self._show_confirmation(True)
        self.query_one(RequestConfirmation).show(record, original)
        self.refresh_bindings()
        self.set_focus(None)

    def _show_confirmation(self, shown: bool) -> None:
        """Swap the form and the confirmation (display of two containers, no screen restyle)."""
        self.query_one("#body").display = not shown
        self.query_one("#confirmation").display = shown

    @property
    def confirmed(self) -> bool:
        """True while the confirmation of a saved request is shown."""
        return self._confirmed

    # -- leaving ----------------------------------------------------------------------------

    def has_input(self) -> bool:
        """True when the form holds something typed (worth a draft and a question)."""
        if self._confirmed:
            return False
        if self._caller_id is not None:
            return True
        texts = [self._typeahead(f).text for f in ("phone", "name", "category", "street")]
        texts += [
            self.query_one("#street_number", SafeInput).value,
            self.query_one("#landmark", SafeInput).value,
            self.query_one("#description", LimitedTextArea).text,
        ]
        return any(t.strip() for t in texts)

    def action_next_call(self) -> None:
        """Esc on the confirmation: an empty form, and the lookup for the next caller."""
        self._reset_form()
        self.app.switch_mode("lookup")

    def action_cancel(self) -> None:
        """Esc: ask before dropping typed text, then back to the lookup."""
        if not self.has_input():
            self.app.switch_mode("lookup")
            return
        from allo_tui.screens.confirm import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.discard()
                self.app.switch_mode("lookup")

        self.app.push_screen(
            ConfirmDialog(TEXTS["confirm_discard"], TEXTS["confirm_discard_detail"]), answered
        )

    def discard(self) -> None:
        """Drop what was typed and its draft."""
        self._reset_form()
        self._drafts.discard()

    def confirm_quit(self) -> None:
        """Ctrl+Q with typed text: ask, then keep the draft (written now) and quit."""
        from allo_tui.screens.confirm import ConfirmDialog

        def answered(leave: bool | None) -> None:
            if leave:
                self.flush_draft_and_exit(self.draft_fields())

        self.app.push_screen(
            ConfirmDialog(
                TEXTS["confirm_quit"],
                TEXTS["confirm_quit_detail"],
                yes=TEXTS["quit_yes"],
                no=TEXTS["quit_no"],
                default=True,
            ),
            answered,
        )

    @work(thread=True, exit_on_error=False, group="drafts")
    def flush_draft_and_exit(self, fields: dict) -> None:
        """Write the draft now, then quit (Ctrl+Q keeps the call for the next start)."""
        try:
            self._drafts.write_now(fields)
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._drafts.failed, error)
            return
        self.app.call_from_thread(self.app.exit)

    def call_context(self) -> tuple[str, int | None, bool]:
        """For F10: the phone typed, the caller chosen, and whether typed text would be lost."""
        phone = "" if self._confirmed else self._typeahead("phone").text.strip()
        caller_id = None if self._confirmed else self._caller_id
        return phone, caller_id, self.has_input()

    def call_ended(self) -> None:
        """F10 logged the call: the form is done with it."""
        self.discard()
        self.app.switch_mode("lookup")

    def _reset_form(self) -> None:
        self._caller = None
        self._caller_id = None
        self._anonymous = False
        self._force_new = False
        self._by_number = False
        self._holders = None
        if self._tab_waiting is not None:
            self._tab_waiting.stop()
            self._tab_waiting = None
        self._confirmed = False
        self._saving = False
        self._drafts.forget()
        self._drafts.paused = False
        for field in ("phone", "name", "category", "street", "service"):
            self._typeahead(field).set_text("")
        for widget_id in ("street_number", "landmark"):
            self.query_one(f"#{widget_id}", SafeInput).value = ""
        self.query_one("#description", LimitedTextArea).load_text("")
        self.query_one("#urgency", UrgencyPicker).value = 3
        self.query_one("#channel", Select).value = Channel.PHONE.value
        self.query_one("#kind", Select).value = Kind.INTERVENTION.value
        self._street_paste_note = None
        self._urgency_armed = False
        for field in (
            "caller",
            "category",
            "street",
            "landmark",
            "urgency",
            "service",
            "description",
        ):
            self._set_message(field, "")
        self._update_counter(0)
        self._update_caller_status()
        self._show_duplicates(None, [])
        self._show_confirmation(False)
        self.refresh_bindings()
        self._focus_now(self._typeahead("phone"))

    # -- drafts ---------------------------------------------------------------------------

    def draft_fields(self) -> dict[str, Any]:
        """The form as typed, JSON-safe (the draft's content)."""
        started = self.app.call_started_at
        return {
            "version": 1,
            "phone": self._typeahead("phone").text,
            "name": self._typeahead("name").text,
            "caller_id": self._caller_id,
            "anonymous": self._anonymous,
            "force_new": self._force_new,
            "category_id": self._typeahead("category").value,
            "category_text": self._typeahead("category").text,
            "street_number": self.query_one("#street_number", SafeInput).value,
            "street": self._typeahead("street").text,
            "landmark": self.query_one("#landmark", SafeInput).value,
            "urgency": self.query_one("#urgency", UrgencyPicker).value,
            "service_id": self._typeahead("service").value,
            "service_text": self._typeahead("service").text,
            "description": self.query_one("#description", LimitedTextArea).text,
            "channel": self.query_one("#channel", Select).value,
            "kind": self.query_one("#kind", Select).value,
            "call_started_at": started.isoformat() if started else None,
        }

    def _touch(self) -> None:
        """Something changed: the draft follows (see `DraftKeeper`)."""
        if not self._confirmed and not self._saving and self.is_mounted:
            self._drafts.touch()

    def take_pending_draft(self) -> None:
        """Apply a draft the app was asked to restore (see `AlloApp.restore_draft`)."""
        fields = getattr(self.app, "pending_draft", None)
        if fields is not None:
            self.app.pending_draft = None
            self.apply_draft(fields)

    def apply_draft(self, fields: dict) -> None:
        """Put every field back as it was when the draft was written."""
        if not self._catalogue_ready:
            self._pending_draft = fields
            return
        self._reset_form()
        started = fields.get("call_started_at")
        if isinstance(started, str):
            try:
                self.app.call_started_at = datetime.fromisoformat(started)
            except ValueError:
                self.app.begin_call()
        self._typeahead("phone").set_text(str(fields.get("phone") or ""))
        self._typeahead("name").set_text(str(fields.get("name") or ""))
        self._anonymous = bool(fields.get("anonymous"))
        self._force_new = bool(fields.get("force_new"))
        self._check_number(self._typeahead("phone").text)
        category_id = fields.get("category_id")
        self._typeahead("category").set_text(
            str(fields.get("category_text") or ""),
            category_id if category_id in self._categories else None,
        )
        self.query_one("#street_number", SafeInput).value = str(fields.get("street_number") or "")
        self._typeahead("street").set_text(str(fields.get("street") or ""))
        self.query_one("#landmark", SafeInput).value = str(fields.get("landmark") or "")
        urgency = fields.get("urgency")
        self.query_one("#urgency", UrgencyPicker).value = urgency if urgency in (1, 2, 3, 4) else 3
        service_id = fields.get("service_id")
        self._typeahead("service").set_text(
            str(fields.get("service_text") or ""),
            service_id if service_id in self._services else None,
        )
        description = str(fields.get("description") or "")
        self.query_one("#description", LimitedTextArea).load_text(description)
        self._update_counter(len(description))
        for widget_id, enum in (("channel", Channel), ("kind", Kind)):
            value = fields.get(widget_id)
            if value in {member.value for member in enum}:
                self.query_one(f"#{widget_id}", Select).value = value
        self._update_caller_status()
        self._update_street_status()
        self._schedule_duplicates()
        caller_id = fields.get("caller_id")
        if isinstance(caller_id, int):
            self._caller_id = caller_id  # linked at once; the record only feeds the status line
            self.reload_caller(caller_id)
        self._drafts.restored()
        self._touch()
        self.notify(TEXTS["restored"], markup=False)
        self._focus_first_empty()

    @work(thread=True, exit_on_error=False, group="caller-reload")
    def reload_caller(self, caller_id: int) -> None:
        try:
            caller = self.app.store.get_caller(caller_id)
        except Exception as error:  # noqa: BLE001 - the typed name and phone stay
            self.app.log.warning(f"restored draft: caller {caller_id} not found: {error!r}")
            self.app.call_from_thread(self._caller_reloaded, caller_id, None)
            return
        self.app.call_from_thread(self._caller_reloaded, caller_id, caller)

    def _caller_reloaded(self, caller_id: int, caller: CallerRecord | None) -> None:
        if self._caller_id != caller_id:
            return  # changed since
        self._caller = caller
        self._caller_id = caller.id if caller else None  # gone: a new caller from the text
        self._update_caller_status()


def _suggestion(label: str, value: Any) -> Suggestion:
    """A list line for a label from the database, shown (and put in the box) literally."""
    shown = printable(label, one_line=True)
    return Suggestion(Text(shown), shown, value)


def _thousands(number: int) -> str:
    """4000 -> "4 000" (French digit grouping with a narrow no-break space)."""
    return f"{number:,}".replace(",", "\u202f")
