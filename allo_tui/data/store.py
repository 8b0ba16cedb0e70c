"""The Store: the one object screens and commands talk to.

Every public method opens its own Session (so it is safe from worker threads), runs one
transaction and returns frozen records from `allo_tui.domain.records`. Writes that read first
(reference allocation, version checks) begin IMMEDIATE so concurrent consoles never lose a row.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Integer, column, func, or_, select, text, update
from sqlalchemy.orm import Session, aliased, lazyload

from allo_tui.data import history as history_sql
from allo_tui.data import search
from allo_tui.data.changes import ChangeFeed
from allo_tui.data.lookup_reads import caller_rows as _caller_rows
from allo_tui.data.lookup_reads import (
    category_rows,
    known_street_rows,
    search_callers_on,
    service_rows,
    site_calendar,
)
from allo_tui.data.models import (
    OPEN_STATUS_SQL,
    Call,
    Caller,
    CallerPhone,
    Category,
    Draft,
    Event,
    Operator,
    Request,
    Service,
    Setting,
    caller_search_texts,
    request_search_texts,
)
from allo_tui.data.request_reads import (
    REQUEST_BY_ID_SQL,
    REQUEST_COLUMNS,
    REQUEST_JOINS,
    format_reference,
    normalise_reference,
    request_by_reference,
    request_record,
    utc_time,
)
from allo_tui.data.sqlite import (
    BackgroundCheckpointer,
    backup_database,
    create_engine_for,
    fts_prefix_query,
)
from allo_tui.domain import limits
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.clock import Clock
from allo_tui.domain.errors import (
    NotFoundError,
    SharedNumberError,
    StaleWriteError,
    UnknownOperatorError,
    ValidationError,
)
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import (
    OPEN_STATUSES,
    BoardCounts,
    BoardSnapshot,
    CallerMatch,
    CallerRecord,
    CallerSearchResult,
    CallInfo,
    CallOutcome,
    CallRecord,
    CategoryRecord,
    Channel,
    ContactPreference,
    DraftRecord,
    EventKind,
    EventRecord,
    HistoryCursor,
    HistoryFilter,
    HistoryPage,
    Kind,
    NewCaller,
    NewRequest,
    OperatorRecord,
    RequestDetail,
    RequestRecord,
    Role,
    ServiceRecord,
    Status,
)
from allo_tui.domain.text import fold, words
from allo_tui.domain.workflow import Action, WorkflowError, check, target_status

IDEMPOTENCY_KEY_LIMIT = 200
NO_FILTER = HistoryFilter()
OPEN_VALUES = tuple(sorted(status.value for status in OPEN_STATUSES))
# Written exactly as the partial index `ix_requests_open` is, so SQLite can use that index
# (an `IN` with bound parameters or another order does not match it).
_OPEN_REQUESTS = text("requests." + OPEN_STATUS_SQL)
CALLER_FIELDS = (
    "surname",
    "given_name",
    "email",
    "street_number",
    "street",
    "address_extra",
    "postcode",
    "city",
    "neighbourhood",
    "notes",
    "contact_preference",
)


class Store:
    """Façade over one database file. Cheap to create; the engine is made on first use."""

    def __init__(self, path: Path | str, *, clock: Clock | None = None) -> None:
        self.path = Path(path)
        self.clock = clock or Clock()
        self._engine = None
        self._engine_lock = threading.Lock()
        self._calendar: SiteCalendar | None = None
        self._checkpointer = BackgroundCheckpointer(self.path)

    # -- plumbing -------------------------------------------------------------------------

    @property
    def engine(self):
        """The SQLAlchemy engine, created on first use (thread-safe)."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = create_engine_for(self.path)
        return self._engine

    def close(self) -> None:
        """Close every pooled connection (after the running background checkpoint)."""
        self._checkpointer.wait(timeout=10)
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _raw_read(self) -> Iterator[sqlite3.Connection]:
        """The DB-API connection under one read transaction (for the shared plain reads)."""
        with self.engine.connect() as connection, connection.begin():
            yield connection.connection.driver_connection

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction, begun IMMEDIATE (takes the write lock before reading)."""
        engine = self.engine.execution_options(sqlite_immediate=True)
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
        self._checkpointer.wrote()

    @contextmanager
    def _raw_write(self) -> Iterator[sqlite3.Connection]:
        """The DB-API connection under one write transaction begun IMMEDIATE (plain SQL)."""
        engine = self.engine.execution_options(sqlite_immediate=True)
        with engine.connect() as connection, connection.begin():
            yield connection.connection.driver_connection
        self._checkpointer.wrote()

    def now(self) -> datetime:
        return self.clock.now()

    def change_feed(self, counter: str = "requests") -> ChangeFeed:
        """A change feed on its own connection (one per polling worker)."""
        return ChangeFeed(self.path, counter)

    def backup(self, destination: Path | str) -> Path:
        """Copy the live database with SQLite's online backup API."""
        destination = Path(destination)
        backup_database(self.path, destination)
        return destination

    # -- settings -------------------------------------------------------------------------

    def calendar(self) -> SiteCalendar:
        """The site's working-time calendar and due-date targets (cached)."""
        if self._calendar is None:
            with self._raw_read() as raw:
                self._calendar = site_calendar(raw)
        return self._calendar

    def save_calendar(self, operator: OperatorRecord, calendar: SiteCalendar) -> None:
        """Store new site settings (admins only)."""
        with self._write() as session:
            self._require_role(session, operator, Role.ADMIN)
            session.merge(Setting(key="calendar", value=json.dumps(calendar.to_dict())))
        self._calendar = calendar

    def is_demo(self) -> bool:
        """True for a database built by `allo demo`."""
        with self._read() as session:
            value = session.get(Setting, "demo")
            return bool(value and value.value == "true")

    # -- operators ------------------------------------------------------------------------

    def list_operators(self) -> list[OperatorRecord]:
        with self._read() as session:
            rows = session.scalars(select(Operator).order_by(Operator.login))
            return [_operator(row) for row in rows]

    def get_operator(self, login: str) -> OperatorRecord | None:
        with self._read() as session:
            row = session.scalar(select(Operator).where(Operator.login == login))
            return _operator(row) if row else None

    def add_operator(
        self, login: str, role: Role | str = Role.OPERATOR, display_name: str = ""
    ) -> OperatorRecord:
        """Add an operator; a login already there gets the new role and name."""
        login = login.strip()
        if not login:
            raise ValidationError("login", "identifiant vide")
        role = Role(role)
        with self._write() as session:
            row = session.scalar(select(Operator).where(Operator.login == login))
            if row is None:
                row = Operator(
                    login=login,
                    display_name=display_name or login,
                    role=role.value,
                    active=True,
                    created_at=self.now(),
                )
                session.add(row)
            else:
                row.role = role.value
                row.active = True
                if display_name:
                    row.display_name = display_name
            session.flush()
            return _operator(row)

    def resolve_operator(self, login: str, *, demo: bool = False) -> OperatorRecord:
        """Who is at the console: a known login; the very first one becomes admin.

        In a demo database any login is accepted as a supervisor. An unknown login on a real
        database raises UnknownOperatorError saying how an admin adds it.
        """
        with self._write() as session:
            row = session.scalar(select(Operator).where(Operator.login == login))
            if row is not None and row.active:
                return _operator(row)
            first = session.scalar(select(func.count(Operator.id))) == 0
            if row is None and (first or demo):
                role = Role.ADMIN if first and not demo else Role.SUPERVISOR
                row = Operator(
                    login=login,
                    display_name=login,
                    role=role.value,
                    active=True,
                    created_at=self.now(),
                )
                session.add(row)
                session.flush()
                return _operator(row)
        raise UnknownOperatorError(login)

    # -- catalogue ------------------------------------------------------------------------

    def categories(self) -> list[CategoryRecord]:
        with self._raw_read() as raw:
            return category_rows(raw)

    def services(self) -> list[ServiceRecord]:
        with self._raw_read() as raw:
            return service_rows(raw)

    def find_category(self, text_or_code: str) -> CategoryRecord | None:
        """A category by code or label, case- and accent-insensitive; None when unknown."""
        wanted = fold(text_or_code)
        for category in self.categories():
            if wanted in (fold(category.code), fold(category.label)):
                return category
        return None

    def known_streets(self, limit: int = 5000) -> list[str]:
        """Streets already used in requests and caller addresses (for type-ahead)."""
        with self._raw_read() as raw:
            return known_street_rows(raw, limit)

    # -- callers --------------------------------------------------------------------------

    def search_callers(
        self, query: str, limit: int = 50, *, cancel: search.SearchToken | None = None
    ) -> CallerSearchResult:
        """Callers matching phone digits, name or address words; best first.

        `cancel`: a token another thread may cancel to stop this search inside SQLite; the
        call then raises `search.SearchCancelled`.
        """
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            return search_callers_on(raw, query, limit, cancel)

    def get_caller(self, caller_id: int) -> CallerRecord:
        with self.engine.connect() as connection:
            rows = _caller_rows(connection.connection.driver_connection, [caller_id])
        if not rows:
            raise NotFoundError(f"demandeur n° {caller_id} introuvable")
        return rows[0]

    def callers_with_phone(
        self, number: str, *, exclude_id: int | None = None
    ) -> list[CallerRecord]:
        """Other callers who already have this number (to warn before a duplicate)."""
        parsed = parse_phone(number)
        with self._read() as session:
            ids = session.scalars(
                select(CallerPhone.caller_id).where(CallerPhone.number == parsed.stored).distinct()
            ).all()
        return [self.get_caller(i) for i in ids if i != exclude_id]

    def callers_holding(self, number: str) -> list[CallerRecord]:
        """The callers holding exactly this whole number (E.164 compare), oldest first.

        What `create_request` attaches a new caller to: one holder is attached, several (a
        shared household line) must be chosen. A number that does not parse as a valid
        number matches nobody (typed text is never matched as a number).
        """
        parsed = parse_phone(number)
        if parsed.e164 is None:
            return []
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            ids = _holders(raw, [parsed.e164])
            return _caller_rows(raw, ids) if ids else []

    def create_caller(self, operator: OperatorRecord, new: NewCaller) -> CallerRecord:
        _check_caller_lengths(new)
        with self._raw_write() as connection:
            caller_id = _insert_caller(connection, operator, new, _stored_time(self.now()))
        return self.get_caller(caller_id)

    def update_caller(
        self,
        operator: OperatorRecord,
        caller_id: int,
        expected_version: int,
        *,
        phones: Sequence[str] | None = None,
        **changes: str,
    ) -> CallerRecord:
        """Change a caller's fields; refused when someone else saved first."""
        unknown = set(changes) - set(CALLER_FIELDS)
        if unknown:
            raise ValidationError(sorted(unknown)[0], "champ inconnu")
        now = self.now()
        with self._write() as session:
            caller = session.get(Caller, caller_id)
            if caller is None:
                raise NotFoundError(f"demandeur n° {caller_id} introuvable")
            if caller.version != expected_version:
                raise self._stale("Fiche", caller.updated_by, caller.updated_at)
            # Values changed must fit (one stored before the limits may stay as it is).
            _check_lengths(
                *(("phone", p) for p in phones or () if p not in _phone_texts(caller)),
                **{
                    k: v
                    for k, v in changes.items()
                    if k in limits.LIMITS and v != getattr(caller, k)
                },
            )
            for name, value in changes.items():
                if name == "contact_preference":
                    try:
                        value = ContactPreference(value).value
                    except ValueError:
                        raise ValidationError(
                            "contact_preference",
                            "Préférence de contact : téléphone, courrier, courriel ou aucune.",
                        ) from None
                setattr(caller, name, value.strip() if isinstance(value, str) else value)
            if phones is not None:
                caller.phones.clear()
                session.flush()
                for position, raw in enumerate(p for p in phones if p.strip()):
                    caller.phones.append(_phone_row(raw, position))
            caller.version += 1
            caller.updated_at = now
            caller.updated_by_id = operator.id
        return self.get_caller(caller_id)

    def caller_requests(self, caller_id: int, limit: int = 500) -> list[RequestRecord]:
        """A caller's requests: open ones first, then newest first."""
        open_first = Request.status.in_(OPEN_VALUES).desc()
        with self._read() as session:
            rows = session.execute(
                _request_select()
                .where(Request.caller_id == caller_id)
                .order_by(open_first, Request.created_at.desc(), Request.id.desc())
                .limit(limit)
            )
            return [_request(row) for row in rows]

    # -- requests -------------------------------------------------------------------------

    def create_request(
        self,
        operator: OperatorRecord,
        new: NewRequest,
        call: CallInfo | None = None,
        *,
        draft_console: str | None = None,
    ) -> RequestRecord:
        """Record a request: reference, due dates, first Event, Call, new caller — one transaction.

        `draft_console`: the form's draft for this operator and console is deleted in the same
        transaction (a saved call is never offered again as a draft).
        `new.idempotency_key`: a key already recorded returns the request it created, and
        nothing is written (a gateway's retry).
        """
        description = new.description  # kept as typed: a leading tab, a last blank line
        if not description.strip():
            raise ValidationError("description", "La description est obligatoire.")
        _check_lengths(
            description=description,
            street_number=new.street_number,
            street=new.street,
            landmark=new.landmark,
            neighbourhood=new.neighbourhood,
        )
        if new.new_caller is not None:
            _check_caller_lengths(new.new_caller)
        if new.urgency is not None and new.urgency not in (1, 2, 3, 4):
            raise ValidationError(
                "urgency", "L'urgence va de 1 (immédiate) à 4 (sans intervention)."
            )
        key = new.idempotency_key
        if key is not None and not 0 < len(key) <= IDEMPOTENCY_KEY_LIMIT:
            raise ValidationError(
                "idempotency_key",
                f"La clé d'idempotence doit compter 1 à {IDEMPOTENCY_KEY_LIMIT} caractères.",
            )
        calendar = self.calendar()
        now = self.now()
        at = _stored_time(now)
        # Plain SQL on the pooled connection: the ORM's unit of work and a re-read through it
        # cost several times what SQLite needs for these few rows.
        with self._raw_write() as connection:
            if key is not None:
                # Under the write lock: a retry running beside the first save waits for it.
                done = connection.execute(
                    "SELECT request_id FROM request_keys WHERE key = ?", (key,)
                ).fetchone()
                if done is not None:
                    return request_record(
                        connection.execute(REQUEST_BY_ID_SQL, (done[0],)).fetchone()
                    )
            category = connection.execute(
                "SELECT service_id, default_urgency, active FROM categories WHERE id = ?",
                (new.category_id,),
            ).fetchone()
            if category is None or not category[2]:
                raise ValidationError("category", "Catégorie inconnue.")
            service_id = new.service_id if new.service_id is not None else category[0]
            if _exists(connection, "services", service_id) is None:
                raise ValidationError("service", "Service inconnu.")
            urgency = new.urgency if new.urgency is not None else category[1]
            caller_id = new.caller_id
            if new.new_caller is not None:
                # Matched here, under the write lock: two saves of one new number at once
                # cannot both decide it is new.
                caller_id = _known_caller(connection, new.new_caller, new.caller_match)
                if caller_id is None:
                    caller_id = _insert_caller(connection, operator, new.new_caller, at)
            elif caller_id is not None and _exists(connection, "callers", caller_id) is None:
                raise ValidationError("caller", "Demandeur introuvable.")
            status = Status.NEW
            if new.duplicate_of_id is not None:
                if _exists(connection, "requests", new.duplicate_of_id) is None:
                    raise ValidationError("duplicate_of", "Demande d'origine introuvable.")
                status = Status.DUPLICATE
            year = calendar.reference_year(now)
            street_number, street, landmark = new.street_number, new.street, new.landmark
            (sequence,) = connection.execute(_NEXT_REFERENCE_SQL, (year,)).fetchone()
            reference = format_reference(year, sequence)
            due = calendar.due_dates(now, urgency)
            (request_id,) = connection.execute(
                _INSERT_REQUEST_SQL,
                (
                    reference,
                    year,
                    sequence,
                    Channel(new.channel).value,
                    Kind(new.kind).value,
                    new.category_id,
                    service_id,
                    urgency,
                    status.value,
                    caller_id,
                    street_number,
                    street,
                    landmark,
                    new.neighbourhood,
                    new.latitude,
                    new.longitude,
                    description,
                    at,
                    operator.id,
                    _stored_time(due.ack_due_at),
                    _stored_time(due.intervention_due_at),
                    new.duplicate_of_id,
                    at,
                    operator.id,
                    *request_search_texts(description, street_number, street, landmark),
                ),
            ).fetchone()
            _add_event(connection, request_id, at, operator.id, EventKind.CREATED, new=status.value)
            if key is not None:
                connection.execute(
                    "INSERT INTO request_keys (key, request_id, created_at) VALUES (?, ?, ?)",
                    (key, request_id, at),
                )
            if new.duplicate_of_id is not None:
                who = _caller_label(connection, caller_id)
                _add_event(
                    connection,
                    new.duplicate_of_id,
                    at,
                    operator.id,
                    EventKind.REPORTED_AGAIN,
                    new=reference,
                    note=f"signalé à nouveau par {who} (demande {reference})",
                )
            if draft_console is not None:
                connection.execute(
                    "DELETE FROM drafts WHERE operator_id = ? AND console = ?",
                    (operator.id, draft_console),
                )
            if call is not None:
                connection.execute(
                    "INSERT INTO calls (started_at, ended_at, operator_id, console, phone,"
                    " caller_id, request_id, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        _stored_time(call.started_at),
                        at,
                        operator.id,
                        call.console,
                        call.phone,
                        caller_id,
                        request_id,
                        CallOutcome.REQUEST_CREATED.value,
                    ),
                )
            row = connection.execute(REQUEST_BY_ID_SQL, (request_id,)).fetchone()
        return request_record(row)

    def get_request(self, request_id: int) -> RequestRecord:
        with self._read() as session:
            row = session.execute(_request_select().where(Request.id == request_id)).first()
        if row is None:
            raise NotFoundError(f"demande n° {request_id} introuvable")
        return _request(row)

    def get_request_by_reference(self, reference: str) -> RequestRecord | None:
        """The request with this reference; `00042` means this (Paris) year's."""
        reference = normalise_reference(reference, self.calendar().reference_year(self.now()))
        if reference is None:
            return None
        with self._raw_read() as connection:
            return request_by_reference(connection, reference)

    def events(self, request_id: int) -> list[EventRecord]:
        """The timeline of a request, oldest first."""
        with self._read() as session:
            rows = session.scalars(
                select(Event).where(Event.request_id == request_id).order_by(Event.id)
            )
            return [_event(row) for row in rows]

    def duplicates_of(self, request_id: int) -> list[RequestRecord]:
        with self._read() as session:
            rows = session.execute(
                _request_select().where(Request.duplicate_of_id == request_id).order_by(Request.id)
            )
            return [_request(row) for row in rows]

    def request_detail(self, request_id: int) -> RequestDetail:
        """The request, its whole timeline (oldest first) and its duplicates, in one read."""
        with self.engine.connect() as connection, connection.begin():
            raw = connection.connection.driver_connection
            request = history_sql.request_records(raw, [request_id]).get(request_id)
            if request is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            return RequestDetail(
                request=request,
                events=tuple(history_sql.event_records(raw, request_id)),
                duplicates=tuple(history_sql.duplicate_records(raw, request_id)),
            )

    def possible_duplicates(
        self, category_id: int, street: str, *, days: int = 30, limit: int = 20
    ) -> list[RequestRecord]:
        """Open requests of the same category on the same street from the last `days` days."""
        wanted = fold(street)
        if not wanted:
            return []
        since = self.now() - timedelta(days=days)
        with self._read() as session:
            # SQLite's lower() folds ASCII only: compare accent- and case-insensitively here,
            # over the category's open requests of the period (a bounded set).
            rows = session.execute(
                _request_select()
                .where(
                    Request.category_id == category_id,
                    Request.created_at >= since,
                    Request.status.in_(OPEN_VALUES),
                )
                .order_by(Request.created_at.desc())
            )
            matches = [_request(row) for row in rows if fold(row[0].street) == wanted]
            return matches[:limit]

    def apply(
        self,
        operator: OperatorRecord,
        request_id: int,
        action: Action,
        *,
        expected_version: int,
        text: str = "",
        service_id: int | None = None,
        how: str = "",
        original_reference: str = "",
    ) -> RequestRecord:
        """Move a request through the workflow, writing an Event; stale versions are refused.

        A note does not change the request, so it never conflicts with another console.
        """
        action = Action(action)
        now = self.now()
        with self._write() as session:
            role = self._current_role(session, operator)
            request = session.get(Request, request_id)
            if request is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            if action is not Action.NOTE and request.version != expected_version:
                raise self._stale("Demande", request.updated_by, request.updated_at)
            status = Status(request.status)
            check(action, status, role, text=text)
            events: list[Event] = []

            def event(kind: EventKind, old: str = "", new: str = "", note: str = "") -> None:
                events.append(
                    Event(
                        request_id=request.id,
                        at=now,
                        operator_id=operator.id,
                        kind=kind.value,
                        old_value=old,
                        new_value=new,
                        note=note,
                    )
                )

            if action is Action.NOTE:
                event(EventKind.NOTE, note=_as_typed(text))
            else:
                new_status = target_status(
                    action, status, acknowledged=request.acknowledged_at is not None
                )
                if action is Action.ACKNOWLEDGE:
                    how = how or "phone"
                    if how not in ("phone", "letter", "email"):
                        raise ValidationError(
                            "how", "Accusé de réception : téléphone, courrier ou courriel."
                        )
                    request.acknowledged_at = now
                    request.acknowledged_how = how
                    event(EventKind.ACKNOWLEDGEMENT, new=how, note=_as_typed(text))
                elif action is Action.ASSIGN:
                    if service_id is None or session.get(Service, service_id) is None:
                        raise ValidationError(
                            "service", "Choisissez un service ou l'équipe mobile."
                        )
                    old_service = request.service.name if request.service else ""
                    request.service_id = service_id
                    session.flush()
                    session.refresh(request, ["service"])
                    event(
                        EventKind.ASSIGNMENT,
                        old=old_service,
                        new=request.service.name,
                        note=_as_typed(text),
                    )
                elif action is Action.DONE:
                    request.answer = _as_typed(text)
                elif action is Action.DUPLICATE:
                    original = self._find_reference(session, original_reference)
                    if original is None:
                        raise ValidationError(
                            "original", f"Demande {original_reference!r} introuvable."
                        )
                    if original.id == request.id:
                        raise ValidationError(
                            "original", "Une demande ne peut être son propre doublon."
                        )
                    request.duplicate_of_id = original.id
                    event(EventKind.MERGE, new=original.reference, note=_as_typed(text))
                if new_status != status:
                    note = (
                        _as_typed(text)
                        if action
                        in (
                            Action.DONE,
                            Action.REJECT,
                            Action.CANCEL,
                            Action.START,
                            Action.CLOSE,
                            Action.REOPEN,
                        )
                        else ""
                    )
                    event(EventKind.STATUS, old=status.value, new=new_status.value, note=note)
                    request.status = new_status.value
                    if new_status in (
                        Status.CLOSED,
                        Status.REJECTED,
                        Status.CANCELLED,
                        Status.DUPLICATE,
                    ):
                        request.closed_at = now
                    elif new_status.is_open:
                        request.closed_at = None
                request.version += 1
                request.updated_at = now
                request.updated_by_id = operator.id
            session.add_all(events)
            session.flush()
        return self.get_request(request_id)

    # -- requalification (category, service, urgency) -------------------------------------

    def requalify(
        self,
        operator: OperatorRecord,
        request_id: int,
        *,
        expected_version: int,
        category_id: int,
        service_id: int | None,
        urgency: int,
        text: str = "",
    ) -> RequestRecord:
        """Change a request's category, service and urgency; stale versions are refused.

        One transaction: the request and one `edit` Event whose old and new values name what
        changed, the intervention due date included. A raised urgency counts its due time
        from now, a lowered one from the call (`requalified_intervention_due`); the
        acknowledgement due date does not change. `service_id` None: the category's service.
        Operators may requalify before assignment, supervisors at any open status.
        """
        from allo_tui.domain.workflow import (
            Qualification,
            requalification_texts,
            requalified_intervention_due,
        )

        if urgency not in (1, 2, 3, 4):
            raise ValidationError(
                "urgency", "L'urgence va de 1 (immédiate) à 4 (sans intervention)."
            )
        calendar = self.calendar()
        now = self.now()
        with self._write() as session:
            role = self._current_role(session, operator)
            request = session.get(Request, request_id)
            if request is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            if request.version != expected_version:
                raise self._stale("Demande", request.updated_by, request.updated_at)
            check(Action.REQUALIFY, Status(request.status), role, text=text)
            category = session.get(Category, category_id)
            # A category no longer offered may stay the request's own, not become it.
            if category is None or not (category.active or category.id == request.category_id):
                raise ValidationError("category", "Catégorie inconnue.")
            service = session.get(
                Service, service_id if service_id is not None else category.service_id
            )
            if service is None:
                raise ValidationError("service", "Service inconnu.")
            if (category.id, service.id, urgency) == (
                request.category_id,
                request.service_id,
                request.urgency,
            ):
                raise ValidationError(
                    "requalify", "Rien à changer : même catégorie, même service, même urgence."
                )
            before = Qualification(
                request.category.label,
                request.service.name if request.service else "",
                request.urgency,
                request.intervention_due_at,
            )
            due = requalified_intervention_due(
                calendar,
                called_at=request.created_at,
                requalified_at=now,
                old_urgency=request.urgency,
                new_urgency=urgency,
                current_due=request.intervention_due_at,
            )
            after = Qualification(category.label, service.name, urgency, due)
            old_value, new_value = requalification_texts(before, after, calendar)
            request.category_id = category.id
            request.service_id = service.id
            request.urgency = urgency
            request.intervention_due_at = due
            request.version += 1
            request.updated_at = now
            request.updated_by_id = operator.id
            session.add(
                Event(
                    request_id=request.id,
                    at=now,
                    operator_id=operator.id,
                    kind=EventKind.EDIT.value,
                    old_value=old_value,
                    new_value=new_value,
                    note=text.strip(),
                )
            )
            session.flush()
        return self.get_request(request_id)

    def open_interventions(
        self,
        *,
        limit: int | None = 500,
        services: Sequence[int] = (),
        urgency: int | None = None,
    ) -> list[RequestRecord]:
        """Open requests by urgency, then due time (latest-due last)."""
        query = _request_select().where(_OPEN_REQUESTS)
        if services:
            query = query.where(Request.service_id.in_(list(services)))
        if urgency is not None:
            query = query.where(Request.urgency == urgency)
        query = query.order_by(
            Request.urgency,
            Request.intervention_due_at.is_(None),
            Request.intervention_due_at,
            Request.created_at,
        )
        if limit is not None:
            query = query.limit(limit)
        with self._read() as session:
            return [_request(row) for row in session.execute(query)]

    def open_counts(self) -> dict[int, int]:
        """Number of open requests per urgency."""
        with self._read() as session:
            rows = session.execute(
                select(Request.urgency, func.count())
                .where(_OPEN_REQUESTS)
                .group_by(Request.urgency)
            )
            counts = {u: 0 for u in (1, 2, 3, 4)}
            counts.update({urgency: count for urgency, count in rows})
            return counts

    def board_snapshot(
        self,
        *,
        limit: int,
        services: Sequence[int] = (),
        urgency: int | None = None,
    ) -> BoardSnapshot:
        """The first `limit` open requests in board order and the header figures, in one read.

        Board order is urgency, then intervention due time (latest-due last; no due date first
        within its urgency, which only happens for urgency 4), then id: exactly the order of
        the partial index `ix_requests_open`, so no sort is needed however many are open.
        Figures honour `services`; rows honour `services` and `urgency`.
        """
        now = self.now()
        zone = self.calendar().zone
        tonight = datetime.combine(
            now.astimezone(zone).date() + timedelta(days=1), datetime.min.time(), tzinfo=zone
        )
        # Raw SQL naming its indexes: without ANALYZE statistics SQLite would rather read every
        # open request through ix_requests_status_created and sort them all. Every figure is
        # read from an index alone (see migration 0004), never from the table.
        parameters: dict[str, object] = {
            "now": _db_time(now),
            "tonight": _db_time(tonight),
            "limit": limit,
        }
        service_names = [f"service_{index}" for index in range(len(services))]
        parameters.update(zip(service_names, (int(s) for s in services), strict=True))
        in_services = (
            " AND service_id IN (" + ", ".join(f":{name}" for name in service_names) + ")"
            if services
            else ""
        )
        index = "ix_requests_open_service" if services else "ix_requests_open"
        where = OPEN_STATUS_SQL + in_services
        row_where = where
        if urgency is not None:
            row_where += " AND urgency = :urgency"
            parameters["urgency"] = int(urgency)
        with self._read() as session:
            raw = session.connection().connection.driver_connection
            rows = tuple(
                map(
                    request_record,
                    raw.execute(
                        _BOARD_ROWS_SQL.format(index=index, where=row_where), parameters
                    ).fetchall(),
                )
            )
            figures = raw.execute(
                _board_figures_sql(index, service_names, in_services), parameters
            ).fetchone()
        # Per urgency: late, due later, without a due date (see `_board_figures_sql`).
        by_urgency = dict(zip(_BOARD_LEVELS, _batched(figures[:12], 3), strict=True))
        acks_late, acks_later_today = figures[12], figures[13]
        valid_until = tonight  # "due today" moves at midnight
        for instant in figures[14:]:
            moment = utc_time(instant)
            if moment is not None and moment < valid_until:
                valid_until = moment
        counts = BoardCounts(
            at=now,
            open_by_urgency={level: sum(counts) for level, counts in by_urgency.items()},
            late_by_urgency={level: counts[0] for level, counts in by_urgency.items()},
            acks_due_today=acks_late + acks_later_today,
            acks_late=acks_late,
            valid_until=valid_until,
        )
        return BoardSnapshot(rows=rows, counts=counts)

    def last_request_id(self) -> int:
        """The highest request id so far (0 on an empty database)."""
        with self._read() as session:
            return session.scalar(select(func.max(Request.id))) or 0

    def open_requests_after(self, after_id: int, *, urgency: int) -> list[RequestRecord]:
        """Open requests of one urgency created after `after_id` (oldest first): new arrivals."""
        query = (
            _request_select()
            .options(lazyload("*"))
            .where(_OPEN_REQUESTS, Request.urgency == urgency, Request.id > after_id)
            .order_by(Request.id)
        )
        with self._read() as session:
            return [_request(row) for row in session.execute(query)]

    def history(
        self,
        filters: HistoryFilter = NO_FILTER,
        *,
        after: HistoryCursor | None = None,
        limit: int = 50,
        before: HistoryCursor | None = None,
        oldest: bool = False,
    ) -> HistoryPage:
        """A window of requests in history order (newest first), fetched by keyset.

        With no position: the newest rows. `after`: the rows just older than that key (the
        next window down); `before`: the rows just newer than it (the window above); `oldest`:
        the oldest rows (End). `has_more` says whether rows lie beyond the window in the
        direction fetched (older for the first two, newer for the others). Each query walks one
        index chosen from the filters (see `allo_tui.data.history`).
        """
        now = self.now()
        with self.engine.connect() as connection, connection.begin():
            raw = connection.connection.driver_connection
            matches = history_sql.text_matches(raw, filters.text) if filters.text.strip() else None
            keys, has_more = history_sql.window_keys(
                raw,
                filters,
                now,
                after=after,
                before=before,
                oldest=oldest,
                limit=limit,
                matches=matches,
            )
            ids = [key[1] for key in keys]
            records = history_sql.request_records(raw, ids)
        return HistoryPage(rows=tuple(history_sql.ordered(ids, records)), has_more=has_more)

    def latest_requests(self, limit: int = 50) -> list[RequestRecord]:
        return list(self.history(limit=limit).rows)

    def count_requests(
        self, filters: HistoryFilter = NO_FILTER, *, cap: int = 10_000
    ) -> tuple[int, bool]:
        """How many requests match, counting at most `cap + 1` (returns count, capped).

        A free text matching more than `history.TEXT_CAP` requests also counts as capped.
        """
        now = self.now()
        with self.engine.connect() as connection, connection.begin():
            raw = connection.connection.driver_connection
            matches = history_sql.text_matches(raw, filters.text) if filters.text.strip() else None
            return history_sql.count(raw, filters, now, cap=cap, matches=matches)

    # -- calls ----------------------------------------------------------------------------

    def log_call(
        self,
        operator: OperatorRecord,
        call: CallInfo,
        outcome: CallOutcome,
        *,
        caller_id: int | None = None,
        request_id: int | None = None,
        note: str = "",
    ) -> CallRecord:
        """Record a call that created no request (or a follow-up note on one)."""
        now = self.now()
        outcome = CallOutcome(outcome)
        with self._write() as session:
            row = Call(
                started_at=call.started_at,
                ended_at=now,
                operator_id=operator.id,
                console=call.console,
                phone=call.phone,
                caller_id=caller_id,
                request_id=request_id,
                outcome=outcome.value,
            )
            session.add(row)
            if request_id is not None and outcome is CallOutcome.FOLLOW_UP:
                if session.get(Request, request_id) is None:
                    raise NotFoundError(f"demande n° {request_id} introuvable")
                session.add(
                    Event(
                        request_id=request_id,
                        at=now,
                        operator_id=operator.id,
                        kind=EventKind.NOTE.value,
                        note=note.strip() or "rappel du demandeur",
                    )
                )
            session.flush()
            return _call(row, operator.login)

    def calls(self, *, since: datetime | None = None, limit: int = 200) -> list[CallRecord]:
        """The call log, newest first."""
        query = select(Call).order_by(Call.started_at.desc()).limit(limit)
        if since is not None:
            query = query.where(Call.started_at >= since)
        with self._read() as session:
            return [_call(row, row.operator.login) for row in session.scalars(query)]

    # -- drafts ---------------------------------------------------------------------------

    def save_draft(self, operator: OperatorRecord, console: str, fields: dict) -> None:
        """Keep the form as typed (one draft per operator and console); also a heartbeat."""
        now = self.now()
        payload = json.dumps(fields, ensure_ascii=False)
        with self._write() as session:
            session.execute(
                text(
                    "INSERT INTO drafts (operator_id, console, fields, created_at, updated_at, heartbeat_at) "
                    "VALUES (:operator, :console, :fields, :now, :now, :now) "
                    "ON CONFLICT (operator_id, console) DO UPDATE SET fields = excluded.fields, "
                    "updated_at = excluded.updated_at, heartbeat_at = excluded.heartbeat_at"
                ),
                {
                    "operator": operator.id,
                    "console": console,
                    "fields": payload,
                    "now": _db_time(now),
                },
            )

    def heartbeat(self, operator: OperatorRecord, console: str) -> None:
        """Say this console is alive, so its draft is not offered elsewhere."""
        with self._write() as session:
            session.execute(
                update(Draft)
                .where(Draft.operator_id == operator.id, Draft.console == console)
                .values(heartbeat_at=self.now())
            )

    def orphan_drafts(
        self, operator: OperatorRecord, *, stale_after: timedelta = timedelta(seconds=30)
    ) -> list[DraftRecord]:
        """This operator's drafts whose console stopped beating: candidates to restore."""
        limit = self.now() - stale_after
        with self._read() as session:
            rows = session.scalars(
                select(Draft)
                .where(Draft.operator_id == operator.id, Draft.heartbeat_at < limit)
                .order_by(Draft.updated_at.desc())
            )
            return [_draft(row) for row in rows]

    def operator_drafts(self, operator: OperatorRecord) -> list[DraftRecord]:
        """Every draft of this operator, on any console, newest first."""
        with self._read() as session:
            rows = session.scalars(
                select(Draft)
                .where(Draft.operator_id == operator.id)
                .order_by(Draft.updated_at.desc(), Draft.id.desc())
            )
            return [_draft(row) for row in rows]

    def load_draft(self, operator: OperatorRecord, console: str) -> DraftRecord | None:
        with self._read() as session:
            row = session.scalar(
                select(Draft).where(Draft.operator_id == operator.id, Draft.console == console)
            )
            return _draft(row) if row else None

    def discard_draft(self, operator: OperatorRecord, console: str) -> None:
        with self._write() as session:
            session.query(Draft).filter(
                Draft.operator_id == operator.id, Draft.console == console
            ).delete()

    def claim_draft(
        self, operator: OperatorRecord, draft_id: int, console: str
    ) -> DraftRecord | None:
        """Take over an orphan draft for this console (deleting the old console's row)."""
        with self._write() as session:
            row = session.get(Draft, draft_id)
            if row is None or row.operator_id != operator.id:
                return None
            record = _draft(row)
            session.delete(row)
        return replace(record, console=console)

    # -- helpers --------------------------------------------------------------------------

    def _current_role(self, session: Session, operator: OperatorRecord) -> Role:
        row = session.get(Operator, operator.id)
        if row is None or not row.active:
            raise UnknownOperatorError(operator.login)
        return Role(row.role)

    def _require_role(self, session: Session, operator: OperatorRecord, role: Role) -> None:
        if not self._current_role(session, operator).includes(role):
            raise WorkflowError("Action réservée aux administrateurs.")

    def _stale(self, what: str, who: Operator | None, when: datetime | None) -> StaleWriteError:
        local = self.calendar().to_local(when).strftime("%H:%M") if when else ""
        return StaleWriteError(what, who.display_name if who else "?", when, local)

    def _find_reference(self, session: Session, reference: str) -> Request | None:
        year = self.calendar().reference_year(self.now())
        normal = normalise_reference(reference, year)
        if normal is None:
            return None
        return session.scalar(select(Request).where(Request.reference == normal))


