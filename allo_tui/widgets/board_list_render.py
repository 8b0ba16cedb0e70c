"""How the board list paints a line: the column titles, a group heading, a request row (cached
by what it shows), each cell fitted to its column."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from allo_tui.domain.board_layout import SEPARATOR, BoardLine, Column, layout_columns
from allo_tui.domain.countdown import AcknowledgementState
from allo_tui.domain.display import local
from allo_tui.domain.status_detail import status_short
from allo_tui.literal import printable
from allo_tui.widgets.board_list_texts import TEXTS


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


class RenderPart:
    """The rendering part of `BoardList`: styles from its component classes, the column layout
    for its width, and each line as a `Strip`."""

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

    def _render_row(self, line: BoardLine, signature: tuple, width: int, base: Style) -> Strip:
        request = line.request
        assert request is not None
        _key, since, due, late, ack, arriving, cursor, marked = signature
        row_style = base
        if arriving:
            row_style += self._style("arrival")
        if late:
            row_style += self._style("late")
        if cursor:
            row_style += self._style("cursor")
        cells = {
            "mark": (
                TEXTS["marked"] if marked else TEXTS["late_mark"] if late else "",
                row_style,
            ),
            "urgency": (
                f" {request.urgency} ",
                base + self._style(f"urgency-{min(max(request.urgency, 1), 4)}"),
            ),
            "reference": (visible_text(request.reference), row_style),
            "due": (due, row_style),
            "since": (since, row_style if late or cursor else row_style + self._style("muted")),
            # "prog. 12/01", "att. dem.", "renvoyée": what the service did with it.
            "status": (status_short(request, local(self.now).date()), row_style),
            "ack": self._ack_cell(ack, row_style, call_back=request.caller_preference == "phone"),
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

    def _ack_cell(
        self, state: AcknowledgementState, row_style: Style, *, call_back: bool = False
    ) -> tuple[str, Style]:
        """ "AR" owed, "AR!" late; "Tél" for a caller who prefers a call back ("rappeler"),
        in the late style once late."""
        if state is AcknowledgementState.LATE:
            text = TEXTS["call_back"] if call_back else TEXTS["ack_late"]
            return text, row_style + self._style("ack-late")
        if state is AcknowledgementState.OWED:
            text = TEXTS["call_back"] if call_back else TEXTS["ack_owed"]
            return text, row_style + self._style("ack-owed")
        return "", row_style
