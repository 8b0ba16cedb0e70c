"""F4 — history: every request, newest first, under filters that combine.

The list never loads the whole table: it holds a window of rows fetched by keyset from the
Store and asks for the next (or previous) window as the cursor nears an edge; Home and End
load the newest and the oldest rows. The filter box searches reference, description,
street, landmark and the caller's names as you type; the other filters (status, urgency,
category, service, street, dates, late only) are one key each, shown as chips that clear one
by one. Typing a reference and Enter opens that request. Enter on a row opens its detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from allo_tui.domain import periods
from allo_tui.domain.records import (
    ENDED_WITHOUT_INTERVENTION,
    OPEN_STATUSES,
    RESOLVED_STATUSES,
    CategoryRecord,
    HistoryCursor,
    HistoryFilter,
    HistoryPage,
    RequestRecord,
    ServiceRecord,
    Status,
)
from allo_tui.domain.workflow import STATUS_LABELS, URGENCY_LABELS
from allo_tui.screens.action_dialogs import ChoiceDialog, SearchChoiceDialog, TextPromptDialog
from allo_tui.screens.request_detail import RequestDetailScreen
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.history_table import HistoryTable
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.literal import printable
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.waiting import wait_until

FIRST_ROWS_WAIT = 3.0
"""Seconds F4 holds the keys typed next at most while the first rows are read."""
TEXTS = {
    "placeholder": "Rechercher : n° de demande, description, rue, repère, nom du demandeur…",
    "loading": "Chargement…",
    "counting": "{shown} affichée(s) — comptage…",
    "count": "{count} demande(s)",
    "count_more": "plus de 10 000 demandes",
    "count_at_least": "au moins {count} demande(s) — précisez la recherche",
    "none": "Aucune demande ne correspond.",
    "reference_hint": "Entrée : ouvrir la demande {reference}",
    "reference_missing": "Aucune demande {reference}.",
    "error": "Chargement impossible : {error}",
    "status_title": "Filtrer par statut",
    "urgency_title": "Filtrer par urgence",
    "category_title": "Filtrer par catégorie",
    "service_title": "Filtrer par service",
    "street_title": "Filtrer par voie",
    "street_placeholder": "Nom de la voie (ex. temple)…",
    "dates_title": "Filtrer par date de la demande",
    "dates_prompt": "Période",
    "dates_label": "Une date (JJ/MM/AAAA) ou deux dates séparées par « au »",
    "menu_title": "Filtres",
    "any": "— Tous —",
    "other_period": "Autre période…",
    "clear_all": "Effacer tous les filtres",
    "chip": "{value} ✕",
    "late_chip": "En retard ✕",
}
FILTER_NAMES = {
    "status": "Statut",
    "urgency": "Urgence",
    "category": "Catégorie",
    "service": "Service",
    "street": "Voie",
    "period": "Dates",
}
STATUS_GROUPS: tuple[tuple[str, frozenset[Status]], ...] = (
    ("Ouvertes", OPEN_STATUSES),
    ("Terminées ou clôturées", RESOLVED_STATUSES),
    ("Sans suite, doublons ou annulées", ENDED_WITHOUT_INTERVENTION),
    *((label, frozenset({status})) for status, label in STATUS_LABELS.items()),
)
WINDOW = 60
"""Rows fetched at a time."""
COUNT_CAP = 10_000
"""The count is exact up to this many requests ("plus de 10 000" beyond)."""
MAX_ROWS = 300
"""Rows kept in the table; beyond, the far end is dropped (and fetched again if needed)."""
PREFETCH = 12
"""Fetch the next window when the cursor comes this close to an edge."""
_REFERENCE = re.compile(r"\s*(\d{4}\s*[-/]\s*\d{1,9}|0\d{4,8})\s*")


@dataclass(frozen=True)
class HistoryFilters:
    """The filters as the user set them, with the labels their chips show."""

    text: str = ""
    statuses: frozenset[Status] = frozenset()
    status_label: str = ""
    urgency: int | None = None
    category: CategoryRecord | None = None
    service: ServiceRecord | None = None
    street: str = ""
    period: periods.Period | None = None
    late_only: bool = False

    def to_store(self) -> HistoryFilter:
        """The Store's filter."""
        return HistoryFilter(
            text=self.text.strip(),
            statuses=self.statuses,
            urgency=self.urgency,
            category_id=self.category.id if self.category else None,
            service_id=self.service.id if self.service else None,
            street=self.street,
            created_from=self.period.start if self.period else None,
            created_to=self.period.end if self.period else None,
            late_only=self.late_only,
        )

    def chips(self) -> list[tuple[str, str]]:
        """(filter name, chip text) of every active filter except the text box."""
        values = {
            "status": self.status_label if self.statuses else "",
            "urgency": (
                f"{self.urgency} {URGENCY_LABELS[self.urgency]}" if self.urgency is not None else ""
            ),
            "category": self.category.label if self.category else "",
            "service": self.service.name if self.service else "",
            "street": self.street,
            "period": self.period.label if self.period else "",
        }
        chips = [
            (name, TEXTS["chip"].format(value=printable(value, one_line=True)))
            for name, value in values.items()
            if value
        ]
        if self.late_only:
            chips.append(("late", TEXTS["late_chip"]))
        return chips

    def without(self, name: str) -> HistoryFilters:
        """These filters with one of them cleared."""
        match name:
            case "status":
                return replace(self, statuses=frozenset(), status_label="")
            case "late":
                return replace(self, late_only=False)
            case "text":
                return replace(self, text="")
            case "street":
                return replace(self, street="")
            case "urgency" | "category" | "service" | "period":
                return replace(self, **{name: None})
        return self

    @property
    def any(self) -> bool:
        return bool(self.chips()) or bool(self.text.strip())


