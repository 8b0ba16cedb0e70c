"""F5 — the live board of open interventions, on the operator's console.

`LiveBoard` holds what the console board and the wall screen (`allo board`, wall.py) share:

- loading off the event loop: one Store read returns the header figures and only the first
  rows (a window that fits the screen, grown when the cursor reaches its end), never all the
  open requests; reloads are coalesced (one at a time, one more if something changed meanwhile);
- live updates: the app's `RequestsWatch` publishes a change the moment any console commits
  one; a board that is not on screen only notes it and reloads when shown again;
- the clock: every second the visible countdowns are recomputed from memory (no query); the
  header figures are re-read only when they would change by themselves (the next due instant
  of an intervention or an acknowledgement, midnight);
- resilience: a failed read shows "connexion perdue — nouvel essai…" with the time of the
  last good data, keeps that data on screen, and is retried until it works again.

`BoardScreen` adds the operator's keys: Enter opens the request, `f` filters by service,
`1`–`4` show one urgency and `0` all, `g` assigns the highlighted request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from allo_tui.console import console_of
from allo_tui.domain import access
from allo_tui.domain.display import local
from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.domain.records import BoardSnapshot, RequestRecord, Role, ServiceRecord
from allo_tui.domain.workflow import Action, is_allowed
from allo_tui.literal import printable
from allo_tui.requests_watch import (
    ConnectionLost,
    RequestsChanged,
    RequestsWatch,
    WatchEvent,
)
from allo_tui.screens.board_services import ServicesPart
from allo_tui.screens.board_texts import TEXTS
from allo_tui.screens.bulk_actions import MARK_BINDINGS, MarksPart
from allo_tui.widgets.board_list import BoardList
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.waiting import wait_until

TICK_SECONDS = 1.0
RETRY_SECONDS = 3.0
WINDOW_MINIMUM = 60
FIRST_ROWS_WAIT = 3.0
"""Seconds F5 holds the keys typed next at most while the first rows are read."""


class LiveBoard(Screen[None]):
    """The loading, live-update, clock and lost-connection logic of both boards."""

    def __init__(self, *, services: tuple[int, ...] = (), urgency: int | None = None) -> None:
        super().__init__()
        self.services = services
        self.urgency = urgency
        self.snapshot: BoardSnapshot | None = None
        self.loaded_at: datetime | None = None  # when the data on screen was read
        self.lost = False
        self.reloads = 0  # completed reloads (tests and measurements)
        self._loading = False
        self._pending = False
        self._dirty = False
        self._retry_at: datetime | None = None
        self._service_names: dict[int, str] = {}
        self._shown: dict[str, tuple[str, object]] = {}

    def show_text(self, selector: str, content: str | Text | Content) -> None:
        """Update a Static only when its text changes, re-laying out only when its length does.

        A layout pass repaints the whole screen: skipping needless ones keeps the
        render after a change small.
        """
        widget = self.query_one(selector, Static)
        text = content.plain if isinstance(content, (Text, Content)) else content
        previous = self._shown.get(selector)
        if previous is not None and previous[0] == text and previous[1] == content:
            return
        self._shown[selector] = (text, content)
        widget.update(content, layout=previous is None or len(previous[0]) != len(text))

    # -- what subclasses provide ----------------------------------------------------------

    @property
    def board_list(self) -> BoardList:
        return self.query_one(BoardList)

    def window(self) -> int:
        """How many rows to read."""
        return WINDOW_MINIMUM

    def show_figures(self, snapshot: BoardSnapshot) -> None:
        """Update the header from fresh data."""

    def show_connection(self) -> None:
        """Show or hide the lost-connection line."""

    def on_tick(self, now: datetime) -> None:
        """Called every second after the rows ticked (clock, paging…)."""

    def on_arrivals(self, arrivals: tuple[RequestRecord, ...]) -> None:
        """Urgency-1 requests just arrived (the app already rang and notified)."""

    # -- life cycle -----------------------------------------------------------------------

    @property
    def urgencies(self) -> tuple[int, ...]:
        """The urgency levels shown."""
        return (self.urgency,) if self.urgency is not None else (1, 2, 3, 4)

    def on_mount(self) -> None:
        watch = RequestsWatch.attach(self.app)
        watch.signal.subscribe(self, self.on_watch_event)
        self.set_interval(TICK_SECONDS, self.tick)
        self.request_reload()

    def on_screen_resume(self) -> None:
        if self._dirty:
            self.request_reload()
        self.tick()

    def on_watch_event(self, event: WatchEvent) -> None:
        """A change (or a lost/restored connection) seen by the app's watch."""
        if isinstance(event, ConnectionLost):
            self._mark_lost()
            return
        if isinstance(event, RequestsChanged) and event.arrivals:
            self.on_arrivals(event.arrivals)
        if self.is_current:
            self.request_reload()
        else:
            self._dirty = True

    def tick(self) -> None:
        """Every second: countdowns from memory; re-read only when figures go stale."""
        if not self.is_current:
            return
        now = self.app.clock.now()
        self.board_list.tick(now)
        self.on_tick(now)
        snapshot = self.snapshot
        if self.lost:
            # While the watch cannot reach the file it will say when it can (and the board then
            # reloads); retrying here would only open connections that fail again.
            watch_connected = getattr(self.app, "requests_watch", None) is None or (
                self.app.requests_watch.connected
            )
            if watch_connected and (self._retry_at is None or now >= self._retry_at):
                self.request_reload()
        elif snapshot is not None:
            valid_until = snapshot.counts.valid_until
            if valid_until is not None and now >= valid_until:
                self.request_reload()  # a request turned late, an acknowledgement fell due…

    # -- loading --------------------------------------------------------------------------

    def request_reload(self) -> None:
        """Reload now, or right after the reload in progress."""
        self._dirty = False
        if self._loading:
            self._pending = True
            return
        self._loading = True
        self._pending = False
        self._load(self.window(), self.services, self.urgency)

    @work(thread=True, exit_on_error=False, group="board-load")
    def _load(self, limit: int, services: tuple[int, ...], urgency: int | None) -> None:
        store = self.app.store
        names: dict[int, str] | None = None
        try:
            snapshot = store.board_snapshot(limit=limit, services=services, urgency=urgency)
            if services and not set(services) <= set(self._service_names):
                names = {service.id: service.name for service in store.services()}
        except Exception as error:  # noqa: BLE001 - transient: shown, data kept, retried
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._load_failed, error)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, snapshot, services, urgency, names)

    def _loaded(
        self,
        snapshot: BoardSnapshot,
        services: tuple[int, ...],
        urgency: int | None,
        names: dict[int, str] | None = None,
    ) -> None:
        self._loading = False
        if names:
            self._service_names = names
        if (services, urgency) == (self.services, self.urgency):
            self.snapshot = snapshot
            self.loaded_at = snapshot.counts.at
            self.reloads += 1
            if self.lost:
                self.lost = False
                self._retry_at = None
                self.show_connection()
            now = self.app.clock.now()
            self.board_list.set_rows(snapshot.rows, snapshot.counts, now, urgencies=self.urgencies)
            self.show_figures(snapshot)
        else:
            self._pending = True  # the filter changed while reading: read again
        if self._pending:
            self.request_reload()

    def _load_failed(self, error: Exception) -> None:
        self._loading = False
        self.log.warning(f"board reload failed: {error!r}")
        self._mark_lost()
        if self._pending:
            self._pending = False

    def _mark_lost(self) -> None:
        self._retry_at = self.app.clock.now() + timedelta(seconds=RETRY_SECONDS)
        if not self.lost:
            self.lost = True
            self.show_connection()

    def lost_text(self) -> str:
        """ "connexion perdue — nouvel essai… (dernières données : 10:42:05)"."""
        if self.loaded_at is None:
            return TEXTS["lost_never"]
        moment = local(self.loaded_at)
        today = local(self.app.clock.now()).date()
        at = f"{moment:%H:%M:%S}" if moment.date() == today else f"{moment:%d/%m/%Y %H:%M:%S}"
        return TEXTS["lost"].format(at=at)

    def filter_description(self) -> Text | None:
        """What the board is narrowed to ("Voirie · urgence 1 (Immédiate)"), or None."""
        parts: list[Text] = []
        if self.services:
            names = [self._service_names.get(service, str(service)) for service in self.services]
            parts.append(Text(printable(", ".join(names), one_line=True)))
        if self.urgency is not None:
            label = URGENCY_LABELS.get(self.urgency, "")
            parts.append(Text(TEXTS["filter_urgency"].format(level=self.urgency, label=label)))
        if not parts:
            return None
        return Text(" · ").join(parts)


