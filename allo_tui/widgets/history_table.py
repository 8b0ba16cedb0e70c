"""The history list: a DataTable of requests that asks its screen for more rows at its edges.

It only ever holds a window of rows; the screen fetches the next or previous window by keyset
when the cursor comes near an edge. Home and End ask for the newest and the oldest rows
instead of moving within the window, and ↑ on the first row of the newest window gives the
focus back to the filter box.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from allo_tui.domain.display import format_datetime
from allo_tui.domain.records import RequestRecord
from allo_tui.domain.workflow import STATUS_LABELS

COLUMNS = ("N°", "Date", "Urg.", "Statut", "Catégorie", "Lieu", "Demandeur", "Service")
"""Column titles, in order."""
FIXED_WIDTHS = (11, 16, 4, 10)
"""Widths of the reference, date, urgency and status columns."""
FLEXIBLE = ((3, 12), (4, 16), (3, 12), (2, 10))
"""(share of the room left, minimum width) of category, location, caller and service."""
CELL_PADDING = 1


def column_widths(total: int) -> tuple[int, ...]:
    """Widths of every column for a table `total` cells wide (the text columns share the rest)."""
    room = total - 2 - 2 * CELL_PADDING * len(COLUMNS) - sum(FIXED_WIDTHS)
    shares = sum(share for share, _minimum in FLEXIBLE)
    flexible = tuple(max(minimum, room * share // shares) for share, minimum in FLEXIBLE)
    return FIXED_WIDTHS + flexible


def clip(value: str, width: int) -> Text:
    """`value` as plain text, cut with an ellipsis to fit `width` cells."""
    if len(value) > width:
        value = value[: width - 1] + "…"
    return Text(value)


def request_cells(request: RequestRecord, now: datetime, widths: Sequence[int]) -> list[Text]:
    """The cells of one request row; a late open request shows its status in red."""
    status = clip(STATUS_LABELS[request.status], widths[3])
    due = request.intervention_due_at
    if request.is_open and due is not None and due < now:
        status.stylize("bold red")
    urgency = Text(str(request.urgency), "bold red" if request.urgency == 1 else "")
    return [
        Text(request.reference),
        Text(format_datetime(request.created_at)),
        urgency,
        status,
        clip(request.category_label, widths[4]),
        clip(request.location, widths[5]),
        clip(request.caller_name, widths[6]),
        clip(request.service_name, widths[7]),
    ]


class HistoryTable(DataTable):
    """Rows of requests in history order (newest first)."""

    BINDINGS = [
        Binding("home", "newest", "Plus récentes", show=False, id="history.newest"),
        Binding("end", "oldest", "Plus anciennes", show=False, id="history.oldest"),
    ]

    class JumpRequested(Message):
        """Home or End: the screen loads the newest or the oldest window."""

        def __init__(self, table: HistoryTable, edge: str) -> None:
            super().__init__()
            self.table = table
            self.edge = edge

        @property
        def control(self) -> HistoryTable:
            return self.table

    class TopReached(Message):
        """↑ on the first row: the screen decides (load newer rows, or focus the filter box)."""

        def __init__(self, table: HistoryTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> HistoryTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=CELL_PADDING, **kwargs)
        self.requests: list[RequestRecord] = []
        self._now: datetime | None = None
        self._widths = column_widths(120)
        self._add_columns()

    def _add_columns(self) -> None:
        for title, width in zip(COLUMNS, self._widths, strict=True):
            self.add_column(title, width=width, key=title)

    def on_resize(self) -> None:
        widths = column_widths(self.size.width)
        if widths != self._widths:
            self._widths = widths
            row = self.cursor_row
            self.clear(columns=True)
            self._add_columns()
            if self._now is not None:
                self.show_requests(self.requests, self._now, cursor_row=row)

    def show_requests(
        self, requests: Sequence[RequestRecord], now: datetime, *, cursor_row: int = 0
    ) -> None:
        """Replace the rows, putting the cursor on `cursor_row` (clamped)."""
        self._now = now
        self.requests = list(requests)
        self.clear()
        self.add_rows(request_cells(request, now, self._widths) for request in self.requests)
        if self.requests:
            self.move_cursor(row=max(0, min(cursor_row, len(self.requests) - 1)), animate=False)

    def append_requests(self, requests: Sequence[RequestRecord], now: datetime) -> None:
        """Add older rows at the bottom, leaving the cursor where it is."""
        self._now = now
        self.requests.extend(requests)
        self.add_rows(request_cells(request, now, self._widths) for request in requests)

    @property
    def current(self) -> RequestRecord | None:
        """The request under the cursor."""
        if 0 <= self.cursor_row < len(self.requests):
            return self.requests[self.cursor_row]
        return None

    def action_newest(self) -> None:
        self.post_message(self.JumpRequested(self, "newest"))

    def action_oldest(self) -> None:
        self.post_message(self.JumpRequested(self, "oldest"))

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.TopReached(self))
            return
        super().action_cursor_up()
