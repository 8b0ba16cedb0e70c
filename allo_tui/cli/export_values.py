"""The values of an exported row as people read them (spreadsheets: French labels, a call's
duration) or as programs read them (JSON: stored codes, ISO 8601 times with their offset).

The Store gives each row as Python values in the order of its column keys; a `Layout` adds
the derived columns and converts each value once, column by column.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from allo_tui.cli.export_texts import CONTACT_LABELS, HEADERS
from allo_tui.domain.labels import (
    CALL_OUTCOME_LABELS,
    CHANNEL_LABELS,
    EVENT_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
    capitalised,
)

DERIVED = {"ended_at": "duration_minutes"}
"""A column computed from the row, placed after the one named: a call's duration."""


def _labels(mapping) -> Callable[[Any], Any]:
    table = {str(key): value for key, value in mapping.items()}
    return lambda value: table.get(value, value) if value is not None else None


def _urgency(value):
    return f"{value} – {URGENCY_LABELS[value]}" if value in URGENCY_LABELS else value


PEOPLE_LABELS: dict[str, Callable[[Any], Any]] = {
    "status": _labels(STATUS_LABELS),
    "channel": _labels({key: capitalised(text) for key, text in CHANNEL_LABELS.items()}),
    "kind": _labels(KIND_LABELS),
    "urgency": _urgency,
    "event_kind": _labels(EVENT_LABELS),
    "call_outcome": _labels(CALL_OUTCOME_LABELS),
    "contact_preference": _labels(CONTACT_LABELS),
    # A status event's values are statuses; other values pass through unchanged.
    "old_value": _labels(STATUS_LABELS),
    "new_value": _labels(STATUS_LABELS),
}
"""Stored codes shown as their French labels in a spreadsheet."""


def _minutes(started: datetime | None, ended: datetime | None) -> float | None:
    if started is None or ended is None:
        return None
    return round((ended - started).total_seconds() / 60, 1)


class Layout:
    """The exported columns of one table, and the conversion of its rows."""

    def __init__(self, columns: tuple[str, ...], zone: ZoneInfo) -> None:
        self.source = columns
        keys: list[str] = []
        for key in columns:
            keys.append(key)
            if key in DERIVED and "started_at" in columns:
                keys.append(DERIVED[key])
        self.keys = tuple(keys)
        self.headers = tuple(HEADERS[key] for key in self.keys)
        self.zone = zone
        self._started = columns.index("started_at") if "started_at" in columns else None
        self._ended = columns.index("ended_at") if "ended_at" in columns else None
        self._converters = [PEOPLE_LABELS.get(key) for key in columns]

    def _with_derived(self, values: list) -> list:
        if self._ended is not None and self._started is not None:
            values.insert(self._ended + 1, _minutes(values[self._started], values[self._ended]))
        return values

    def for_people(self, row: tuple) -> list:
        """The row for a spreadsheet: French labels, the derived columns."""
        values = [
            value if convert is None else convert(value)
            for convert, value in zip(self._converters, row, strict=True)
        ]
        return self._with_derived(values)

    def for_programs(self, row: tuple) -> dict[str, Any]:
        """The row as a JSON object: column keys, stored codes, ISO 8601 times."""
        values = self._with_derived(list(row))
        return {
            key: _json_value(value, self.zone) for key, value in zip(self.keys, values, strict=True)
        }


def _json_value(value, zone: ZoneInfo):
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
