"""What the hostess reads out after a save: the reference, large, and the dates promised."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from allo_tui.domain.display import format_long
from allo_tui.domain.labels import STATUS_LABELS, URGENCY_LABELS
from allo_tui.domain.records import RequestRecord
from allo_tui.literal import printable

TEXTS = {
    "saved_title": "Demande enregistrée — à lire au demandeur :",
    "linked_title": "Appel rattaché à une demande existante — à lire au demandeur :",
    "saved": "Demande n° {reference}",
    "urgency_line": "Urgence : {urgency}",
    "ack_line": "Accusé de réception : au plus tard {when}",
    "due_line": "Intervention : au plus tard {when}",
    "due_none": "Intervention : sans intervention (remarque)",
    "linked_line": "Signalement enregistré sous {reference} (doublon de {original}).",
    "status_line": "Statut : {status}",
    "next": "Échap ou F2 : appel suivant · F3 : nouvelle demande",
}


class RequestConfirmation(Vertical):
    """The reference in big digits, the urgency and the due dates of the request saved."""

    def compose(self) -> ComposeResult:
        yield Static("", id="confirmation-title")
        yield Static("", id="reference")
        yield Digits("", id="reference-digits")
        yield Static("", id="promise")
        yield Static(TEXTS["next"], id="next-hint")

    def show(self, record: RequestRecord, original: RequestRecord | None = None) -> None:
        """Show `record`; when it was linked to `original`, the original is what is read out."""
        shown = original or record
        reference = printable(shown.reference, one_line=True)
        self.query_one("#confirmation-title", Static).update(
            TEXTS["linked_title"] if original else TEXTS["saved_title"]
        )
        self.query_one("#reference", Static).update(
            Text(TEXTS["saved"].format(reference=reference))
        )
        self.query_one("#reference-digits", Digits).update(reference)
        lines = [
            TEXTS["urgency_line"].format(
                urgency=f"{shown.urgency} — {URGENCY_LABELS[shown.urgency]}"
            ),
            TEXTS["ack_line"].format(when=format_long(shown.ack_due_at)),
            TEXTS["due_line"].format(when=format_long(shown.intervention_due_at))
            if shown.intervention_due_at
            else TEXTS["due_none"],
        ]
        if original is not None:
            lines.append(TEXTS["status_line"].format(status=STATUS_LABELS[original.status]))
            lines.append(
                TEXTS["linked_line"].format(
                    reference=printable(record.reference, one_line=True), original=reference
                )
            )
        self.query_one("#promise", Static).update(Text("\n".join(lines)))
