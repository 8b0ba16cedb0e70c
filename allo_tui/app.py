"""AlloApp: the console's modes (F2–F5), global keys and the call in progress. Kept thin.

Screens and widgets never import this module: they see the app as a `Console`
(`allo_tui.console`) and the call in progress as its `CallInProgress` (`allo_tui.domain.call`).
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, get_system_commands_provider
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from allo_tui.domain import access
from allo_tui.domain.call import CallInProgress
from allo_tui.domain.clock import Clock
from allo_tui.domain.records import CallerRecord, OperatorRecord
from allo_tui.domain.sanitize import printable
from allo_tui.requests_watch import ConnectionLost, ConnectionRestored, RequestsWatch
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.palette import FrenchTextualCommands, NavigationCommands, RecordCommands
from allo_tui.session_guard import GuardedApp
from allo_tui.widgets.binding_commands import BindingCommands

APP_TEXTS = {
    "database_away": "base de données injoignable, nouvel essai…",
    "not_for_role": "« {screen} » n'est pas ouvert au rôle {role}.",
}
# The app's keys that open a screen the role table (`allo_tui.domain.access`) may deny.
_ACTION_SCREENS = {
    "new_request": access.Screen.NEW_REQUEST,
    "end_call_without_request": access.Screen.END_CALL,
}
_MODE_SCREENS = {
    "lookup": access.Screen.LOOKUP,
    "new_request": access.Screen.NEW_REQUEST,
    "history": access.Screen.HISTORY,
    "board": access.Screen.BOARD,
    "queue": access.Screen.QUEUE,
    "review": access.Screen.REVIEW,
    "admin": access.Screen.ADMIN,
}

if TYPE_CHECKING:
    from allo_tui.screens.new_request import NewRequestScreen

TITLE = "Allô Mairie"
PRELOAD_AFTER_SECONDS = 2.0
SCREEN_WAIT = 10.0
"""Seconds F2, F4 and F5 wait at most for their screen before the keys typed next go on."""
# The other modes' screens are imported when first shown, or in the background once the
# lookup screen is up (`preload`): they are not on the start-up path.
LATER_SCREENS = {
    "new_request": ("allo_tui.screens.new_request", "NewRequestScreen"),
    "history": ("allo_tui.screens.history", "HistoryScreen"),
    "board": ("allo_tui.screens.board", "BoardScreen"),
    "queue": ("allo_tui.screens.queue", "QueueScreen"),
    "review": ("allo_tui.screens.review", "ReviewScreen"),
    "admin": ("allo_tui.screens.admin", "AdminScreen"),
}


def _later_screen(module: str, name: str) -> Callable[[], Screen]:
    """A mode's base screen, built from `module`.`name` imported on first use."""

    def make() -> Screen:
        return getattr(importlib.import_module(module), name)()

    return make


