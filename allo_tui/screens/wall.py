"""`allo board` — the wall screen: the live board, read-only, for a screen on the wall.

Big figures (Textual `Digits`) for the open requests per urgency, the late ones and the
acknowledgements due today; the clock and the date; spacious rows that page automatically
("page 2/3") when they do not fit. Everything else — live updates, countdowns from memory,
keeping the last data and retrying when the database is unreachable — is `LiveBoard`'s.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Label, Static

from allo_tui.domain.display import MONTHS, WEEKDAYS, local
from allo_tui.domain.records import BoardSnapshot, RequestRecord
from allo_tui.screens.board import LiveBoard
from allo_tui.widgets.board_list import BoardList

TEXTS = {
    "urgency": {1: "1 Immédiate", 2: "2 Urgente", 3: "3 Normale", 4: "4 Remarque"},
    "late": "En retard",
    "acks": "AR du jour",
    "title": "Interventions ouvertes",
    "page": "page {page}/{pages}",
    "date": "{weekday} {day} {month} {year}",
}
PAGE_SECONDS = 10.0
MAX_PAGES = 5
ROW_GAP = 1


def long_date(at: datetime) -> str:
    """ "mardi 24 novembre 2026" in the site's time zone."""
    moment = local(at)
    return TEXTS["date"].format(
        weekday=WEEKDAYS[moment.weekday()],
        day=moment.day,
        month=MONTHS[moment.month - 1],
        year=moment.year,
    )


class WallScreen(LiveBoard):
    """The wall screen: read-only, big figures, automatic paging, clock."""

    CSS_PATH = "wall.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        *,
        services: tuple[int, ...] = (),
        urgency: int | None = None,
        service_names: dict[int, str] | None = None,
        page_seconds: float = PAGE_SECONDS,
    ) -> None:
        super().__init__(services=services, urgency=urgency)
        self._service_names = dict(service_names or {})
        self.page_seconds = page_seconds
        self._clock_text = ""
        self._window = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="wall-top"):
            for level in (1, 2, 3, 4):
                with Vertical(classes=f"figure urgency-{level}", id=f"figure-{level}"):
                    yield Label(TEXTS["urgency"][level])
                    yield Digits("0", id=f"count-{level}")
            with Vertical(classes="figure late", id="figure-late"):
                yield Label(TEXTS["late"])
                yield Digits("0", id="count-late")
            with Vertical(classes="figure acks", id="figure-acks"):
                yield Label(TEXTS["acks"])
                yield Digits("0", id="count-acks")
            with Vertical(id="wall-clock"):
                yield Digits("", id="clock")
                yield Label("", id="date")
        yield Static("", id="wall-status", markup=False)
        with Horizontal(id="wall-bar"):
            yield Static("", id="wall-title")
            yield Static("", id="wall-page", markup=False)
            yield Static("", id="wall-time", markup=False)
        yield BoardList(id="board", paged=True, row_gap=ROW_GAP)

    def on_mount(self) -> None:
        self.query_one("#wall-status").display = False
        for level in (1, 2, 3, 4):
            if level not in self.urgencies:
                self.query_one(f"#figure-{level}").add_class("-unselected")
        self._show_title()
        self.on_tick(self.app.clock.now())
        self._pager = self.set_interval(self.page_seconds, self.next_page)

    def on_arrivals(self, arrivals: tuple[RequestRecord, ...]) -> None:
        """Back to the first page, where urgency-1 requests are, for a full page time."""
        self.board_list.page = 0
        self._pager.reset()
        self._show_page()

    def window(self) -> int:
        lines = self.board_list.page_size if self.board_list.size.height else 30
        self._window = max(10, lines // (1 + ROW_GAP)) * MAX_PAGES
        return self._window

    def on_resize(self) -> None:
        if self.snapshot is not None and self.window() != len(self.snapshot.rows):
            self.request_reload()
        self._show_page()

    # -- figures, clock, pages ------------------------------------------------------------

    def show_figures(self, snapshot: BoardSnapshot) -> None:
        counts = snapshot.counts
        for level in (1, 2, 3, 4):
            self._show_figure(f"#count-{level}", counts.open((level,)))
        late = counts.late(self.urgencies)
        self._show_figure("#count-late", late)
        self.query_one("#figure-late").set_class(late > 0, "-alert")
        self._show_figure("#count-acks", counts.acks_due_today)
        self.query_one("#figure-acks").set_class(counts.acks_late > 0, "-alert")
        self._show_title()
        self._show_page()

    def _show_figure(self, selector: str, value: int) -> None:
        digits = self.query_one(selector, Digits)
        if digits.value != str(value):
            digits.update(str(value))

    def show_connection(self) -> None:
        self.show_text("#wall-status", self.lost_text())
        self.query_one("#wall-status").display = self.lost

    def on_tick(self, now: datetime) -> None:
        moment = local(now)
        clock = f"{moment:%H:%M}"
        if clock != self._clock_text:
            self._clock_text = clock
            self.query_one("#clock", Digits).update(clock)
            self.query_one("#date", Label).update(long_date(now))
            self.show_text("#wall-time", f"{clock} · {long_date(now)}")

    def next_page(self) -> None:
        """Show the next page (back to the first after the last)."""
        board = self.board_list
        if board.page_count > 1:
            board.page = (board.page + 1) % board.page_count
        elif board.page:
            board.page = 0
        self._show_page()

    def _show_page(self) -> None:
        board = self.board_list
        pages = board.page_count
        text = TEXTS["page"].format(page=board.page + 1, pages=pages) if pages > 1 else ""
        self.show_text("#wall-page", text)

    def _show_title(self) -> None:
        title = Text(TEXTS["title"], style="bold")
        narrowed = self.filter_description()
        if narrowed is not None:
            title.append(" — ")
            title.append_text(narrowed)
        self.show_text("#wall-title", title)
