"""BoardList: the live board's list of open requests, a purpose-built line-API widget.

Why not a DataTable: a board changes often and ticks every second. A DataTable redraws the whole
visible table for any cell change and cannot insert a row at a position, so every reload was a
clear-and-refill. This widget keeps the rows in a plain list, renders each visible line on demand
from cached segments, and repaints only the lines that changed:

- `set_rows()` compares the new lines with the old ones position by position and refreshes
  only those that differ (a row that moved, a new row, a removed one);
- `tick(now)` recomputes the visible rows' relative times ("il y a 42 min", "dans 18 min",
  "en retard de 1 h 05") from memory and repaints a line only when its text actually changed —
  most seconds nothing is painted at all.

Two modes: a scrolling list with a row cursor (the console's F5), or pages without a cursor
(`paged=True`, the wall screen, which flips `page` on a timer).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from allo_tui.domain.board_layout import (  # noqa: F401 (re-exported)
    COLUMNS,
    REFERENCE_WIDTH_MAX,
    SEPARATOR,
    BoardLine,
    Column,
    board_order,
    layout_columns,
    reference_column_width,
)
from allo_tui.domain.countdown import (
    acknowledgement_state,
    due_text,
    elapsed_text,
    is_late,
)
from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.domain.records import BoardCounts, RequestRecord, Status
from allo_tui.widgets.board_list_cursor import CursorPart
from allo_tui.widgets.board_list_render import RenderPart, fit, visible_text  # noqa: F401
from allo_tui.widgets.board_list_texts import TEXTS

ARRIVAL_SECONDS = 8
"""How long a request that just appeared stays highlighted."""


class BoardList(RenderPart, CursorPart, ScrollView, can_focus=True):
    """Open requests grouped by urgency, with live relative times; see the module docstring."""

    DEFAULT_CSS = """
    BoardList {
        height: 1fr;
        background: $surface;
        & > .board-list--columns { color: $text-muted; text-style: bold; }
        & > .board-list--heading { color: $foreground; text-style: bold; background: $panel; }
        & > .board-list--muted { color: $text-muted; }
        & > .board-list--late { color: $error; text-style: bold; }
        & > .board-list--arrival { background: $success-muted; }
        & > .board-list--cursor { text-style: reverse; }
        & > .board-list--ack-owed { color: $warning; }
        & > .board-list--ack-late { color: $error; text-style: bold; }
        & > .board-list--urgency-1 { background: $error; color: $foreground; text-style: bold; }
        & > .board-list--urgency-2 { background: $warning; color: $background; text-style: bold; }
        & > .board-list--urgency-3 { background: $primary; color: $foreground; }
        & > .board-list--urgency-4 { background: $panel; color: $foreground; }
    }
    BoardList.-paged { scrollbar-size-vertical: 0; overflow-y: hidden; }
    """

    COMPONENT_CLASSES = {
        "board-list--columns",
        "board-list--heading",
        "board-list--muted",
        "board-list--late",
        "board-list--arrival",
        "board-list--cursor",
        "board-list--ack-owed",
        "board-list--ack-late",
        "board-list--urgency-1",
        "board-list--urgency-2",
        "board-list--urgency-3",
        "board-list--urgency-4",
    }

    BINDINGS = [
        Binding("up", "cursor_up", "Haut", show=False, id="board.cursor_up"),
        Binding("down", "cursor_down", "Bas", show=False, id="board.cursor_down"),
        Binding("pageup", "page_up", "Page préc.", show=False, id="board.page_up"),
        Binding("pagedown", "page_down", "Page suiv.", show=False, id="board.page_down"),
        Binding("home", "first", "Début", show=False, id="board.first"),
        Binding("end", "last", "Fin", show=False, id="board.last"),
        Binding("enter", "select", "Ouvrir", id="board.open"),
    ]

    page: reactive[int] = reactive(0, always_update=True, init=False)
    """The page shown in paged mode (0-based)."""

    class Selected(Message):
        """Enter (or a click) on a request row."""

        def __init__(self, request: RequestRecord) -> None:
            super().__init__()
            self.request = request

    class NeedMore(Message):
        """The cursor reached the last loaded row and more open requests exist."""

    def __init__(
        self,
        *,
        paged: bool = False,
        row_gap: int = 0,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.paged = paged
        self.row_gap = row_gap
        self.rows: tuple[RequestRecord, ...] = ()
        self.counts: BoardCounts | None = None
        self.loaded = False
        self.now: datetime | None = None
        self._lines: list[BoardLine] = [BoardLine("empty", ("loading",), text=TEXTS["loading"])]
        self._cursor_line: int | None = None
        self._arrivals: dict[int, datetime] = {}
        self._painted: dict[int, tuple] = {}
        self._strip_cache: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] | None = None
        self._column_layout: tuple[int, int, list[tuple[Column, int, int]]] | None = None
        self.renders = 0  # lines painted since mount (for measurements)
        self._reference_width = 10
        self.marked: frozenset[int] = frozenset()
        """Requests marked for a bulk action (a supervisor's Space): shown with a tick."""
        if paged:
            self.add_class("-paged")
            self.can_focus = False

    # -- data -----------------------------------------------------------------------------

    @property
    def highlighted(self) -> RequestRecord | None:
        """The request under the cursor (console mode)."""
        if self._cursor_line is None or self._cursor_line >= len(self._lines):
            return None
        return self._lines[self._cursor_line].request

    @property
    def line_count(self) -> int:
        """Lines in the list (headings, rows, gaps and messages)."""
        return len(self._lines)

    @property
    def page_size(self) -> int:
        """Lines shown at once under the column titles."""
        return max(1, self.size.height - 1)

    @property
    def page_count(self) -> int:
        """Pages in paged mode (at least 1)."""
        return max(1, -(-len(self._lines) // self.page_size))

    def set_rows(
        self,
        rows: Sequence[RequestRecord],
        counts: BoardCounts,
        now: datetime,
        *,
        urgencies: tuple[int, ...] = (1, 2, 3, 4),
    ) -> int:
        """Show `rows` (in board order) under headings from `counts`; repaint what changed.

        Returns how many lines differ from what was shown before (0: nothing to repaint).
        """
        previous_ids = {request.id for request in self.rows}
        self.now = now
        if self.loaded:
            # A row the previous window already covered (not one revealed by a bigger window).
            covered_all = self.counts is not None and len(self.rows) >= self.counts.open(urgencies)
            last = board_order(self.rows[-1]) if self.rows else None
            until = now + timedelta(seconds=ARRIVAL_SECONDS)
            for request in rows:
                if request.id not in previous_ids and (
                    covered_all or last is None or board_order(request) < last
                ):
                    self._arrivals[request.id] = until
        self._arrivals = {key: until for key, until in self._arrivals.items() if until > now}
        cursor_id = self.highlighted.id if self.highlighted is not None else None
        old_lines = self._lines
        self.rows = tuple(rows)
        self.counts = counts
        self._reference_width = reference_column_width(request.reference for request in self.rows)
        self.loaded = True
        self._lines = self._build_lines(urgencies)
        self._place_cursor(cursor_id, old_lines)
        changed = [
            index
            for index in range(max(len(old_lines), len(self._lines)))
            if index >= len(old_lines)
            or index >= len(self._lines)
            or old_lines[index].key != self._lines[index].key
        ]
        self._update_virtual_size()
        if self.paged and self.page >= self.page_count:
            self.page = 0
        for index in changed:
            self._refresh_index(index)
        self.tick(now)
        return len(changed)

    def _build_lines(self, urgencies: tuple[int, ...]) -> list[BoardLine]:
        counts = self.counts
        assert counts is not None
        lines: list[BoardLine] = []
        current: int | None = None
        # Requests on hold wait for someone else: apart, at the bottom, under their heading.
        waiting = [request for request in self.rows if request.status is Status.WAITING]
        for request in self.rows:
            if request.status is Status.WAITING:
                continue
            if request.urgency != current:
                current = request.urgency
                heading = TEXTS["heading"].format(
                    level=current,
                    label=URGENCY_LABELS.get(current, str(current)),
                    open=counts.open((current,)),
                )
                late = counts.late((current,))
                if late:
                    heading += TEXTS["heading_late"].format(late=late)
                lines.append(BoardLine("heading", ("heading", heading), text=heading))
            lines.append(BoardLine("row", ("row", request.id, request.version), request=request))
            lines.extend(
                BoardLine("gap", ("gap", request.id, index)) for index in range(self.row_gap)
            )
        if waiting:
            heading = TEXTS["heading_waiting"].format(count=len(waiting))
            lines.append(BoardLine("heading", ("heading", heading), text=heading))
            for request in waiting:
                lines.append(
                    BoardLine("row", ("row", request.id, request.version), request=request)
                )
                lines.extend(
                    BoardLine("gap", ("gap", request.id, index)) for index in range(self.row_gap)
                )
        if not self.rows:
            lines.append(BoardLine("empty", ("empty",), text=TEXTS["empty"]))
        missing = counts.open(urgencies) - len(self.rows)
        if missing > 0:
            text = TEXTS["more"].format(count=missing)
            lines.append(BoardLine("more", ("more", missing), text=text))
        return lines

    def _place_cursor(self, cursor_id: int | None, old_lines: list[BoardLine]) -> None:
        if self.paged:
            self._cursor_line = None
            return
        row_lines = [i for i, line in enumerate(self._lines) if line.kind == "row"]
        if not row_lines:
            self._cursor_line = None
            return
        if cursor_id is not None:
            for index in row_lines:
                request = self._lines[index].request
                if request is not None and request.id == cursor_id:
                    self._cursor_line = index
                    return
        old = self._cursor_line if self._cursor_line is not None else 0
        # The request left the board: stay at the same place in the list.
        self._cursor_line = min(row_lines, key=lambda index: (abs(index - old), index))
        if old < len(old_lines) and old_lines[old].kind == "row" and self._cursor_line != old:
            self._refresh_index(old)

    # -- the clock ------------------------------------------------------------------------

    def tick(self, now: datetime) -> int:
        """Recompute the visible rows' texts at `now`; repaint the lines that changed.

        Returns how many lines were repainted (most seconds: none).
        """
        self.now = now
        repainted = 0
        for index in self._visible_indexes():
            line = self._lines[index]
            if line.kind != "row":
                continue
            if self._painted.get(index) != self._signature(line, index):
                self._refresh_index(index)
                repainted += 1
        return repainted

    def _signature(self, line: BoardLine, index: int) -> tuple:
        request = line.request
        assert request is not None and self.now is not None
        now = self.now
        until = self._arrivals.get(request.id)
        return (
            line.key,
            elapsed_text(request.created_at, now),
            due_text(request.intervention_due_at, now),
            is_late(request.intervention_due_at, now),
            acknowledgement_state(request.acknowledged_at, request.ack_due_at, now),
            until is not None and until > now,
            index == self._cursor_line,
            request.id in self.marked,
        )

    def set_marked(self, ids: frozenset[int]) -> None:
        """Show these requests as marked (a tick in the first column); repaint those lines."""
        if ids == self.marked:
            return
        changed = ids ^ self.marked
        self.marked = ids
        for index, line in enumerate(self._lines):
            if line.request is not None and line.request.id in changed:
                self._refresh_index(index)

    # -- geometry -------------------------------------------------------------------------

    def _first_visible(self) -> int:
        if self.paged:
            return self.page * self.page_size
        return int(self.scroll_offset.y)

    def _visible_indexes(self) -> range:
        first = self._first_visible()
        return range(first, min(len(self._lines), first + self.page_size))

    def _screen_row(self, index: int) -> int | None:
        row = index - self._first_visible() + 1
        return row if 1 <= row <= self.page_size else None

    def _refresh_index(self, index: int) -> None:
        row = self._screen_row(index)
        if row is not None:
            self.refresh(Region(0, row, self.size.width, 1))

    def watch_page(self) -> None:
        self.refresh()

    def _update_virtual_size(self) -> None:
        """Scrolling needs the list's height; pages do not (and a change costs a layout pass)."""
        height = self.size.height if self.paged else len(self._lines) + 1
        self.virtual_size = Size(self.size.width, height)

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._strip_cache.clear()
        if self.paged and self.page >= self.page_count:
            self.page = 0
