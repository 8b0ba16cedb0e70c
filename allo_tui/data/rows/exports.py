"""The row shapes of `allo export`: for each table, the columns exported (a key each, which the
CLI turns into a French header), the SELECT that reads them in keyset order, and the
conversion of stored values (UTC text or driver datetimes, dates) into Python values.

Each shape reads its table in one order an index gives (`(created_at, id)` for requests,
`(started_at, id)` for calls, `id` for events and callers), so a batch costs the rows it
returns whatever the size of the table, and the export never sorts. The labels of catalogue
rows (category, service, outcome, rejection reason) are joined here; the labels of enum
values (status, channel…) are the CLI's. No caller's personal data is in the requests,
calls or events shapes: those carry the caller's number (`caller_id`) only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allo_tui.data.rows import utc_time
from allo_tui.domain.exports import ExportKind


@dataclass(frozen=True)
class ExportShape:
    """How one table is exported."""

    kind: ExportKind
    columns: tuple[str, ...]
    """The keys of the exported columns, in order."""
    expressions: tuple[str, ...]
    """Their SQL, in the same order."""
    source: str
    """FROM and joins; `{index}` is where the backend's index hint goes (SQLite)."""
    index: str
    """The index the batches walk (named for SQLite's `INDEXED BY`; "" for the primary key)."""
    order_time: str
    """The timestamp of the keyset order ("" when the order is the id alone)."""
    order_id: str
    """The id that ends the keyset order."""
    date_column: str
    """The timestamp `--from` and `--to` select on."""
    request_alias: str
    """The alias of `requests` in `source`, for statuses and services ("" for callers)."""
    times: frozenset[str]
    """Columns holding timestamps (read back aware UTC)."""
    dates: frozenset[str] = frozenset()
    """Columns holding dates."""

    def select(self, hint: str) -> str:
        """`SELECT <order time>, <order id>, <columns> FROM …` with the index hint in place."""
        keys = [self.order_time, self.order_id] if self.order_time else [self.order_id]
        return (
            f"SELECT {', '.join([*keys, *self.expressions])} FROM {self.source.format(index=hint)} "
        )

    def convert(self, row: tuple) -> tuple:
        """The exported values of a row (after its keyset columns), timestamps aware UTC."""
        skip = 2 if self.order_time else 1
        values = list(row[skip:])
        for position, key in enumerate(self.columns):
            if key in self.times:
                values[position] = utc_time(values[position])
            elif key in self.dates:
                values[position] = _day(values[position])
        return tuple(values)