# -- record conversion --------------------------------------------------------------------

_CreatedBy = aliased(Operator)
_UpdatedBy = aliased(Operator)
_Original = aliased(Request)


# The board's rows in one statement: the window is cut from the partial index first (no sort
# of every open request), then joined to its labels. Plain SQL and tuples rather than ORM
# entities: building entities cost ~0.5 ms a row, more than the whole query.
_BOARD_ROWS_SQL = (
    REQUEST_COLUMNS
    + """FROM (
    SELECT * FROM requests INDEXED BY {index} WHERE {where}
    ORDER BY urgency, intervention_due_at, id LIMIT :limit
) AS r"""
    + REQUEST_JOINS
    + "ORDER BY r.urgency, r.intervention_due_at, r.id\n"
)

# The header figures, in one statement of index range counts. SQLite counts the entries of
# a range without reading them, but a GROUP BY or a `sum(condition)` reads every entry it
# visits: so each figure is made of disjoint ranges, and every open request is visited once
# (late + due later + no due date = open, per urgency; acknowledgements late + due later
# today = due today). See migration 0004 for the indexes.
_ACK_OWED_SQL = "acknowledged_at IS NULL AND " + OPEN_STATUS_SQL
_BOARD_LEVELS = (1, 2, 3, 4)
_DUE_RANGES = (
    "intervention_due_at < :now",
    "intervention_due_at >= :now",
    "intervention_due_at IS NULL",
)


