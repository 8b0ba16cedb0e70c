"""The command palette (Ctrl+P), global and in French.

Every screen offers: going to the modes (the queue, "Ma file", for the roles that have one), a
new request, ending the call, the help, quitting ("Aller au tableau", "Historique des
demandes"…); a reference typed ("2026-00042") opens that request; any other text offers the
callers it finds, and a search of it on F2. The keys of the current screen are there too
(`BindingCommands`), for terminals and browsers that keep some keys for themselves: with `allo
serve`, every key of the console (Ctrl+N, Ctrl+Q, the F-keys…) is reachable from Ctrl+P.
Textual's own texts (placeholder, "No matches found", system commands) are replaced by French
ones.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.screen import Screen
from textual.widgets.option_list import Option

from allo_tui.console import console_of
from allo_tui.literal import printable
from allo_tui.widgets.key_footer import bindings_in_force

TEXTS = {
    "placeholder": "Chercher une commande, une demande (2026-00042), un demandeur…",
    "themes": "Chercher un thème…",
    "no_matches": "Aucune commande trouvée",
    "board": "Aller au tableau des interventions",
    "board_help": "touche {key} — les demandes ouvertes par urgence",
    "history": "Historique des demandes",
    "history_help": "touche {key} — toutes les demandes, filtres",
    "queue": "Ma file : les demandes de mon service",
    "queue_help": "touche {key} — les demandes ouvertes du service, en retard d'abord",
    "review": "Bilan : statistiques de la période",
    "review_help": "touche {key} — volumes, délais, services, procédures à revoir",
    "admin": "Administration : catalogue, services, annuaire, réglages",
    "admin_help": "touche {key} — administrateurs ; chaque changement est journalisé",
    "lookup": "Rechercher un demandeur",
    "lookup_help": "touche {key} — par téléphone, nom ou adresse",
    "new_request": "Nouvelle demande",
    "new_request_help": "touche {key}",
    "end_call": "Fin d'appel sans demande",
    "end_call_help": "touche {key} — information donnée, transfert, faux numéro…",
    "help": "Aide : les touches de cet écran",
    "help_help": "touche {key}",
    "quit": "Quitter",
    "quit_help": "touche {key}",
    "open_request": "Ouvrir la demande {reference}",
    "open_request_help": "{status} — {description}",
    "no_request": "Aucune demande {reference}",
    "find_caller": "Chercher le demandeur « {query} »",
    "find_caller_help": "sur l'écran Demandeur (F2)",
    "caller": "Demandeur : {name}",
    "caller_help": "ouvrir sa fiche — {phones}",
}
TEXTUAL_TEXTS = {
    "quit_title": "Quitter ?",
    "quit_hint": "Pour quitter Allô Mairie : {key}",
    "theme": "Thème",
    "theme_help": "changer les couleurs de la console",
    "maximize": "Agrandir",
    "maximize_help": "agrandir la zone qui a le focus",
    "minimize": "Réduire",
    "minimize_help": "rendre sa taille à la zone agrandie",
    "screenshot": "Capture d'écran",
    "screenshot_help": "enregistrer l'écran dans un fichier SVG",
    "screenshot_saved": "Capture enregistrée : {path}",
    "screenshot_failed": "Capture impossible : {error}",
}
REFERENCE = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{1,9})\s*$")
CALLER_HITS = 5
MIN_CALLER_QUERY = 3


class FrenchCommandPalette(CommandPalette):
    """Textual's palette with its own texts in French."""

    THEMES_PLACEHOLDER = TEXTS["themes"]

    def __init__(self, providers=None, *, placeholder: str = TEXTS["placeholder"], **kwargs):
        super().__init__(providers, placeholder=placeholder, **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's method, with the French text (it is not a parameter there).
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(TEXTS["no_matches"], style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def _key(app, binding_id: str) -> str:
    """How the key of the app binding `binding_id` shows (remaps included)."""
    for _key_name, binding in bindings_in_force(app, app):
        if binding.id == binding_id:
            return app.get_key_display(binding)
    return "—"


class NavigationCommands(Provider):
    """Going to the modes, a new request, ending the call, help, quitting."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = self.app
        entries = [
            ("board", "mode.board", "go", ("board",)),
            ("history", "mode.history", "go", ("history",)),
            ("queue", "mode.queue", "go", ("queue",)),
            ("review", "mode.review", "go", ("review",)),
            ("admin", "mode.admin", "go", ("admin",)),
            ("lookup", "mode.lookup", "go", ("lookup",)),
            ("new_request", "mode.new_request", "new_request", ()),
            ("end_call", "app.end_call", "end_call_without_request", ()),
            ("help", "app.help", "help", ()),
            ("quit", "app.quit", "quit", ()),
        ]
        return [
            (
                TEXTS[name],
                partial(app.run_action, f"{action}({', '.join(map(repr, parameters))})"),
                TEXTS[f"{name}_help"].format(key=_key(app, binding_id)),
            )
            for name, binding_id, action, parameters in entries
            # Only the screens this operator's role may open (a service agent has no lookup).
            if app.check_action(action, parameters) is not False
        ]

    async def discover(self) -> Hits:
        for title, command, help_text in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)


class RecordCommands(Provider):
    """A reference typed opens that request; other text finds callers (off the event loop)."""

    async def search(self, query: str) -> Hits:
        store = getattr(self.app, "store", None)
        if store is None:
            return
        found = REFERENCE.match(query)
        if found:
            reference = f"{found.group(1)}-{int(found.group(2)):05d}"
            request = await asyncio.to_thread(store.get_request_by_reference, reference)
            if request is None:
                return
            yield Hit(
                1.0,
                Text(TEXTS["open_request"].format(reference=request.reference)),
                partial(self._open_request, request.id),
                help=escape(
                    TEXTS["open_request_help"].format(
                        status=_status_label(request.status),
                        description=printable(request.description, one_line=True)[:60],
                    )
                ),
            )
            return
        text = query.strip()
        if len(text) < MIN_CALLER_QUERY:
            return
        result = await asyncio.to_thread(store.search_callers, text, limit=CALLER_HITS)
        for caller in result.rows[:CALLER_HITS]:
            name = printable(caller.display_name, one_line=True)
            phones = printable(
                ", ".join(phone.display for phone in caller.phones[:2]), one_line=True
            )
            yield Hit(
                0.5,
                Text(TEXTS["caller"].format(name=name)),
                partial(console_of(self.app).open_caller_card, caller.id),
                help=escape(TEXTS["caller_help"].format(phones=phones)),
            )
        yield Hit(
            0.4,
            Text(TEXTS["find_caller"].format(query=printable(text, one_line=True))),
            partial(self._find_caller, text),
            help=TEXTS["find_caller_help"],
        )

    def _open_request(self, request_id: int) -> None:
        from allo_tui.screens.request_detail import RequestDetailScreen

        self.app.push_screen(RequestDetailScreen(request_id))

    async def _find_caller(self, text: str) -> None:
        """F2 with `text` searched (the lookup takes it once it has its focus)."""
        from allo_tui.screens.lookup import LookupScreen

        app = self.app
        await app.run_action("go('lookup')")
        # F2 shows the top of the lookup's stack, which may be a caller card opened on it.
        while len(app.screen_stack) > 1 and not isinstance(app.screen, LookupScreen):
            await app.pop_screen()
        if not isinstance(app.screen, LookupScreen):
            return
        console_of(app).call.start()  # the lookup keeps a query only during a call
        app.screen.query_one("#query").value = text


def _status_label(status) -> str:
    from allo_tui.domain.labels import STATUS_LABELS

    return STATUS_LABELS.get(status, str(getattr(status, "value", status)))


class FrenchTextualCommands:
    """Textual's own palette commands, Ctrl+C hint and theme picker, in French (an App mixin).

    The help is F1 (`screens/help.py`), not Textual's key panel.
    """

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette, global and in French."""
        if self.use_command_palette and not FrenchCommandPalette.is_open(self):
            self.push_screen(FrenchCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(
            FrenchCommandPalette(
                providers=[ThemeProvider], placeholder=FrenchCommandPalette.THEMES_PLACEHOLDER
            )
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette commands, in French (the help is F1, not Textual's panel)."""
        yield SystemCommand(
            TEXTUAL_TEXTS["theme"], TEXTUAL_TEXTS["theme_help"], self.action_change_theme
        )
        if screen.maximized is not None:
            yield SystemCommand(
                TEXTUAL_TEXTS["minimize"], TEXTUAL_TEXTS["minimize_help"], screen.action_minimize
            )
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(
                TEXTUAL_TEXTS["maximize"], TEXTUAL_TEXTS["maximize_help"], screen.action_maximize
            )
        yield SystemCommand(
            TEXTUAL_TEXTS["screenshot"], TEXTUAL_TEXTS["screenshot_help"], self._screenshot
        )

    def _screenshot(self) -> None:
        from allo_tui import paths

        try:
            folder = paths.user_log_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = self.save_screenshot(path=str(folder))
        except OSError as error:
            self.notify(
                TEXTUAL_TEXTS["screenshot_failed"].format(error=error),
                severity="error",
                markup=False,
            )
        else:
            self.notify(TEXTUAL_TEXTS["screenshot_saved"].format(path=path), markup=False)

    def action_help_quit(self) -> None:
        """Ctrl+C (which quits many programs): say, in French, which key quits."""
        for _key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                display = self.get_key_display(active.binding)
                self.notify(
                    TEXTUAL_TEXTS["quit_hint"].format(key=display),
                    title=TEXTUAL_TEXTS["quit_title"],
                    markup=False,
                )
                return
