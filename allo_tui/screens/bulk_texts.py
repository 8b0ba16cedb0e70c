"""French texts of the supervisors' bulk actions (Space marks, Ctrl+B acts)."""

from __future__ import annotations

from allo_tui.domain.workflow import Action

TEXTS = {
    "mark": "Marquer",
    "bulk": "Actions groupées",
    "marked": "{count} demande(s) marquée(s) · Espace marquer/démarquer · Ctrl+B actions groupées",
    "nothing_marked": "Aucune demande marquée : Espace marque la demande sous le curseur.",
    "too_many": "Au plus {limit} demandes marquées à la fois.",
    "title": "Actions groupées sur {count} demande(s)",
    "pick_service": "Affecter {count} demande(s) à",
    "pick_category": "Requalifier {count} demande(s) : catégorie",
    "pick_urgency": "Urgence des {count} demande(s)",
    "pick_reason": "Rejeter {count} demande(s) : motif",
    "complement": "Précision (facultatif, la même pour toutes)",
    "confirm_close": "Clôturer {count} demande(s) terminée(s) ?",
    "confirm_detail": "{references}",
    "result_title": "{label} : {done} faite(s), {skipped} ignorée(s)",
    "result_done": "Faites : {references}",
    "result_skipped": "Ignorées (rien n'a été écrit pour elles) :",
    "result_line": "  {reference} : {reason}",
    "result_hint": "Entrée ou Échap fermer",
    "failed": "Action groupée impossible : {error}",
    "read_failed": "Lecture impossible : {error}",
}

ACTION_LABELS = {
    Action.ASSIGN: "Affecter à un service",
    Action.REQUALIFY: "Requalifier (catégorie, urgence)",
    Action.CLOSE: "Clôturer",
    Action.REJECT: "Rejeter (sans suite) avec un motif",
}
"""The bulk actions as the dialog lists them."""