def _board_figures_sql(index: str, service_names: Sequence[str], in_services: str) -> str:
    """The SELECT of the board's figures.

    Columns: for each urgency, its open requests late, due later and without a due date
    (12); the acknowledgements owed that are late, and due later today (2); then the next
    instants the figures change by themselves: the next intervention to fall due per
    (service, urgency) and the next acknowledgement to fall due.
    """
    scopes = [f" AND service_id = :{name}" for name in service_names] or [""]

    def count(where: str) -> str:
        return " + ".join(
            f"(SELECT count(*) FROM requests INDEXED BY {index}"
            f" WHERE {OPEN_STATUS_SQL}{scope} AND {where})"
            for scope in scopes
        )

    def acks(where: str, what: str = "count(*)") -> str:
        return (
            f"(SELECT {what} FROM requests INDEXED BY ix_requests_ack_owed"
            f" WHERE {_ACK_OWED_SQL} AND {where}{in_services})"
        )

    columns = [
        count(f"urgency = {level} AND {due}") for level in _BOARD_LEVELS for due in _DUE_RANGES
    ]
    columns += [
        acks("ack_due_at < :now"),
        acks("ack_due_at >= :now AND ack_due_at < :tonight"),
    ]
    columns += [
        f"(SELECT min(intervention_due_at) FROM requests INDEXED BY {index}"
        f" WHERE {OPEN_STATUS_SQL}{scope} AND urgency = {level} AND intervention_due_at >= :now)"
        for scope in scopes
        for level in _BOARD_LEVELS
    ]
    columns.append(acks("ack_due_at >= :now", "min(ack_due_at)"))
    return "SELECT " + ",\n       ".join(columns)


