"""ServicePicker: a small dialog to choose a technical service or the mobile team by keyboard."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from allo_tui.domain.records import ServiceRecord
from allo_tui.literal import literal

ALL_SERVICES = 0
"""What the picker returns for "every service" (service ids start at 1)."""

TEXTS = {
    "all": "Tous les services",
    "mobile": " (équipe mobile)",
}


class ServicePicker(ModalScreen[int | None]):
    """Returns the chosen service id, `ALL_SERVICES`, or None when cancelled (Esc)."""

    DEFAULT_CSS = """
    ServicePicker {
        align: center middle;
        & > Vertical {
            width: 60; max-width: 90%; height: auto; max-height: 80%;
            border: thick $primary; background: $surface; padding: 0 1;
        }
        & Label { width: 100%; text-style: bold; margin-bottom: 1; }
        & OptionList { height: auto; max-height: 20; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="picker.cancel")]

    def __init__(
        self,
        services: Sequence[ServiceRecord],
        *,
        title: str,
        allow_all: bool = False,
        current: int | None = None,
    ) -> None:
        super().__init__()
        self.services = [service for service in services if service.active]
        self.title_text = title
        self.allow_all = allow_all
        self.current = current

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        if self.allow_all:
            options.append(Option(TEXTS["all"], id=str(ALL_SERVICES)))
        for service in self.services:
            label = literal(service.name)  # a site-edited name: data, never markup
            if service.is_mobile_team:
                label.append(TEXTS["mobile"], style="dim")
            options.append(Option(label, id=str(service.id)))
        with Vertical():
            yield Label(literal(self.title_text))
            yield OptionList(*options, id="services")

    def on_mount(self) -> None:
        options = self.query_one("#services", OptionList)
        if self.current is not None:
            try:
                options.highlighted = options.get_option_index(str(self.current))
            except OptionDoesNotExist:  # an inactive or unknown service: start at the top
                options.highlighted = 0
        else:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or ALL_SERVICES))

    def action_cancel(self) -> None:
        self.dismiss(None)
