"""Supervisors' bulk actions: one action on the requests marked in a list (history, board).

Space marks a request (with the version it had when marked); Ctrl+B offers the actions below.
Each request gets its own Event; a request whose status does not allow the action, or that
changed since it was marked, is skipped and listed with the reason, never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from allo_tui.domain.records import Role
from allo_tui.domain.workflow import Action

BULK_ACTIONS: tuple[Action, ...] = (Action.ASSIGN, Action.REQUALIFY, Action.CLOSE, Action.REJECT)
"""The actions offered on marked requests, in the order the dialog lists them."""

BULK_ROLE = Role.SUPERVISOR
"""Bulk actions are for supervisors (and admins)."""

MAX_MARKED = 500
"""Marks kept at most in one list (one transaction applies them all)."""


@dataclass(frozen=True, slots=True)
class MarkedRequest:
    """A request marked in a list: its id, reference and the version it had when marked."""

    request_id: int
    reference: str
    version: int


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What a bulk action did: the references changed, and those skipped with the reason."""

    done: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


def may_bulk(role: Role) -> bool:
    """True when `role` may use bulk actions."""
    return Role(role).includes(BULK_ROLE)