def reference_in(text: str) -> str | None:
    """The reference typed in the filter box ("2026-00042" or "00042"), if that is all it holds."""
    match = _REFERENCE.fullmatch(text)
    return match.group(1) if match else None


class HistoryScreen(Screen[None]):
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
        self._started = False
        self._count: tuple[int, bool] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        # A paste loses its control characters: an ESC would reach the terminal from the box.
        yield SafeInput(placeholder=TEXTS["placeholder"], id="history-filter")
        with Horizontal(id="history-bar"):
            yield Static(TEXTS["loading"], id="history-count", markup=False)
            yield Horizontal(id="history-chips")
        yield HistoryTable(id="history")
        yield KeyFooter()

    @property
    def table(self) -> HistoryTable:
        return self.query_one("#history", HistoryTable)

    def on_mount(self) -> None:
        self.load_catalogue()

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
        if action.startswith(("filter_", "toggle_late")) and action != "filter_menu":
            return not isinstance(self.focused, Input)
        if action == "focus_filter":
            return not isinstance(self.focused, Input)
        return True

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
            self.set_filters(HistoryFilters(text=self.filters.text))

    def action_reload(self) -> None:
        self.reload()

    # -- filters --------------------------------------------------------------------------

    def set_filters(self, filters: HistoryFilters) -> None:
        """Apply new filters: chips, then the newest window and the count."""
        self.filters = filters
        self._show_chips()
        self.reload()

    def _show_chips(self) -> None:
        bar = self.query_one("#history-chips", Horizontal)
        bar.remove_children()
        bar.mount_all(
            Button(Content(text), name=name, classes="chip", compact=True)
            for name, text in self.filters.chips()
        )

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

    def action_filter_menu(self) -> None:
        entries = [
            ("Statut (s)", "status"),
            ("Urgence (u)", "urgency"),
            ("Catégorie (c)", "category"),
            ("Service (e)", "service"),
            ("Voie (v)", "street"),
            ("Dates (d)", "dates"),
            ("En retard seulement (t)", "late"),
            (TEXTS["clear_all"], "clear"),
        ]

        def chosen(name: str | None) -> None:
            match name:
                case None:
                    return
                case "late":
                    self.action_toggle_late()
                case "clear":
                    self.set_filters(HistoryFilters(text=self.filters.text))
                case _:
                    getattr(self, f"action_filter_{name}")()

        self.app.push_screen(ChoiceDialog(TEXTS["menu_title"], entries), chosen)

    def action_filter_status(self) -> None:
        choices = [(TEXTS["any"], -1)] + [
            (label, index) for index, (label, _statuses) in enumerate(STATUS_GROUPS)
        ]
        current = next(
            (
                index
                for index, (_label, statuses) in enumerate(STATUS_GROUPS)
                if statuses == self.filters.statuses
            ),
            -1,
        )

        def chosen(index: int | None) -> None:
            if index is None:
                return
            if index < 0:
                self.set_filters(self.filters.without("status"))
            else:
                label, statuses = STATUS_GROUPS[index]
                self.set_filters(replace(self.filters, statuses=statuses, status_label=label))

        self.app.push_screen(ChoiceDialog(TEXTS["status_title"], choices, selected=current), chosen)

    def action_filter_urgency(self) -> None:
        choices = [(TEXTS["any"], 0)] + [
            (f"{level} — {label}", level) for level, label in URGENCY_LABELS.items()
        ]

        def chosen(level: int | None) -> None:
            if level is None:
                return
            self.set_filters(replace(self.filters, urgency=level or None))

        self.app.push_screen(
            ChoiceDialog(TEXTS["urgency_title"], choices, selected=self.filters.urgency or 0),
            chosen,
        )

    def action_filter_category(self) -> None:
        choices = [(TEXTS["any"], 0)] + [(c.label, c.id) for c in self._categories]

        def chosen(category_id: int | None) -> None:
            if category_id is None:
                return
            category = next((c for c in self._categories if c.id == category_id), None)
            self.set_filters(replace(self.filters, category=category))

        self.app.push_screen(SearchChoiceDialog(TEXTS["category_title"], choices), chosen)

    def action_filter_service(self) -> None:
        choices = [(TEXTS["any"], 0)] + [(s.name, s.id) for s in self._services]

        def chosen(service_id: int | None) -> None:
            if service_id is None:
                return
            service = next((s for s in self._services if s.id == service_id), None)
            self.set_filters(replace(self.filters, service=service))

        self.app.push_screen(SearchChoiceDialog(TEXTS["service_title"], choices), chosen)

    def action_filter_street(self) -> None:
        def chosen(street: str | None) -> None:
            if street is None:
                return
            self.set_filters(replace(self.filters, street=street.strip()))

        self.app.push_screen(
            SearchChoiceDialog(
                TEXTS["street_title"],
                suggest=suggest_streets,
                allow_free_text=True,
                placeholder=TEXTS["street_placeholder"],
                initial=self.filters.street,
            ),
            chosen,
        )

    def action_filter_dates(self) -> None:
        now = self.app.clock.now()
        choices: list[tuple[str, str]] = [
            (TEXTS["any"], "any"),
            ("Aujourd'hui", "today"),
            ("7 derniers jours", "week"),
            ("Ce mois", "month"),
            (TEXTS["other_period"], "other"),
        ]

        def chosen(key: str | None) -> None:
            match key:
                case None:
                    return
                case "any":
                    self.set_filters(replace(self.filters, period=None))
                case "today":
                    self.set_filters(replace(self.filters, period=periods.today(now)))
                case "week":
                    self.set_filters(replace(self.filters, period=periods.last_days(now, 7)))
                case "month":
                    self.set_filters(replace(self.filters, period=periods.this_month(now)))
                case "other":
                    self._ask_period()

        self.app.push_screen(ChoiceDialog(TEXTS["dates_title"], choices), chosen)

    def _ask_period(self, initial: str = "") -> None:
        def typed(text: str | None) -> None:
            if text is None:
                return
            try:
                period = periods.parse_period(text, self.app.clock.now())
            except ValueError as error:
                self.notify(printable(str(error)), severity="warning", markup=False)
                self._ask_period(text)
                return
            self.set_filters(replace(self.filters, period=period))

        self.app.push_screen(
            TextPromptDialog(
                TEXTS["dates_prompt"],
                TEXTS["dates_label"],
                required=True,
                multiline=False,
                initial=initial,
                placeholder="01/11/2026 au 28/11/2026",
            ),
            typed,
        )

    def action_toggle_late(self) -> None:
        self.set_filters(replace(self.filters, late_only=not self.filters.late_only))

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

    def reload(self, *, edge: str = "newest", keep_id: int | None = None) -> None:
        """Load the newest (or oldest) window under the current filters, and the count."""
        self._generation += 1
        self._loading = True
        self._count = None
        self._set_count_text(TEXTS["loading"])
        filters = self.filters.to_store()
        self.fetch_window(self._generation, filters, edge, None, keep_id)
        self.fetch_count(self._generation, filters)

    def refresh_window(self) -> None:
        """Back from a detail: read the same rows again (their status may have changed)."""
        current = self.table.current
        first = self.table.requests[0] if self.table.requests else None
        if first is None or not self._has_newer:
            self.reload(keep_id=current.id if current else None)
            return
        self._generation += 1
        self._loading = True
        self._count = None
        # The window starting at the first row shown (inclusive).
        anchor = HistoryCursor(first.created_at, first.id + 1)
        filters = self.filters.to_store()
        self.fetch_window(
            self._generation, filters, "anchor", anchor, current.id if current else None
        )
        self.fetch_count(self._generation, filters)

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-window")
    def fetch_window(
        self,
        generation: int,
        filters: HistoryFilter,
        edge: str,
        cursor: HistoryCursor | None,
        keep_id: int | None,
    ) -> None:
        """Read one window off the event loop: newest, oldest, or from an anchor."""
        store = self.app.store
        try:
            match edge:
                case "oldest":
                    page = store.history(filters, oldest=True, limit=WINDOW)
                case "anchor":
                    page = store.history(filters, after=cursor, limit=WINDOW)
                case "older":
                    page = store.history(filters, after=cursor, limit=WINDOW)
                case "newer":
                    page = store.history(filters, before=cursor, limit=WINDOW)
                case _:
                    page = store.history(filters, limit=WINDOW)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._window_failed, generation, error)
            return
        self.app.call_from_thread(self._show_window, generation, edge, page, keep_id)

    def _show_window(
        self, generation: int, edge: str, page: HistoryPage, keep_id: int | None
    ) -> None:
        if generation != self._generation:
            return
        self._loading = False
        table = self.table
        now = self.app.clock.now()
        rows = list(page.rows)
        if edge in ("newest", "oldest", "anchor"):
            if edge == "oldest":
                self._has_older, self._has_newer = False, page.has_more
                cursor_row = len(rows) - 1
            else:
                self._has_older = page.has_more
                self._has_newer = edge == "anchor"
                cursor_row = 0
            if keep_id is not None:
                cursor_row = next(
                    (index for index, row in enumerate(rows) if row.id == keep_id), cursor_row
                )
            table.show_requests(rows, now, cursor_row=cursor_row)
        elif edge == "older":
            self._has_older = page.has_more
            table.append_requests(rows, now)
            self._trim(keep="bottom")
        elif edge == "newer":
            self._has_newer = page.has_more
            cursor = table.cursor_row + len(rows)
            table.show_requests(rows + table.requests, now, cursor_row=cursor)
            self._trim(keep="top")
        self._show_position()
        self._maybe_prefetch()

    def _trim(self, *, keep: str) -> None:
        """Keep at most MAX_ROWS rows, dropping the end far from the cursor."""
        table = self.table
        excess = len(table.requests) - MAX_ROWS
        if excess <= 0:
            return
        now = self.app.clock.now()
        if keep == "bottom":
            rows = table.requests[excess:]
            self._has_newer = True
            table.show_requests(rows, now, cursor_row=table.cursor_row - excess)
        else:
            rows = table.requests[:MAX_ROWS]
            self._has_older = True
            table.show_requests(rows, now, cursor_row=table.cursor_row)

    def _window_failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._loading = False
        self._show_error(error)

    @on(HistoryTable.RowHighlighted, "#history")
    def _row_highlighted(self) -> None:
        self._maybe_prefetch()

    def _maybe_prefetch(self) -> None:
        """Fetch the next window when the cursor nears an edge that has more rows."""
        table = self.table
        if self._loading or not table.requests:
            return
        row = table.cursor_row
        if self._has_older and row >= len(table.requests) - PREFETCH:
            last = table.requests[-1]
            self._loading = True
            self.fetch_window(
                self._generation,
                self.filters.to_store(),
                "older",
                HistoryCursor(last.created_at, last.id),
                None,
            )
        elif self._has_newer and row < PREFETCH:
            first = table.requests[0]
            self._loading = True
            self.fetch_window(
                self._generation,
                self.filters.to_store(),
                "newer",
                HistoryCursor(first.created_at, first.id),
                None,
            )

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

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-count")
    def fetch_count(self, generation: int, filters: HistoryFilter) -> None:
        """Count the matches (capped at 10,000) after the first window is on screen."""
        try:
            total, capped = self.app.store.count_requests(filters)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._show_error, error)
            return
        self.app.call_from_thread(self._show_count, generation, total, capped)

    def _show_count(self, generation: int, total: int, capped: bool) -> None:
        if generation != self._generation:
            return
        self._count = (total, capped)
        self._show_position()

    def _show_position(self) -> None:
        count = self._count
        reference = reference_in(self.filters.text)
        if self._loading and not self.table.requests:
            text = TEXTS["loading"]
        elif count is None:
            text = TEXTS["counting"].format(shown=len(self.table.requests))
        elif count[0] == 0:
            text = TEXTS["none"]
        elif count[1] and count[0] >= COUNT_CAP:
            text = TEXTS["count_more"]
        elif count[1]:
            text = TEXTS["count_at_least"].format(count=f"{count[0]:,}".replace(",", " "))
        else:
            text = TEXTS["count"].format(count=f"{count[0]:,}".replace(",", " "))
        if reference is not None:
            text = f"{text} — " + TEXTS["reference_hint"].format(reference=reference)
        self._set_count_text(text)

    def _set_count_text(self, text: str) -> None:
        self.query_one("#history-count", Static).update(Text(text))

    def _show_error(self, error: Exception) -> None:
        self.app.log.error(f"history failed: {error!r}")
        self.notify(
            TEXTS["error"].format(error=printable(str(error))), severity="error", markup=False
        )


def suggest_streets(typed: str) -> list[tuple[str, str]]:
    """Streets of the site's referential matching what was typed (for the street filter)."""
    if not typed.strip():
        return []
    try:
        from allo_tui.domain.streets import load_streets, match_streets
    except ImportError:  # a site without a street referential: the typed text is used as is
        return []
    return [(name, name) for name in match_streets(typed, load_streets(), limit=12)]
