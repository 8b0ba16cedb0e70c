"""The caller form's dialogs: leave without saving, and a number another caller already has."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from allo_tui.domain.caller_edit import PhoneOwner
from allo_tui.literal import fill
from allo_tui.screens.caller_edit_texts import TEXTS


class ConfirmDiscardDialog(ModalScreen[bool]):
    """Ask before dropping what was typed."""

    CSS_PATH = "caller_edit.tcss"
    BINDINGS = [
        Binding("o,y", "answer(True)", "Abandonner", id="caller_edit.discard_yes"),
        Binding("n,escape", "answer(False)", "Continuer", id="caller_edit.discard_no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(TEXTS["discard"], classes="dialog-title", markup=False)
            yield Static(TEXTS["discard_keys"], classes="dialog-keys", markup=False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class DuplicatePhoneDialog(ModalScreen[str | None]):
    """A typed number belongs to another caller: open them, save anyway, or go back.

    Dismissed with "open", "save" or None.
    """

    CSS_PATH = "caller_edit.tcss"
    BINDINGS = [
        Binding("o", "answer('open')", "Ouvrir l'autre fiche", id="caller_edit.duplicate_open"),
        Binding(
            "ctrl+s", "answer('save')", "Enregistrer quand même", id="caller_edit.duplicate_save"
        ),
        Binding("escape", "answer(None)", "Revenir", id="caller_edit.duplicate_back"),
    ]

    def __init__(self, owners: list[PhoneOwner]) -> None:
        super().__init__()
        self.owners = owners

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(TEXTS["duplicate_title"], classes="dialog-title", markup=False)
            lines = Text("\n").join(
                fill(TEXTS["duplicate_line"], phone=o.phone, name=o.caller.display_name)
                for o in self.owners
            )
            yield Static(lines)
            yield Static(
                fill(TEXTS["duplicate_keys"], name=self.owners[0].caller.display_name),
                classes="dialog-keys",
            )

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)