class AlloApp(GuardedApp, FrenchTextualCommands, App[None]):
    """The operator's console (a `allo_tui.console.Console` for its screens); `GuardedApp`
    logs it out when its login is disabled or a served session stays idle."""

    TITLE = TITLE
    MODES = {
        "lookup": LookupScreen,
        **{mode: _later_screen(*where) for mode, where in LATER_SCREENS.items()},
    }
    DEFAULT_MODE = "lookup"
    COMMANDS = {NavigationCommands, RecordCommands, BindingCommands, get_system_commands_provider}
    # Screen keys are priority: acted on in the order typed, so the keys typed right after
    # them reach the screen they open, not the one left (see `action_new_request`).
    BINDINGS = [
        Binding("f1", "help", "Aide", id="app.help", priority=True),
        Binding("f2", "go('lookup')", "Demandeur", id="mode.lookup", priority=True),
        Binding("f3", "new_request", "Nouvelle demande", id="mode.new_request", priority=True),
        Binding("f4", "go('history')", "Historique", id="mode.history", priority=True),
        Binding("f5", "go('board')", "Tableau", id="mode.board", priority=True),
        # The queue is a service's screen: in the footer of a service agent's console only
        # (supervisors reach it by F7 and the palette; hostesses have none).
        Binding("f7", "go('queue')", "Ma file", id="mode.queue", priority=True, show=False),
        Binding("f8", "go('review')", "Bilan", id="mode.review", priority=True, show=False),
        Binding("f9", "go('admin')", "Admin", id="mode.admin", priority=True, show=False),
        Binding("f10", "end_call_without_request", "Fin d'appel", id="app.end_call", priority=True),
        Binding("ctrl+q", "quit", "Quitter", id="app.quit", priority=True),
    ]

    def __init__(
        self,
        store,
        operator: OperatorRecord,
        *,
        clock: Clock | None = None,
        console: str | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        from allo_tui import paths

        self.store = store
        self.operator = operator
        self.clock = clock or store.clock
        self.console_name = console or paths.console_id()
        self.demo = demo
        self.call = CallInProgress(self.clock, self.console_name)
        name = printable(operator.display_name, one_line=True)
        self.sub_title = f"{name} ({operator.role.value})" + (" — démo" if demo else "")
        self._sub_title = self.sub_title

    def get_driver_class(self):
        """Textual's driver, reading a large paste in bulk (see `allo_tui.terminal_input`)."""
        from allo_tui.terminal_input import driver_class

        return driver_class(super().get_driver_class())

    def on_mount(self) -> None:
        self._apply_keymap()
        watch = RequestsWatch.attach(self)  # urgency-1 arrivals ring on every console
        watch.signal.subscribe(self, self._database_reachable)
        self.set_timer(PRELOAD_AFTER_SECONDS, self._preload_store)  # once the screen is up
        from allo_tui.screens.restore_draft import offer_orphan_drafts

        offer_orphan_drafts(self)  # a call is never lost: offer a dead console's draft

    def _database_reachable(self, event) -> None:
        """The header says when the database cannot be reached, until it can again."""
        if isinstance(event, ConnectionLost):
            self.sub_title = f"{self._sub_title} — {APP_TEXTS['database_away']}"
        elif isinstance(event, ConnectionRestored):
            self.sub_title = self._sub_title

    def _apply_keymap(self) -> None:
        """The config file's remaps, minus those that would take a key already bound where
        the remapped key works (each refused one is said in one French line)."""
        from allo_tui.config import ConfigError, check_keymap, keymap

        try:
            mapping = keymap()
        except ConfigError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        if not mapping:
            return
        from allo_tui.key_scopes import key_scopes

        mapping, refusals = check_keymap(mapping, key_scopes(self))
        for refusal in refusals:
            self.notify(refusal, severity="warning", markup=False, timeout=15)
        if mapping:
            self.set_keymap(mapping)

    @work(thread=True, exit_on_error=False, group="preload")
    def _preload_store(self) -> None:
        """Import the other screens and read what the Store caches (calendar, streets), off
        the event loop and before they are needed (F3, F4 and F5 then open at once)."""
        for module, _ in LATER_SCREENS.values():
            importlib.import_module(module)
        importlib.import_module("phonenumbers")  # the first phone typed parses at once
        self.store.preload()

    # -- the call in progress (`self.call`) ----------------------------------------------

    def action_end_call_without_request(self) -> None:
        """F10: the call ends with an outcome (information, transfer…) and no request."""
        from allo_tui.screens.end_call import end_call_without_request

        if self._refuse(access.Screen.END_CALL):
            return

        end_call_without_request(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self._may(action, parameters):
            return False  # not this role's screen: neither shown nor acted on
        if action in ("end_call_without_request", "go", "switch_mode", "new_request", "help"):
            # A dialog is answered first: the keys stay in the footer below it, dimmed.
            return None if isinstance(self.screen, ModalScreen) else True
        return True

    # -- keys, help and palette -----------------------------------------------------------

    def get_key_display(self, binding: Binding) -> str:
        """Keys as printed on a keyboard: F2, Esc, ^Q (Ctrl+Q), ⏎."""
        display = super().get_key_display(binding)
        if binding.key_display:
            return display
        modifiers, key = binding.parse_key()
        if not modifiers and key == "escape":
            return "Esc"
        if "ctrl" in modifiers and len(key) == 1:
            return display.replace(f"^{key}", f"^{key.upper()}")
        if not modifiers and key.startswith("f") and key[1:].isdigit():
            return key.upper()
        return display

    def action_help(self) -> None:
        """F1: the key map of the current screen, as remapped."""
        from allo_tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        """Ctrl+Q: asks first while the new-request form holds typed text; its draft stays."""
        form = self._new_request_form()
        if form is None or not form.has_input():
            self.exit()
        elif isinstance(self.screen, ModalScreen):
            form.flush_draft_and_exit(form.draft_fields())  # Ctrl+Q twice: really quit
        else:
            form.confirm_quit()

    def _new_request_form(self) -> NewRequestScreen | None:
        try:
            stack = self.get_screen_stack("new_request")
        except KeyError:
            return None
        from allo_tui.screens.new_request import NewRequestScreen  # imported with the mode

        return next((s for s in stack if isinstance(s, NewRequestScreen)), None)

    def _showing_new_request_form(self) -> bool:
        if self.current_mode != "new_request":
            return False
        from allo_tui.screens.new_request import NewRequestScreen  # imported with the mode

        return isinstance(self.screen, NewRequestScreen)

    def restore_draft(self, fields: dict) -> None:
        """Bring back a new-request draft left by a dead console (offered at start)."""
        self.call.hold_draft(fields)
        if self._showing_new_request_form():
            self.screen.take_pending_draft()
        else:
            self.switch_mode("new_request")

    # -- navigation -----------------------------------------------------------------------

    async def action_go(self, mode: str) -> None:
        """F2, F4, F5: show the mode's screen; returns once it takes keys, so that the keys
        typed next, held meanwhile, reach it (the first visit builds the screen)."""
        if mode in _MODE_SCREENS and self._refuse(_MODE_SCREENS[mode]):
            return
        await self.switch_mode(mode)
        await self.screen_ready()

    async def screen_ready(self) -> None:
        """Wait until the current screen has handled what it was sent so far (its mount and
        resume: the focus is then in place), and its own `ready_for_typing` if it has one."""
        screen = self.screen
        handled = asyncio.Event()
        screen.call_later(handled.set)
        try:
            await asyncio.wait_for(handled.wait(), SCREEN_WAIT)
        except TimeoutError:
            return  # never blocks the console: keys then go where Textual sends them
        ready = getattr(screen, "ready_for_typing", None)
        if ready is not None:
            await ready()

    async def action_new_request(self) -> None:
        """F3: the screen's own new request (lookup: the highlighted caller; caller card: its
        caller) or an anonymous one; returns once the form takes keys, so that the keys typed
        after F3, held meanwhile, land in it (the first F3 of a session builds the form)."""
        if self._refuse(access.Screen.NEW_REQUEST):
            return
        if hasattr(self.screen, "action_new_request"):
            await self.run_action("new_request", self.screen)
        else:
            self.start_request(None)
        await self.screen_ready()

    def start_request(self, caller: CallerRecord | None) -> None:
        """Open the new-request form, pre-filled with `caller` when one was chosen."""
        if self._refuse(access.Screen.NEW_REQUEST):
            return
        self.call.attach_caller(caller)
        if self._showing_new_request_form():
            self.screen.take_pending_caller()
        else:
            self.switch_mode("new_request")

    def _may(self, action: str, parameters: tuple[object, ...]) -> bool:
        """May this operator's role open the screen `action` leads to?"""
        screen = _ACTION_SCREENS.get(action)
        if action in ("go", "switch_mode") and parameters:
            screen = _MODE_SCREENS.get(str(parameters[0]))
        return screen is None or access.may_open(screen, self.operator.role)

    def _refuse(self, screen: access.Screen) -> bool:
        """Say so and return True when the role may not open `screen`."""
        if access.may_open(screen, self.operator.role):
            return False
        rule = access.SCREEN_ACCESS[screen]
        self.notify(
            APP_TEXTS["not_for_role"].format(screen=rule.label, role=self.operator.role.value),
            severity="warning",
            markup=False,
        )
        return True

    def open_caller_card(self, caller_id: int) -> None:
        """Show the card of caller `caller_id` on top of the current screen."""
        from allo_tui.screens.caller_card import CallerCardScreen

        if self._refuse(access.Screen.CALLER_CARD):
            return
        self.push_screen(CallerCardScreen(caller_id))


class ServiceConsoleApp(AlloApp):
    """The console of a service agent: it opens on their queue (F7), and the
    call centre's screens (lookup, caller card, new request, end of call) are not theirs."""

    DEFAULT_MODE = "queue"
    # The console's keys in the same order, the queue's shown (F2, F3 and F10 stay hidden:
    # the role table denies them).
    BINDINGS = [
        Binding("f7", "go('queue')", "Ma file", id="mode.queue", priority=True)
        if isinstance(binding, Binding) and binding.id == "mode.queue"
        else binding
        for binding in AlloApp.BINDINGS
    ]


def console_app(store, operator: OperatorRecord, **options) -> AlloApp:
    """The console for `operator`: a service agent's, or the call centre's."""
    if not access.may_open(access.Screen.LOOKUP, operator.role):
        return ServiceConsoleApp(store=store, operator=operator, **options)
    return AlloApp(store=store, operator=operator, **options)


class BoardApp(App[None]):
    """`allo board`: the wall screen, read-only, no operator login."""

    TITLE = TITLE
    BINDINGS = [Binding("ctrl+q", "quit", "Quitter", id="app.quit", priority=True)]

    def __init__(
        self,
        store,
        *,
        services: tuple[int, ...] = (),
        urgency: int | None = None,
        service_names: dict[int, str] | None = None,
        page_seconds: float | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.clock = store.clock
        self.services = services
        self.urgency = urgency
        self.service_names = service_names or {}
        self.page_seconds = page_seconds
        self.sub_title = "Tableau des interventions ouvertes"

    def on_mount(self) -> None:
        from allo_tui.screens.wall import PAGE_SECONDS, WallScreen

        RequestsWatch.attach(self)
        wall = WallScreen(
            services=self.services,
            urgency=self.urgency,
            service_names=self.service_names,
            page_seconds=self.page_seconds or PAGE_SECONDS,
        )
        self.push_screen(wall)
