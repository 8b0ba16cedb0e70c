"""F7, "Ma file": a service's queue — every open request of my services, late first, then by
intervention due time, with its countdown, urgency, place and the caller's words.

A service agent sees their own services (one of them with `s`); a supervisor or an admin
opens every service's queue, or one service's with `s`. `l` keeps the late ones, `p` the
planned ones and `w` those waiting (for the citizen or a third party); Enter opens
the request detail with the actions the role may take. Live like the board: the app's watch
reloads it when requests change on any console, and the countdowns tick every second.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from allo_tui.console import console_of
from allo_tui.domain import access
from allo_tui.domain.countdown import due_text, is_late
from allo_tui.domain.display import local
from allo_tui.domain.records import RequestRecord, ServiceRecord, Status
from allo_tui.domain.status_detail import status_short
from allo_tui.literal import literal
from allo_tui.requests_watch import ConnectionLost, RequestsWatch, WatchEvent
from allo_tui.screens.queue_texts import TEXTS
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.service_picker import ALL_SERVICES, ServicePicker

TICK_SECONDS = 1.0
WORDS = 40
"""Characters of the caller's words shown in the list (the detail has them all)."""


class QueueScreen(Screen[None]):
    """The queue of one or several services."""

    AUTO_FOCUS = "#queue"
    COMMANDS = Screen.COMMANDS | {BindingCommands}
    BINDINGS = [
        Binding("s", "pick_service", "Service", id="queue.service"),
        Binding("l", "toggle_late", "En retard", id="queue.late"),
        Binding("p", "toggle_status('planned')", "Programmées", id="queue.planned"),
        Binding("w", "toggle_status('waiting')", "En attente", id="queue.waiting"),
        Binding("escape", "show_all", "Tout", id="queue.clear"),
    ]
    DEFAULT_CSS = """
    QueueScreen #queue-summary { padding: 0 1; height: 1; }
    QueueScreen #queue { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.scope: tuple[int, ...] = ()
        """The services this operator is kept to (a service agent's own); () for all."""
        self.services: tuple[int, ...] = ()
        self.late_only = False
        self.status: Status | None = None
        """Only the requests of this status (planned, waiting); None: every open one."""
        self.read_rows: list[RequestRecord] = []
        """The queue as read; `rows` are those the status filter keeps."""
        self.rows: list[RequestRecord] = []
        self._service_list: list[ServiceRecord] = []
        self._loading = False
        self._pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="queue-summary")
        table = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        table.add_columns(*TEXTS["columns"])
        yield table
        yield KeyFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one("#queue", DataTable)

    def on_mount(self) -> None:
        self.scope = access.own_services(access.Screen.QUEUE, console_of(self.app))
        self.services = self.scope
        RequestsWatch.attach(self.app).signal.subscribe(self, self._watched)
        self.set_interval(TICK_SECONDS, self._tick)
        self.reload()
        self._read_services()

    def on_screen_resume(self) -> None:
        self.reload()

    def _watched(self, event: WatchEvent) -> None:
        if not isinstance(event, ConnectionLost) and self.is_current:
            self.reload()

    # -- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        if self._loading:
            self._pending = True
            return
        self._loading = True
        self._load(self.services, self.late_only)

    @work(thread=True, exit_on_error=False, group="queue")
    def _load(self, services: tuple[int, ...], late_only: bool) -> None:
        try:
            rows = self.app.store.service_queue(services, late_only=late_only)
        except Exception as error:  # noqa: BLE001 - shown where the list is
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._loaded, rows)

    @work(thread=True, exit_on_error=False, group="queue-services")
    def _read_services(self) -> None:
        try:
            services = self.app.store.services()
        except Exception:  # noqa: BLE001 - the names only; the picker reads them again
            return
        self.app.call_from_thread(setattr, self, "_service_list", services)
        self.app.call_from_thread(self._show_summary)

    def _failed(self, error: Exception) -> None:
        self._loading = False
        self.query_one("#queue-summary", Static).update(
            literal(TEXTS["unreadable"].format(error=error), "bold red")
        )

    def _loaded(self, rows: list[RequestRecord]) -> None:
        self._loading = False
        self.read_rows = rows
        self._filter()
        if self._pending:
            self._pending = False
            self.reload()

    # -- showing ---------------------------------------------------------------------------

    def _filter(self) -> None:
        """Keep the rows of the status asked for (the queue holds a few hundred at most)."""
        status = self.status
        self.rows = [r for r in self.read_rows if status is None or r.status is status]
        self._fill()

    def _fill(self) -> None:
        table = self.table
        keep = table.cursor_row
        table.clear()
        now = self.app.clock.now()
        for request in self.rows:
            table.add_row(*self._cells(request, now), key=str(request.id))
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        self._show_summary()

    def _cells(self, request: RequestRecord, now) -> tuple:
        late = is_late(request.intervention_due_at, now)
        place = " ".join(p for p in (request.street_number, request.street) if p)
        place = place or request.landmark
        words = request.description.replace("\n", " ")
        words = words if len(words) <= WORDS else words[: WORDS - 1] + "…"
        return (
            literal(due_text(request.intervention_due_at, now), "bold red" if late else ""),
            literal(str(request.urgency), "bold" if request.urgency == 1 else ""),
            literal(request.reference),
            literal(status_short(request, local(now).date())),
            literal(place),
            literal(words),
            literal(request.service_name or ""),  # last: one service's queue needs it least
        )

    def _tick(self) -> None:
        if not self.is_current or not self.rows:
            return
        now = self.app.clock.now()
        table = self.table
        for request in self.rows:
            late = is_late(request.intervention_due_at, now)
            table.update_cell(
                str(request.id),
                table.ordered_columns[0].key,
                literal(due_text(request.intervention_due_at, now), "bold red" if late else ""),
            )

    def _show_summary(self) -> None:
        names = {service.id: service.name for service in self._service_list}
        chosen = self.services
        services = (
            ", ".join(names.get(service, "?") for service in chosen)
            if chosen
            else TEXTS["all_services"]
        )
        now = self.app.clock.now()
        late = sum(1 for r in self.rows if is_late(r.intervention_due_at, now))
        text = TEXTS["summary"].format(services=services, count=len(self.rows), late=late)
        if self.late_only:
            text += TEXTS["late_only"]
        if self.status is not None:
            text += TEXTS["status_only"][self.status]
        if not self.rows:
            text += " — " + TEXTS["empty"]
        self.query_one("#queue-summary", Static).update(literal(text))

    # -- keys ------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from allo_tui.screens.request_detail import RequestDetailScreen

        event.stop()
        self.app.push_screen(RequestDetailScreen(int(event.row_key.value)))

    def action_toggle_late(self) -> None:
        self.late_only = not self.late_only
        self.reload()

    def action_toggle_status(self, status: str) -> None:
        """`p` the planned requests only, `w` those waiting; the same key again: all."""
        chosen = Status(status)
        self.status = None if self.status is chosen else chosen
        self._filter()

    def action_show_all(self) -> None:
        self.late_only = False
        self.status = None
        self.services = self.scope
        self.reload()

    def action_pick_service(self) -> None:
        offered = [s for s in self._service_list if not self.scope or s.id in self.scope]
        current = self.services[0] if len(self.services) == 1 else None
        picker = ServicePicker(
            offered, title=TEXTS["pick_service"], allow_all=True, current=current
        )

        def chosen(choice: int | None) -> None:
            if choice is None:
                return
            self.services = self.scope if choice == ALL_SERVICES else (choice,)
            self.reload()

        self.app.push_screen(picker, chosen)
