"""The French texts of the service queue ("Ma file", F7)."""

TEXTS = {
    "title": "Ma file",
    "all_services": "tous les services",
    "summary": "{services} — {count} demande(s) ouverte(s), dont {late} en retard",
    "late_only": " · en retard seulement",
    "status_only": {
        "planned": " · programmées seulement",
        "waiting": " · en attente seulement",
    },
    "empty": "Aucune demande ouverte dans cette file.",
    "unreadable": "File illisible : {error}",
    "pick_service": "Quelle file ?",
    "columns": ("Échéance", "Urg.", "N°", "Statut", "Lieu", "Demande", "Service"),
}
