"""The board's French texts, in one place for a translation."""

from __future__ import annotations

TEXTS = {
    "figure": "{label} {count}",
    "late": "En retard : {count}",
    "acks": "AR à faire aujourd'hui : {count}",
    "acks_late": " (dont {count} en retard)",
    "lost": "connexion perdue — nouvel essai… (dernières données : {at})",
    "lost_never": "connexion perdue — nouvel essai… (aucune donnée lue)",
    "filter": "Filtre : {what} — 0 : tout afficher",
    "filter_urgency": "urgence {level} ({label})",
    "pick_filter": "Afficher les demandes du service…",
    "pick_assign": "Affecter {reference} à…",
    "assigned": "{reference} affectée à {service}.",
    "refused": "Affectation refusée : {reason}",
    "no_detail": "Le détail des demandes n'est pas disponible dans cette version.",
    "services_unreadable": "Services illisibles : {error}",
}
