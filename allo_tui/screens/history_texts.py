"""The history's French texts, filter labels and choices, in one place for a translation."""

from __future__ import annotations

from allo_tui.domain.labels import STATUS_LABELS
from allo_tui.domain.records import (
    ENDED_WITHOUT_INTERVENTION,
    OPEN_STATUSES,
    RESOLVED_STATUSES,
    Status,
)

TEXTS = {
    "placeholder": "Rechercher : n° de demande, description, rue, repère, nom du demandeur…",
    "loading": "Chargement…",
    "counting": "{shown} affichée(s) — comptage…",
    "count": "{count} demande(s)",
    "count_more": "plus de 10 000 demandes",
    "count_at_least": "au moins {count} demande(s) — précisez la recherche",
    "none": "Aucune demande ne correspond.",
    "reference_hint": "Entrée : ouvrir la demande {reference}",
    "reference_missing": "Aucune demande {reference}.",
    "error": "Chargement impossible : {error}",
    "status_title": "Filtrer par statut",
    "urgency_title": "Filtrer par urgence",
    "category_title": "Filtrer par catégorie",
    "service_title": "Filtrer par service",
    "street_title": "Filtrer par voie",
    "street_placeholder": "Nom de la voie (ex. temple)…",
    "dates_title": "Filtrer par date de la demande",
    "dates_prompt": "Période",
    "dates_label": "Une date (JJ/MM/AAAA) ou deux dates séparées par « au »",
    "dates_placeholder": "01/11/2026 au 28/11/2026",
    "menu_title": "Filtres",
    "any": "— Tous —",
    "other_period": "Autre période…",
    "clear_all": "Effacer tous les filtres",
    "chip": "{value} ✕",
    "late_chip": "En retard ✕",
}
FILTER_NAMES = {
    "status": "Statut",
    "urgency": "Urgence",
    "category": "Catégorie",
    "service": "Service",
    "street": "Voie",
    "period": "Dates",
}
STATUS_GROUPS: tuple[tuple[str, frozenset[Status]], ...] = (
    ("Ouvertes", OPEN_STATUSES),
    ("Terminées ou clôturées", RESOLVED_STATUSES),
    ("Sans suite, transmises, doublons ou annulées", ENDED_WITHOUT_INTERVENTION),
    *((label, frozenset({status})) for status, label in STATUS_LABELS.items()),
)
FILTER_MENU = (
    ("Statut (s)", "status"),
    ("Urgence (u)", "urgency"),
    ("Catégorie (c)", "category"),
    ("Service (e)", "service"),
    ("Voie (v)", "street"),
    ("Dates (d)", "dates"),
    ("En retard seulement (t)", "late"),
    (TEXTS["clear_all"], "clear"),
)
"""The filter menu (F6): each filter with its key, then clearing them all."""
PERIOD_CHOICES = (
    (TEXTS["any"], "any"),
    ("Aujourd'hui", "today"),
    ("7 derniers jours", "week"),
    ("Ce mois", "month"),
    (TEXTS["other_period"], "other"),
)
"""The date filter's choices: any date, the usual periods, or one typed."""
