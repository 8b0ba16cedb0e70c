"""The board list's rules that need no screen (allo_tui.domain.board_layout)."""

from datetime import UTC, datetime, timedelta

from allo_tui.domain.board_layout import (
    REFERENCE_WIDTH_MAX,
    REFERENCE_WIDTH_MIN,
    SEPARATOR,
    board_order,
    layout_columns,
    reference_column_width,
)


def test_columns_are_placed_side_by_side_and_fill_the_width():
    placed = layout_columns(120)
    x = 0
    for _column, start, cell in placed:
        assert start == x
        x = start + cell + SEPARATOR
    _column, start, cell = placed[-1]
    assert start + cell == 120


def test_the_least_needed_columns_go_first_when_the_width_is_short():
    keys = [column.key for column, _, _ in layout_columns(200)]
    assert "since" in keys and "service" in keys and "location" in keys
    narrow = [column.key for column, _, _ in layout_columns(70)]
    assert "since" not in narrow and "service" not in narrow
    assert {"urgency", "reference", "due", "status", "category"} <= set(narrow)


def test_the_reference_column_takes_the_width_it_is_given():
    reference = next(
        cell for column, _, cell in layout_columns(160, 14) if column.key == "reference"
    )
    assert reference == 14


def test_the_reference_column_fits_the_longest_reference_within_bounds():
    assert reference_column_width([]) == REFERENCE_WIDTH_MIN
    assert reference_column_width(["2026-00042"]) == 10
    assert reference_column_width(["2026-00042", "IMPORT-000123"]) == 13
    assert reference_column_width(["X" * 40]) == REFERENCE_WIDTH_MAX


class _Request:
    """The fields the board's order reads."""

    def __init__(self, id: int, urgency: int, due: datetime | None) -> None:  # noqa: A002
        self.id = id
        self.urgency = urgency
        self.intervention_due_at = due


def test_board_order_is_urgency_then_no_due_time_then_soonest_due_then_id():
    now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    rows = [
        _Request(5, 2, now + timedelta(hours=1)),
        _Request(4, 1, now + timedelta(hours=2)),
        _Request(3, 1, None),
        _Request(2, 1, now + timedelta(hours=1)),
        _Request(1, 1, now + timedelta(hours=1)),
    ]
    ordered = sorted(rows, key=board_order)  # type: ignore[arg-type]
    assert [row.id for row in ordered] == [3, 1, 2, 4, 5]
