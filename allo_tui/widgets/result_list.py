"""ResultList: rows of text cells under column titles, with a row cursor; repaints only changes.

Why not a DataTable: the caller lookup replaces its rows on every keystroke, and a DataTable
clear-and-refill recomputes and redraws the whole table (hundreds of milliseconds on a
terminal of 40 lines). This widget keeps the rows in a plain list and paints each visible
line on demand (the line API), from a cache:

- `set_rows()` compares each new row's key with the row shown at the same place and refreshes
  only the lines whose key changed (typing one more letter often keeps the first rows);
- moving the cursor repaints the two lines concerned;
- the widget's virtual height only changes when the rows stop or start fitting on screen, so
  a new answer costs no layout pass.

The cells are `rich.text.Text` (shown literally: they are never parsed as markup). A cell's
`justify="right"` is honoured. The widget never takes the focus unless told to: the screen
that owns it can drive it from a search box (`move_cursor`, `highlighted_row`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import msgspec
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL_PADDING = 1
"""Blank cells on each side of a cell (as a DataTable)."""
MINIMUM_SHARE = 8
"""A column with a share of the width gets at least this many cells."""


class ResultRow(msgspec.Struct, frozen=True):
    """One row: `key` changes whenever what the row shows changes; `cells` in column order."""

    key: Hashable
    cells: tuple[Text, ...]


def column_widths(total: int, widths: Sequence[int | float]) -> list[int]:
    """Widths of columns sharing `total` cells (padding included).

    An int is a fixed width; a float is a share of what the fixed columns leave (at least
    MINIMUM_SHARE cells each).
    """
    room = total - 2 * CELL_PADDING * len(widths)
    fixed = sum(width for width in widths if isinstance(width, int))
    spare = max(0, room - fixed)
    shares = sum(width for width in widths if isinstance(width, float)) or 1.0
    out = [
        width if isinstance(width, int) else max(MINIMUM_SHARE, int(spare * width / shares))
        for width in widths
    ]
    # What rounding left goes to the first shared column.
    flexible = [index for index, width in enumerate(widths) if isinstance(width, float)]
    left = room - sum(out)
    if flexible and left > 0:
        out[flexible[0]] += left
    return out


class ResultList(ScrollView, can_focus=False):
    """Rows of cells with a cursor; see the module docstring."""

    DEFAULT_CSS = """
    ResultList {
        height: 1fr;
        background: $surface;
        & > .result-list--header { color: $text-muted; text-style: bold; background: $panel; }
        & > .result-list--even { background: $surface-lighten-1 50%; }
        &:dark > .result-list--even { background: $surface-darken-1 40%; }
        & > .result-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    COMPONENT_CLASSES = {"result-list--header", "result-list--even", "result-list--cursor"}

    class Selected(Message):
        """A row was clicked twice (or once on the highlighted row)."""

        def __init__(self, result_list: ResultList, index: int) -> None:
            super().__init__()
            self.result_list = result_list
            self.index = index

        @property
        def control(self) -> ResultList:
            return self.result_list

    def __init__(
        self,
        columns: Sequence[tuple[str, int | float]],
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.column_labels = tuple(label for label, _ in columns)
        self.column_specs = tuple(width for _, width in columns)
        self.rows: tuple[ResultRow, ...] = ()
        self.cursor_row = 0
        self.renders = 0  # lines painted since mount (for measurements)
        self._widths: tuple[int, list[int]] | None = None
        self._strips: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] | None = None

    # -- data -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def get_row_at(self, index: int) -> tuple[Text, ...]:
        """The cells of row `index`."""
        return self.rows[index].cells

    def set_rows(self, rows: Sequence[ResultRow], cursor: int = 0) -> int:
        """Show `rows` with the cursor on row `cursor`; repaint only the lines that changed.

        Returns how many rows differ from those shown before.
        """
        old = self.rows
        old_cursor = self.cursor_row
        self.rows = tuple(rows)
        self.cursor_row = max(0, min(cursor, len(self.rows) - 1))
        changed = [
            index
            for index in range(max(len(old), len(self.rows)))
            if index >= len(old)
            or index >= len(self.rows)
            or old[index].key != self.rows[index].key
        ]
        if old_cursor != self.cursor_row:
            changed.extend((old_cursor, self.cursor_row))
        if len(self._strips) > 2000:
            self._strips.clear()
        self._update_virtual_size()
        if self.cursor_row < self._first_visible():
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        for index in changed:
            self._refresh_row(index)
        return len(changed)

    def clear(self) -> None:
        """No rows."""
        self.set_rows(())

    # -- cursor ---------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        """Put the cursor on row `row` (clamped) and scroll it into view."""
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        if row == self.cursor_row:
            return
        old, self.cursor_row = self.cursor_row, row
        self._refresh_row(old)
        self._refresh_row(row)
        first = self._first_visible()
        if row < first:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= first + self.page_size:
            self.scroll_to(y=row - self.page_size + 1, animate=False, immediate=True)

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        index = self._first_visible() + event.y - 1
        if index < len(self.rows):
            chosen = index == self.cursor_row or event.chain > 1
            self.move_cursor(index)
            if chosen:
                self.post_message(self.Selected(self, index))

    # -- geometry -------------------------------------------------------------------------

    @property
    def page_size(self) -> int:
        """Rows shown at once under the column titles."""
        return max(1, self.size.height - 1)

    def _first_visible(self) -> int:
        return int(self.scroll_offset.y)

    def _refresh_row(self, index: int) -> None:
        line = index - self._first_visible() + 1
        if 1 <= line <= self.page_size:
            self.refresh(Region(0, line, self.size.width, 1))

    def _update_virtual_size(self) -> None:
        # Rows that fit: the widget's own height (no scrollbar, and no layout pass for a new
        # answer); more rows: all of them (a change costs a layout pass, rarely).
        height = max(len(self.rows) + 1, self.size.height)
        size = Size(self.size.width, height)
        if size != self.virtual_size:
            self.virtual_size = size

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._strips.clear()

    # -- rendering ------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    def _style(self, name: str) -> Style:
        if self._styles is None:
            self._styles = {
                part: self.get_component_rich_style(f"result-list--{part}", partial=True)
                for part in ("header", "even", "cursor")
            }
        return self._styles[name]

    def _column_widths(self) -> list[int]:
        width = self.scrollable_content_region.width
        if self._widths is None or self._widths[0] != width:
            self._widths = (width, column_widths(width, self.column_specs))
        return self._widths[1]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = tuple(Text(label) for label in self.column_labels)
            return self._render_cells(header, width, base + self._style("header"))
        index = self._first_visible() + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        cursor = index == self.cursor_row
        key = (row.key, width, cursor, index % 2)
        strip = self._strips.get(key)
        if strip is None:
            style = base
            if index % 2:
                style += self._style("even")
            if cursor:
                style += self._style("cursor")
            strip = self._strips[key] = self._render_cells(row.cells, width, style)
        self.renders += 1
        return strip

    def _render_cells(self, cells: Sequence[Text], width: int, style: Style) -> Strip:
        console = self.app.console
        pad = Segment(" " * CELL_PADDING, style)
        segments: list[Segment] = []
        for cell, cell_width in zip(cells, self._column_widths(), strict=False):
            segments.append(pad)
            if cell.spans:  # parts in their own styles ("03 86… +1"): rich lays them out
                shown = cell.copy()
                shown.no_wrap = True
                shown.end = ""
                shown.truncate(cell_width, overflow="ellipsis", pad=True)
                if cell.justify == "right":
                    shown.rstrip()
                    shown.pad_left(cell_width - shown.cell_len)
                segments.extend(Segment.apply_style(shown.render(console), style))
            else:  # one style: one segment, laid out here (most cells)
                cell_style = style + console.get_style(cell.style) if cell.style else style
                text = fit(cell.plain, cell_width, right=cell.justify == "right")
                segments.append(Segment(text, cell_style))
            segments.append(pad)
        return Strip(segments).adjust_cell_length(width, style)


def fit(value: str, width: int, *, right: bool = False) -> str:
    """`value` padded (on the left when `right`) or cut with "…" to exactly `width` cells."""
    if width <= 0:
        return ""
    length = cell_len(value)
    if length > width:
        return set_cell_size(value, width - 1) + "…"
    gap = " " * (width - length)
    return gap + value if right else value + gap