def _batched(values: Sequence, size: int) -> list[tuple]:
    """`values` cut into tuples of `size` (itertools.batched is Python 3.12)."""
    return [tuple(values[start : start + size]) for start in range(0, len(values), size)]


def _request_select():
    return (
        select(
            Request,
            Category.label,
            Service.name,
            Caller.surname,
            Caller.given_name,
            _CreatedBy.display_name,
            _UpdatedBy.display_name,
            _Original.reference,
        )
        .join(Category, Category.id == Request.category_id)
        .outerjoin(Service, Service.id == Request.service_id)
        .outerjoin(Caller, Caller.id == Request.caller_id)
        .join(_CreatedBy, _CreatedBy.id == Request.created_by_id)
        .join(_UpdatedBy, _UpdatedBy.id == Request.updated_by_id)
        .outerjoin(_Original, _Original.id == Request.duplicate_of_id)
    )


def _history_conditions(filters: HistoryFilter, now: datetime) -> list:
    conditions: list = []
    if filters.statuses:
        conditions.append(Request.status.in_(sorted(s.value for s in filters.statuses)))
    if filters.urgency is not None:
        conditions.append(Request.urgency == filters.urgency)
    if filters.category_id is not None:
        conditions.append(Request.category_id == filters.category_id)
    if filters.service_id is not None:
        conditions.append(Request.service_id == filters.service_id)
    if filters.caller_id is not None:
        conditions.append(Request.caller_id == filters.caller_id)
    if filters.street.strip():
        conditions.append(func.lower(Request.street) == filters.street.strip().lower())
    if filters.created_from is not None:
        conditions.append(Request.created_at >= filters.created_from)
    if filters.created_to is not None:
        conditions.append(Request.created_at < filters.created_to)
    if filters.late_only:
        conditions.append(Request.status.in_(OPEN_VALUES))
        conditions.append(Request.intervention_due_at < now)
    if filters.text.strip():
        typed = fold(filters.text)  # as the index holds it (migration 0005)
        request_query = fts_prefix_query(typed)
        names_query = fts_prefix_query(typed, column="names")
        if request_query:
            conditions.append(
                or_(
                    Request.id.in_(
                        text("SELECT rowid FROM request_search WHERE request_search MATCH :rq")
                        .bindparams(rq=request_query)
                        .columns(column("rowid", Integer))
                    ),
                    Request.caller_id.in_(
                        text("SELECT rowid FROM caller_search WHERE caller_search MATCH :cq")
                        .bindparams(cq=names_query)
                        .columns(column("rowid", Integer))
                    ),
                )
            )
    return conditions


