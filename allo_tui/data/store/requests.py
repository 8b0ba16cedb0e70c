"""Requests: creation (one write transaction) and reads of one request, its events, its
duplicates and the history pages, in plain SQL on the backend's connections."""

from __future__ import annotations

from datetime import timedelta

from allo_tui.data.rows import (
    OPEN_VALUES,
    REQUEST_SELECT,
    db_time,
    duplicate_records,
    event_records,
    format_reference,
    marks,
    normalise_reference,
    ordered,
    replies_sent,
    request_by_id,
    request_by_reference,
    request_record,
    request_records,
    stored_time,
)
from allo_tui.data.store.common import (
    IDEMPOTENCY_KEY_LIMIT,
    NO_FILTER,
)
from allo_tui.data.store.core import StoreCore
from allo_tui.data.store.writes import (
    _INSERT_REQUEST_SQL,
    _NEXT_REFERENCE_SQL,
    _add_event,
    _caller_label,
    _check_caller_lengths,
    _check_lengths,
    _exists,
    _insert_caller,
    _known_caller,
)
from allo_tui.domain.errors import (
    NotFoundError,
    ValidationError,
)
from allo_tui.domain.records import (
    CallInfo,
    CallOutcome,
    Channel,
    EventKind,
    EventRecord,
    HistoryCursor,
    HistoryFilter,
    HistoryPage,
    Kind,
    NewRequest,
    OperatorRecord,
    RequestDetail,
    RequestRecord,
    Status,
)
from allo_tui.domain.text import fold


class RequestStore(StoreCore):
    """Requests, for `Store`."""

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
        at = db_time(now)
        with self._write() as connection:
            if key is not None:
                # Under the write lock: a retry running beside the first save waits for it.
                done = connection.execute(
                    "SELECT request_id FROM request_keys WHERE key = ?", (key,)
                ).fetchone()
                if done is not None:
                    return request_by_id(connection, done[0])
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
                    caller_id = _insert_caller(
                        connection, self.backend, operator, new.new_caller, at
                    )
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
                    stored_time(due.ack_due_at),
                    stored_time(due.intervention_due_at),
                    new.duplicate_of_id,
                    at,
                    operator.id,
                    *self.backend.request_search_texts(
                        description, street_number, street, landmark
                    ),
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
                        stored_time(call.started_at),
                        at,
                        operator.id,
                        call.console,
                        call.phone,
                        caller_id,
                        request_id,
                        CallOutcome.REQUEST_CREATED.value,
                    ),
                )
            return request_by_id(connection, request_id)

    def get_request(self, request_id: int) -> RequestRecord:
        with self._read() as connection:
            request = request_by_id(connection, request_id)
        if request is None:
            raise NotFoundError(f"demande n° {request_id} introuvable")
        return request

    def get_request_by_reference(self, reference: str) -> RequestRecord | None:
        """The request with this reference; `00042` means this (Paris) year's."""
        reference = normalise_reference(reference, self.calendar().reference_year(self.now()))
        if reference is None:
            return None
        with self._read() as connection:
            return request_by_reference(connection, reference)

    def events(self, request_id: int) -> list[EventRecord]:
        """The timeline of a request, oldest first."""
        with self._read() as connection:
            return event_records(connection, request_id)

    def duplicates_of(self, request_id: int) -> list[RequestRecord]:
        """The requests marked as duplicates of this one, oldest first."""
        with self._read() as connection:
            return duplicate_records(connection, request_id)

    def request_detail(self, request_id: int) -> RequestDetail:
        """The request, its whole timeline (oldest first) and its duplicates, in one read."""
        with self._read() as connection:
            request = request_by_id(connection, request_id)
            if request is None:
                raise NotFoundError(f"demande n° {request_id} introuvable")
            return RequestDetail(
                request=request,
                events=tuple(event_records(connection, request_id)),
                duplicates=tuple(duplicate_records(connection, request_id)),
                replies=tuple(replies_sent(connection, request_id)),
            )

    def possible_duplicates(
        self, category_id: int, street: str, *, days: int = 30, limit: int = 20
    ) -> list[RequestRecord]:
        """Open requests of the same category on the same street from the last `days` days."""
        wanted = fold(street)
        if not wanted:
            return []
        since = self.now() - timedelta(days=days)
        with self._read() as connection:
            # The database's lower() may fold ASCII only (SQLite's does): compare accent- and
            # case-insensitively here, over the category's open requests of the period (a
            # bounded set).
            rows = connection.execute(
                REQUEST_SELECT + "WHERE r.category_id = ? AND r.created_at >= ?"
                f" AND r.status IN ({marks(len(OPEN_VALUES))})"
                " ORDER BY r.created_at DESC",
                (category_id, stored_time(since), *OPEN_VALUES),
            ).fetchall()
        matches = (request_record(row) for row in rows)
        return [request for request in matches if fold(request.street) == wanted][:limit]

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
        index chosen from the filters (see `Backend.history_window`).
        """
        now = self.now()
        with self._read() as connection:
            ids, has_more = self.backend.history_window(
                connection, filters, now, after=after, before=before, oldest=oldest, limit=limit
            )
            records = request_records(connection, ids)
        return HistoryPage(rows=tuple(ordered(ids, records)), has_more=has_more)

    def latest_requests(self, limit: int = 50) -> list[RequestRecord]:
        return list(self.history(limit=limit).rows)

    def count_requests(
        self, filters: HistoryFilter = NO_FILTER, *, cap: int = 10_000
    ) -> tuple[int, bool]:
        """How many requests match, counting at most `cap + 1` (returns count, capped).

        A free text matching more requests than the backend follows (SQLite: `TEXT_CAP`)
        also counts as capped (see `Backend.history_count`).
        """
        now = self.now()
        with self._read() as connection:
            return self.backend.history_count(connection, filters, now, cap=cap)
