"""The floor for start-up and rendering: the smallest Textual app that looks like the lookup.

One Screen with an Input and a 50-row DataTable. `python -m bench.minimal_app` runs it under a
terminal (the harness stops it after its first paint); the harness also drives it with Pilot to
time a keystroke that refills the table. For the board's render the floor is a full-screen
repaint: one Static whose every line changes (the least Textual can do to redraw a screen).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

READY_TOKEN = "minimal-ready-row"
COLUMNS = ("Nom", "Téléphone(s)", "Adresse", "Ouvertes", "Dernier contact")
ROWS = 50


def rows_for(query: str, count: int = ROWS, columns: int = len(COLUMNS)) -> list[tuple[str, ...]]:
    """Plausible rows derived from `query` (the table changes with every keystroke)."""
    return [
        tuple(f"{query or 'ligne'} {row}-{column}" for column in range(columns))
        for row in range(count)
    ]


class MinimalScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="Recherche", id="query")
        table = DataTable(id="results", cursor_type="row")
        table.add_columns(*COLUMNS)
        table.add_row(READY_TOKEN, *("" for _ in COLUMNS[1:]))
        table.add_rows(rows_for("")[1:])
        yield table

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill(rows_for(event.value))

    def refill(self, rows: list[tuple[str, ...]]) -> None:
        table = self.query_one("#results", DataTable)
        table.clear()
        table.add_rows(rows)


class MinimalApp(App[None]):
    """Quits on Ctrl+Q like allo (the default Textual binding)."""

    def on_mount(self) -> None:
        self.push_screen(MinimalScreen())


class MinimalRepaintScreen(Screen[None]):
    """One Static filling the screen; `repaint(n)` replaces every line (the render floor)."""

    def compose(self) -> ComposeResult:
        yield Static(self._text(0), id="board")

    def _text(self, index: int) -> str:
        width, height = self.app.size
        line = f"{index} " + "2026-00042 dans 3 h 12 Voirie 12 rue du Temple " * 4
        return "\n".join(line[:width] for _ in range(height))

    def repaint(self, index: int) -> None:
        self.query_one("#board", Static).update(self._text(index + 1))


class MinimalRepaintApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(MinimalRepaintScreen())


if __name__ == "__main__":
    MinimalApp().run()
