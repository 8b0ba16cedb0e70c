"""The caller lookup's French texts and column titles, in one place for a translation."""

from __future__ import annotations

TEXTS = {
    "placeholder": "Téléphone, nom, adresse ou n° de demande…",
    "hint": "Tapez un téléphone, un nom, une rue ou un n° de demande.",
    "hint_keys": "Ctrl+N : nouveau demandeur · F3 : nouvelle demande (téléphone d'abord)",
    "count_one": "1 demandeur",
    "count": "{count} demandeurs",
    "count_capped": "{count}+ demandeurs — précisez la recherche",
    "count_keys": "↑/↓ : choisir · Entrée : fiche du demandeur · F3 : nouvelle demande pour lui",
    "none": "Aucun demandeur pour « {query} ».",
    "too_short": "Continuez à taper : au moins deux lettres, ou quatre chiffres.",
    "none_keys": "Ctrl+N : nouveau demandeur ({prefill}) · F3 : nouvelle demande",
    "prefill_phone": "tél. {value}",
    "prefill_name": "nom {value}",
    "request_found": "Demande {reference} trouvée. ",
    "request_keys": "Entrée : ouvrir la demande et noter un rappel",
    "request_row": "▶ Demande {reference}",
    "anonymous": "(anonyme)",
    "error": "Recherche impossible : {error}",
}
# Column titles and widths: name and address share what the fixed ones leave.
COLUMNS = (("Nom", 0.55), ("Téléphone(s)", 18), ("Adresse", 0.45), ("Ouv.", 4), ("Contact", 10))
