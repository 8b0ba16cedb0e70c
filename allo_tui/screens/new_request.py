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

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Select, Static

from allo_tui.domain import limits
from allo_tui.domain.labels import CHANNEL_LABELS, KIND_LABELS, capitalised
from allo_tui.domain.records import (
    CallerRecord,
    CategoryRecord,
    Channel,
    Kind,
    RequestRecord,
    ServiceRecord,
)
from allo_tui.domain.request_form import (  # noqa: F401 (re-exported)
    category_matches,
    service_matches,
    split_leading_number,
    target_phrase,
)
from allo_tui.domain.streets import Street
from allo_tui.screens.draft_keeper import DraftKeeper
from allo_tui.screens.new_request_commands import NewRequestCommands
from allo_tui.screens.new_request_draft import DraftPart
from allo_tui.screens.new_request_fields import (  # noqa: F401 (re-exported)
    COUNTER_FROM,
    DESCRIPTION_LIMIT,
    FieldsPart,
)
from allo_tui.screens.new_request_keys import KeysPart
from allo_tui.screens.new_request_save import SavePart
from allo_tui.screens.new_request_texts import (  # noqa: F401 (re-exported)
    CHOICE_FIELDS,
    ONE_LINE_FIELDS,
    TEXTS,
)
from allo_tui.widgets.caller_picker import CallerPicker
from allo_tui.widgets.duplicates_panel import DuplicatesPanel
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.key_queue import KeyQueue, QueuedSelect
from allo_tui.widgets.request_confirmation import RequestConfirmation
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput, TextCleaned
from allo_tui.widgets.typeahead import TypeAhead
from allo_tui.widgets.urgency import UrgencyPicker

DUPLICATE_DELAY = 0.3
"""Seconds of quiet typing in the street box before looking for duplicates."""
MOUNT_WAIT = 10.0
"""Seconds F3 waits at most for the form to be built before keys go on (see ready_for_typing)."""


class NewRequestScreen(DraftPart, FieldsPart, KeysPart, SavePart, Screen[None]):
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
        self._categories: dict[int, CategoryRecord] = {}
        self._services: dict[int, ServiceRecord] = {}
        self._catalogue_ready = False
        self._streets_ready = False
        self._streets: tuple[Street, ...] = ()
        self._street_keys: set[str] = set()
        self._duplicate_timer: Timer | None = None
        self._saving = False
        self._confirmed = False
        self._save_key: str | None = None
        """The key of this call's save, kept across retries: a save whose COMMIT answer was lost
        and is tried again returns the request it created instead of creating a second one."""
        self._retry_timer: Timer | None = None
        self._pending_draft: dict | None = None
        self._submit_when_ready: tuple[RequestRecord | None] | None = None
        self._street_paste_note: tuple[str, Input, str] | None = None
        """A paste into the N° or street box was changed: (message, box, its value then)."""
        self._drafts = DraftKeeper(self, self.request_draft, self.has_input)
        self._mounted = asyncio.Event()
        self.key_queue = KeyQueue(self, route=self._route_key, pending=self._keys_wait)
        """Every key and priority action of the form, handled in the order typed."""
        self._urgency_armed = False
        """Ctrl+G was typed: the next key 1–4 sets the urgency."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with VerticalScroll(id="form", can_focus=False):
                yield CallerPicker(next_field="#category-input", id="caller-picker")
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
                yield Static("", id="procedure", classes="procedure", markup=False)
                with Horizontal(classes="field"):
                    yield Label(TEXTS["place"], classes="label")
                    yield Label(TEXTS["street_number"], classes="sublabel first")
                    number_box = SafeInput(
                        compact=True,
                        id="street_number",
                        max_length=limits.STREET_NUMBER,
                        enter_moves_on=True,
                    )
                    number_box.streams_keys = False  # "12 rue…": see _street_typed_in_number
                    yield number_box
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
                yield LimitedTextArea(limit=limits.DESCRIPTION, id="description", compact=True)
                yield Static("", id="message-description", classes="message")
                with Horizontal(classes="field", id="extra-row"):
                    yield Label(TEXTS["channel"], classes="label")
                    yield QueuedSelect(
                        [(capitalised(label), c.value) for c, label in CHANNEL_LABELS.items()],
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

    @property
    def caller_picker(self) -> CallerPicker:
        return self.query_one(CallerPicker)

    @property
    def _caller(self) -> CallerRecord | None:
        """The known caller shown on the status line (the picker's; tests read it)."""
        return self.caller_picker.choice.caller

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
        # Each call reads the catalogue again: a category or service an administrator added or
        # retired on any PC is offered (or not) from the next call on, without a restart.
        self.load_catalogue()
        if self._confirmed:
            self._reset_form()
        self.take_pending_caller()
        self.take_pending_draft()
        self.call_after_refresh(self._focus_if_lost)

    def _focus_if_lost(self) -> None:
        focused = self.focused
        if focused is None or not focused.display:
            self._focus_first_empty()

    # -- type-ahead answers ---------------------------------------------------------------

    @on(TypeAhead.Changed)
    def _typeahead_changed(self, event: TypeAhead.Changed) -> None:
        self._answer_typed(event)

    @on(TypeAhead.Picked)
    def _typeahead_picked(self, event: TypeAhead.Picked) -> None:
        field = event.typeahead.id or ""
        value = event.suggestion.value
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

    # -- the caller ------------------------------------------------------------------------

    @on(CallerPicker.Chosen)
    @on(CallerPicker.Cleared)
    def _caller_changed(self) -> None:
        self._touch()

    @on(CallerPicker.LoadFailed)
    def _caller_search_failed(self, event: CallerPicker.LoadFailed) -> None:
        self._load_failed(event.error)

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
            0 < length <= limits.DESCRIPTION
        ):
            self._set_message("description", "")
        self._touch()

    @on(TextCleaned)
    def _text_cleaned(self, event: TextCleaned) -> None:
        self._say_cleaned(event)

    @on(UrgencyPicker.Changed)
    def _urgency_changed(self) -> None:
        self._touch()

    @on(Select.Changed)
    def _select_changed(self) -> None:
        self._touch()

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

    # -- keys in the order typed (see `KeyQueue`) ----------------------------------------------
