"""F8, the review (bilan): the figures of a period beside the previous one, as charts in the
terminal or as tables (`t` toggles), computed in a thread worker by `Store.review`."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from allo_tui.domain.review import (
    PERIOD_EXAMPLE,
    Period,
    ReviewTable,
    cell_text,
    last_month,
    month_of,
    parse_period,
    period_label,
    quarter_of,
    review_tables,
    year_of,
)
from allo_tui.screens.review_texts import TEXTS
from allo_tui.widgets.key_footer import KeyFooter

__all__ = ["ReviewScreen", "cell_text"]

CHART_ROWS = 14
"""Height of a chart: readable at 80x24 with the header, the title and the footer."""


class ReviewScreen(Screen[None]):
    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("t", "toggle", TEXTS["toggle"]),
        Binding("m", "period('this_month')", TEXTS["this_month"]),
        Binding("l", "period('last_month')", TEXTS["last_month"]),
        Binding("q", "period('quarter')", TEXTS["quarter"]),
        Binding("y", "period('year')", TEXTS["year"]),
        Binding("d", "dates", TEXTS["dates"]),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.charts = True
        self.tables: list[ReviewTable] = []
        self.period: Period | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(TEXTS["loading"], id="review-heading", markup=False)
        yield VerticalScroll(id="review-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.action_period("year")

    def _today(self):
        return self.app.store.calendar().to_local(self.app.clock.now()).date()

    def action_period(self, kind: str) -> None:
        today = self._today()
        self._start(
            {
                "this_month": lambda: month_of(today),
                "last_month": lambda: last_month(today),
                "quarter": lambda: quarter_of(today),
                "year": lambda: year_of(today.year),
            }[kind]()
        )

    def action_dates(self) -> None:
        from allo_tui.screens.action_dialogs import TextPromptDialog

        today = self._today()

        def problem(typed: str) -> str | None:
            try:
                parse_period(typed, today)
            except ValueError as error:
                return str(error)
            return None

        def chosen(typed: str | None) -> None:
            if typed is not None:
                self._start(parse_period(typed, today))

        self.app.push_screen(
            TextPromptDialog(
                TEXTS["dates_title"],
                TEXTS["dates_label"],
                required=True,
                multiline=False,
                placeholder=PERIOD_EXAMPLE,
                validate=problem,
            ),
            chosen,
        )

    def _start(self, period: Period) -> None:
        self.period = period
        self.query_one("#review-heading", Static).update(
            TEXTS["loading"].format(period=period_label(period))
        )
        self._load(period)

    @work(thread=True, exit_on_error=False, group="review", exclusive=True)
    def _load(self, period: Period) -> None:
        store = self.app.store
        try:
            if store.review_counts_everything():
                self.app.call_from_thread(self._counting_everything, period)
            current = store.review(period)
            previous = store.review(period.previous())
        except Exception as error:  # noqa: BLE001 - shown, the console carries on
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._loaded, period, review_tables(current, previous))

    def _counting_everything(self, period: Period) -> None:
        self.query_one("#review-heading", Static).update(
            TEXTS["counting_everything"].format(period=period_label(period))
        )

    def _failed(self, error: Exception) -> None:
        self.query_one("#review-heading", Static).update(TEXTS["failed"].format(error=error))

    def _loaded(self, period: Period, tables: list[ReviewTable]) -> None:
        self.tables = tables
        heading = TEXTS["heading"].format(
            period=period_label(period), previous=period_label(period.previous())
        )
        self.query_one("#review-heading", Static).update(heading)
        self._show()

    def action_toggle(self) -> None:
        self.charts = not self.charts
        self._show()

    def _show(self) -> None:
        body = self.query_one("#review-body", VerticalScroll)
        body.remove_children()
        widgets = []
        for table in self.tables:
            widgets.append(Static(table.title, classes="review-title", markup=False))
            if self.charts and table.chart_columns and table.rows:
                widgets.append(self._chart(table))
            else:
                widgets.append(self._table(table))
        body.mount_all(widgets)

    @staticmethod
    def _table(table: ReviewTable) -> DataTable:
        grid = DataTable(cursor_type="row", zebra_stripes=True)
        grid.add_columns(*table.columns)
        grid.add_rows([tuple(cell_text(v) for v in row) for row in table.rows])
        return grid

    @staticmethod
    def _chart(table: ReviewTable):
        from textual_plotext import PlotextPlot

        plot = PlotextPlot()
        labels = [str(row[0]) for row in table.rows]
        series = [[float(row[c] or 0) for row in table.rows] for c in table.chart_columns]
        names = [table.columns[c] for c in table.chart_columns]
        orientation = "vertical" if table.over_time else "horizontal"
        if len(series) == 1:
            plot.plt.bar(labels, series[0], orientation=orientation, width=0.6)
            plot.plt.title(names[0])
        else:
            plot.plt.multiple_bar(labels, series, labels=names, orientation=orientation)
        bars = len(labels) * (1 if table.over_time else len(series))
        plot.styles.height = CHART_ROWS if table.over_time else min(max(bars + 5, 8), 30)
        return plot
