"""`m` on a caller card (supervisors, admins): tick the likely duplicates of this caller, then
merge them into it (`Store.merge_callers`: numbers, requests, calls and empty fields move to the
card kept; a filled field is never overwritten)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from allo_tui.domain.records import CallerRecord
from allo_tui.literal import literal

TEXTS = {
    "title": "Fusionner des fiches dans « {name} »",
    "hint": "Espace : cocher · Entrée : fusionner les fiches cochées · Échap : annuler",
    "none_ticked": "Cochez au moins une fiche (Espace).",
    "confirm": "Fusionner {count} fiche(s) dans « {name} » ?",
    "confirm_detail": (
        "Leurs numéros, demandes et appels passent sur cette fiche, qui prend aussi les champs"
        " qu'elle a vides. Les fiches fusionnées sont supprimées (leur contenu reste dans"
        " l'historique des fusions)."
    ),
    "no_name": "(sans nom)",
    "searching": "Recherche des doublons probables…",
    "no_duplicates": "Aucun doublon probable pour cette fiche (même numéro, ou même nom et adresse).",
    "merged": "{count} fiche(s) fusionnée(s) dans celle-ci.",
    "failed": "Fusion impossible : {error}",
}
"""The French texts of the merge dialog and of the merge from the caller card."""


def caller_line(caller: CallerRecord) -> Text:
    """One candidate: id, name, address and numbers, shown literally."""
    address = " ".join(p for p in (caller.street_number, caller.street, caller.city) if p)
    phones = ", ".join(phone.display for phone in caller.phones)
    parts = [caller.display_name or TEXTS["no_name"], address, phones]
    return literal(f"#{caller.id}  " + " — ".join(p for p in parts if p))


class MergeDialog(ModalScreen[list[CallerRecord] | None]):
    """Tick the records to merge into `kept`; dismisses with them, or None."""

    DEFAULT_CSS = """
    MergeDialog {
        align: center middle;
        background: $background 60%;
    }
    MergeDialog #dialog {
        width: 90;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        padding: 1 2;
        border: thick $warning;
        background: $surface;
    }
    MergeDialog #title { text-style: bold; margin-bottom: 1; }
    MergeDialog SelectionList { height: auto; max-height: 12; }
    MergeDialog #hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("enter", "merge", "Fusionner", id="merge.confirm", priority=True),
        Binding("escape", "cancel", "Annuler", id="merge.cancel"),
    ]

    def __init__(self, kept: CallerRecord, candidates: list[CallerRecord]) -> None:
        super().__init__()
        self.kept = kept
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        name = self.kept.display_name or TEXTS["no_name"]
        with Vertical(id="dialog"):
            yield Static(literal(TEXTS["title"].format(name=name)), id="title")
            yield SelectionList[int](
                *(Selection(caller_line(caller), caller.id) for caller in self.candidates),
                id="candidates",
            )
            yield Static(TEXTS["hint"], id="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#candidates", SelectionList).focus()

    def action_merge(self) -> None:
        ticked = set(self.query_one("#candidates", SelectionList).selected)
        chosen = [caller for caller in self.candidates if caller.id in ticked]
        if not chosen:
            self.notify(TEXTS["none_ticked"], severity="warning", markup=False)
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
