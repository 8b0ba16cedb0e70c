"""SQLAlchemy 2.x typed models: the tables behind the Store.

The schema is created and changed only by the Alembic migrations in `migrations/`; these models
describe it for queries and for `alembic check`. The SQLite-only parts (FTS5 tables, triggers)
live in the migrations and in `sqlite.py`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from allo_tui.data.backend.sqlite.fts_text import caller_search_texts, request_search_texts
from allo_tui.data.rows import REVIEW_EVENT_SQL

# Written exactly as `allo_tui.data.rows.OPEN_STATUS_SQL` (migration 0010 made it six statuses).
OPEN_STATUS_SQL = (
    "status IN ('new', 'acknowledged', 'assigned', 'in_progress', 'planned', 'waiting')"
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations stay stable."""

    metadata = MetaData(naming_convention=NAMING)


class Operator(Base):
    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # `allo serve`'s login (migration 0010): a slow salted hash ("" when none is set), the
    # failures in a row, and the end of a lockout.
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    is_mobile_team: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OperatorService(Base):
    """A service agent's service (role `service`, migration 0008)."""

    __tablename__ = "operator_services"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)


class Outcome(Base):
    """A coded outcome of a request done ("réparé", "nettoyé"…; migration 0010)."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RejectionReason(Base):
    """A coded reason to reject a request ("sans suite"; migration 0010)."""

    __tablename__ = "rejection_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    default_urgency: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    procedure: Mapped[str] = mapped_column(Text, default="")
    """What the hostess asks and says when she picks the category (migration 0013)."""

    service: Mapped[Service] = relationship(lazy="joined")


class Street(Base):
    """The street register offered by the street type-ahead (migration 0007)."""

    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Setting(Base):
    """Site settings shared by every console: key -> JSON text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Caller(Base):
    __tablename__ = "callers"

    id: Mapped[int] = mapped_column(primary_key=True)
    surname: Mapped[str] = mapped_column(String(120), default="")
    given_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    street_number: Mapped[str] = mapped_column(String(16), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    address_extra: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    contact_preference: Mapped[str] = mapped_column(String(16), default="phone")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # What caller_search indexes instead of the names and address, when these hold text the
    # FTS5 tokenizer does not fold (migration 0005; see `search.index_text`); else NULL.
    search_names: Mapped[str | None] = mapped_column(Text)
    search_address: Mapped[str | None] = mapped_column(Text)

    phones: Mapped[list[CallerPhone]] = relationship(
        back_populates="caller",
        order_by="CallerPhone.position",
        cascade="all, delete-orphan",
    )
    updated_by: Mapped[Operator | None] = relationship()


class CallerPhone(Base):
    __tablename__ = "caller_phones"
    __table_args__ = (Index("ix_caller_phones_number", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_id: Mapped[int] = mapped_column(ForeignKey("callers.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    display: Mapped[str] = mapped_column(String(40))
    valid: Mapped[bool] = mapped_column(Boolean, default=True)
    search_digits: Mapped[str] = mapped_column(String(80), default="")
    label: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    caller: Mapped[Caller] = relationship(back_populates="phones")


class ReferenceCounter(Base):
    """Last sequence number handed out per (Paris) year: `YYYY-NNNNN`."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Request(Base):
    __tablename__ = "requests"
    __table_args__ = (
        Index("ix_requests_created", "created_at", "id"),
        Index("ix_requests_caller", "caller_id", "created_at"),
        Index("ix_requests_category_street", "category_id", "street", "created_at"),
        Index("ix_requests_status_created", "status", "created_at"),
        Index("ix_requests_service_created", "service_id", "created_at"),
        Index(
            "ix_requests_open",
            "urgency",
            "intervention_due_at",
            sqlite_where=text(OPEN_STATUS_SQL),
            postgresql_where=text(OPEN_STATUS_SQL),
        ),
        # History filters (migration 0002): each walks newest first under one filter.
        Index("ix_requests_category_created", "category_id", "created_at"),
        Index("ix_requests_urgency_created", "urgency", "created_at"),
        # Created by migration 0002 as (street COLLATE NOCASE, created_at); SQLite's reflection
        # does not report the collation, so the model names the plain columns.
        Index("ix_requests_street_created", "street", "created_at"),
        Index(
            "ix_requests_open_created",
            "created_at",
            "id",
            "status",
            "intervention_due_at",
            sqlite_where=text(OPEN_STATUS_SQL),
            postgresql_where=text(OPEN_STATUS_SQL),
        ),
        Index(
            "ix_requests_duplicate_of",
            "duplicate_of_id",
            sqlite_where=text("duplicate_of_id IS NOT NULL"),
            postgresql_where=text("duplicate_of_id IS NOT NULL"),
        ),
        # Open requests per caller, for the lookup's count (migration 0003).
        Index(
            "ix_requests_caller_open",
            "caller_id",
            sqlite_where=text(OPEN_STATUS_SQL),
            postgresql_where=text(OPEN_STATUS_SQL),
        ),
        # The board's figures and service filter, from indexes only (migration 0004).
        Index(
            "ix_requests_open_service",
            "service_id",
            "urgency",
            "intervention_due_at",
            sqlite_where=text(OPEN_STATUS_SQL),
            postgresql_where=text(OPEN_STATUS_SQL),
        ),
        Index(
            "ix_requests_ack_owed",
            "ack_due_at",
            "service_id",
            sqlite_where=text("acknowledged_at IS NULL AND " + OPEN_STATUS_SQL),
            postgresql_where=text("acknowledged_at IS NULL AND " + OPEN_STATUS_SQL),
        ),
        # The review counts a request on the day it was due or ended (migration 0027).
        Index("ix_requests_ack_due", "ack_due_at"),
        Index("ix_requests_intervention_due", "intervention_due_at"),
        Index(
            "ix_requests_closed",
            "closed_at",
            sqlite_where=text("closed_at IS NOT NULL"),
            postgresql_where=text("closed_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    ref_year: Mapped[int] = mapped_column(Integer)
    ref_seq: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16), default="phone")
    kind: Mapped[str] = mapped_column(String(16), default="intervention")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    urgency: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="new")
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("callers.id"))
    street_number: Mapped[str] = mapped_column(String(16), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    landmark: Mapped[str] = mapped_column(String(200), default="")
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    intervention_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_how: Mapped[str] = mapped_column(String(16), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # What request_search indexes instead of the description and location, when these hold
    # text the FTS5 tokenizer does not fold (migration 0005; see `search.index_text`).
    search_description: Mapped[str | None] = mapped_column(Text)
    search_location: Mapped[str | None] = mapped_column(Text)
    # The services' workflow (migration 0010): the planned day (status `planned`); the coded
    # outcome of a request done and the coded reason of a rejection; what a waiting request
    # awaits ("citizen" or "third_party"), since when, and the status it resumes; to whom it
    # was transferred; sent back to the call centre by a service, until reassigned.
    planned_for: Mapped[date | None] = mapped_column(Date)
    outcome_code: Mapped[str] = mapped_column(String(32), default="")
    rejection_reason_code: Mapped[str] = mapped_column(String(32), default="")
    waiting_kind: Mapped[str] = mapped_column(String(16), default="")
    waiting_for: Mapped[str] = mapped_column(Text, default="")
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resume_status: Mapped[str] = mapped_column(String(16), default="")
    transferred_to: Mapped[str] = mapped_column(String(200), default="")
    sent_back: Mapped[bool] = mapped_column(Boolean, default=False)

    category: Mapped[Category] = relationship(lazy="joined")
    service: Mapped[Service | None] = relationship(lazy="joined")
    caller: Mapped[Caller | None] = relationship()
    created_by: Mapped[Operator] = relationship(foreign_keys=[created_by_id], lazy="joined")
    updated_by: Mapped[Operator] = relationship(foreign_keys=[updated_by_id], lazy="joined")
    duplicate_of: Mapped[Request | None] = relationship(remote_side=[id])


class Event(Base):
    """Append-only history of a request (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_request", "request_id", "id"),
        # The review's status changes and send-backs of a day (migration 0027).
        Index(
            "ix_events_review",
            "at",
            sqlite_where=text(REVIEW_EVENT_SQL),
            postgresql_where=text(REVIEW_EVENT_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    kind: Mapped[str] = mapped_column(String(24))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    operator: Mapped[Operator] = relationship(lazy="joined")


class Audit(Base):
    """Append-only record of administrative actions: who, when, what, old -> new (migration
    0011; triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_at", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text, default="")
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")


class Call(Base):
    """Every call handled, with or without a request."""

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_caller", "caller_id", "started_at"),
        Index("ix_calls_started", "started_at"),
        Index("ix_calls_request", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    console: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("callers.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    outcome: Mapped[str | None] = mapped_column(String(24))
    directory_id: Mapped[int | None] = mapped_column(ForeignKey("directory.id"))
    """The orientation directory's body the call was sent to (outcome `oriented`)."""

    operator: Mapped[Operator] = relationship(lazy="joined")


class RequestKey(Base):
    """A client's idempotency key and the request it created (migration 0006)."""

    __tablename__ = "request_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Draft(Base):
    """The new-request form as typed, one per operator and console."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("operator_id", "console"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    console: Mapped[str] = mapped_column(String(120))
    fields: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChangeCounter(Base):
    """Counters bumped by triggers, read by the change feed (`requests`, `callers`)."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# --- Administration (issue 18, migration 0013) ---


class DirectoryEntry(Base):
    """An authority or body out of the town hall's scope a call is sent to (migration 0013)."""

    __tablename__ = "directory"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    hours: Mapped[str] = mapped_column(Text, default="")
    handles: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


@event.listens_for(Caller, "before_insert")
@event.listens_for(Caller, "before_update")
def _fold_caller(_mapper, _connection, caller: Caller) -> None:
    caller.search_names, caller.search_address = caller_search_texts(
        caller.surname,
        caller.given_name,
        caller.street_number,
        caller.street,
        caller.address_extra,
        caller.postcode,
        caller.city,
    )


@event.listens_for(Request, "before_insert")
@event.listens_for(Request, "before_update")
def _fold_request(_mapper, _connection, request: Request) -> None:
    request.search_description, request.search_location = request_search_texts(
        request.description, request.street_number, request.street, request.landmark
    )


# --- Imports (issue: data in and out, migration 0015) ---


class ImportedRow(Base):
    """A caller or request imported from another system: the source and its id for the row
    (unique per kind: a second import of a file adds nothing), and the original values (JSON)."""

    __tablename__ = "imported_rows"
    __table_args__ = (
        Index("ix_imported_rows_external", "kind", "source", "external_id", unique=True),
        Index("ix_imported_rows_row", "kind", "row_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(120))
    row_id: Mapped[int] = mapped_column(Integer)
    original: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- Personal data (issue: administration and personal data, migration 0014) ---


class CallerMerge(Base):
    """A caller record merged into another: when, by whom, and its card as it was (JSON)."""

    __tablename__ = "caller_merges"
    __table_args__ = (Index("ix_caller_merges_kept", "kept_id", "merged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("callers.id", ondelete="CASCADE"))
    merged_id: Mapped[int] = mapped_column(Integer)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    old_values: Mapped[str] = mapped_column(Text)


class ApiKey(Base):
    """A key of the Open311 API (migration 0022): its SHA-256 only, the operator it writes as."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16))
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CallerView(Base):
    """Who opened a caller's card, and when (kept for the retention period)."""

    __tablename__ = "caller_views"
    __table_args__ = (
        Index("ix_caller_views_caller", "caller_id", "viewed_at"),
        Index("ix_caller_views_at", "viewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_id: Mapped[int] = mapped_column(ForeignKey("callers.id", ondelete="CASCADE"))
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- Replies to citizens (issue: the citizen hears back, migration 0012) ---


class ReplyTemplate(Base):
    """An acknowledgement or final-answer template (Jinja2 text), named after its kind, or
    `kind.CATEGORY` for a category's override."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


# --- Reply letters (issue: the citizen hears back, migration 0018) ---


class ReplyLetterBatch(Base):
    """One PDF of letters written by `allo replies letters`: its kind, when, by whom, where."""

    __tablename__ = "reply_letter_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(120))
    file_name: Mapped[str] = mapped_column(Text)


class ReplyMail(Base):
    """An e-mail to a caller in the outbox (migration 0024): queued, sending (claimed), sent,
    failed or check ("à vérifier": its sender died mid-send); one per request, kind and key."""

    __tablename__ = "reply_mails"
    __table_args__ = (
        Index("ix_reply_mails_once", "request_id", "kind", "reply_key", unique=True),
        Index("ix_reply_mails_state", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    reply_key: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text)


class ReplyLetter(Base):
    """A request's letter in a batch; a request's acknowledgement (reply key "") or its final
    answer for one end (reply key: the id of the event that ended it) is in one batch only."""

    __tablename__ = "reply_letters"
    __table_args__ = (
        Index("ix_reply_letters_once", "request_id", "kind", "reply_key", unique=True),
        Index("ix_reply_letters_batch", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("reply_letter_batches.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    reply_key: Mapped[str] = mapped_column(String(40))


# --- The review's per-day figures (migration 0027) ---


class ReviewDay(Base):
    """The review's figures of one local day of the site (`allo_tui.domain.review_days`),
    kept for the days before today; `made` and `ended` also as columns (the backlog is their
    running sum)."""

    __tablename__ = "review_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    """Local date, ISO (YYYY-MM-DD)."""
    made: Mapped[int] = mapped_column(Integer, default=0)
    ended: Mapped[int] = mapped_column(Integer, default=0)
    figures: Mapped[str] = mapped_column(Text, default="{}")


class ReviewDirty(Base):
    """UTC days whose rows changed since their review figures were computed (written by
    triggers, without a unique key so that concurrent writers never wait on each other;
    "*" asks for every day)."""

    __tablename__ = "review_dirty"
    __table_args__ = (Index("ix_review_dirty_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[str] = mapped_column(String(10))


class ReviewMeta(Base):
    """`built_through` (the last local day kept) and `calendar` (the calendar the figures
    were counted with: another one recounts them all)."""

    __tablename__ = "review_meta"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
