"""F5 and `allo board` — open interventions by urgency, reloaded when any console changes one."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from allo_tui.domain.display import format_datetime
from allo_tui.domain.records import RequestRecord
from allo_tui.domain.workflow import STATUS_LABELS, URGENCY_LABELS

TEXTS = {
    "header": "Ouvertes : {counts} — en retard : {late}",
    "columns": ("Urg.", "N°", "Reçue", "Échéance", "Catégorie", "Lieu", "Service", "Statut"),
    "late": "en retard",
    "error": "connexion perdue — nouvel essai… (dernières données : {at})",
}
POLL_SECONDS = 1.0
ROW_LIMIT = 500


class BoardScreen(Screen[None]):
    """The live board of open interventions."""

    CSS_PATH = "board.tcss"

    def __init__(self, *, services: tuple[int, ...] = (), urgency: int | None = None) -> None:
        super().__init__()
        self.services = services
        self.urgency = urgency
        self._feed = None
        self._loaded_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-header", markup=False)
        table = DataTable(id="board", cursor_type="row", zebra_stripes=True)
        table.add_columns(*TEXTS["columns"])
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(POLL_SECONDS, self.poll)

    def on_screen_resume(self) -> None:
        self.query_one("#board", DataTable).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="board-poll")
    def poll(self) -> None:
        """Ask the change feed (microseconds) whether requests changed; reload only then."""
        store = self.app.store
        try:
            if self._feed is None:
                self._feed = store.change_feed()
                changed = False
            else:
                changed = self._feed.changed()
        except Exception as error:  # noqa: BLE001 - transient: shown, retried next tick
            self.app.call_from_thread(self._lost, error)
            return
        if changed:
            self._load_now()

    @work(thread=True, exclusive=True, exit_on_error=False, group="board-load")
    def load(self) -> None:
        self._load_now()

    def _load_now(self) -> None:
        store = self.app.store
        try:
            rows = store.open_interventions(
                limit=ROW_LIMIT, services=self.services, urgency=self.urgency
            )
            counts = store.open_counts()
        except Exception as error:  # noqa: BLE001 - transient: shown, retried next tick
            self.app.call_from_thread(self._lost, error)
            return
        self.app.call_from_thread(self._show, rows, counts)

    def _show(self, rows: list[RequestRecord], counts: dict[int, int]) -> None:
        now = self.app.clock.now()
        self._loaded_at = now
        table = self.query_one("#board", DataTable)
        table.clear()
        late = 0
        for request in rows:
            is_late = request.intervention_due_at is not None and request.intervention_due_at < now
            late += is_late
            style = "bold red" if is_late else ""
            due = format_datetime(request.intervention_due_at) or "—"
            table.add_row(
                Text(f"{request.urgency} {URGENCY_LABELS[request.urgency]}", style=style),
                Text(request.reference, style=style),
                Text(format_datetime(request.created_at)),
                Text(f"{due} {TEXTS['late']}" if is_late else due, style=style),
                Text(request.category_label),
                Text(request.location),
                Text(request.service_name),
                Text(STATUS_LABELS[request.status]),
                key=str(request.id),
            )
        summary = " · ".join(f"{level}: {counts.get(level, 0)}" for level in (1, 2, 3, 4))
        self.query_one("#board-header", Static).update(
            TEXTS["header"].format(counts=summary, late=late)
        )

    def _lost(self, error: Exception) -> None:
        self.app.log.warning(f"board reload failed: {error!r}")
        self._feed = None
        self.query_one("#board-header", Static).update(
            TEXTS["error"].format(at=format_datetime(self._loaded_at) or "—")
        )
