"""F4 — history: every request, newest first, under filters that combine.

The list never loads the whole table: it holds a window of rows fetched by keyset from the
Store and asks for the next (or previous) window as the cursor nears an edge; Home and End
load the newest and the oldest rows. The filter box searches reference, description,
street, landmark and the caller's names as you type; the other filters (status, urgency,
category, service, street, dates, late only) are one key each, shown as chips that clear one
by one. Typing a reference and Enter opens that request. Enter on a row opens its detail.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from allo_tui.console import console_of
from allo_tui.domain import access
from allo_tui.domain.history_filters import HistoryFilters, reference_in
from allo_tui.domain.records import CategoryRecord, RequestRecord, ServiceRecord
from allo_tui.domain.streets import Street
from allo_tui.literal import printable
from allo_tui.screens.bulk_actions import MARK_BINDINGS, MarksPart
from allo_tui.screens.history_filters import FiltersPart
from allo_tui.screens.history_texts import TEXTS
from allo_tui.screens.history_window import WindowPart
from allo_tui.screens.request_detail import RequestDetailScreen
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.history_table import HistoryTable
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.waiting import wait_until

FIRST_ROWS_WAIT = 3.0
"""Seconds F4 holds the keys typed next at most while the first rows are read."""


class HistoryScreen(MarksPart, FiltersPart, WindowPart, Screen[None]):
    """Every request, newest first, filtered, a window at a time."""

    CSS_PATH = "history.tcss"
    COMMANDS = Screen.COMMANDS | {BindingCommands}
    AUTO_FOCUS = "#history-filter"
    BINDINGS = [
        Binding("f6", "filter_menu", "Filtres", id="history.filters"),
        Binding("s", "filter_status", "Statut", id="history.status"),
        Binding("u", "filter_urgency", "Urgence", id="history.urgency"),
        Binding("c", "filter_category", "Catégorie", id="history.category"),
        Binding("e", "filter_service", "Service", id="history.service"),
        Binding("v", "filter_street", "Voie", id="history.street"),
        Binding("d", "filter_dates", "Dates", id="history.dates"),
        Binding("t", "toggle_late", "En retard", id="history.late"),
        Binding("slash", "focus_filter", "Rechercher", id="history.search"),
        Binding("down", "focus_list", "Liste", show=False, id="history.list"),
        Binding("escape", "clear", "Effacer", id="history.clear"),
        Binding("ctrl+r", "reload", "Actualiser", show=False, id="history.reload"),
        *MARK_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = HistoryFilters()
        self._generation = 0
        self._loading = False
        self._has_older = False
        self._has_newer = False
        self._categories: list[CategoryRecord] = []
        self._services: list[ServiceRecord] = []
        self._streets: tuple[Street, ...] | None = None
        """The site's street register for the street filter (None until read, off the loop)."""
        self._started = False
        self._count: tuple[int, bool] | None = None
        self.init_marks()

    def compose(self) -> ComposeResult:
        yield Header()
        # A paste loses its control characters: an ESC would reach the terminal from the box.
        yield SafeInput(placeholder=TEXTS["placeholder"], id="history-filter")
        with Horizontal(id="history-bar"):
            yield Static(TEXTS["loading"], id="history-count", markup=False)
            yield Horizontal(id="history-chips")
        yield HistoryTable(id="history")
        yield Static("", id="history-marks", markup=False)
        yield KeyFooter()

    @property
    def table(self) -> HistoryTable:
        return self.query_one("#history", HistoryTable)

    def on_mount(self) -> None:
        # A service agent's history holds their own services' requests only.
        scope = access.own_services(access.Screen.HISTORY, console_of(self.app))
        if scope:
            self.filters = replace(self.filters, scope=scope)
        self.query_one("#history-marks").display = False
        self.load_catalogue()
        self.load_streets()

    async def ready_for_typing(self) -> None:
        """Called by the app as F4 is pressed: returns once the rows are on screen (or after
        FIRST_ROWS_WAIT seconds), so ↓ and Enter typed right after F4, held by the app
        meanwhile, act on the rows and are not lost on an empty list."""
        await wait_until(lambda: self._started and not self._loading, FIRST_ROWS_WAIT)

    def on_screen_resume(self) -> None:
        if not self._started:
            self._started = True
            self.reload()
        else:
            self.refresh_window()

    # -- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letter keys act only when the list (not the text box) has the focus."""
        mark = self.check_mark_action(action)
        if mark is not None:
            # Space types a space in the text box; it marks only on the list.
            return mark and (action == "bulk" or not isinstance(self.focused, Input))
        if action.startswith(("filter_", "toggle_late")) and action != "filter_menu":
            return not isinstance(self.focused, Input)
        if action == "focus_filter":
            return not isinstance(self.focused, Input)
        return True

    # -- bulk actions (supervisors: Space marks, Ctrl+B acts) -------------------------------

    MARKS_LINE = "#history-marks"

    def marked_request(self) -> RequestRecord | None:
        return self.table.current

    def marks_list(self):
        return self.table

    def bulk_done(self) -> None:
        current = self.table.current
        self.reload(keep_id=current.id if current is not None else None)

    def on_descendant_focus(self) -> None:
        # The letter keys come and go with the focus: show the footer that fits.
        self.refresh_bindings()

    def action_focus_filter(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def action_focus_list(self) -> None:
        # At once: `Widget.focus` queues the move behind the keys already typed (a second ↓
        # typed quickly would then reach the box being left and be lost).
        self.set_focus(self.table)

    def action_clear(self) -> None:
        """Esc: clear the text box first, then every filter."""
        field = self.query_one("#history-filter", Input)
        if field.value:
            field.value = ""
        elif self.filters.any:
            self.set_filters(HistoryFilters(text=self.filters.text, scope=self.filters.scope))

    def action_reload(self) -> None:
        self.reload()

    # -- filters --------------------------------------------------------------------------

    @on(Button.Pressed, ".chip")
    def _chip_pressed(self, event: Button.Pressed) -> None:
        self.set_filters(self.filters.without(event.button.name or ""))
        self.table.focus()

    @on(Input.Changed, "#history-filter")
    def _text_changed(self, event: Input.Changed) -> None:
        if event.value != self.filters.text:
            self.filters = replace(self.filters, text=event.value)
            self.reload()

    @on(Input.Submitted, "#history-filter")
    def _text_submitted(self, event: Input.Submitted) -> None:
        reference = reference_in(event.value)
        if reference is not None:
            self.open_reference(reference)
        else:
            self.table.focus()

    # -- opening a request ----------------------------------------------------------------

    @on(HistoryTable.RowSelected, "#history")
    def _row_selected(self) -> None:
        request = self.table.current
        if request is not None:
            self.app.push_screen(RequestDetailScreen(request.id))

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-reference")
    def open_reference(self, reference: str) -> None:
        """Open the request with this reference (this year's for "00042")."""
        try:
            request = self.app.store.get_request_by_reference(reference)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._show_error, error)
            return
        self.app.call_from_thread(self._open_found, reference, request)

    def _open_found(self, reference: str, request: RequestRecord | None) -> None:
        if request is None:
            self.notify(
                TEXTS["reference_missing"].format(reference=reference),
                severity="warning",
                markup=False,
            )
            return
        self.app.push_screen(RequestDetailScreen(request.id))

    # -- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-catalogue")
    def load_catalogue(self) -> None:
        try:
            categories = self.app.store.categories()
            services = self.app.store.services()
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._show_error, error)
            return
        self.app.call_from_thread(self._set_catalogue, categories, services)

    def _set_catalogue(self, categories: list[CategoryRecord], services: list[ServiceRecord]):
        self._categories = categories
        self._services = services

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-streets")
    def load_streets(self) -> None:
        """The street register for the street filter (read once per Store, here off the loop)."""
        try:
            streets = tuple(self.app.store.streets())
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._show_error, error)
            return
        self.app.call_from_thread(self._set_streets, streets)

    def _set_streets(self, streets: tuple[Street, ...]) -> None:
        self._streets = streets

    # -- the window of rows ---------------------------------------------------------------

    @on(HistoryTable.RowHighlighted, "#history")
    def _row_highlighted(self) -> None:
        self._maybe_prefetch()

    @on(HistoryTable.JumpRequested, "#history")
    def _jump(self, event: HistoryTable.JumpRequested) -> None:
        table = self.table
        if event.edge == "newest":
            if self._has_newer:
                self.reload()
            elif table.requests:
                table.move_cursor(row=0, animate=False)
        else:
            if self._has_older:
                self.reload(edge="oldest")
            elif table.requests:
                table.move_cursor(row=len(table.requests) - 1, animate=False)

    @on(HistoryTable.TopReached, "#history")
    def _top_reached(self) -> None:
        if self._has_newer:
            self._maybe_prefetch()
        else:
            self.action_focus_filter()

    def _show_error(self, error: Exception) -> None:
        self.app.log.error(f"history failed: {error!r}")
        self.notify(
            TEXTS["error"].format(error=printable(str(error))), severity="error", markup=False
        )
