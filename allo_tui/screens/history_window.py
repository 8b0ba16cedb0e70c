"""The history's window of rows: fetched by keyset a window at a time by thread workers, the
next (or previous) one as the cursor nears an edge, the far end dropped beyond MAX_ROWS; and
the count of matches under the filters."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.widgets import Static

from allo_tui.domain.history_filters import reference_in
from allo_tui.domain.records import HistoryCursor, HistoryFilter, HistoryPage
from allo_tui.screens.history_texts import TEXTS

WINDOW = 60
"""Rows fetched at a time."""
COUNT_CAP = 10_000
"""The count is exact up to this many requests ("plus de 10 000" beyond)."""
MAX_ROWS = 300
"""Rows kept in the table; beyond, the far end is dropped (and fetched again if needed)."""
PREFETCH = 12
"""Fetch the next window when the cursor comes this close to an edge."""


class WindowPart:
    """The window part of `HistoryScreen`: reloading under the filters, the window and count
    workers, showing, trimming and prefetching rows, the count line."""

    def reload(self, *, edge: str = "newest", keep_id: int | None = None) -> None:
        """Load the newest (or oldest) window under the current filters, and the count."""
        self._generation += 1
        self._loading = True
        self._count = None
        self._set_count_text(TEXTS["loading"])
        filters = self.filters.to_store()
        self.fetch_window(self._generation, filters, edge, None, keep_id)
        self.fetch_count(self._generation, filters)

    def refresh_window(self) -> None:
        """Back from a detail: read the same rows again (their status may have changed)."""
        current = self.table.current
        first = self.table.requests[0] if self.table.requests else None
        if first is None or not self._has_newer:
            self.reload(keep_id=current.id if current else None)
            return
        self._generation += 1
        self._loading = True
        self._count = None
        # The window starting at the first row shown (inclusive).
        anchor = HistoryCursor(first.created_at, first.id + 1)
        filters = self.filters.to_store()
        self.fetch_window(
            self._generation, filters, "anchor", anchor, current.id if current else None
        )
        self.fetch_count(self._generation, filters)

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-window")
    def fetch_window(
        self,
        generation: int,
        filters: HistoryFilter,
        edge: str,
        cursor: HistoryCursor | None,
        keep_id: int | None,
    ) -> None:
        """Read one window off the event loop: newest, oldest, or from an anchor."""
        store = self.app.store
        try:
            match edge:
                case "oldest":
                    page = store.history(filters, oldest=True, limit=WINDOW)
                case "anchor":
                    page = store.history(filters, after=cursor, limit=WINDOW)
                case "older":
                    page = store.history(filters, after=cursor, limit=WINDOW)
                case "newer":
                    page = store.history(filters, before=cursor, limit=WINDOW)
                case _:
                    page = store.history(filters, limit=WINDOW)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._window_failed, generation, error)
            return
        self.app.call_from_thread(self._show_window, generation, edge, page, keep_id)

    def _show_window(
        self, generation: int, edge: str, page: HistoryPage, keep_id: int | None
    ) -> None:
        if generation != self._generation:
            return
        self._loading = False
        table = self.table
        now = self.app.clock.now()
        rows = list(page.rows)
        if edge in ("newest", "oldest", "anchor"):
            if edge == "oldest":
                self._has_older, self._has_newer = False, page.has_more
                cursor_row = len(rows) - 1
            else:
                self._has_older = page.has_more
                self._has_newer = edge == "anchor"
                cursor_row = 0
            if keep_id is not None:
                cursor_row = next(
                    (index for index, row in enumerate(rows) if row.id == keep_id), cursor_row
                )
            table.show_requests(rows, now, cursor_row=cursor_row)
        elif edge == "older":
            self._has_older = page.has_more
            table.append_requests(rows, now)
            self._trim(keep="bottom")
        elif edge == "newer":
            self._has_newer = page.has_more
            cursor = table.cursor_row + len(rows)
            table.show_requests(rows + table.requests, now, cursor_row=cursor)
            self._trim(keep="top")
        self._show_position()
        self._maybe_prefetch()

    def _trim(self, *, keep: str) -> None:
        """Keep at most MAX_ROWS rows, dropping the end far from the cursor."""
        table = self.table
        excess = len(table.requests) - MAX_ROWS
        if excess <= 0:
            return
        now = self.app.clock.now()
        if keep == "bottom":
            rows = table.requests[excess:]
            self._has_newer = True
            table.show_requests(rows, now, cursor_row=table.cursor_row - excess)
        else:
            rows = table.requests[:MAX_ROWS]
            self._has_older = True
            table.show_requests(rows, now, cursor_row=table.cursor_row)

    def _window_failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._loading = False
        self._show_error(error)

    def _maybe_prefetch(self) -> None:
        """Fetch the next window when the cursor nears an edge that has more rows."""
        table = self.table
        if self._loading or not table.requests:
            return
        row = table.cursor_row
        if self._has_older and row >= len(table.requests) - PREFETCH:
            last = table.requests[-1]
            self._loading = True
            self.fetch_window(
                self._generation,
                self.filters.to_store(),
                "older",
                HistoryCursor(last.created_at, last.id),
                None,
            )
        elif self._has_newer and row < PREFETCH:
            first = table.requests[0]
            self._loading = True
            self.fetch_window(
                self._generation,
                self.filters.to_store(),
                "newer",
                HistoryCursor(first.created_at, first.id),
                None,
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-count")
    def fetch_count(self, generation: int, filters: HistoryFilter) -> None:
        """Count the matches (capped at 10,000) after the first window is on screen."""
        try:
            total, capped = self.app.store.count_requests(filters)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._show_error, error)
            return
        self.app.call_from_thread(self._show_count, generation, total, capped)

    def _show_count(self, generation: int, total: int, capped: bool) -> None:
        if generation != self._generation:
            return
        self._count = (total, capped)
        self._show_position()

    def _show_position(self) -> None:
        count = self._count
        reference = reference_in(self.filters.text)
        if self._loading and not self.table.requests:
            text = TEXTS["loading"]
        elif count is None:
            text = TEXTS["counting"].format(shown=len(self.table.requests))
        elif count[0] == 0:
            text = TEXTS["none"]
        elif count[1] and count[0] >= COUNT_CAP:
            text = TEXTS["count_more"]
        elif count[1]:
            text = TEXTS["count_at_least"].format(count=f"{count[0]:,}".replace(",", " "))
        else:
            text = TEXTS["count"].format(count=f"{count[0]:,}".replace(",", " "))
        if reference is not None:
            text = f"{text} — " + TEXTS["reference_hint"].format(reference=reference)
        self._set_count_text(text)

    def _set_count_text(self, text: str) -> None:
        self.query_one("#history-count", Static).update(Text(text))
