"""F1: the keys of the screen below, generated from the key map in force (remaps included).

Three parts: the keys that work everywhere (the app's), the keys of the screen and of the
focused widget, and how to reach everything else (Ctrl+P). Each key is listed with what it does
and its binding id, the name to use in the `[keymap]` table of the config file.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from allo_tui.widgets.key_footer import bindings_in_force

TEXTS = {
    "title": "Aide — touches",
    "everywhere": "Partout",
    "screen": "Sur cet écran",
    "key": "Touche",
    "what": "Action",
    "id": "Identifiant (config)",
    "palette": (
        "Ctrl+P ouvre la palette de commandes : toutes ces actions, aller au tableau, à "
        "l'historique, ouvrir une demande par son numéro (2026-00042), chercher un demandeur."
    ),
    "palette_key": "Palette de commandes",
    "tab": "Champ ou zone suivante / précédente",
    "legend": "^ = Ctrl · ⏎ = Entrée · Esc = Échap",
    "remap": (
        "Une touche se change dans la table [keymap] du fichier de configuration, par "
        'identifiant : "mode.board" = "f12".'
    ),
    "close": "Esc ou F1 : fermer",
}


class HelpScreen(ModalScreen[None]):
    """The key map of `screen` (the screen F1 was pressed on)."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,f1", "close", "Fermer", id="help.close"),
        Binding("q", "close", "Fermer", show=False),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.below = screen

    def compose(self) -> ComposeResult:
        app_rows, screen_rows = key_rows(self.app, self.below)
        with VerticalScroll(id="help"):
            yield Static(Text(TEXTS["title"], style="bold"), id="help-title")
            yield Static(_table(TEXTS["everywhere"], app_rows), id="help-app")
            if screen_rows:
                yield Static(_table(TEXTS["screen"], screen_rows), id="help-screen")
            yield Static(Text(TEXTS["palette"]), classes="help-note")
            yield Static(Text(TEXTS["legend"]), classes="help-note")
            yield Static(Text(TEXTS["remap"]), classes="help-note")
            yield Static(Text(TEXTS["close"], style="bold"), classes="help-note")

    def action_close(self) -> None:
        self.dismiss(None)


Rows = list[tuple[str, str, str]]


def key_rows(app: App, screen: Screen) -> tuple[Rows, Rows]:
    """(key, what, id) rows: the app's keys, then those of `screen` and its focused widget.

    Read from the bindings in force on each node (after the key map was applied): a remapped
    key shows its new key. Keys bound to one action are shown together ("o / y").
    """
    app_rows: list[list[str]] = []
    screen_rows: list[list[str]] = []
    seen: dict[tuple[int, str], list[str]] = {}
    nodes: list = [app, screen]
    if screen.focused is not None:
        nodes += [n for n in reversed(screen.focused.ancestors_with_self) if n not in nodes]
    for node in nodes:
        rows = app_rows if node is app else screen_rows
        for _key, binding in bindings_in_force(app, node):
            if not binding.description or binding.system:
                continue
            if not binding.id:
                continue  # Textual's own keys (focus, copy, cursor moves in a box…)
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            slot = (id(node), binding.id or binding.action)
            display = app.get_key_display(binding)
            if slot in seen:
                row = seen[slot]
                if display not in row[0].split(" / "):
                    row[0] = f"{row[0]} / {display}"
                continue
            row = [display, binding.description, binding.id or ""]
            seen[slot] = row
            rows.append(row)
    order = [b.id for b in type(app).BINDINGS if isinstance(b, Binding)]
    app_rows.sort(key=lambda row: order.index(row[2]) if row[2] in order else len(order))
    palette = app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "command_palette"))
    app_rows.append([palette, TEXTS["palette_key"], ""])
    screen_rows.append(["Tab / Shift+Tab", TEXTS["tab"], ""])
    return [tuple(row) for row in app_rows], [tuple(row) for row in screen_rows]


def _table(title: str, rows: Rows) -> Table:
    table = Table(title=title, title_justify="left", expand=True, box=None, padding=(0, 1))
    table.add_column(TEXTS["key"], style="bold", no_wrap=True)
    table.add_column(TEXTS["what"], ratio=1)
    table.add_column(TEXTS["id"], style="dim", no_wrap=True)
    for key, what, binding_id in rows:
        table.add_row(Text(key), Text(what), Text(binding_id))
    return table
