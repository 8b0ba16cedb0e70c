"""The new-request form's caller: picked in the suggestions, found by a whole number, new or
anonymous."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.widgets import Static

from allo_tui.console import console_of
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import (
    CallerRecord,
    CallerSearchResult,
)
from allo_tui.literal import printable
from allo_tui.screens.new_request_texts import (
    TEXTS,
)
from allo_tui.widgets.typeahead import Suggestion

SUGGESTION_LIMIT = 8
NUMBER_WAIT = 10.0
"""Seconds a Tab typed after a whole phone number waits for who holds that number (the keys
typed after it wait as long: on a loaded machine the answer may take more than a second)."""


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
        text.append(TEXTS["prompt_open"].format(count=caller.open_requests), "italic")
    return text


class CallerPart:
    """The caller part of `NewRequestScreen`: F2's choice, the name and phone suggestions, who
    holds a whole number (Tab), Ctrl+N (a new caller) and F6 (anonymous)."""

    def take_pending_caller(self) -> None:
        """Apply the caller chosen on F2 (the app keeps it until this screen is shown)."""
        if self._confirmed:
            self._reset_form()  # F3 after a save: the next call
        caller = console_of(self.app).call.take_caller()
        if caller is not None:
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