class BoardScreen(MarksPart, ServicesPart, LiveBoard):
    """F5: the board with the operator's keys."""

    CSS_PATH = "board.tcss"
    AUTO_FOCUS = "#board"
    BINDINGS = [
        Binding("f", "filter_service", "Service", id="board.filter_service"),
        Binding("1", "urgency(1)", "Urg. 1", show=False, id="board.urgency_1"),
        Binding("2", "urgency(2)", "Urg. 2", show=False, id="board.urgency_2"),
        Binding("3", "urgency(3)", "Urg. 3", show=False, id="board.urgency_3"),
        Binding("4", "urgency(4)", "Urg. 4", show=False, id="board.urgency_4"),
        Binding("0", "show_all", "Tout", show=False, id="board.show_all"),
        Binding("escape", "show_all", "Tout", id="board.clear"),
        Binding("g", "assign", "Affecter", id="board.assign"),
        *MARK_BINDINGS,
    ]

    def __init__(self, *, services: tuple[int, ...] = (), urgency: int | None = None) -> None:
        super().__init__(services=services, urgency=urgency)
        self._extra_rows = 0
        self.init_marks()
        self._services: list[ServiceRecord] = []
        self._scope: tuple[int, ...] = ()
        """A service agent's own services: the board never shows more."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-header")
        yield Static("", id="board-filter")
        yield Static("", id="board-status", markup=False)
        yield BoardList(id="board")
        yield Static("", id="board-marks", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._scope = access.own_services(access.Screen.BOARD, console_of(self.app))
        if self._scope:
            self.services = self._scope
        self.query_one("#board-status").display = False
        self.query_one("#board-marks").display = False
        self._show_filter()

    async def ready_for_typing(self) -> None:
        """Called by the app as F5 is pressed: returns once the rows are on screen (or after
        FIRST_ROWS_WAIT seconds), so the arrows and Enter typed right after F5, held by the
        app meanwhile, act on the rows and are not lost on an empty list."""
        await wait_until(lambda: self.snapshot is not None or self.lost, FIRST_ROWS_WAIT)

    def window(self) -> int:
        visible = self.board_list.size.height or 40
        return max(WINDOW_MINIMUM, visible * 2) + self._extra_rows

    def show_figures(self, snapshot: BoardSnapshot) -> None:
        counts = snapshot.counts
        parts: list[str | tuple[str, str]] = []
        for level in (1, 2, 3, 4):
            if parts:
                parts.append(" · ")
            figure = TEXTS["figure"].format(
                label=URGENCY_LABELS[level], count=counts.open((level,))
            )
            parts.append((figure, "bold" if level in self.urgencies else "$text-muted"))
        late = counts.late(self.urgencies)
        parts.append("   ")
        parts.append((TEXTS["late"].format(count=late), "bold $error" if late else ""))
        parts.append("   ")
        parts.append(TEXTS["acks"].format(count=counts.acks_due_today))
        if counts.acks_late:
            parts.append((TEXTS["acks_late"].format(count=counts.acks_late), "$error"))
        self.show_text("#board-header", Content.assemble(*parts))
        self._show_filter()

    def show_connection(self) -> None:
        self.show_text("#board-status", self.lost_text())
        self.query_one("#board-status").display = self.lost

    def _show_filter(self) -> None:
        what = self.filter_description()
        widget = self.query_one("#board-filter", Static)
        if what is None:
            widget.display = False
            return
        head, _, tail = TEXTS["filter"].partition("{what}")
        self.show_text("#board-filter", Text.assemble(head, what, tail))
        widget.display = True

    # -- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        mark = self.check_mark_action(action)
        if mark is not None:
            return mark
        if action == "assign":
            request = self.board_list.highlighted if self.is_mounted else None
            if request is None:
                return None
            role: Role = self.app.operator.role
            allowed = is_allowed(
                Action.ASSIGN, request.status, role, resume_status=request.resume_status
            )
            return True if allowed else None
        if action == "show_all":
            return True if (self.services != self._scope or self.urgency is not None) else None
        return True

    # -- bulk actions (supervisors: Space marks, Ctrl+B acts) -------------------------------

    MARKS_LINE = "#board-marks"

    def marked_request(self) -> RequestRecord | None:
        return self.board_list.highlighted

    def marks_list(self):
        return self.board_list

    def bulk_done(self) -> None:
        self.request_reload()

    def on_board_list_selected(self, event: BoardList.Selected) -> None:
        event.stop()
        try:
            from allo_tui.screens.request_detail import RequestDetailScreen
        except ImportError:
            self.notify(TEXTS["no_detail"], severity="warning", markup=False)
            return
        self.app.push_screen(RequestDetailScreen(event.request.id))

    def on_board_list_need_more(self, event: BoardList.NeedMore) -> None:
        event.stop()
        self._extra_rows += max(WINDOW_MINIMUM, self.board_list.page_size)
        self.request_reload()

    def _set_filter(self, *, services: tuple[int, ...], urgency: int | None) -> None:
        if (services, urgency) == (self.services, self.urgency):
            return
        self.services, self.urgency = services, urgency
        self._extra_rows = 0
        self.board_list.reset_position()
        self._show_filter()
        self.refresh_bindings()
        self.request_reload()

    def action_urgency(self, level: int) -> None:
        self._set_filter(services=self.services, urgency=level)

    def action_show_all(self) -> None:
        self._set_filter(services=self._scope, urgency=None)
