"""Imports from other systems (`allo import`): the street register upserted by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from allo_tui.data.rows import db_time, stored_time
from allo_tui.data.store.core import StoreCore
from allo_tui.data.store.writes import (
    _INSERT_REQUEST_SQL,
    _NEXT_REFERENCE_SQL,
    _add_event,
    _insert_caller,
)
from allo_tui.domain.enums import EventKind, Kind, Status
from allo_tui.domain.records import OperatorRecord
from allo_tui.domain.reference import format_reference
from allo_tui.domain.text import fold

if TYPE_CHECKING:  # the mapping's module loads with `allo import`, not with the console
    from allo_tui.domain.import_mapping import ImportedCaller, ImportedRequest


class StreetImportCounts(msgspec.Struct, frozen=True):
    """What an import of streets did (or would do, on a dry run)."""

    added: int
    updated: int
    unchanged: int


class ImportStore(StoreCore):
    """Imports, for `Store`."""

    def import_streets(
        self, streets: list[tuple[str, str]], *, dry_run: bool = False
    ) -> StreetImportCounts:
        """Upsert (name, kind) pairs into the street register in one transaction.

        A name already there (compared without case or accents) is reactivated and takes the
        file's kind; a new one is added. `dry_run` counts without writing.
        """
        added = updated = unchanged = 0
        with self._read() if dry_run else self._write() as connection:
            existing = {
                fold(name): (row_id, name, kind, bool(active))
                for row_id, name, kind, active in connection.execute(
                    "SELECT id, name, kind, active FROM streets"
                ).fetchall()
            }
            for name, kind in streets:
                found = existing.get(fold(name))
                if found is None:
                    added += 1
                    if not dry_run:
                        connection.execute(
                            "INSERT INTO streets (name, kind, active) VALUES (?, ?, ?)",
                            (name, kind, True),
                        )
                    existing[fold(name)] = (0, name, kind, True)
                elif found[2] != kind or not found[3]:
                    updated += 1
                    if not dry_run:
                        connection.execute(
                            "UPDATE streets SET kind = ?, active = ? WHERE id = ?",
                            (kind, True, found[0]),
                        )
                    existing[fold(name)] = (found[0], found[1], kind, True)
                else:
                    unchanged += 1
        self._streets = None
        return StreetImportCounts(added, updated, unchanged)


class RequestImportCounts(msgspec.Struct, frozen=True):
    """What one chunk of an import of requests did (or would do)."""

    added: int
    already: int
    rejects: tuple[tuple[int, str], ...]


class RequestImportStore(StoreCore):
    """Imports of requests, for `Store`."""

    def import_requests(
        self,
        operator: OperatorRecord,
        rows: list[tuple[int, ImportedRequest]],
        source: str,
        *,
        dry_run: bool = False,
    ) -> RequestImportCounts:
        """Write one chunk of (line, request) in one transaction: a row whose (source, id) is
        already imported is skipped; a category or service we do not know rejects its row.

        Each request gets a reference of the Paris year of its call, its due dates, a
        `created` event at its date and, when closed, a `status` event and `closed_at` at its
        closing date; it is attached to no caller. The original values go in `imported_rows`.
        """
        calendar = self.calendar()
        at = db_time(self.now())
        added = already = 0
        rejects: list[tuple[int, str]] = []
        with self._read() if dry_run else self._write() as connection:
            categories = {
                code: (row_id, service_id, urgency)
                for row_id, code, service_id, urgency in connection.execute(
                    "SELECT id, code, service_id, default_urgency FROM categories"
                ).fetchall()
            }
            services = dict(connection.execute("SELECT code, id FROM services").fetchall())
            seen: set[str] = set()
            for line, item in rows:
                if (
                    item.external_id in seen
                    or connection.execute(
                        "SELECT 1 FROM imported_rows WHERE kind = 'request' AND source = ?"
                        " AND external_id = ?",
                        (source, item.external_id),
                    ).fetchone()
                ):
                    already += 1
                    continue
                category = categories.get(item.category)
                if category is None:
                    rejects.append((line, f"catégorie inconnue {item.category!r}"))
                    continue
                service_id = category[1]
                if item.service is not None:
                    service_id = services.get(item.service)
                    if service_id is None:
                        rejects.append((line, f"service inconnu {item.service!r}"))
                        continue
                seen.add(item.external_id)
                added += 1
                if dry_run:
                    continue
                self._insert_imported(
                    connection,
                    operator,
                    item,
                    source,
                    category[0],
                    service_id,
                    item.urgency or category[2],
                    calendar,
                    at,
                )
        return RequestImportCounts(added, already, tuple(rejects))

    def _insert_imported(
        self, connection, operator, item, source, category_id, service_id, urgency, calendar, at
    ) -> None:
        created = db_time(item.created_at)
        year = calendar.reference_year(item.created_at)
        (sequence,) = connection.execute(_NEXT_REFERENCE_SQL, (year,)).fetchone()
        due = calendar.due_dates(item.created_at, urgency)
        closed = stored_time(item.closed_at)
        (request_id,) = connection.execute(
            _INSERT_REQUEST_SQL,
            (
                format_reference(year, sequence),
                year,
                sequence,
                item.channel.value,
                Kind.INTERVENTION.value,
                category_id,
                service_id,
                urgency,
                item.status.value,
                _caller_holding(connection, item.caller_phone),
                item.street_number,
                item.street,
                "",
                "",
                item.latitude,
                item.longitude,
                item.description,
                created,
                operator.id,
                stored_time(due.ack_due_at),
                stored_time(due.intervention_due_at),
                None,
                closed or created,
                operator.id,
                *self.backend.request_search_texts(
                    item.description, item.street_number, item.street, ""
                ),
            ),
        ).fetchone()
        if closed is not None or item.status is not Status.NEW:
            connection.execute(
                "UPDATE requests SET closed_at = ?, acknowledged_at = ?,"
                " transferred_to = ? WHERE id = ?",
                (
                    closed,
                    created,
                    source if item.status is Status.TRANSFERRED else "",
                    request_id,
                ),
            )
        _add_event(
            connection,
            request_id,
            created,
            operator.id,
            EventKind.CREATED,
            new=Status.NEW.value,
            note=f"importé de {source} ({item.external_id})",
        )
        if item.status is not Status.NEW:
            _add_event(
                connection,
                request_id,
                closed or created,
                operator.id,
                EventKind.STATUS,
                old=Status.NEW.value,
                new=item.status.value,
                note=f"statut d'origine ({source})",
            )
        connection.execute(
            "INSERT INTO imported_rows (kind, source, external_id, row_id, original,"
            " imported_at) VALUES ('request', ?, ?, ?, ?, ?)",
            (source, item.external_id, request_id, item.original, at),
        )

    def import_callers(
        self,
        operator: OperatorRecord,
        rows: list[tuple[int, ImportedCaller]],
        source: str,
        *,
        dry_run: bool = False,
    ) -> RequestImportCounts:
        """Write one chunk of (line, caller) in one transaction; a row whose (source, id) is
        already imported is skipped. Each caller is new (never merged by phone)."""
        at = db_time(self.now())
        added = already = 0
        with self._read() if dry_run else self._write() as connection:
            seen: set[str] = set()
            for _line, item in rows:
                if (
                    item.external_id in seen
                    or connection.execute(
                        "SELECT 1 FROM imported_rows WHERE kind = 'caller' AND source = ?"
                        " AND external_id = ?",
                        (source, item.external_id),
                    ).fetchone()
                ):
                    already += 1
                    continue
                seen.add(item.external_id)
                added += 1
                if dry_run:
                    continue
                caller_id = _insert_caller(connection, self.backend, operator, item.caller, at)
                connection.execute(
                    "INSERT INTO imported_rows (kind, source, external_id, row_id, original,"
                    " imported_at) VALUES ('caller', ?, ?, ?, ?, ?)",
                    (source, item.external_id, caller_id, item.original, at),
                )
        return RequestImportCounts(added, already, ())


def _caller_holding(connection, number: str | None) -> int | None:
    """The one caller holding this number (None when none or several hold it, or no number)."""
    if number is None:
        return None
    rows = connection.execute(
        "SELECT DISTINCT caller_id FROM caller_phones WHERE number = ?", (number,)
    ).fetchall()
    return rows[0][0] if len(rows) == 1 else None
