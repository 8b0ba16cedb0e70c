"""Which keys work together, for checking a key map before it is applied (`config.check_keymap`).

The app's keys work everywhere; each full screen's keys work with those of the widgets it
holds. Screen modules are imported here only when the config file remaps keys, so start-up
without a key map does not pay for it.
"""

from __future__ import annotations

import importlib

from textual.app import App
from textual.binding import Binding

from allo_tui.config import BoundKey, KeyScope

# (screen title shown in messages, screen class, classes of the widgets with keys in it)
SCREENS = (
    ("Demandeur", "allo_tui.screens.lookup:LookupScreen", ()),
    ("Nouvelle demande", "allo_tui.screens.new_request:NewRequestScreen", ()),
    (
        "Historique",
        "allo_tui.screens.history:HistoryScreen",
        ("allo_tui.widgets.history_table:HistoryTable",),
    ),
    (
        "Tableau",
        "allo_tui.screens.board:BoardScreen",
        ("allo_tui.widgets.board_list:BoardList",),
    ),
    ("Fiche de la demande", "allo_tui.screens.request_detail:RequestDetailScreen", ()),
    ("Demande", "allo_tui.screens.request_view:RequestViewScreen", ()),
    ("Fiche du demandeur", "allo_tui.screens.caller_card:CallerCardScreen", ()),
    ("Modifier un demandeur", "allo_tui.screens.caller_edit:CallerEditScreen", ()),
    ("Aide", "allo_tui.screens.help:HelpScreen", ()),
)


def key_scopes(app: App) -> list[KeyScope]:
    """The app's scope (its keys, the palette's, Ctrl+C), then one per full screen."""
    app_keys = [_bound(binding) for _key, binding in type(app)._merge_bindings()]
    app_keys.append(BoundKey(None, app.COMMAND_PALETTE_BINDING, "Palette de commandes", True))
    scopes = [KeyScope("partout", tuple(app_keys), everywhere=True)]
    for title, screen, widgets in SCREENS:
        keys: list[BoundKey] = []
        for where in (screen, *widgets):
            keys += [_bound(binding) for _key, binding in _class(where)._merge_bindings()]
        scopes.append(KeyScope(title, tuple(keys)))
    return scopes


def _bound(binding: Binding) -> BoundKey:
    return BoundKey(binding.id, binding.key, binding.description, binding.priority)


def _class(where: str):
    module, name = where.split(":")
    return getattr(importlib.import_module(module), name)
