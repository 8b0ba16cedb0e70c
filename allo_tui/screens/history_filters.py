"""The history's filters: the chips that clear one by one, the filter menu (F6) and the dialog
of each filter (status, urgency, category, service, street, dates, late only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button

from allo_tui.domain import periods
from allo_tui.domain.history_filters import HistoryFilters
from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.domain.streets import Street, match_streets
from allo_tui.literal import printable
from allo_tui.screens.action_dialogs import ChoiceDialog, SearchChoiceDialog, TextPromptDialog
from allo_tui.screens.history_texts import FILTER_MENU, PERIOD_CHOICES, STATUS_GROUPS, TEXTS


def filter_chips(filters: HistoryFilters) -> list[tuple[str, str]]:
    """(filter name, chip text) of every active filter except the text box."""
    return [
        (
            name,
            TEXTS["late_chip"]
            if name == "late"
            else TEXTS["chip"].format(value=printable(value, one_line=True)),
        )
        for name, value in filters.active()
    ]


def suggest_streets(streets: Sequence[Street], typed: str) -> list[tuple[str, str]]:
    """Streets of the site's register matching what was typed (for the street filter); with
    an empty register the typed text is used as is."""
    if not typed.strip():
        return []
    return [(name, name) for name in match_streets(typed, streets, limit=12)]


class FiltersPart:
    """The filters part of `HistoryScreen`: new filters shown as chips then loaded, the filter
    menu and one dialog per filter."""

    def set_filters(self, filters: HistoryFilters) -> None:
        """Apply new filters: chips, then the newest window and the count."""
        self.filters = filters
        self._show_chips()
        self.reload()

    def _show_chips(self) -> None:
        bar = self.query_one("#history-chips", Horizontal)
        bar.remove_children()
        bar.mount_all(
            Button(Content(text), name=name, classes="chip", compact=True)
            for name, text in filter_chips(self.filters)
        )

    def action_filter_menu(self) -> None:

        def chosen(name: str | None) -> None:
            match name:
                case None:
                    return
                case "late":
                    self.action_toggle_late()
                case "clear":
                    self.set_filters(
                        HistoryFilters(text=self.filters.text, scope=self.filters.scope)
                    )
                case _:
                    getattr(self, f"action_filter_{name}")()

        self.app.push_screen(ChoiceDialog(TEXTS["menu_title"], FILTER_MENU), chosen)

    def action_filter_status(self) -> None:
        choices = [(TEXTS["any"], -1)] + [
            (label, index) for index, (label, _statuses) in enumerate(STATUS_GROUPS)
        ]
        current = next(
            (
                index
                for index, (_label, statuses) in enumerate(STATUS_GROUPS)
                if statuses == self.filters.statuses
            ),
            -1,
        )

        def chosen(index: int | None) -> None:
            if index is None:
                return
            if index < 0:
                self.set_filters(self.filters.without("status"))
            else:
                label, statuses = STATUS_GROUPS[index]
                self.set_filters(replace(self.filters, statuses=statuses, status_label=label))

        self.app.push_screen(ChoiceDialog(TEXTS["status_title"], choices, selected=current), chosen)

    def action_filter_urgency(self) -> None:
        choices = [(TEXTS["any"], 0)] + [
            (f"{level} — {label}", level) for level, label in URGENCY_LABELS.items()
        ]

        def chosen(level: int | None) -> None:
            if level is None:
                return
            self.set_filters(replace(self.filters, urgency=level or None))

        self.app.push_screen(
            ChoiceDialog(TEXTS["urgency_title"], choices, selected=self.filters.urgency or 0),
            chosen,
        )

    def action_filter_category(self) -> None:
        choices = [(TEXTS["any"], 0)] + [(c.label, c.id) for c in self._categories]

        def chosen(category_id: int | None) -> None:
            if category_id is None:
                return
            category = next((c for c in self._categories if c.id == category_id), None)
            self.set_filters(replace(self.filters, category=category))

        self.app.push_screen(SearchChoiceDialog(TEXTS["category_title"], choices), chosen)

    def action_filter_service(self) -> None:
        choices = [(TEXTS["any"], 0)] + [(s.name, s.id) for s in self._services]

        def chosen(service_id: int | None) -> None:
            if service_id is None:
                return
            service = next((s for s in self._services if s.id == service_id), None)
            self.set_filters(replace(self.filters, service=service))

        self.app.push_screen(SearchChoiceDialog(TEXTS["service_title"], choices), chosen)

    def action_filter_street(self) -> None:
        def chosen(street: str | None) -> None:
            if street is None:
                return
            self.set_filters(replace(self.filters, street=street.strip()))

        if self._streets is None:
            self.load_streets()  # not read yet (or failed): suggestions once it is

        def suggest(typed: str) -> list[tuple[str, str]]:
            return suggest_streets(self._streets or (), typed)

        self.app.push_screen(
            SearchChoiceDialog(
                TEXTS["street_title"],
                suggest=suggest,
                allow_free_text=True,
                placeholder=TEXTS["street_placeholder"],
                initial=self.filters.street,
            ),
            chosen,
        )

    def action_filter_dates(self) -> None:
        now = self.app.clock.now()

        def chosen(key: str | None) -> None:
            match key:
                case None:
                    return
                case "any":
                    self.set_filters(replace(self.filters, period=None))
                case "today":
                    self.set_filters(replace(self.filters, period=periods.today(now)))
                case "week":
                    self.set_filters(replace(self.filters, period=periods.last_days(now, 7)))
                case "month":
                    self.set_filters(replace(self.filters, period=periods.this_month(now)))
                case "other":
                    self._ask_period()

        self.app.push_screen(ChoiceDialog(TEXTS["dates_title"], PERIOD_CHOICES), chosen)

    def _ask_period(self, initial: str = "") -> None:
        def typed(text: str | None) -> None:
            if text is None:
                return
            try:
                period = periods.parse_period(text, self.app.clock.now())
            except ValueError as error:
                self.notify(printable(str(error)), severity="warning", markup=False)
                self._ask_period(text)
                return
            self.set_filters(replace(self.filters, period=period))

        self.app.push_screen(
            TextPromptDialog(
                TEXTS["dates_prompt"],
                TEXTS["dates_label"],
                required=True,
                multiline=False,
                initial=initial,
                placeholder=TEXTS["dates_placeholder"],
            ),
            typed,
        )

    def action_toggle_late(self) -> None:
        self.set_filters(replace(self.filters, late_only=not self.filters.late_only))
