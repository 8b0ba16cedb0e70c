"""The board list's French texts (column titles, group headings, messages), in one place for a
translation."""

from __future__ import annotations

TEXTS = {
    "columns": {
        "mark": "",
        "urgency": "Urg",
        "reference": "N°",
        "due": "Échéance",
        "since": "Appel",
        "status": "Statut",
        "ack": "AR",
        "category": "Catégorie",
        "location": "Lieu",
        "service": "Service / équipe",
    },
    "heading": "{level} · {label} — {open} ouverte(s)",
    "heading_late": ", {late} en retard",
    "heading_waiting": "En attente (demandeur ou tiers) — {count} demande(s)",
    "more": "… {count} autre(s) demande(s) ouverte(s) non affichée(s)",
    "empty": "Aucune intervention ouverte.",
    "loading": "Chargement…",
    "late_mark": "!",
    "marked": "✓",  # marked for a bulk action (Space)
    "ack_owed": "AR",
    "ack_late": "AR!",
    "call_back": "Tél",  # rappeler: the caller prefers a call back
}
