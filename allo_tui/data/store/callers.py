"""Callers: search, phone look-ups, creation, edits and their requests."""

from __future__ import annotations

from collections.abc import Sequence

from allo_tui.data.rows import (
    OPEN_STATUS_SQL,
    REQUEST_SELECT,
    caller_ids_holding,
    caller_rows,
    db_time,
    request_record,
)
from allo_tui.data.store.common import CALLER_FIELDS
from allo_tui.data.store.core import StoreCore
from allo_tui.data.store.writes import (
    _check_caller_lengths,
    _check_lengths,
    _insert_caller,
    _insert_phones,
    _phone_texts,
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
from allo_tui.domain.search import SearchToken

SEARCHED_CALLER_FIELDS = (
    "surname",
    "given_name",
    "street_number",
    "street",
    "address_extra",
    "postcode",
    "city",
)
"""The fields a caller's full-text index columns are made of, in the order
`caller_search_texts` takes them."""


class CallerStore(StoreCore):
    """Callers, for `Store`."""

    def search_callers(
        self, query: str, limit: int = 50, *, cancel: SearchToken | None = None
    ) -> CallerSearchResult:
        """Callers matching phone digits, name or address words; best first.

        `cancel`: a token another thread may cancel to stop this search inside the database;
        the call then raises `SearchCancelled` (`allo_tui.domain.search`).
        """
        token = cancel or SearchToken()
        with self._read() as connection:
            matches = self.backend.find_callers(connection, query, limit, token)
            rows = caller_rows(connection, matches.ids)
            token.check()
        return CallerSearchResult(
            query=query, rows=tuple(rows), total=matches.total, capped=matches.capped
        )

    def get_caller(self, caller_id: int) -> CallerRecord:
        with self._read() as connection:
            rows = caller_rows(connection, [caller_id])
        if not rows:
            raise NotFoundError(f"demandeur n° {caller_id} introuvable")
        return rows[0]

    def callers_with_phone(
        self, number: str, *, exclude_id: int | None = None
    ) -> list[CallerRecord]:
        """Other callers who already have this number (to warn before a duplicate)."""
        parsed = parse_phone(number)
        with self._read() as connection:
            ids = [
                row[0]
                for row in connection.execute(
                    "SELECT DISTINCT caller_id FROM caller_phones WHERE number = ?",
                    (parsed.stored,),
                )
            ]
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
        with self._read() as connection:
            ids = caller_ids_holding(connection, [parsed.e164])
            return caller_rows(connection, ids) if ids else []

    def create_caller(self, operator: OperatorRecord, new: NewCaller) -> CallerRecord:
        _check_caller_lengths(new)
        with self._write() as connection:
            caller_id = _insert_caller(connection, self.backend, operator, new, db_time(self.now()))
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
        with self._write() as connection:
            row = connection.execute(
                f"SELECT {', '.join(CALLER_FIELDS)}, version, updated_at,"
                " (SELECT display_name FROM operators WHERE operators.id = updated_by_id)"
                " FROM callers WHERE id = ?",
                (caller_id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"demandeur n° {caller_id} introuvable")
            stored = dict(zip(CALLER_FIELDS, row[: len(CALLER_FIELDS)], strict=True))
            version, updated_at, updated_by = row[len(CALLER_FIELDS) :]
            if version != expected_version:
                raise self._stale_write("Fiche", updated_by, updated_at)
            # Values changed must fit (one stored before the limits may stay as it is).
            known_phones = _phone_texts(connection, caller_id) if phones else set()
            _check_lengths(
                *(("phone", p) for p in phones or () if p not in known_phones),
                **{k: v for k, v in changes.items() if k in limits.LIMITS and v != stored[k]},
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
                stored[name] = value.strip() if isinstance(value, str) else value
            assignments = [f"{name} = ?" for name in changes]
            values = [stored[name] for name in changes]
            if not set(changes).isdisjoint(SEARCHED_CALLER_FIELDS):
                assignments += ["search_names = ?", "search_address = ?"]
                values += self.backend.caller_search_texts(
                    *(stored[name] for name in SEARCHED_CALLER_FIELDS)
                )
            assignments += ["version = version + 1", "updated_at = ?", "updated_by_id = ?"]
            connection.execute(
                f"UPDATE callers SET {', '.join(assignments)} WHERE id = ?",
                (*values, db_time(now), operator.id, caller_id),
            )
            if phones is not None:
                connection.execute("DELETE FROM caller_phones WHERE caller_id = ?", (caller_id,))
                _insert_phones(connection, caller_id, phones)
        return self.get_caller(caller_id)

    def caller_requests(self, caller_id: int, limit: int = 500) -> list[RequestRecord]:
        """A caller's requests: open ones first, then newest first."""
        with self._read() as connection:
            rows = connection.execute(
                REQUEST_SELECT + f"WHERE r.caller_id = ? ORDER BY (r.{OPEN_STATUS_SQL}) DESC,"
                " r.created_at DESC, r.id DESC LIMIT ?",
                (caller_id, limit),
            ).fetchall()
        return [request_record(row) for row in rows]
