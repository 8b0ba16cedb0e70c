"""F2 — caller lookup: one search box, results as you type."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from allo_tui.domain.display import format_date
from allo_tui.domain.records import CallerRecord, CallerSearchResult

TEXTS = {
    "placeholder": "Téléphone, nom ou adresse du demandeur…",
    "hint": "Tapez un numéro, un nom ou une rue.",
    "none": "Aucun demandeur trouvé.",
    "count": "{count} demandeur(s)",
    "error": "Recherche impossible : {error}",
    "columns": ("Nom", "Téléphone(s)", "Adresse", "Ouvertes", "Dernier contact"),
}


class LookupScreen(Screen[None]):
    """Find the caller while they are still saying their name."""

    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding("down", "cursor(1)", "Suivant", show=False, id="lookup.down"),
        Binding("up", "cursor(-1)", "Précédent", show=False, id="lookup.up"),
        Binding("escape", "clear", "Effacer", id="lookup.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[CallerRecord] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=TEXTS["placeholder"], id="query")
        yield Static(TEXTS["hint"], id="count", markup=False)
        table = DataTable(id="results", cursor_type="row", zebra_stripes=True)
        table.add_columns(*TEXTS["columns"])
        yield table
        yield Footer()

    def on_screen_resume(self) -> None:
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.app.begin_call()
        self.search(event.value)

    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        self._choose()

    @on(DataTable.RowSelected, "#results")
    def _row_selected(self) -> None:
        self._choose()

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_clear(self) -> None:
        self.query_one("#query", Input).value = ""

    def _choose(self) -> None:
        table = self.query_one("#results", DataTable)
        if self._rows and 0 <= table.cursor_row < len(self._rows):
            self.app.start_request(self._rows[table.cursor_row])

    @work(thread=True, exclusive=True, exit_on_error=False, group="lookup")
    def search(self, query: str) -> None:
        """Run the search off the event loop; a newer keystroke supersedes this one."""
        worker = get_current_worker()
        try:
            result = self.app.store.search_callers(query, limit=50) if query.strip() else None
        except Exception as error:  # noqa: BLE001 - shown to the user, not swallowed
            self.app.call_from_thread(self._show_error, error)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, query, result)

    def _show(self, query: str, result: CallerSearchResult | None) -> None:
        if query != self.query_one("#query", Input).value:
            return
        table = self.query_one("#results", DataTable)
        table.clear()
        self._rows = list(result.rows) if result else []
        count = self.query_one("#count", Static)
        if result is None:
            count.update(TEXTS["hint"])
            return
        for caller in self._rows:
            table.add_row(
                Text(caller.display_name),
                Text(", ".join(p.display for p in caller.phones)),
                Text(caller.address),
                Text(str(caller.open_requests or "")),
                Text(format_date(caller.last_contact_at)),
            )
        if not self._rows:
            count.update(TEXTS["none"])
        else:
            shown = f"{result.total}+" if result.capped else str(result.total)
            count.update(TEXTS["count"].format(count=shown))

    def _show_error(self, error: Exception) -> None:
        self.app.log.error(f"caller search failed: {error!r}")
        self.notify(TEXTS["error"].format(error=error), severity="error", markup=False)
