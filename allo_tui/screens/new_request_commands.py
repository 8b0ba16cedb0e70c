"""Command palette entries of the new-request form: the service and the urgency.

Urgency and service are pre-set from the category and have no stop of their own in a call
(DESIGN §4); besides Shift+Tab (and Ctrl+G then 1–4 for the urgency) they are reachable here, for
terminals and browsers that keep some keys for themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.widgets.binding_commands import CommandListProvider

TEXTS = {
    "service": "Service de la demande…",
    "service_help": "choisir le service technique (pré-réglé par la catégorie)",
    "urgency": "Urgence {level} : {label}",
    "urgency_help": "Ctrl+G puis {level}",
}


class NewRequestCommands(CommandListProvider):
    """ "Service de la demande…" and "Urgence 1…4" while the form is being filled."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        screen = self.screen
        if getattr(screen, "confirmed", True):
            return []  # the confirmation of a saved request: nothing to change
        commands: list[tuple[str, Callable[[], Any], str]] = [
            (TEXTS["service"], screen.action_choose_service, TEXTS["service_help"])
        ]
        for level, label in URGENCY_LABELS.items():
            commands.append(
                (
                    TEXTS["urgency"].format(level=level, label=label),
                    partial(screen.set_urgency, level),
                    TEXTS["urgency_help"].format(level=level),
                )
            )
        return commands


__all__ = ["NewRequestCommands"]
