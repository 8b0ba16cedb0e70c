"""Who is calling: the phone and name boxes of the new-request form, and their status line.

The caller is picked in the suggestions (searched as you type, in a thread worker), found by a
whole number (Tab: one holder is attached, several must be chosen from), typed as a new caller
(Ctrl+N, even on a known number) or left anonymous (F6). The picker keeps that state and tells
its screen with messages: `Chosen` (a known caller is linked), `Cleared` (none is any more),
`LoadFailed` (the database did not answer). The screen keeps the keys (its bindings and key
queue) and calls `tab_from_phone`, `mark_new` and `mark_anonymous` in the order typed. The rules
that need no screen are in `allo_tui.domain.caller_choice`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label, Static

from allo_tui.console import console_of
from allo_tui.domain import limits
from allo_tui.domain.caller_choice import (
    CallerChoice,
    NumberHolders,
    TabAfterNumber,
    holders_known,
    holders_of,
    phone_shown,
    searches_callers,
    suggestion_highlight,
    tab_after_number,
)
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import CallerRecord, CallerSearchResult
from allo_tui.literal import printable
from allo_tui.widgets.caller_picker_render import caller_suggestions, status_text
from allo_tui.widgets.caller_picker_texts import TEXTS
from allo_tui.widgets.typeahead import TypeAhead

SUGGESTION_LIMIT = 8
"""Lines in a suggestion list."""
NUMBER_WAIT = 10.0
"""Seconds a Tab typed after a whole phone number waits for who holds that number (the keys
typed after it wait as long: on a loaded machine the answer may take more than a second)."""


class CallerPicker(Widget):
    """The phone and name boxes (ids `phone`, `name`) and the status line (`caller-status`)."""

    DEFAULT_CSS = """
    CallerPicker { height: auto; }
    """

    @dataclass
    class Chosen(Message):
        """A known caller is linked to the call (picked, found by number, or from F2)."""

        picker: CallerPicker
        caller: CallerRecord

    @dataclass
    class Cleared(Message):
        """No known caller is linked any more (typed on, Ctrl+N or F6)."""

        picker: CallerPicker

    @dataclass
    class LoadFailed(Message):
        """A search of the callers failed (the picker goes on without its answer)."""

        picker: CallerPicker
        error: Exception

    def __init__(self, *, next_field: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.next_field = next_field
        """Selector of the field the focus goes to once the caller is known."""
        self._choice = CallerChoice()
        self._holders: NumberHolders | None = None
        """Who holds the whole number in the phone box, once checked."""
        self._tab_waiting: Timer | None = None
        """A Tab typed after a whole number waits for who holds it (keys after it wait too)."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field", id="caller-row"):
            for field, label, limit in (
                ("phone", "label", limits.PHONE),
                ("name", "sublabel", limits.NAME),
            ):
                yield Label(TEXTS[field], classes=label)
                yield TypeAhead(
                    TEXTS[f"{field}_placeholder"],
                    id=field,
                    jump_to=self.next_field,
                    max_length=limit,
                )
        yield Static(TEXTS["caller_hint"], id="caller-status", classes="status")

    # -- what the screen reads ----------------------------------------------------------------

    @property
    def choice(self) -> CallerChoice:
        """Who the call is linked to."""
        return self._choice

    @property
    def phone_text(self) -> str:
        return self._box("phone").text

    @property
    def name_text(self) -> str:
        return self._box("name").text

    @property
    def waiting_for_number(self) -> bool:
        """True while a Tab waits for who holds the number typed (the next keys wait too)."""
        return self._tab_waiting is not None

    @property
    def awaits_caller(self) -> bool:
        """True when nothing says who calls yet (no caller, not anonymous, no phone)."""
        return self._choice.caller_id is None and not self._choice.anonymous and not self.phone_text

    def problem(self) -> str | None:
        """Why the caller cannot be saved as is (a shared line not chosen from), or None."""
        holders = self._phone_holders()
        if self._choice.undecided(len(holders)):
            return TEXTS["error_caller_shared"].format(count=len(holders))
        return None

    # -- what the screen asks ---------------------------------------------------------------

    def choose(
        self, caller: CallerRecord, phone: str = "", *, focus: bool = True, by_number: bool = False
    ) -> None:
        """Link the call to `caller` (chosen on F2 or in the suggestions, or holding the number
        typed: `by_number`); fills phone and name."""
        self._choice = CallerChoice.of(caller, by_number=by_number)
        shown = phone or (caller.phones[0].display if caller.phones else "")
        # From the database: shown with any control character made visible.
        self._box("phone").set_text(printable(shown, one_line=True))
        self._box("name").set_text(printable(caller.display_name, one_line=True), caller.id)
        if focus:
            self._focus_next_field()
        self._update_status()
        self.post_message(self.Chosen(self, caller))

    def mark_new(self) -> None:
        """Ctrl+N: the caller is not in the base; what is typed makes a new caller (even on a
        known number: the status line says who holds it)."""
        self._choice = CallerChoice(force_new=True)
        for field in ("phone", "name"):
            self._box(field).close()
        self._update_status()
        if not self.name_text.strip():
            self._focus(self._box("name"))
        else:
            self._focus_next_field()
        self.post_message(self.Cleared(self))

    def mark_anonymous(self) -> None:
        """F6: an anonymous call (no caller; the phone stays in the call log)."""
        self._choice = CallerChoice(anonymous=True)
        self._box("name").set_text("")
        self._box("phone").close()
        self._update_status()
        self._focus_next_field()
        self.post_message(self.Cleared(self))

    def tab_from_phone(self) -> bool:
        """Tab typed in the phone box with no caller linked: handled here (True), else False.

        One known holder of the number is attached (and said), the focus goes on; several: the
        name box lists them to choose from; none: the name box. Acted on once who holds the
        number is known (the keys typed after the Tab wait for it, see `waiting_for_number`).
        """
        if (
            self.screen.focused is not self._box("phone").input
            or self._choice.caller_id is not None
        ):
            return False
        self._phone_tab()
        return True

    def restore(
        self, phone: str, name: str, caller_id: int | None, *, anonymous: bool, force_new: bool
    ) -> None:
        """Put back what a draft held (a linked caller's record is read again in a worker)."""
        self._box("phone").set_text(phone)
        self._box("name").set_text(name)
        self._choice = CallerChoice(anonymous=anonymous, force_new=force_new)
        self._check_number(phone)
        self._update_status()
        if caller_id is not None:
            # Linked at once; the record only feeds the status line.
            self._choice = replace(self._choice, caller_id=caller_id)
            self.reload_caller(caller_id)

    def reset(self) -> None:
        """Empty, for the next call."""
        self._choice = CallerChoice()
        self._holders = None
        if self._tab_waiting is not None:
            self._tab_waiting.stop()
            self._tab_waiting = None
        for field in ("phone", "name"):
            self._box(field).set_text("")
        self._update_status()

    def close_lists(self) -> None:
        for field in ("phone", "name"):
            self._box(field).close()

    def focus_phone(self) -> None:
        self._focus(self._box("phone"))

    def focus_problem(self) -> None:
        """Focus where the caller is chosen: the name box listing a shared line's holders."""
        if len(self._phone_holders()) > 1:
            self._focus(self._box("name"))
            self._offer_holders()
        else:
            self.focus_phone()

    # -- inside -----------------------------------------------------------------------------

    def _box(self, field: str) -> TypeAhead:
        return self.query_one(f"#{field}", TypeAhead)

    def _focus(self, box: TypeAhead) -> None:
        """Move the focus at once. (`Widget.focus` queues the move in the app, behind keys
        already typed, which would then reach the field being left.)"""
        self.screen.set_focus(box.input)

    def _focus_next_field(self) -> None:
        self.screen.set_focus(self.screen.query_one(self.next_field))

    def _update_status(self) -> None:
        status = self.query_one("#caller-status", Static)
        holders = self._phone_holders()
        typed = bool(self.phone_text.strip() or self.name_text.strip())
        case = self._choice.status(len(holders), typed)
        status.update(status_text(case, self._choice.caller, holders, self.name_text))
        status.set_class(case.linked, "-chosen")

    @on(TypeAhead.Changed)
    def _typed(self, event: TypeAhead.Changed) -> None:
        """Typed in the phone or name box: what is on screen is what will be saved."""
        event.stop()
        field = event.typeahead.id or ""
        text = event.text
        was_linked = self._choice.caller_id is not None
        self._choice = self._choice.typed_on(field, text)
        if field == "phone":
            self._check_number(text)
        self._update_status()
        if was_linked:
            self.post_message(self.Cleared(self))
        if searches_callers(field, text):
            self.search_callers(field, text)
        elif field == "name" and len(self._phone_holders()) > 1 and not self._choice.force_new:
            self._offer_holders()  # ↓ in the empty name box: the callers of a shared line
        else:
            event.typeahead.show_suggestions(text, [])

    @on(TypeAhead.Picked)
    def _picked(self, event: TypeAhead.Picked) -> None:
        event.stop()
        caller = event.suggestion.value
        if not isinstance(caller, CallerRecord):
            return
        field = event.typeahead.id or ""
        phone = phone_shown(caller, self.phone_text) if field == "phone" else ""
        self.choose(caller, phone, focus=not event.by_enter)

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller-search")
    def search_callers(self, field: str, query: str) -> None:
        try:
            result = console_of(self.app).store.search_callers(query, limit=SUGGESTION_LIMIT)
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self.post_message, self.LoadFailed(self, error))
            result = CallerSearchResult(query=query, rows=(), total=0, capped=False)
        self.app.call_from_thread(self._show_callers, field, query, result)

    def _show_callers(self, field: str, query: str, result: CallerSearchResult) -> None:
        rows = list(result.rows)
        highlight = suggestion_highlight(field, query, rows, bool(self.phone_text.strip()))
        self._box(field).show_suggestions(query, caller_suggestions(rows), highlight)

    def _phone_holders(self) -> tuple[CallerRecord, ...]:
        """The known callers holding the whole number now in the phone box (checked)."""
        return holders_of(self._holders, self.phone_text)

    def _check_number(self, text: str) -> None:
        """A whole valid number typed: ask who holds it (the answer may attach the caller)."""
        if not holders_known(self._holders, self.phone_text):
            self._holders = None
        if parse_phone(text).valid:
            self.find_holders(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="number-holders")
    def find_holders(self, text: str) -> None:
        try:
            holders = tuple(console_of(self.app).store.callers_holding(text))
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self.post_message, self.LoadFailed(self, error))
            holders = ()
        self.app.call_from_thread(self._holders_found, text, holders)

    def _holders_found(self, text: str, holders: tuple[CallerRecord, ...]) -> None:
        number = parse_phone(text).e164
        if number is None or number != parse_phone(self.phone_text).e164:
            return  # typed on since
        self._holders = NumberHolders(number, holders)
        if self._tab_waiting is not None:
            self._phone_tab()
        else:
            self._update_status()

    def _phone_tab(self) -> None:
        text = self.phone_text
        if not holders_known(self._holders, text):
            if self._tab_waiting is None:
                self._check_number(text)
                self._tab_waiting = self.set_timer(NUMBER_WAIT, self._tab_waited)
            return  # acted on when the answer arrives (keys typed after the Tab wait for it)
        if self._tab_waiting is not None:
            self._tab_waiting.stop()
            self._tab_waiting = None
        holders = self._phone_holders()
        self._box("phone").close()
        choice = self._choice
        step = tab_after_number(
            len(holders), force_new=choice.force_new, linked=choice.caller_id is not None
        )
        if step is TabAfterNumber.ATTACH:
            self.choose(holders[0], parse_phone(text).display, by_number=True)
            return
        self._focus(self._box("name"))
        if step is TabAfterNumber.OFFER:
            self._offer_holders()
        self._update_status()

    def _offer_holders(self) -> None:
        """A shared line: the name box (focused) lists the callers holding the number."""
        name_box = self._box("name")
        suggestions = caller_suggestions(self._phone_holders())
        # Once the box has its focus (the list shows only in the focused box).
        name_box.input.call_later(name_box.show_suggestions, name_box.text, suggestions)

    def _tab_waited(self) -> None:
        """No answer in time: the Tab moves on as if the number were new."""
        self._tab_waiting = None
        number = parse_phone(self.phone_text).e164
        self._holders = NumberHolders(number, ()) if number is not None else None
        self._phone_tab()

    @work(thread=True, exit_on_error=False, group="caller-reload")
    def reload_caller(self, caller_id: int) -> None:
        try:
            caller = console_of(self.app).store.get_caller(caller_id)
        except Exception as error:  # noqa: BLE001 - the typed name and phone stay
            self.app.log.warning(f"restored draft: caller {caller_id} not found: {error!r}")
            self.app.call_from_thread(self._caller_reloaded, caller_id, None)
            return
        self.app.call_from_thread(self._caller_reloaded, caller_id, caller)

    def _caller_reloaded(self, caller_id: int, caller: CallerRecord | None) -> None:
        if self._choice.caller_id != caller_id:
            return  # changed since
        self._choice = self._choice.reloaded(caller)
        self._update_status()
