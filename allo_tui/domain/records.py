"""Frozen records: what the Store hands to screens and commands.

They never carry ORM objects or Sessions; they are safe to pass between threads.

Each record is a frozen `msgspec.Struct` (`Record`): built in C when the module is imported,
where a frozen dataclass compiles six generated methods each, which made this module the
largest start-up cost of the console. Copy one with a change by `msgspec.structs.replace`
(re-exported here as `replace`), not `dataclasses.replace`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import msgspec
from msgspec import field
from msgspec.structs import replace  # noqa: F401 - re-exported for the records' users

from allo_tui.domain.enums import (  # noqa: F401 - re-exported: existing imports keep working
    ENDED_WITHOUT_INTERVENTION,
    OPEN_STATUSES,
    RESOLVED_STATUSES,
    CallOutcome,
    Channel,
    ContactPreference,
    EventKind,
    Kind,
    Role,
    Status,
)


class Record(msgspec.Struct, frozen=True):
    """Base of the frozen records: immutable, hashable, compared field by field."""


class OperatorRecord(Record):
    id: int
    login: str
    display_name: str
    role: Role
    active: bool = True
    service_ids: tuple[int, ...] = ()
    """The services a service agent (role `service`) is attached to; empty for other roles."""
    service_codes: tuple[str, ...] = ()
    """Their codes as in the catalogue (`VOIRIE`), in the same order as `service_ids`."""


class ServiceRecord(Record):
    id: int
    code: str
    name: str
    is_mobile_team: bool = False
    active: bool = True


class CategoryRecord(Record):
    id: int
    code: str
    label: str
    service_id: int
    service_name: str
    default_urgency: int
    active: bool = True
    procedure: str = ""  # what the hostess asks and says when she picks it (administration)


class PhoneRecord(Record):
    id: int
    number: str  # E.164 when it parsed, else as typed
    display: str  # national format for display, or as typed
    valid: bool  # False: kept as typed and flagged
    label: str = ""


class CallerRecord(Record):
    id: int
    surname: str
    given_name: str
    phones: tuple[PhoneRecord, ...] = ()
    email: str = ""
    street_number: str = ""
    street: str = ""
    address_extra: str = ""
    postcode: str = ""
    city: str = ""
    neighbourhood: str = ""
    notes: str = ""
    contact_preference: ContactPreference = ContactPreference.PHONE
    version: int = 1
    updated_at: datetime | None = None
    updated_by: str = ""
    open_requests: int = 0
    last_contact_at: datetime | None = None

    @property
    def display_name(self) -> str:
        """French habit: surname in capitals first, then the given name."""
        return " ".join(p for p in (self.surname.upper(), self.given_name) if p)

    @property
    def address(self) -> str:
        return " ".join(p for p in (self.street_number, self.street) if p)


class RequestRecord(Record):
    id: int
    reference: str
    created_at: datetime
    created_by: str
    channel: Channel
    kind: Kind
    category_id: int
    category_label: str
    service_id: int | None
    service_name: str
    urgency: int
    status: Status
    description: str
    caller_id: int | None = None
    caller_name: str = ""
    street_number: str = ""
    street: str = ""
    landmark: str = ""
    neighbourhood: str = ""
    latitude: float | None = None
    longitude: float | None = None
    ack_due_at: datetime | None = None
    intervention_due_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_how: str = ""
    answer: str = ""
    duplicate_of_id: int | None = None
    duplicate_of_reference: str = ""
    closed_at: datetime | None = None
    version: int = 1
    updated_at: datetime | None = None
    updated_by: str = ""
    planned_for: date | None = None
    """The day its service planned it for (status `planned`)."""
    outcome_code: str = ""
    outcome_label: str = ""
    """The coded outcome of a request done (`outcomes`), with its label ("Réparé")."""
    rejection_reason_code: str = ""
    rejection_reason_label: str = ""
    """The coded reason of a rejected request (`rejection_reasons`), with its label."""
    waiting_kind: str = ""
    """Who a waiting request waits for: "citizen", "third_party" ("" when not waiting)."""
    waiting_for: str = ""
    """What is awaited, as typed."""
    waiting_since: datetime | None = None
    resume_status: Status | None = None
    """The status a waiting request resumes."""
    transferred_to: str = ""
    """The third party a transferred request was passed to, as typed."""
    sent_back: bool = False
    """Sent back to the call centre by a service (its service cleared), until reassigned."""
    caller_preference: str = ""
    """How the caller wants to hear back ("phone", "letter", "email", "none"); "" when
    anonymous."""

    @property
    def location(self) -> str:
        place = " ".join(p for p in (self.street_number, self.street) if p)
        if self.landmark:
            return f"{place} ({self.landmark})" if place else self.landmark
        return place

    @property
    def is_open(self) -> bool:
        return self.status.is_open


class CodedItem(Record):
    """One entry of a coded list (outcomes, rejection reasons): its code and French label."""

    code: str
    label: str


class EventRecord(Record):
    id: int
    request_id: int
    at: datetime
    operator: str
    kind: EventKind
    old_value: str = ""
    new_value: str = ""
    note: str = ""


class ReplySent(Record):
    """A reply to the caller that went out or is on its way: a letter in a batch, or an
    e-mail in the outbox with its state (`allo_tui.data.store.reply_mails`)."""

    kind: str  # "ack" or "final"
    channel: str  # "letter" or "email"
    at: datetime | None  # the batch's time; the e-mail's sending (None: not sent yet)
    state: str = "sent"  # e-mail: queued, sending, sent, failed, check
    batch: int | None = None
    to: str = ""
    error: str = ""


class RequestDetail(Record):
    """Everything the request detail shows: the request, its timeline and its linked requests."""

    request: RequestRecord
    events: tuple[EventRecord, ...]  # oldest first
    duplicates: tuple[RequestRecord, ...] = ()  # requests marked as duplicates of this one
    replies: tuple[ReplySent, ...] = ()  # letters and e-mails to the caller, oldest first


class CallRecord(Record):
    id: int
    started_at: datetime
    ended_at: datetime | None
    operator: str
    console: str
    phone: str = ""
    caller_id: int | None = None
    request_id: int | None = None
    outcome: CallOutcome | None = None
    directory_id: int | None = None
    """The orientation directory's entry an `oriented` call was sent to."""


