"""Command palette entries for the keys of the current screen.

A screen that lists `BindingCommands` in its `COMMANDS` offers each of its shown bindings in
Ctrl+P too ("Accuser réception", "Statut"…), for terminals that take some keys for themselves.
An action not possible right now is left out.
"""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class BindingCommands(Provider):
    """The screen's shown key bindings as palette commands."""

    def _commands(self) -> list[tuple[str, str, str]]:
        """(title, action, help) of every enabled, shown binding of the screen."""
        screen = self.screen
        commands = []
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.show:
                continue
            name, parameters = _parse(binding.action)
            if not screen.check_action(name, parameters):
                continue
            key = screen.app.get_key_display(binding)
            commands.append((binding.description, binding.action, f"touche {key}"))
        return commands

    async def discover(self) -> Hits:
        for title, action, help_text in self._commands():
            yield DiscoveryHit(title, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.screen.run_action, action),
                    help=help_text,
                )


def _parse(action: str) -> tuple[str, tuple[object, ...]]:
    """ "workflow('note')" -> ("workflow", ("note",))."""
    from textual.actions import parse

    _namespace, name, parameters = parse(action)
    return name, parameters
