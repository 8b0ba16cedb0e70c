"""The board list's cursor (console mode): arrows, pages, Home/End, Enter and clicks; reaching the
last loaded row asks for more."""

from __future__ import annotations

from textual import events


class CursorPart:
    """The cursor part of `BoardList` (the wall's paged list has none)."""

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
