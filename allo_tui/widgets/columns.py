"""Column widths for a DataTable that must fit the terminal (80 columns and up)."""

from __future__ import annotations

from collections.abc import Sequence

CELL_PADDING = 1
"""DataTable's default padding on each side of a cell."""
SCROLLBAR_AND_MARGIN = 4
"""Room kept for the vertical scrollbar and the table's side margins."""


def fit_columns(total_width: int, widths: Sequence[int | float]) -> list[int]:
    """Widths for columns sharing `total_width` cells.

    An int is a fixed width; a float is a share of what the fixed columns leave (at least
    8 cells each). `fit_columns(120, (12, 10, 0.5, 0.5, 10))` gives the two middle columns
    equal halves of the remaining room.
    """
    room = total_width - SCROLLBAR_AND_MARGIN - 2 * CELL_PADDING * len(widths)
    fixed = sum(w for w in widths if isinstance(w, int))
    spare = max(0, room - fixed)
    shares = sum(w for w in widths if isinstance(w, float)) or 1.0
    out = [w if isinstance(w, int) else max(8, int(spare * w / shares)) for w in widths]
    return out
