"""The French texts of F9, the administration screen (kept together for a translation)."""

from __future__ import annotations

TEXTS = {
    "title": "Administration",
    "tabs": {
        "categories": "1 Catégories",
        "services": "2 Services",
        "directory": "3 Annuaire",
        "settings": "4 Réglages",
        "audit": "5 Journal",
    },
    "columns": {
        "categories": ("Code", "Libellé", "Service", "Urg.", "État", "Procédure"),
        "services": ("Code", "Nom", "Équipe mobile", "État"),
        "directory": ("Organisme", "Téléphone", "Horaires", "Traite"),
        "settings": ("Réglage", "Libellé", "Valeur"),
        "audit": ("Quand", "Qui", "Action", "Objet", "Avant", "Après"),
    },
    "active": "actif",
    "retired": "retiré",
    "yes": "oui",
    "no": "non",
    "loading_failed": "Lecture impossible : {error}",
    "failed": "Refusé : {error}",
    "saved": "Enregistré.",
    "not_here": "Cette touche n'agit pas sur cet onglet.",
    "nothing": "Aucune ligne choisie.",
    # dialogs
    "category_code": "Nouvelle catégorie (1/5) — code (lettres, ex. CHUTE)",
    "category_label": "Nouvelle catégorie (2/5) — libellé",
    "category_service": "Nouvelle catégorie (3/5) — service",
    "category_urgency": "Nouvelle catégorie (4/5) — urgence par défaut",
    "category_procedure": "Nouvelle catégorie (5/5) — procédure pour l'hôtesse (facultatif)",
    "procedure": "Procédure de « {label} »",
    "procedure_label": "Ce que l'hôtesse demande et dit (Ctrl+S enregistre)",
    "service_code": "Nouveau service (1/3) — code (ex. ECLAIR)",
    "service_name": "Nouveau service (2/3) — nom",
    "service_mobile": "Nouveau service (3/3) — équipe mobile ?",
    "directory_name": "Annuaire (1/4) — organisme",
    "directory_phone": "Annuaire (2/4) — téléphone",
    "directory_hours": "Annuaire (3/4) — horaires (facultatif)",
    "directory_handles": "Annuaire (4/4) — ce qu'il traite (facultatif)",
    "setting": "Réglage « {label} »",
    "setting_value": "Nouvelle valeur ({key})",
    "value": "Valeur",
    "urgencies": (
        (1, "1 — Immédiate"),
        (2, "2 — Urgente"),
        (3, "3 — Normale"),
        (4, "4 — Sans intervention"),
    ),
}
