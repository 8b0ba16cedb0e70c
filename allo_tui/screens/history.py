"""F4 — history: the latest requests, newest first."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from allo_tui.domain.display import format_datetime
from allo_tui.domain.records import RequestRecord
from allo_tui.domain.workflow import STATUS_LABELS

TEXTS = {
    "title": "Dernières demandes",
    "count": "{shown} demande(s) affichée(s) sur {total}",
    "more": "plus de 10 000",
    "columns": ("N°", "Date", "Urg.", "Statut", "Catégorie", "Lieu", "Demandeur", "Service"),
    "error": "Chargement impossible : {error}",
}
WINDOW = 200


class HistoryScreen(Screen[None]):
    """Every request, newest first."""

    CSS_PATH = "history.tcss"
    BINDINGS = [Binding("ctrl+r", "reload", "Actualiser", id="history.reload")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(TEXTS["title"], id="history-count", markup=False)
        table = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        table.add_columns(*TEXTS["columns"])
        yield table
        yield Footer()

    def on_screen_resume(self) -> None:
        self.query_one("#history", DataTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def load(self) -> None:
        try:
            rows = self.app.store.latest_requests(WINDOW)
            total, capped = self.app.store.count_requests()
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(
                self.notify, TEXTS["error"].format(error=error), severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._show, rows, total, capped)

    def _show(self, rows: list[RequestRecord], total: int, capped: bool) -> None:
        table = self.query_one("#history", DataTable)
        table.clear()
        for request in rows:
            table.add_row(
                Text(request.reference),
                Text(format_datetime(request.created_at)),
                Text(str(request.urgency)),
                Text(STATUS_LABELS[request.status]),
                Text(request.category_label),
                Text(request.location),
                Text(request.caller_name),
                Text(request.service_name),
                key=str(request.id),
            )
        shown_total = TEXTS["more"] if capped else str(total)
        self.query_one("#history-count", Static).update(
            TEXTS["count"].format(shown=len(rows), total=shown_total)
        )