def _operator(row: Operator) -> OperatorRecord:
    return OperatorRecord(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
    )


def _phone_row(raw: str, position: int) -> CallerPhone:
    parsed = parse_phone(raw)
    return CallerPhone(
        number=parsed.stored,
        display=parsed.display,
        valid=parsed.valid,
        search_digits=parsed.search_digits,
        label="",
        position=position,
    )


def _request(row) -> RequestRecord:
    (request, category, service, surname, given_name, created_by, updated_by, original) = row
    caller_name = " ".join(p for p in ((surname or "").upper(), given_name or "") if p)
    return RequestRecord(
        id=request.id,
        reference=request.reference,
        created_at=request.created_at,
        created_by=created_by,
        channel=Channel(request.channel),
        kind=Kind(request.kind),
        category_id=request.category_id,
        category_label=category,
        service_id=request.service_id,
        service_name=service or "",
        urgency=request.urgency,
        status=Status(request.status),
        description=request.description,
        caller_id=request.caller_id,
        caller_name=caller_name,
        street_number=request.street_number,
        street=request.street,
        landmark=request.landmark,
        neighbourhood=request.neighbourhood,
        latitude=request.latitude,
        longitude=request.longitude,
        ack_due_at=request.ack_due_at,
        intervention_due_at=request.intervention_due_at,
        acknowledged_at=request.acknowledged_at,
        acknowledged_how=request.acknowledged_how,
        answer=request.answer,
        duplicate_of_id=request.duplicate_of_id,
        duplicate_of_reference=original or "",
        closed_at=request.closed_at,
        version=request.version,
        updated_at=request.updated_at,
        updated_by=updated_by,
    )


