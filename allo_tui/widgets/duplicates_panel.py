"""The side panel of the new-request form: open requests that may be the same problem."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from allo_tui.domain.display import format_date
from allo_tui.domain.labels import STATUS_LABELS
from allo_tui.domain.records import RequestRecord
from allo_tui.literal import printable
from allo_tui.widgets.key_queue import QueuedOptionList

TEXTS = {
    "title": "Doublons possibles",
    "wait": "Catégorie et voie : les demandes ouvertes du même type dans la même voie "
    "(30 derniers jours) s'affichent ici.",
    "none": "Aucune demande ouverte de ce type dans cette voie.",
    "some": "Ctrl+D : rattacher l'appel à la demande en surbrillance.",
}


def duplicate_prompt(request: RequestRecord) -> Text:
    """Reference, date, status, place and the start of the description.

    Shown literally: no markup, and control characters stored by other channels made visible.
    """
    text = Text(printable(request.reference, one_line=True), style="bold")
    text.append(f"  {format_date(request.created_at)}  ")
    text.append(STATUS_LABELS[request.status], "italic")
    if request.location:
        text.append("\n" + printable(request.location, one_line=True), "dim")
    description = printable(" ".join(request.description.split()), one_line=True)
    if len(description) > 70:
        description = description[:70] + "…"
    text.append("\n" + description)
    return text


class DuplicatesPanel(Vertical):
    """Lists the possible duplicates; the highlighted one is what Ctrl+D links to.

    Has the class `-has-duplicates` while it lists some (the form shows it even when narrow).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RequestRecord] = []
        self.shown_for: tuple[int, str] | None = None
        """(category id, street) of the rows shown; None before both are known."""

    def compose(self) -> ComposeResult:
        yield Static(TEXTS["title"], id="duplicates-title")
        yield Static(TEXTS["wait"], id="duplicates-hint")
        yield QueuedOptionList(id="duplicates")

    def on_mount(self) -> None:
        self.query_one("#duplicates", OptionList).display = False

    def show(self, key: tuple[int, str] | None, rows: list[RequestRecord]) -> None:
        """Show `rows` found for `key` (None: category or street not known yet)."""
        self.shown_for = key
        self.rows = list(rows)
        hint = self.query_one("#duplicates-hint", Static)
        option_list = self.query_one("#duplicates", OptionList)
        option_list.clear_options()
        if key is None:
            hint.update(TEXTS["wait"])
        elif not rows:
            hint.update(TEXTS["none"])
        else:
            hint.update(TEXTS["some"])
            option_list.add_options(Option(duplicate_prompt(r), id=str(r.id)) for r in rows)
            option_list.highlighted = 0
        option_list.display = bool(rows)
        # A class on the panel, not on the screen: restyling the whole form costs a frame.
        self.set_class(bool(rows), "-has-duplicates")

    @property
    def highlighted(self) -> RequestRecord | None:
        """The request Ctrl+D would link to."""
        index = self.query_one("#duplicates", OptionList).highlighted
        if self.rows and index is not None and 0 <= index < len(self.rows):
            return self.rows[index]
        return None
