"""The caller picker's French texts (the new-request form's phone and name), in one place for a
translation."""

from __future__ import annotations

TEXTS = {
    "phone": "Téléphone",
    "phone_placeholder": "n° ou chiffres",
    "name": "Nom",
    "name_placeholder": "NOM Prénom",
    "prompt_open": "  ({count} ouverte(s))",
    "caller_hint": "Tapez le téléphone ou le nom · Ctrl+N nouveau demandeur · F6 anonyme",
    "caller_chosen": "Demandeur : ",
    "caller_open": " · {count} demande(s) ouverte(s)",
    "caller_new": "Nouveau demandeur : sera créé à l'enregistrement",
    "caller_by_number": "Demandeur reconnu par son numéro : ",
    "caller_forced": "Nouveau demandeur : sera créé, bien que ce numéro soit celui de {names}",
    "caller_holder": (
        "Ce numéro est celui de {name} : rattaché à l'enregistrement · Ctrl+N nouveau demandeur"
    ),
    "caller_holders": (
        "Ce numéro est celui de {count} demandeurs ({names}) : choisissez-en un (↓ Entrée)"
        " · Ctrl+N nouveau demandeur"
    ),
    "error_caller_shared": (
        "Ce numéro est celui de {count} demandeurs : choisissez le demandeur dans la liste,"
        " ou Ctrl+N pour un nouveau."
    ),
    "caller_anonymous": "Appel anonyme (le numéro reste dans le journal des appels)",
}
