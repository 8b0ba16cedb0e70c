"""The actions on a request and the shape of their rules; the rules themselves, the role x
action table, are `allo_tui.domain.workflow.TRANSITIONS` (which re-exports these)."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from allo_tui.domain.enums import Role, Status


class Action(StrEnum):
    """Something an operator does to a request."""

    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    START = "start"
    DONE = "done"
    CLOSE = "close"
    REJECT = "reject"
    DUPLICATE = "duplicate"
    CANCEL = "cancel"
    NOTE = "note"
    REOPEN = "reopen"
    REQUALIFY = "requalify"
    PLAN = "plan"
    WAIT = "wait"
    RESUME = "resume"
    SEND_BACK = "send_back"
    TRANSFER = "transfer"


class Transition(msgspec.Struct, frozen=True):
    """Who may perform an action, from which statuses, and what text it needs."""

    action: Action
    """The action this rule governs."""
    from_statuses: frozenset[Status]
    """Statuses the action may start from."""
    role: Role
    """Minimum role (higher roles included)."""
    requires_text: bool
    """True when the text (answer, reason, note) must not be blank."""
    label: str
    """French verb shown in the UI."""
    text_label: str = ""
    """French label of the text field (required or optional); empty when there is none."""
    service_from: frozenset[Status] = frozenset()
    """Statuses a service agent (role `service`) may do it from, on their services' requests
    only; empty: never."""