class DraftRecord(Record):
    id: int
    operator_id: int
    console: str
    fields: dict = field(default_factory=dict)
    updated_at: datetime | None = None
    heartbeat_at: datetime | None = None


class HistoryPage(Record):
    """A window of requests in history order plus the keys to fetch the next one."""

    rows: tuple[RequestRecord, ...]
    has_more: bool

    @property
    def next_cursor(self) -> HistoryCursor | None:
        if not self.rows or not self.has_more:
            return None
        last = self.rows[-1]
        return HistoryCursor(last.created_at, last.id)


class CallerSearchResult(Record):
    """Callers matching a lookup, best first, with the (capped) number of matches."""

    query: str
    rows: tuple[CallerRecord, ...]
    total: int
    capped: bool  # True when there are more than `total` matches ("200+")


class NewCaller(Record):
    """A caller to create (with the request, or on its own)."""

    surname: str = ""
    given_name: str = ""
    phones: tuple[str, ...] = ()
    email: str = ""
    street_number: str = ""
    street: str = ""
    address_extra: str = ""
    postcode: str = ""
    city: str = ""
    neighbourhood: str = ""
    notes: str = ""
    contact_preference: ContactPreference = ContactPreference.PHONE


class CallerMatch(StrEnum):
    """How `NewRequest.new_caller` meets the callers already known (by whole phone number).

    The match is made inside the write transaction, so two consoles (or two gateway calls)
    saving the same new number at once end with one caller.
    """

    NUMBER = "number"
    """The one caller holding exactly one of the numbers (E.164) is attached instead of a new
    caller; several holders (a shared household line): refused (`SharedNumberError`) until
    the caller is chosen; none: a new caller."""
    NUMBER_AND_NAME = "number_and_name"
    """As NUMBER, but when a name is given only a holder with the same name (accents, case
    and word order ignored) is attached; holders with other names: a new caller (`allo
    request add --phone … --name …`)."""
    FORCE_NEW = "force_new"
    """Always a new caller, even on a known number (the form's Ctrl+N)."""


class CallInfo(Record):
    """The call in progress when something is saved: when it started, on which console."""

    started_at: datetime
    console: str = ""
    phone: str = ""


class NewRequest(Record):
    """What the new-request form (or `allo request add`) hands to the Store."""

    category_id: int
    description: str
    caller_id: int | None = None
    new_caller: NewCaller | None = None
    urgency: int | None = None  # None: the category's default
    service_id: int | None = None  # None: the category's default
    channel: Channel = Channel.PHONE
    kind: Kind = Kind.INTERVENTION
    street_number: str = ""
    street: str = ""
    landmark: str = ""
    neighbourhood: str = ""
    latitude: float | None = None
    longitude: float | None = None
    duplicate_of_id: int | None = None
    caller_match: CallerMatch = CallerMatch.NUMBER
    """How `new_caller` is matched with the callers already known (see `CallerMatch`)."""
    idempotency_key: str | None = None
    """A client's key for this request: saving again with the same key creates nothing and
    returns the request saved the first time (a gateway's retry)."""


class HistoryFilter(Record):
    """Filters of the history list; every field narrows, None/empty means "any"."""

    text: str = ""
    statuses: frozenset[Status] = frozenset()
    urgency: int | None = None
    category_id: int | None = None
    service_id: int | None = None
    street: str = ""
    created_from: datetime | None = None  # inclusive, UTC
    created_to: datetime | None = None  # exclusive, UTC
    late_only: bool = False
    caller_id: int | None = None
    service_ids: tuple[int, ...] = ()
    """Within these services only (a service agent's history); empty: every service."""
    sent_back_only: bool = False
    """Open requests sent back to the call centre by a service (not yet reassigned) only."""


class HistoryCursor(Record):
    """Keyset position: the (created_at, id) of the last row of the previous window."""

    created_at: datetime
    id: int


class BoardCounts(Record):
    """The board's header figures for the open requests it watches (one read, one instant)."""

    at: datetime  # the instant the figures were computed for
    open_by_urgency: dict[int, int] = field(default_factory=dict)  # urgency -> open requests
    late_by_urgency: dict[int, int] = field(default_factory=dict)  # urgency -> past due
    acks_due_today: int = 0  # acknowledgement still owed, due before tonight (late ones too)
    acks_late: int = 0  # acknowledgement still owed and past due
    valid_until: datetime | None = None  # next instant a figure changes by itself (a due time)

    def open(self, urgencies: tuple[int, ...] = (1, 2, 3, 4)) -> int:
        """Open requests of these urgencies."""
        return sum(self.open_by_urgency.get(level, 0) for level in urgencies)

    def late(self, urgencies: tuple[int, ...] = (1, 2, 3, 4)) -> int:
        """Late requests of these urgencies."""
        return sum(self.late_by_urgency.get(level, 0) for level in urgencies)


class BoardSnapshot(Record):
    """What a board shows: the first open requests in board order, and the header figures."""

    rows: tuple[RequestRecord, ...]
    counts: BoardCounts
