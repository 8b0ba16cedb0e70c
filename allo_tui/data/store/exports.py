"""Exports: one table read in keyset batches inside one read transaction (one consistent
snapshot, flat memory whatever the size), and the audit row a callers export leaves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import msgspec

from allo_tui.data.backend import Connection
from allo_tui.data.rows import db_time, marks
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.records import OperatorRecord

if TYPE_CHECKING:  # the export shapes and rules load on the first export, not at start-up
    from allo_tui.data.rows.exports import ExportShape
    from allo_tui.domain.exports import ExportFilter, ExportKind

BATCH = 2_000
"""Rows read per statement."""
CALLERS_EXPORT = "export.callers"
"""The audit action of a callers export."""


class ExportRows(msgspec.Struct, frozen=True):
    """An export being read: its column keys, how many rows it holds, and the rows (tuples of
    Python values in the order of `columns`, timestamps aware UTC), read as they are used."""

    kind: ExportKind
    columns: tuple[str, ...]
    total: int
    rows: Iterator[tuple]


class ExportStore(StoreCore):
    """Exports, for `Store`."""

    @contextmanager
    def export_rows(
        self, operator: OperatorRecord, kind: ExportKind, filters: ExportFilter
    ) -> Iterator[ExportRows]:
        """The rows of an export, in one read transaction held while the block runs.

        Refused (`ExportRefusedError`) when this operator, as stored now, may not export the
        table; a service agent's export holds their services' requests (and their calls and
        events) only.
        """
        from allo_tui.data.rows.exports import SHAPES
        from allo_tui.domain.exports import (
            check_filters_apply,
            check_may_export,
            check_period,
            reach_of,
        )

        check_period(filters.date_from, filters.date_to)
        check_filters_apply(kind, filters)
        shape = SHAPES[kind]
        with self._read() as connection:
            role = self._role_of(connection, operator)
            check_may_export(role, kind)
            reach = reach_of(role, operator.service_ids)
            terms, params = self._export_terms(shape, filters, reach)
            where = f"WHERE {' AND '.join(terms)} " if terms else ""
            total = connection.execute(
                f"SELECT count(*) FROM {shape.source.format(index='')} {where}", params
            ).fetchone()[0]
            yield ExportRows(
                kind, shape.columns, total, self._batches(connection, shape, terms, params)
            )

    def _export_terms(
        self, shape: ExportShape, filters: ExportFilter, reach: tuple[int, ...]
    ) -> tuple[list[str], list]:
        from allo_tui.data.rows.exports import JOIN_TERMS

        terms: list[str] = list(JOIN_TERMS.get(shape.kind, ()))
        params: list = []
        zone = self.calendar().zone
        if filters.date_from is not None:
            terms.append(f"{shape.date_column} >= ?")
            params.append(db_time(_start_of(filters.date_from, zone)))
        if filters.date_to is not None:
            terms.append(f"{shape.date_column} < ?")
            params.append(db_time(_start_of(filters.date_to + timedelta(days=1), zone)))
        alias = shape.request_alias
        if alias:
            if filters.statuses:
                values = sorted(status.value for status in filters.statuses)
                terms.append(f"{alias}.status IN ({marks(len(values))})")
                params.extend(values)
            for services in (filters.service_ids, reach):
                if services:
                    terms.append(f"{alias}.service_id IN ({marks(len(services))})")
                    params.extend(services)
        return terms, params

    def _batches(
        self, connection: Connection, shape: ExportShape, terms: list[str], params: list
    ) -> Iterator[tuple]:
        from allo_tui.domain.exports import ExportKind

        hint = self.backend.dialect.indexed_by(shape.index) if shape.index else ""
        select = shape.select(hint)
        if shape.order_time:
            order = f"ORDER BY {shape.order_time}, {shape.order_id}"
            after = f"{shape.order_time} >= ? AND ({shape.order_time} > ? OR {shape.order_id} > ?)"
        else:
            order = f"ORDER BY {shape.order_id}"
            after = f"{shape.order_id} > ?"
        last: tuple | None = None
        while True:
            batch_terms, batch_params = list(terms), list(params)
            if last is not None:
                batch_terms.append(after)
                batch_params.extend(last)
            where = f"WHERE {' AND '.join(batch_terms)} " if batch_terms else ""
            rows = connection.execute(
                f"{select}{where}{order} LIMIT ?", (*batch_params, BATCH)
            ).fetchall()
            if not rows:
                return
            converted = [shape.convert(row) for row in rows]
            if shape.kind is ExportKind.CALLERS:
                converted = _with_phones(connection, converted)
            yield from converted
            if len(rows) < BATCH:
                return
            final = rows[-1]
            last = (final[0], final[0], final[1]) if shape.order_time else (final[0],)

    def record_audit(
        self,
        operator: OperatorRecord,
        action: str,
        subject: str = "",
        old_value: str = "",
        new_value: str = "",
    ) -> int:
        """Append one row to the audit (append-only: never changed afterwards); its id."""
        with self._write() as connection:
            self._role_of(connection, operator)
            (audit_id,) = connection.execute(
                "INSERT INTO audit (at, operator_id, action, subject, old_value, new_value)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (db_time(self.now()), operator.id, action, subject, old_value, new_value),
            ).fetchone()
        return audit_id

    def record_callers_export(
        self, operator: OperatorRecord, filters: ExportFilter, rows: int, file_format: str
    ) -> int:
        """The audit row of a callers export: what, how many rows, which filters."""
        described = {
            "format": file_format,
            "rows": rows,
            "from": filters.date_from.isoformat() if filters.date_from else None,
            "to": filters.date_to.isoformat() if filters.date_to else None,
        }
        return self.record_audit(
            operator, CALLERS_EXPORT, "callers", "", json.dumps(described, sort_keys=True)
        )


def _start_of(day: date, zone) -> datetime:
    """The first instant of a local day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _with_phones(connection: Connection, callers: list[tuple]) -> list[tuple]:
    """The callers of a batch with their phones (national format), in the card's order."""
    from allo_tui.data.rows.exports import PHONES_SELECT, SHAPES
    from allo_tui.domain.exports import ExportKind

    ids = [row[0] for row in callers]
    phones: dict[int, list[str]] = {}
    for caller_id, display, number in connection.execute(
        PHONES_SELECT.format(marks=marks(len(ids))), ids
    ):
        phones.setdefault(caller_id, []).append(display or number)
    position = SHAPES[ExportKind.CALLERS].columns.index("phones")
    return [
        (*row[:position], tuple(phones.get(row[0], ())), *row[position + 1 :]) for row in callers
    ]
