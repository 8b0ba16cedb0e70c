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
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from allo_tui.domain.countdown import (
    AcknowledgementState,
    acknowledgement_state,
    due_text,
    elapsed_text,
    is_late,
)
from allo_tui.domain.labels import STATUS_LABELS, URGENCY_LABELS
from allo_tui.domain.records import BoardCounts, RequestRecord
from allo_tui.widgets.literal import printable

TEXTS = {
    "columns": {
        "mark": "",
        "urgency": "Urg",
        "reference": "N°",
        "due": "Échéance",
        "since": "Appel",
        "status": "Statut",
        "ack": "AR",
        "category": "Catégorie",
        "location": "Lieu",
        "service": "Service / équipe",
    },
    "heading": "{level} · {label} — {open} ouverte(s)",
    "heading_late": ", {late} en retard",
    "more": "… {count} autre(s) demande(s) ouverte(s) non affichée(s)",
    "empty": "Aucune intervention ouverte.",
    "loading": "Chargement…",
    "late_mark": "!",
    "ack_owed": "AR",
    "ack_late": "AR!",
}
ARRIVAL_SECONDS = 8
"""How long a request that just appeared stays highlighted."""


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
    Column("status", width=8),
    Column("ack", width=3),
    Column("category", flex=3, minimum=10),
    Column("location", flex=3, minimum=10, drop_rank=1),
    Column("service", flex=2, minimum=8, drop_rank=2),
)
SEPARATOR = 1
REFERENCE_WIDTH_MAX = 16
"""A reference longer than this (an imported one) is cut rather than widening the column."""


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


def visible_text(value: str) -> str:
    """Text typed by people, safe to paint on one line: `printable(value, one_line=True)`."""
    return printable(value, one_line=True)


def fit(value: str, width: int) -> str:
    """`value` padded or cut (with "…") to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(value) <= width:
        return set_cell_size(value, width)
    return set_cell_size(value, width - 1) + "…"


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the list: a group heading, a request row, a gap, or a message."""

    kind: str  # "heading" | "row" | "gap" | "more" | "empty"
    key: tuple
    request: RequestRecord | None = None
    text: str = ""


