"""Personal data of callers: likely duplicates, and everything held on one caller (GDPR
access) (issue: administration and personal data)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from allo_tui.data.backend import Connection
from allo_tui.data.rows import db_time, marks, utc_time
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.duplicates import DuplicateCandidate, DuplicateGroup, duplicate_groups
from allo_tui.domain.records import OperatorRecord, Record


class CallerView(Record):
    """One opening of a caller's card: when, and by whom."""

    viewed_at: datetime
    login: str
    display_name: str


__all__ = ["PersonalDataStore", "caller_data", "duplicate_candidates"]


def duplicate_candidates(
    connection: Connection, ids: Sequence[int] | None = None
) -> list[DuplicateCandidate]:
    """Every caller (or the callers `ids`) with what the duplicate comparison needs, by id."""
    only = f" IN ({marks(len(ids))})" if ids is not None else ""
    params = list(ids) if ids is not None else []
    phones: dict[int, list[tuple[str, str]]] = {}
    for caller_id, number, display in connection.execute(
        "SELECT caller_id, number, display FROM caller_phones"
        + (f" WHERE caller_id{only}" if only else "")
        + " ORDER BY caller_id, position, id",
        params,
    ):
        phones.setdefault(caller_id, []).append((number, display))
    rows = connection.execute(
        "SELECT id, surname, given_name, street_number, street FROM callers"
        + (f" WHERE id{only}" if only else "")
        + " ORDER BY id",
        params,
    )
    return [
        DuplicateCandidate(
            id=caller_id,
            surname=surname or "",
            given_name=given_name or "",
            street_number=street_number or "",
            street=street or "",
            phones=tuple(number for number, _ in phones.get(caller_id, ())),
            phone_displays=tuple(display for _, display in phones.get(caller_id, ())),
        )
        for caller_id, surname, given_name, street_number, street in rows
    ]


class PersonalDataStore(StoreCore):
    """Callers' personal data, for `Store`."""

    def caller_personal_data(self, caller_id: int) -> dict[str, object] | None:
        """Everything held on one caller as plain JSON-ready data (GDPR access); None when
        unknown."""
        with self._read() as connection:
            return caller_data(connection, caller_id)

    def record_card_view(self, operator: OperatorRecord, caller_id: int) -> None:
        """Records that `operator` opened the card of caller `caller_id` (now)."""
        with self._write() as connection:
            connection.execute(
                "INSERT INTO caller_views (caller_id, operator_id, viewed_at) VALUES (?, ?, ?)",
                (caller_id, operator.id, db_time(self.now())),
            )

    def card_views(self, caller_id: int) -> list[CallerView]:
        """Who opened the card of caller `caller_id`, latest first."""
        with self._read() as connection:
            rows = connection.execute(
                "SELECT v.viewed_at, o.login, o.display_name FROM caller_views v"
                " JOIN operators o ON o.id = v.operator_id"
                " WHERE v.caller_id = ? ORDER BY v.viewed_at DESC, v.id DESC",
                (caller_id,),
            ).fetchall()
        return [CallerView(utc_time(at), login, name) for at, login, name in rows]  # type: ignore[arg-type]

    def purge_card_views(self, before: datetime) -> int:
        """Deletes the card openings older than `before` (retention); how many."""
        with self._write() as connection:
            return connection.execute(
                "DELETE FROM caller_views WHERE viewed_at < ?", (db_time(before),)
            ).rowcount

    def duplicate_callers(self) -> list[DuplicateGroup]:
        """The groups of likely duplicate callers (same number, or same name and address)."""
        with self._read() as connection:
            return duplicate_groups(duplicate_candidates(connection))


_SEARCH_COLUMNS = frozenset(
    {"search_names", "search_address", "search_description", "search_location"}
)


def _rows(connection: Connection, sql: str, parameters: tuple = ()) -> list[dict[str, object]]:
    """The rows of a query as dicts of JSON-ready values (dates in ISO form), search columns left
    out (they only repeat the others, folded)."""
    cursor = connection.execute(sql, parameters)
    names = [column[0] for column in cursor.description]  # type: ignore[attr-defined]
    result = []
    for row in cursor.fetchall():
        item: dict[str, object] = {}
        for name, value in zip(names, row, strict=True):
            if name in _SEARCH_COLUMNS:
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            item[name] = value
        result.append(item)
    return result


def caller_data(connection: Connection, caller_id: int) -> dict[str, object] | None:
    """Everything held on one caller (card, phones, requests with their events, calls, the
    replies sent or queued: letters and e-mails), or None when there is no such caller."""
    card = _rows(connection, "SELECT * FROM callers WHERE id = ?", (caller_id,))
    if not card:
        return None
    requests = _rows(
        connection, "SELECT * FROM requests WHERE caller_id = ? ORDER BY id", (caller_id,)
    )
    for request in requests:
        request["events"] = _rows(
            connection, "SELECT * FROM events WHERE request_id = ? ORDER BY id", (request["id"],)
        )
    calls = _rows(
        connection,
        "SELECT * FROM calls WHERE caller_id = ? OR request_id IN"
        " (SELECT id FROM requests WHERE caller_id = ?) ORDER BY id",
        (caller_id, caller_id),
    )
    return {
        "caller": card[0],
        "phones": _rows(
            connection,
            "SELECT * FROM caller_phones WHERE caller_id = ? ORDER BY position, id",
            (caller_id,),
        ),
        "requests": requests,
        "calls": calls,
        "letters": _rows(
            connection,
            "SELECT l.request_id, l.kind, b.id AS batch, b.created_at, b.created_by"
            " FROM reply_letters l JOIN reply_letter_batches b ON b.id = l.batch_id"
            " WHERE l.request_id IN (SELECT id FROM requests WHERE caller_id = ?) ORDER BY l.id",
            (caller_id,),
        ),
        "emails": _rows(
            connection,
            "SELECT request_id, kind, to_address, subject, body, state, queued_at, sent_at,"
            " last_error FROM reply_mails"
            " WHERE request_id IN (SELECT id FROM requests WHERE caller_id = ?) ORDER BY id",
            (caller_id,),
        ),
    }
