"""A yes/no question asked before something that loses or leaves work (Esc, Ctrl+Q)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from allo_tui.literal import printable

TEXTS = {
    "yes": "Oui (o)",
    "no": "Non (n)",
}


class ConfirmDialog(ModalScreen[bool]):
    """Ask `question`; dismisses with True for yes. Esc and `n` say no, `o`/`y` say yes.

    The question and its detail may quote people's text: they are shown literally.
    """

    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("o,y", "answer(True)", "Oui", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Non", id="confirm.no"),
        Binding("left,right", "toggle_focus", "Changer", show=False),
    ]

    def __init__(
        self,
        question: str,
        detail: str = "",
        *,
        yes: str = TEXTS["yes"],
        no: str = TEXTS["no"],
        default: bool = False,
    ) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes_label = yes
        self.no_label = no
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(printable(self.question)), id="question")
            if self.detail:
                yield Static(Text(printable(self.detail)), id="detail")
            with Horizontal(id="buttons"):
                yield Button(self.yes_label, id="yes", variant="error", compact=True)
                yield Button(self.no_label, id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_toggle_focus(self) -> None:
        target = "#no" if self.focused is self.query_one("#yes") else "#yes"
        self.query_one(target, Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