class BoardList(ScrollView, can_focus=True):
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
        self._lines: list[_Line] = [_Line("empty", ("loading",), text=TEXTS["loading"])]
        self._cursor_line: int | None = None
        self._arrivals: dict[int, datetime] = {}
        self._painted: dict[int, tuple] = {}
        self._strip_cache: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] | None = None
        self._column_layout: tuple[int, int, list[tuple[Column, int, int]]] | None = None
        self.renders = 0  # lines painted since mount (for measurements)
        self._reference_width = 10
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
        self._reference_width = min(
            max([10, *(len(request.reference) for request in self.rows)]), REFERENCE_WIDTH_MAX
        )
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

    def _build_lines(self, urgencies: tuple[int, ...]) -> list[_Line]:
        counts = self.counts
        assert counts is not None
        lines: list[_Line] = []
        current: int | None = None
        for request in self.rows:
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
                lines.append(_Line("heading", ("heading", heading), text=heading))
            lines.append(_Line("row", ("row", request.id, request.version), request=request))
            lines.extend(_Line("gap", ("gap", request.id, index)) for index in range(self.row_gap))
        if not self.rows:
            lines.append(_Line("empty", ("empty",), text=TEXTS["empty"]))
        missing = counts.open(urgencies) - len(self.rows)
        if missing > 0:
            text = TEXTS["more"].format(count=missing)
            lines.append(_Line("more", ("more", missing), text=text))
        return lines

    def _place_cursor(self, cursor_id: int | None, old_lines: list[_Line]) -> None:
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

    def _signature(self, line: _Line, index: int) -> tuple:
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
        )

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

    # -- rendering ------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strip_cache.clear()

    def _style(self, name: str) -> Style:
        if self._styles is None:
            self._styles = {
                name: self.get_component_rich_style(f"board-list--{name}", partial=True)
                for name in (
                    "columns",
                    "heading",
                    "muted",
                    "late",
                    "arrival",
                    "cursor",
                    "ack-owed",
                    "ack-late",
                    "urgency-1",
                    "urgency-2",
                    "urgency-3",
                    "urgency-4",
                )
            }
        return self._styles[name]

    @property
    def _width(self) -> int:
        """Columns available for text: the widget's width less its scrollbar."""
        return self.scrollable_content_region.width

    def _columns(self) -> list[tuple[Column, int, int]]:
        width = self._width
        reference_width = self._reference_width
        if self._column_layout is None or self._column_layout[:2] != (width, reference_width):
            self._column_layout = (width, reference_width, layout_columns(width, reference_width))
        return self._column_layout[2]

    def render_line(self, y: int) -> Strip:
        width = self._width
        base = self.rich_style
        if y == 0:
            return self._render_columns(width, base)
        index = self._first_visible() + y - 1
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        if line.kind == "row":
            signature = self._signature(line, index)
            self._painted[index] = signature
            cache_key = (signature, width)
            strip = self._strip_cache.get(cache_key)
            if strip is None:
                if len(self._strip_cache) > 4000:
                    self._strip_cache.clear()
                strip = self._render_row(line, signature, width, base)
                self._strip_cache[cache_key] = strip
            self.renders += 1
            return strip
        self._painted.pop(index, None)
        if line.kind == "gap":
            return Strip.blank(width, base)
        style = base + self._style("heading" if line.kind == "heading" else "muted")
        return Strip([Segment(fit(" " + line.text, width), style)], width)

    def _render_columns(self, width: int, base: Style) -> Strip:
        style = base + self._style("columns")
        segments = []
        for column, x, cell in self._columns():
            if x:
                segments.append(Segment(" " * SEPARATOR, base))
            segments.append(Segment(fit(TEXTS["columns"][column.key], cell), style))
        return Strip(segments).adjust_cell_length(width, base)

    def _render_row(self, line: _Line, signature: tuple, width: int, base: Style) -> Strip:
        request = line.request
        assert request is not None
        _key, since, due, late, ack, arriving, cursor = signature
        row_style = base
        if arriving:
            row_style += self._style("arrival")
        if late:
            row_style += self._style("late")
        if cursor:
            row_style += self._style("cursor")
        cells = {
            "mark": (TEXTS["late_mark"] if late else "", row_style),
            "urgency": (
                f" {request.urgency} ",
                base + self._style(f"urgency-{min(max(request.urgency, 1), 4)}"),
            ),
            "reference": (visible_text(request.reference), row_style),
            "due": (due, row_style),
            "since": (since, row_style if late or cursor else row_style + self._style("muted")),
            "status": (STATUS_LABELS.get(request.status, str(request.status)), row_style),
            "ack": self._ack_cell(ack, row_style),
            "category": (visible_text(request.category_label), row_style),
            "location": (visible_text(request.location), row_style),
            "service": (visible_text(request.service_name), row_style),
        }
        segments = []
        for column, x, cell in self._columns():
            if x:
                segments.append(Segment(" " * SEPARATOR, row_style))
            text, style = cells[column.key]
            segments.append(Segment(fit(text, cell), style))
        return Strip(segments).adjust_cell_length(width, row_style)

    def _ack_cell(self, state: AcknowledgementState, row_style: Style) -> tuple[str, Style]:
        if state is AcknowledgementState.LATE:
            return TEXTS["ack_late"], row_style + self._style("ack-late")
        if state is AcknowledgementState.OWED:
            return TEXTS["ack_owed"], row_style + self._style("ack-owed")
        return "", row_style

    # -- cursor (console mode) ------------------------------------------------------------

    def _row_indexes(self) -> list[int]:
        return [index for index, line in enumerate(self._lines) if line.kind == "row"]

    def reset_position(self) -> None:
        """Back to the top: the next `set_rows` puts the cursor on the first row."""
        self._cursor_line = None
        self.page = 0
        self.scroll_to(y=0, animate=False, immediate=True)

    def move_cursor_to(self, index: int) -> None:
        """Put the cursor on line `index` (a request row) and scroll it into view."""
        if self.paged or self._cursor_line == index:
            return
        old, self._cursor_line = self._cursor_line, index
        if old is not None:
            self._refresh_index(old)
        self._refresh_index(index)
        self._scroll_into_view(index)
        rows = self._row_indexes()
        if rows and index == rows[-1] and any(line.kind == "more" for line in self._lines):
            self.post_message(self.NeedMore())

    def _scroll_into_view(self, index: int) -> None:
        first = int(self.scroll_offset.y)
        visible = self.page_size
        target = first
        if index < first:
            target = index
            # Show the group heading too when the cursor reaches the top of a group.
            if index > 0 and self._lines[index - 1].kind == "heading":
                target = index - 1
        elif index >= first + visible:
            target = index - visible + 1
        if target != first:
            self.scroll_to(y=target, animate=False, immediate=True)

    def _step(self, delta: int) -> None:
        rows = self._row_indexes()
        if not rows:
            return
        current = self._cursor_line if self._cursor_line in rows else rows[0]
        position = rows.index(current)
        self.move_cursor_to(rows[max(0, min(len(rows) - 1, position + delta))])

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_page_up(self) -> None:
        self._step(-max(1, self.page_size - 2))

    def action_page_down(self) -> None:
        self._step(max(1, self.page_size - 2))

    def action_first(self) -> None:
        rows = self._row_indexes()
        if rows:
            self.move_cursor_to(rows[0])
            self.scroll_to(y=0, animate=False, immediate=True)

    def action_last(self) -> None:
        rows = self._row_indexes()
        if rows:
            self.move_cursor_to(rows[-1])

    def action_select(self) -> None:
        request = self.highlighted
        if request is not None:
            self.post_message(self.Selected(request))

    def on_click(self, event: events.Click) -> None:
        if self.paged or event.y < 1:
            return
        index = self._first_visible() + event.y - 1
        if index < len(self._lines) and self._lines[index].kind == "row":
            self.move_cursor_to(index)
            if event.chain > 1:
                self.action_select()
