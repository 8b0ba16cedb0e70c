"""The history list: a DataTable of requests that asks its screen for more rows at its edges.

It only ever holds a window of rows; the screen fetches the next or previous window by keyset
when the cursor comes near an edge. Home and End ask for the newest and the oldest rows
instead of moving within the window, and ↑ on the first row of the newest window gives the
focus back to the filter box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from allo_tui.domain.display import local
from allo_tui.domain.records import RequestRecord
from allo_tui.domain.status_detail import status_short
from allo_tui.literal import printable


@dataclass(frozen=True)
class Column:
    """A column of the list: its title, its width, and how much of the room left it takes."""

    title: str
    width: int  # fixed width, or the minimum of a flexible column
    share: int = 0  # 0: fixed width
    optional: bool = False  # dropped first when the terminal is narrow


COLUMNS = (
    Column("N°", 11),
    Column("Date", 14),
    Column("Urg.", 4),
    Column("Statut", 11),  # "prog. 12/01"
    Column("Catégorie", 10, share=3),
    Column("Lieu", 14, share=4),
    Column("Demandeur", 10, share=3, optional=True),
    Column("Service", 10, share=2, optional=True),
)
"""Every column, in order."""
CELL_PADDING = 1
SCROLLBAR = 2


def column_widths(total: int) -> dict[str, int]:
    """Title -> width of the columns that fit a table `total` cells wide.

    The fixed columns keep their width; the text columns share the room left by their
    shares; the optional ones (service, then caller) go first when it is too narrow.
    """
    columns = list(COLUMNS)
    while True:
        room = total - SCROLLBAR - 2 * CELL_PADDING * len(columns)
        room -= sum(column.width for column in columns if not column.share)
        flexible = [column for column in columns if column.share]
        optional = [column for column in columns if column.optional]
        if room >= sum(column.width for column in flexible) or not optional:
            break
        columns.remove(optional[-1])
    shares = sum(column.share for column in flexible)
    return {
        column.title: (
            max(column.width, room * column.share // shares) if column.share else column.width
        )
        for column in columns
    }


def clip(value: str, width: int) -> Text:
    """`value` shown literally (control characters visible, one line), cut with an ellipsis
    to fit `width` cells."""
    value = printable(value, one_line=True)
    if len(value) > width:
        value = value[: width - 1] + "…"
    return Text(value)


MARKED = "✓"
"""Before the reference of a request marked for a bulk action (a supervisor's Space)."""


def request_cells(
    request: RequestRecord, now: datetime, widths: dict[str, int], *, marked: bool = False
) -> list[Text]:
    """The cells of one request row for the columns in `widths`; late open requests in red;
    a request marked for a bulk action has a tick before its reference."""
    # "prog. 12/01", "att. dem.", "renvoyée": what the service did, in the narrow column.
    status = clip(status_short(request, local(now).date()), widths.get("Statut", 10))
    due = request.intervention_due_at
    if request.is_open and due is not None and due < now:
        status.stylize("bold red")
    values = {
        "N°": Text(
            (MARKED if marked else "") + printable(request.reference, one_line=True),
            "bold" if marked else "",
        ),
        "Date": Text(local(request.created_at).strftime("%d/%m/%y %H:%M")),
        "Urg.": Text(str(request.urgency), "bold red" if request.urgency == 1 else ""),
        "Statut": status,
        "Catégorie": request.category_label,
        "Lieu": request.location,
        "Demandeur": request.caller_name,
        "Service": request.service_name,
    }
    return [
        value if isinstance(value, Text) else clip(value, widths[title])
        for title, value in ((title, values[title]) for title in widths)
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
        self.marked: frozenset[int] = frozenset()
        """Requests marked for a bulk action: a tick before their reference."""
        self._add_columns()

    def _add_columns(self) -> None:
        for title, width in self._widths.items():
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
        self.add_rows(self._cells(request) for request in self.requests)
        if self.requests:
            self.move_cursor(row=max(0, min(cursor_row, len(self.requests) - 1)), animate=False)

    def append_requests(self, requests: Sequence[RequestRecord], now: datetime) -> None:
        """Add older rows at the bottom, leaving the cursor where it is."""
        self._now = now
        self.requests.extend(requests)
        self.add_rows(self._cells(request) for request in requests)

    def _cells(self, request: RequestRecord) -> list[Text]:
        assert self._now is not None
        return request_cells(request, self._now, self._widths, marked=request.id in self.marked)

    def set_marked(self, ids: frozenset[int]) -> None:
        """Show these requests as marked (a tick before the reference)."""
        changed = ids ^ self.marked
        self.marked = ids
        if not changed or self._now is None:
            return
        for row, request in enumerate(self.requests):
            if request.id in changed:
                self.update_cell_at(Coordinate(row, 0), self._cells(request)[0], update_width=False)

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