def _event(row: Event) -> EventRecord:
    return EventRecord(
        id=row.id,
        request_id=row.request_id,
        at=row.at,
        operator=row.operator.display_name,
        kind=EventKind(row.kind),
        old_value=row.old_value,
        new_value=row.new_value,
        note=row.note,
    )


def _call(row: Call, operator_login: str) -> CallRecord:
    return CallRecord(
        id=row.id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        operator=operator_login,
        console=row.console,
        phone=row.phone,
        caller_id=row.caller_id,
        request_id=row.request_id,
        outcome=CallOutcome(row.outcome) if row.outcome else None,
    )


def _draft(row: Draft) -> DraftRecord:
    return DraftRecord(
        id=row.id,
        operator_id=row.operator_id,
        console=row.console,
        fields=json.loads(row.fields or "{}"),
        updated_at=row.updated_at,
        heartbeat_at=row.heartbeat_at,
    )


def _db_time(value: datetime) -> str:
    """The text form SQLAlchemy's SQLite DateTime stores (UTC, microseconds)."""
    from datetime import UTC

    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# -- plain SQL writes (request and caller creation) ----------------------------------------

_NEXT_REFERENCE_SQL = (
    "INSERT INTO reference_counters (year, last) VALUES (?, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last"
)
_INSERT_REQUEST_SQL = (
    "INSERT INTO requests (reference, ref_year, ref_seq, channel, kind, category_id, service_id,"
    " urgency, status, caller_id, street_number, street, landmark, neighbourhood, latitude,"
    " longitude, description, created_at, created_by_id, ack_due_at, intervention_due_at,"
    " duplicate_of_id, updated_at, updated_by_id, search_description, search_location,"
    " acknowledged_how, answer, version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " '', '', 1)"
    " RETURNING id"
)
_INSERT_CALLER_SQL = (
    "INSERT INTO callers (surname, given_name, email, street_number, street, address_extra,"
    " postcode, city, neighbourhood, notes, contact_preference, created_at, updated_at,"
    " updated_by_id, search_names, search_address, version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id"
)
_INSERT_PHONE_SQL = (
    "INSERT INTO caller_phones (caller_id, number, display, valid, search_digits, label,"
    " position) VALUES (?, ?, ?, ?, ?, '', ?)"
)
_INSERT_EVENT_SQL = (
    "INSERT INTO events (request_id, at, operator_id, kind, old_value, new_value, note)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _stored_time(value: datetime | None) -> str | None:
    """A timestamp as stored (UTC text, as `UTCDateTime` writes it); naive ones are refused."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; use aware UTC")
    return _db_time(value)


def _exists(connection: sqlite3.Connection, table: str, row_id: int) -> tuple | None:
    """`(1,)` when `table` (one of ours, never user text) has a row with this id."""
    return connection.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone()


def _add_event(
    connection: sqlite3.Connection,
    request_id: int,
    at: str,
    operator_id: int,
    kind: EventKind,
    *,
    old: str = "",
    new: str = "",
    note: str = "",
) -> None:
    """Append one Event to a request's timeline (inside the caller's transaction)."""
    connection.execute(_INSERT_EVENT_SQL, (request_id, at, operator_id, kind.value, old, new, note))


def _insert_caller(
    connection: sqlite3.Connection, operator: OperatorRecord, new: NewCaller, at: str
) -> int:
    """Insert a caller and their phones (the triggers index them); returns the new id."""
    identity = (
        new.surname.strip(),
        new.given_name.strip(),
        new.street_number.strip(),
        new.street.strip(),
        new.address_extra.strip(),
        new.postcode.strip(),
        new.city.strip(),
    )
    surname, given_name, street_number, street, address_extra, postcode, city = identity
    (caller_id,) = connection.execute(
        _INSERT_CALLER_SQL,
        (
            surname,
            given_name,
            new.email.strip(),
            street_number,
            street,
            address_extra,
            postcode,
            city,
            new.neighbourhood.strip(),
            new.notes,
            ContactPreference(new.contact_preference).value,
            at,
            at,
            operator.id,
            *caller_search_texts(*identity),
        ),
    ).fetchone()
    for position, raw in enumerate(p for p in new.phones if p.strip()):
        parsed = parse_phone(raw)
        connection.execute(
            _INSERT_PHONE_SQL,
            (
                caller_id,
                parsed.stored,
                parsed.display,
                parsed.valid,
                parsed.search_digits,
                position,
            ),
        )
    return caller_id


def _phone_texts(caller: Caller) -> set[str]:
    """A caller's numbers as stored and as shown (what an edit form sends back unchanged)."""
    return {text for phone in caller.phones for text in (phone.number, phone.display)}


