"""Command palette entries for the keys of the current screen.

The app lists `BindingCommands` in its `COMMANDS`, so every screen offers each of its key
bindings (and those of the focused widget) in Ctrl+P too ("Accuser réception", "Statut"…), for
terminals and browsers that take some keys for themselves. An action not possible right now is
left out; the key shown is the one in force (remaps included). The app's own keys (F2–F5…) are
offered by `allo_tui.screens.palette.NavigationCommands`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

TEXTS = {"help": "touche {key}"}
# Moving around a list or a box is not a command.
NOT_COMMANDS = (
    "move",
    "cursor_",
    "page_",
    "scroll_",
    "first",
    "last",
    "newest",
    "oldest",
    "focus_list",
    "next_field",
    "previous_field",
)


class CommandListProvider(Provider):
    """A palette provider made of a list of (title, command, help) that `_commands` gives."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, command, help_text in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)


class BindingCommands(CommandListProvider):
    """The screen's key bindings as palette commands."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        """(title, command, help) of every enabled binding of the screen that has a name."""
        screen = self.screen
        app = screen.app
        commands = []
        seen: set[str] = set()
        for _key, (node, binding, enabled, _tooltip) in screen.active_bindings.items():
            if isinstance(node, App) or not enabled or not binding.description:
                continue
            if not binding.id:
                continue  # Textual's own keys (cursor moves in a box…): not commands
            if binding.action.startswith(NOT_COMMANDS) or binding.action in seen:
                continue
            seen.add(binding.action)
            display = app.get_key_display(binding)
            commands.append(
                (
                    binding.description,
                    partial(app.run_action, binding.action, node),
                    escape(TEXTS["help"].format(key=display)),
                )
            )
        return commands
