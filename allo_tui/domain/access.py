"""Which screens each role may open, and which requests it sees there: the screen part of the
role x action table (the actions are in `allo_tui.domain.workflow`)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

import msgspec

from allo_tui.domain.records import Role


class Screen(StrEnum):
    """A screen of the console, for the role x screen part of the table."""

    LOOKUP = "lookup"
    CALLER_CARD = "caller_card"
    NEW_REQUEST = "new_request"
    END_CALL = "end_call"
    HISTORY = "history"
    BOARD = "board"
    QUEUE = "queue"
    REQUEST_DETAIL = "request_detail"
    REVIEW = "review"


class Reach(StrEnum):
    """Which requests a role sees on a screen it may open."""

    ALL = "all"
    """Every request (hostesses, supervisors, admins)."""
    OWN_SERVICES = "own_services"
    """The requests of the agent's services only."""


class ScreenRule(msgspec.Struct, frozen=True):
    """Who may open a screen, and which requests each role sees there."""

    screen: Screen
    key: str
    """Its key ("" when it is reached from another screen)."""
    label: str
    """French name."""
    reach: Mapping[Role, Reach]
    """The roles that may open it; a role not listed may not."""


_EVERYONE_ALL = {Role.OPERATOR: Reach.ALL, Role.SUPERVISOR: Reach.ALL, Role.ADMIN: Reach.ALL}
_SERVICE_TOO = {**_EVERYONE_ALL, Role.SERVICE: Reach.OWN_SERVICES}

SCREEN_ACCESS: Mapping[Screen, ScreenRule] = MappingProxyType(
    {
        rule.screen: rule
        for rule in (
            # Service agents take no calls: no lookup, no caller card (the caller's name and
            # phone are on the request detail), no new request, no end of call.
            ScreenRule(Screen.LOOKUP, "F2", "Recherche d'appelant", _EVERYONE_ALL),
            ScreenRule(Screen.CALLER_CARD, "", "Fiche appelant", _EVERYONE_ALL),
            ScreenRule(Screen.NEW_REQUEST, "F3", "Nouvelle demande", _EVERYONE_ALL),
            ScreenRule(Screen.END_CALL, "F10", "Fin d'appel sans demande", _EVERYONE_ALL),
            ScreenRule(Screen.HISTORY, "F4", "Historique", _SERVICE_TOO),
            ScreenRule(Screen.BOARD, "F5", "Tableau de bord", _SERVICE_TOO),
            # A hostess has no service, so no queue; supervisors open any service's queue.
            ScreenRule(
                Screen.QUEUE,
                "F7",
                "Ma file",
                {
                    Role.SUPERVISOR: Reach.ALL,
                    Role.ADMIN: Reach.ALL,
                    Role.SERVICE: Reach.OWN_SERVICES,
                },
            ),
            ScreenRule(Screen.REQUEST_DETAIL, "", "Détail de la demande", _SERVICE_TOO),
            ScreenRule(
                Screen.REVIEW, "F8", "Bilan", {Role.SUPERVISOR: Reach.ALL, Role.ADMIN: Reach.ALL}
            ),
        )
    }
)
"""The screens part of the role x action table."""


def screen_reach(screen: Screen, role: Role) -> Reach | None:
    """Which requests `role` sees on `screen`; None when it may not open it."""
    return SCREEN_ACCESS[Screen(screen)].reach.get(Role(role))


def own_services(screen: Screen, console) -> tuple[int, ...]:
    """The services `console`'s operator is kept to on `screen` (a service agent's own), or
    () when they see every request there."""
    operator = console.operator
    if screen_reach(screen, operator.role) is Reach.OWN_SERVICES:
        return tuple(operator.service_ids) or (-1,)  # attached to none: sees nothing
    return ()


def may_open(screen: Screen, role: Role) -> bool:
    """True when `role` may open `screen`."""
    return screen_reach(screen, role) is not None