def _day(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _shape(kind: ExportKind, pairs: list[tuple[str, str]], **fields) -> ExportShape:
    return ExportShape(
        kind=kind,
        columns=tuple(key for key, _ in pairs),
        expressions=tuple(expression for _, expression in pairs),
        **fields,
    )


REQUESTS = _shape(
    ExportKind.REQUESTS,
    [
        ("reference", "r.reference"),
        ("created_at", "r.created_at"),
        ("channel", "r.channel"),
        ("kind", "r.kind"),
        ("category", "c.label"),
        ("service_code", "s.code"),
        ("service", "s.name"),
        ("urgency", "r.urgency"),
        ("status", "r.status"),
        ("street_number", "r.street_number"),
        ("street", "r.street"),
        ("landmark", "r.landmark"),
        ("neighbourhood", "r.neighbourhood"),
        ("latitude", "r.latitude"),
        ("longitude", "r.longitude"),
        ("description", "r.description"),
        ("ack_due_at", "r.ack_due_at"),
        ("acknowledged_at", "r.acknowledged_at"),
        ("intervention_due_at", "r.intervention_due_at"),
        ("closed_at", "r.closed_at"),
        ("answer", "r.answer"),
        ("outcome", "COALESCE(o.label, r.outcome_code)"),
        ("rejection_reason", "COALESCE(rr.label, r.rejection_reason_code)"),
        ("planned_for", "r.planned_for"),
        ("transferred_to", "r.transferred_to"),
        ("caller_id", "r.caller_id"),
    ],
    # CROSS JOIN keeps requests first on SQLite (the walk of the index gives the order);
    # elsewhere it is a plain join on the WHERE terms.
    source=(
        "requests AS r {index} CROSS JOIN categories AS c"
        " LEFT JOIN services AS s ON s.id = r.service_id"
        " LEFT JOIN outcomes AS o ON o.code = r.outcome_code"
        " LEFT JOIN rejection_reasons AS rr ON rr.code = r.rejection_reason_code"
    ),
    index="ix_requests_created",
    order_time="r.created_at",
    order_id="r.id",
    date_column="r.created_at",
    request_alias="r",
    times=frozenset(
        {"created_at", "ack_due_at", "acknowledged_at", "intervention_due_at", "closed_at"}
    ),
    dates=frozenset({"planned_for"}),
)
REQUESTS_JOIN_TERMS = ("c.id = r.category_id",)

CALLS = _shape(
    ExportKind.CALLS,
    [
        ("call_id", "k.id"),
        ("started_at", "k.started_at"),
        ("ended_at", "k.ended_at"),
        ("operator", "op.login"),
        ("console", "k.console"),
        ("call_outcome", "k.outcome"),
        ("caller_id", "k.caller_id"),
        ("reference", "r.reference"),
    ],
    source=(
        "calls AS k {index} LEFT JOIN operators AS op ON op.id = k.operator_id"
        " LEFT JOIN requests AS r ON r.id = k.request_id"
    ),
    index="ix_calls_started",
    order_time="k.started_at",
    order_id="k.id",
    date_column="k.started_at",
    request_alias="r",
    times=frozenset({"started_at", "ended_at"}),
)

EVENTS = _shape(
    ExportKind.EVENTS,
    [
        ("event_id", "e.id"),
        ("at", "e.at"),
        ("reference", "r.reference"),
        ("operator", "op.login"),
        ("event_kind", "e.kind"),
        ("old_value", "e.old_value"),
        ("new_value", "e.new_value"),
        ("note", "e.note"),
    ],
    source=(
        "events AS e {index} CROSS JOIN requests AS r"
        " LEFT JOIN operators AS op ON op.id = e.operator_id"
    ),
    index="",
    order_time="",
    order_id="e.id",
    date_column="e.at",
    request_alias="r",
    times=frozenset({"at"}),
)
EVENTS_JOIN_TERMS = ("r.id = e.request_id",)

CALLERS = _shape(
    ExportKind.CALLERS,
    [
        ("caller_id", "p.id"),
        ("surname", "p.surname"),
        ("given_name", "p.given_name"),
        ("phones", "''"),
        ("email", "p.email"),
        ("street_number", "p.street_number"),
        ("street", "p.street"),
        ("address_extra", "p.address_extra"),
        ("postcode", "p.postcode"),
        ("city", "p.city"),
        ("neighbourhood", "p.neighbourhood"),
        ("contact_preference", "p.contact_preference"),
        ("notes", "p.notes"),
        ("caller_created_at", "p.created_at"),
        ("updated_at", "p.updated_at"),
    ],
    source="callers AS p {index}",
    index="",
    order_time="",
    order_id="p.id",
    date_column="p.created_at",
    request_alias="",
    times=frozenset({"caller_created_at", "updated_at"}),
)

SHAPES: dict[ExportKind, ExportShape] = {
    ExportKind.REQUESTS: REQUESTS,
    ExportKind.CALLS: CALLS,
    ExportKind.EVENTS: EVENTS,
    ExportKind.CALLERS: CALLERS,
}
JOIN_TERMS: dict[ExportKind, tuple[str, ...]] = {
    ExportKind.REQUESTS: REQUESTS_JOIN_TERMS,
    ExportKind.EVENTS: EVENTS_JOIN_TERMS,
}
"""WHERE terms of the shapes' CROSS JOINs."""

PHONES_SELECT = (
    "SELECT caller_id, display, number FROM caller_phones WHERE caller_id IN ({marks})"
    " ORDER BY caller_id, position, id"
)
"""A batch of callers' phones, in the card's order (`display`: national format for French
numbers, international for others, as typed when the number did not parse)."""
