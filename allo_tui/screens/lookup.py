"""F2 — caller lookup: one search box, results as you type.

Each keystroke starts a search in a thread worker and cancels the previous one, down inside
SQLite (`SearchToken`); a result is shown only if it answers the latest keystroke, so a slow
old query can never overwrite a newer answer. Up/Down/Enter work from the box.
"""

from __future__ import annotations

import re

import msgspec
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from allo_tui.console import console_of
from allo_tui.domain.phone import is_phone_like, parse_phone, phone_query_digits
from allo_tui.domain.records import (
    CallerRecord,
    CallerSearchResult,
    NewCaller,
    RequestRecord,
)
from allo_tui.domain.search import SearchCancelled, SearchToken, search_tokens
from allo_tui.domain.text import split_name
from allo_tui.literal import fill
from allo_tui.screens.lookup_cells import (
    caller_cells,
    phone_digits,
    request_cells,
    two_lines,
)
from allo_tui.screens.lookup_texts import COLUMNS, TEXTS
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.key_queue import after_queued
from allo_tui.widgets.result_list import ResultList, ResultRow
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.waiting import wait_until

MIN_ROWS = 10
"""Rows asked for before the list has its size."""
F3_WAIT = 2.0
"""Seconds F3 typed right after the query waits at most for that query's answer."""
PHONE_CHARACTERS = re.compile(r"[\d\s.\-/()+]+")
# "2026-00042" is phone-like (and even a valid number): it is a reference, not the call's phone.
REFERENCE_LIKE = re.compile(r"\d{4}\s*[-/]\s*\d{1,9}")


class QueryBox(SafeInput):
    """The search box. Its virtual width is at least its own width, so it stays the same
    while the query is shorter than the box: Textual then repaints the box alone on a
    keystroke instead of laying out and repainting the whole screen."""

    @property
    def content_width(self) -> int:
        return max(super().content_width, self.content_region.width)


class LookupAnswer(msgspec.Struct, frozen=True):
    """What one search found: the request a typed reference names, and the callers."""

    query: str
    request: RequestRecord | None
    callers: CallerSearchResult


