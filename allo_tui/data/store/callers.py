"""Callers: search, phone look-ups, creation, edits and their requests."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from allo_tui.data.backend.sqlite import search
from allo_tui.data.models import (
    Caller,
    CallerPhone,
    Request,
)
from allo_tui.data.rows import caller_ids_holding
from allo_tui.data.rows import caller_rows as _caller_rows
from allo_tui.data.store.common import (
    CALLER_FIELDS,
    OPEN_VALUES,
    _phone_row,
    _request,
    _request_select,
)
from allo_tui.data.store.core import StoreCore
from allo_tui.data.store.writes import (
    _check_caller_lengths,
    _check_lengths,
    _insert_caller,
    _phone_texts,
    _stored_time,
)
from allo_tui.domain import limits
from allo_tui.domain.errors import (
    NotFoundError,
    ValidationError,
)
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import (
    CallerRecord,
    CallerSearchResult,
    ContactPreference,
    NewCaller,
    OperatorRecord,
    RequestRecord,
)


class CallerStore(StoreCore):
    """Callers, for `Store`."""

    def search_callers(
        self, query: str, limit: int = 50, *, cancel: search.SearchToken | None = None
    ) -> CallerSearchResult:
        """Callers matching phone digits, name or address words; best first.

        `cancel`: a token another thread may cancel to stop this search inside SQLite; the
        call then raises `search.SearchCancelled`.
        """
        token = cancel or search.SearchToken()
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            raw.execute("BEGIN")
            try:
                with search.watching(token, raw):
                    matches = search.find_callers(raw, query, limit, token)
                    rows = _caller_rows(raw, matches.ids)
                    token.check()
            finally:
                if raw.in_transaction:
                    raw.execute("COMMIT")
        return CallerSearchResult(
            query=query, rows=tuple(rows), total=matches.total, capped=matches.capped
        )

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
            ids = caller_ids_holding(raw, [parsed.e164])
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