def _as_typed(text: str) -> str:
    """Text people typed, kept exactly as typed (blanks at its ends too); "" when blank."""
    return text if text.strip() else ""


def _check_lengths(*pairs: tuple[str, str], **fields: str) -> None:
    """Refuse a value longer than its field's limit (`allo_tui.domain.limits`)."""
    for field, value in (*pairs, *fields.items()):
        message = limits.length_message(field, value or "")
        if message is not None:
            raise ValidationError(field, message)


def _check_caller_lengths(new: NewCaller) -> None:
    """Refuse a new caller with a field or a number longer than its limit."""
    _check_lengths(
        *(("phone", phone) for phone in new.phones),
        surname=new.surname,
        given_name=new.given_name,
        email=new.email,
        street_number=new.street_number,
        street=new.street,
        address_extra=new.address_extra,
        postcode=new.postcode,
        city=new.city,
        neighbourhood=new.neighbourhood,
        notes=new.notes,
    )


def _holders(connection: sqlite3.Connection, numbers: Sequence[str]) -> list[int]:
    """Ids of the callers holding one of these stored (E.164) numbers, oldest first."""
    marks = ",".join("?" * len(numbers))
    rows = connection.execute(
        f"SELECT DISTINCT caller_id FROM caller_phones WHERE number IN ({marks})"
        " ORDER BY caller_id",
        tuple(numbers),
    ).fetchall()
    return [row[0] for row in rows]