class LookupScreen(Screen[None]):
    """Find the caller while they are still saying their name."""

    CSS_PATH = "lookup.tcss"
    COMMANDS = Screen.COMMANDS | {BindingCommands}
    BINDINGS = [
        Binding("down", "move(1)", "Suivant", show=False, id="lookup.down"),
        Binding("up", "move(-1)", "Précédent", show=False, id="lookup.up"),
        Binding("pagedown", "move(10)", "Page suivante", show=False, id="lookup.page_down"),
        Binding("pageup", "move(-10)", "Page précédente", show=False, id="lookup.page_up"),
        Binding("enter", "open", "Ouvrir", id="lookup.open", priority=True),
        Binding("f3", "new_request", "Nouvelle demande", id="lookup.new_request"),
        Binding("ctrl+n", "new_caller", "Nouveau demandeur", id="lookup.new_caller"),
        Binding("escape", "clear", "Effacer", id="lookup.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._token: SearchToken | None = None
        self._searching = False  # the latest keystroke's search has not answered yet
        self._open_when_answered = False  # Enter was pressed before it answered
        self._answer: LookupAnswer | None = None
        self._rows: list[CallerRecord | RequestRecord] = []
        # The caller the hostess moved to or opened (F10 logs the call with them).
        self._picked: CallerRecord | None = None
        self._picked_id: int | None = None
        self._count_shown: Text | None = None

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        # A pasted multi-line text arrives as one line, without control characters.
        yield QueryBox(placeholder=TEXTS["placeholder"], id="query", select_on_focus=False)
        yield Static(self._hint(), id="count")
        # The box keeps the focus: arrows and Enter act on the list from there. Only the
        # lines that changed are repainted on each answer.
        yield ResultList(COLUMNS, id="results")
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        query = self.query_one("#query", Input)
        if query.value and console_of(self.app).call.started_at is None:
            # The previous call ended (saved, follow-up, F10): the next one starts afresh.
            query.value = ""
        query.focus()

    # -- searching ----------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.start_search(event.value)

    def start_search(self, query: str) -> None:
        """Supersede the running search (stopping its SQL) and start one for `query`."""
        if self._token is not None:
            self._token.cancel()
            self._token = None
        self._searching = False
        self._open_when_answered = False
        self._picked, self._picked_id = None, None
        if not query.strip():
            self._show_answer(None)
            return
        self._searching = True
        console_of(self.app).call.start()
        self._token = token = SearchToken()
        # One screen of rows: a list that never scrolls never changes its height (no layout
        # pass, no scrollbar coming and going while typing).
        page = self.query_one("#results", ResultList).page_size
        self.search(query, token, max(MIN_ROWS, page))

    @work(thread=True, exclusive=True, exit_on_error=False, group="lookup")
    def search(self, query: str, token: SearchToken, limit: int) -> None:
        """Run the search off the event loop; a newer keystroke cancels `token`."""
        store = self.app.store
        try:
            request = store.get_request_by_reference(query)
            token.check()
            callers = store.search_callers(query, limit=limit, cancel=token)
        except SearchCancelled:
            return
        except Exception as error:  # noqa: BLE001 - shown to the user, not swallowed
            if not token.cancelled:
                self.app.call_from_thread(self._show_error, token, error)
            return
        if not token.cancelled:
            self.app.call_from_thread(self._deliver, token, LookupAnswer(query, request, callers))

    def _deliver(self, token: SearchToken, answer: LookupAnswer) -> None:
        # Only the answer to the latest keystroke may reach the table.
        if token is self._token:
            self._searching = False
            self._show_answer(answer)
            if self._open_when_answered:
                self._open_when_answered = False
                self.action_open()

    def _show_error(self, token: SearchToken, error: Exception) -> None:
        if token is not self._token:
            return
        self._searching = self._open_when_answered = False
        self.app.log.error(f"caller search failed: {error!r}")
        self.notify(TEXTS["error"].format(error=error), severity="error", markup=False)

    # -- showing ------------------------------------------------------------------------------

    def _show_answer(self, answer: LookupAnswer | None, cursor: int = 0) -> None:
        self._answer = answer
        self._rows = []
        shown: list[ResultRow] = []
        if answer is not None and answer.request is not None:
            self._rows.append(answer.request)
            shown.append(ResultRow(("request", answer.request), request_cells(answer.request)))
        if answer is not None:
            digits = phone_query_digits(answer.query) if is_phone_like(answer.query) else ""
            for caller in answer.callers.rows:
                self._rows.append(caller)
                # The key holds what the row shows: an unchanged row is not repainted.
                shown.append(ResultRow(("caller", caller, digits), caller_cells(caller, digits)))
        self.query_one("#results", ResultList).set_rows(shown, cursor)
        self._set_count(self._hint() if answer is None else self._count_text(answer))

    def _set_count(self, text: Text) -> None:
        # Updating a Static costs a layout pass: skip it when the line did not change.
        if text != self._count_shown:
            self._count_shown = text
            # The line has a fixed height (lookup.tcss): no layout pass is needed.
            self.query_one("#count", Static).update(text, layout=False)

    def _count_text(self, answer: LookupAnswer) -> Text:
        """Two lines: what was found, then the keys that act on it."""
        result = answer.callers
        found = Text()
        keys = Text()
        if answer.request is not None:
            found.append(
                TEXTS["request_found"].format(reference=answer.request.reference), style="bold"
            )
            keys = Text(TEXTS["request_keys"])
        if result.rows:
            if result.capped:
                found.append(TEXTS["count_capped"].format(count=result.total))
            elif result.total == 1:
                found.append(TEXTS["count_one"])
            else:
                found.append(TEXTS["count"].format(count=result.total))
            if answer.request is None:
                keys = Text(TEXTS["count_keys"])
        elif answer.request is None and _too_short(answer.query):
            found.append(TEXTS["too_short"])
        elif answer.request is None:
            found.append_text(fill(TEXTS["none"], "bold", query=answer.query.strip()))
            prefill = self._prefill()
            if prefill.phones:
                shown = fill(TEXTS["prefill_phone"], value=prefill.phones[0])
            else:
                name = " ".join(p for p in (prefill.surname.upper(), prefill.given_name) if p)
                shown = fill(TEXTS["prefill_name"], value=name)
            before, after = TEXTS["none_keys"].split("{prefill}")
            keys = Text.assemble(before, shown, after)
        return two_lines(found, keys)

    def _hint(self) -> Text:
        return two_lines(Text(TEXTS["hint"]), Text(TEXTS["hint_keys"]))

    # -- keys ---------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        results = self.query_one("#results", ResultList)
        results.move_cursor(results.cursor_row + step)
        chosen = self._highlighted()
        if isinstance(chosen, CallerRecord):
            self._picked, self._picked_id = chosen, chosen.id

    def action_clear(self) -> None:
        self.query_one("#query", Input).value = ""

    def action_open(self) -> None:
        """Enter: open the highlighted caller's card, or the request a reference names.

        Pressed before the latest search answered, it acts on that answer when it comes;
        with nothing found it does nothing. (Its key is never greyed: refreshing the footer
        while typing would cost more than the search itself.)
        """
        if self._searching:
            self._open_when_answered = True
            return
        chosen = self._highlighted()
        if isinstance(chosen, CallerRecord):
            self._picked = chosen
            self.open_caller(chosen.id)
        elif isinstance(chosen, RequestRecord):
            from allo_tui.screens.request_view import RequestViewScreen

            self.app.push_screen(RequestViewScreen(chosen.id, call_phone=self.call_phone))

    async def action_new_request(self) -> None:
        """F3: a new request for the highlighted caller, or one with no caller yet.

        Typed right after the query (keys sent with no gap), it lets the box take the keys
        typed before it and waits for their answer (at most `F3_WAIT` s), so that the request
        is for the caller those keys find; the app holds the keys typed after F3 meanwhile.
        """
        await after_queued(self.query_one("#query", Input))
        await wait_until(lambda: not self._searching, F3_WAIT)
        chosen = self._highlighted()
        console_of(self.app).start_request(chosen if isinstance(chosen, CallerRecord) else None)

    def action_new_caller(self) -> None:
        """Ctrl+N: a new caller, pre-filled with what was typed."""
        from allo_tui.screens.caller_edit import CallerEditResult, CallerEditScreen

        def done(result: CallerEditResult | None) -> None:
            if result is not None and result.caller_id is not None:
                self.open_caller(result.caller_id)

        console_of(self.app).call.start()
        self.app.push_screen(CallerEditScreen(prefill=self._prefill()), done)

    @on(ResultList.Selected, "#results")
    def _row_clicked(self) -> None:
        self.action_open()

    def open_caller(self, caller_id: int) -> None:
        """Show the caller card on top of the lookup."""
        from allo_tui.screens.caller_card import CallerCardScreen

        self._picked_id = caller_id
        if self._picked is not None and self._picked.id != caller_id:
            self._picked = None
        phone = self._phone_of(self._picked)
        self.app.push_screen(CallerCardScreen(caller_id, call_phone=phone))

    @property
    def call_phone(self) -> str:
        """The number typed in the box when it is a whole valid one (the call's phone)."""
        query = self.query_one("#query", Input).value.strip()
        if not is_phone_like(query) or REFERENCE_LIKE.fullmatch(query):
            return ""
        parsed = parse_phone(query)
        return parsed.display if parsed.valid else ""

    def call_context(self) -> tuple[str, int | None, bool]:
        """For F10: the caller found and the number they call from, as far as known.

        The caller is the one the hostess moved to or opened, else the only one found, else
        the only one with the whole number typed. The number is the whole one typed, else
        the caller's number holding the digits typed.
        """
        caller = self._call_caller()
        caller_id = caller.id if caller is not None else self._picked_id
        return self._phone_of(caller), caller_id, False

    def _call_caller(self) -> CallerRecord | None:
        if self._picked is not None or self._picked_id is not None:
            return self._picked
        if self._searching:
            return None  # the rows shown answer an older query
        callers = [row for row in self._rows if isinstance(row, CallerRecord)]
        if len(callers) == 1:
            return callers[0]
        whole = self.call_phone
        if whole:
            stored = parse_phone(whole).stored
            exact = [c for c in callers if any(p.number == stored for p in c.phones)]
            if len(exact) == 1:
                return exact[0]
        return None

    def _phone_of(self, caller: CallerRecord | None) -> str:
        """The whole number typed, else `caller`'s number holding the digits typed."""
        whole = self.call_phone
        if whole or caller is None:
            return whole
        query = self.query_one("#query", Input).value.strip()
        if not is_phone_like(query) or REFERENCE_LIKE.fullmatch(query):
            return ""
        digits = phone_query_digits(query)
        return next((p.display for p in caller.phones if digits in phone_digits(p)), "")

    def call_ended(self) -> None:
        """F10 ended the call: the box is cleared for the next one."""
        self.action_clear()

    def _highlighted(self) -> CallerRecord | RequestRecord | None:
        cursor = self.query_one("#results", ResultList).cursor_row
        if self._rows and 0 <= cursor < len(self._rows):
            return self._rows[cursor]
        return None

    def _prefill(self) -> NewCaller:
        """A new caller from the query: a phone-like query is the phone, words the name."""
        query = self.query_one("#query", Input).value.strip()
        if not query:
            return NewCaller()
        if is_phone_like(query):
            return NewCaller(phones=(query,))
        if not search_tokens(query):
            return NewCaller()
        surname, given_name = split_name(query)
        return NewCaller(surname=surname, given_name=given_name)


def _too_short(query: str) -> bool:
    """True when nothing in `query` can be searched yet (single letters, under four digits)."""
    if is_phone_like(query):
        return False
    if PHONE_CHARACTERS.fullmatch(query.strip()):
        return True  # the start of a number: wait for the fourth digit
    return all(len(word) < 2 for word in search_tokens(query))
