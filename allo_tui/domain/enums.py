"""The closed sets of values the domain works with: roles, request statuses and the status
sets, channels, kinds, contact preferences, call outcomes and event kinds.

Their values are what the database stores; their French labels are in `domain.labels`.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What an operator may do.

    `operator` < `supervisor` < `admin`: each includes the ones before it. `service` (a
    technical service's or the mobile team's agent, attached to services) stands outside
    that ranking: it includes no other role and no other role includes it; what it may do
    is in the role x action table of `allo_tui.domain.workflow`.
    """

    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SERVICE = "service"

    @property
    def rank(self) -> int | None:
        """The place in operator < supervisor < admin; None for `service` (outside it)."""
        return {"operator": 0, "supervisor": 1, "admin": 2}.get(self.value)

    @property
    def is_ranked(self) -> bool:
        return self.rank is not None

    def includes(self, other: Role) -> bool:
        """True when this role may do everything `other` may do."""
        if self.rank is None or other.rank is None:
            return self is other
        return self.rank >= other.rank


class Status(StrEnum):
    """Status of a request (DESIGN §3, status workflow)."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PLANNED = "planned"
    """Planned by its service for a day (`planned_for`)."""
    WAITING = "waiting"
    """On hold, waiting for the citizen or a third party (`waiting_for`)."""
    TRANSFERRED = "transferred"
    """Passed to a third party (`transferred_to`): our part is over."""
    DONE = "done"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.PLANNED,
        Status.WAITING,
    }
)
RESOLVED_STATUSES = frozenset({Status.DONE, Status.CLOSED})
ENDED_WITHOUT_INTERVENTION = frozenset(
    {Status.REJECTED, Status.DUPLICATE, Status.CANCELLED, Status.TRANSFERRED}
)


class Channel(StrEnum):
    PHONE = "phone"
    COUNTER = "counter"
    EMAIL = "email"
    LETTER = "letter"
    MOBILE_TEAM = "mobile_team"
    WEB = "web"


class Kind(StrEnum):
    INTERVENTION = "intervention"
    COMPLAINT = "complaint"
    REMARK = "remark"
    INFORMATION = "information"


class ContactPreference(StrEnum):
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    NONE = "none"


class CallOutcome(StrEnum):
    """How a call ended (DESIGN §4, F10)."""

    REQUEST_CREATED = "request_created"
    FOLLOW_UP = "follow_up"
    INFORMATION = "information"
    TRANSFERRED = "transferred"
    WRONG_NUMBER = "wrong_number"
    HUNG_UP = "hung_up"
    ORIENTED = "oriented"
    """Out of the town hall's scope: sent to a body of the orientation directory."""


class EventKind(StrEnum):
    CREATED = "created"
    STATUS = "status"
    NOTE = "note"
    ASSIGNMENT = "assignment"
    ACKNOWLEDGEMENT = "acknowledgement"
    MERGE = "merge"
    REPORTED_AGAIN = "reported_again"
    EDIT = "edit"