def _known_caller(connection: sqlite3.Connection, new: NewCaller, match: CallerMatch) -> int | None:
    """The known caller `new` stands for (see `CallerMatch`); None: create `new`.

    Raises SharedNumberError when several callers hold the number and none can be told apart.
    """
    match = CallerMatch(match)
    if match is CallerMatch.FORCE_NEW:
        return None
    parsed = [parse_phone(raw) for raw in new.phones if raw.strip()]
    numbers = list(dict.fromkeys(p.e164 for p in parsed if p.e164 is not None))
    if not numbers:
        return None
    holders = _holders(connection, numbers)
    if not holders:
        return None
    named = sorted(words(f"{new.surname} {new.given_name}"))
    if match is CallerMatch.NUMBER_AND_NAME and named:
        marks = ",".join("?" * len(holders))
        same = [
            caller_id
            for caller_id, surname, given_name in connection.execute(
                f"SELECT id, surname, given_name FROM callers WHERE id IN ({marks}) ORDER BY id",
                holders,
            )
            if sorted(words(f"{surname} {given_name}")) == named
        ]
        return same[0] if same else None
    if len(holders) == 1:
        return holders[0]
    shown = next(p.display for p in parsed if p.e164 is not None)
    raise SharedNumberError(
        shown, [(caller_id, _caller_label(connection, caller_id)) for caller_id in holders]
    )


def _caller_label(connection: sqlite3.Connection, caller_id: int | None) -> str:
    """How the original request's timeline names the caller who reported it again."""
    if caller_id is None:
        return "un appelant anonyme"
    row = connection.execute(
        "SELECT surname, given_name FROM callers WHERE id = ?", (caller_id,)
    ).fetchone()
    if row is None:
        return "un demandeur"
    surname, given_name = row
    return " ".join(p for p in (surname.upper(), given_name) if p) or "un demandeur"
