"""The board list's rules that need no screen: the order of its rows, and which columns fit in a
width and where."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from allo_tui.domain.records import RequestRecord


@dataclass(frozen=True, slots=True)
class Column:
    """One column: fixed `width`, or a share (`flex`) of what is left, at least `minimum`."""

    key: str
    width: int = 0
    flex: int = 0
    minimum: int = 0
    drop_rank: int = 0  # columns with a higher rank are dropped first when the width is short


COLUMNS: tuple[Column, ...] = (
    Column("mark", width=1),
    Column("urgency", width=3),
    Column("reference", width=10),
    Column("due", width=22),
    Column("since", width=14, drop_rank=3),
    Column("status", width=11),  # "prog. 12/01"
    Column("ack", width=3),
    Column("category", flex=3, minimum=10),
    Column("location", flex=3, minimum=10, drop_rank=1),
    Column("service", flex=2, minimum=8, drop_rank=2),
)
SEPARATOR = 1
REFERENCE_WIDTH_MAX = 16
"""A reference longer than this (an imported one) is cut rather than widening the column."""
REFERENCE_WIDTH_MIN = 10
"""The reference column is at least this wide (a reference as the app writes them)."""


def reference_column_width(references: Iterable[str]) -> int:
    """The reference column's width for these references: the longest, within the bounds."""
    return min(
        max([REFERENCE_WIDTH_MIN, *(len(reference) for reference in references)]),
        REFERENCE_WIDTH_MAX,
    )


def layout_columns(width: int, reference_width: int = 10) -> list[tuple[Column, int, int]]:
    """(column, x, width) for the columns that fit in `width`, dropping the least needed first."""
    columns = [
        Column("reference", width=reference_width) if column.key == "reference" else column
        for column in COLUMNS
    ]
    while True:
        fixed = sum(column.width for column in columns)
        minimum = sum(column.minimum for column in columns if column.flex)
        gaps = SEPARATOR * (len(columns) - 1)
        droppable = [column for column in columns if column.drop_rank]
        if fixed + minimum + gaps <= width or not droppable:
            break
        columns.remove(max(droppable, key=lambda column: column.drop_rank))
    spare = max(0, width - fixed - gaps)
    flexible = [column for column in columns if column.flex]
    total_flex = sum(column.flex for column in flexible) or 1
    widths: dict[str, int] = {}
    given = 0
    for index, column in enumerate(flexible):
        if index == len(flexible) - 1:
            share = spare - given
        else:
            share = spare * column.flex // total_flex
        widths[column.key] = max(0, share)
        given += widths[column.key]
    placed = []
    x = 0
    for column in columns:
        cell = column.width if not column.flex else widths[column.key]
        placed.append((column, x, cell))
        x += cell + SEPARATOR
    return placed


def board_order(request: RequestRecord) -> tuple:
    """The board's sort key: urgency, due time (none first, as in the index), id."""
    due = request.intervention_due_at
    return (request.urgency, due is not None, due.timestamp() if due else 0.0, request.id)


@dataclass(frozen=True, slots=True)
class BoardLine:
    """One line of the list: a group heading, a request row, a gap, or a message."""

    kind: str  # "heading" | "row" | "gap" | "more" | "empty"
    key: tuple
    request: RequestRecord | None = None
    text: str = ""
