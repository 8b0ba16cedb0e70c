"""The French texts of `allo export`: column headers, sheet names, labels and messages."""

from __future__ import annotations

from types import MappingProxyType

from allo_tui.domain.exports import ExportKind

HEADERS = MappingProxyType(
    {
        # requests
        "reference": "Référence",
        "created_at": "Date de l'appel",
        "channel": "Canal",
        "kind": "Type",
        "category": "Catégorie",
        "service_code": "Code service",
        "service": "Service",
        "urgency": "Urgence",
        "status": "Statut",
        "street_number": "Numéro",
        "street": "Voie",
        "landmark": "Repère",
        "neighbourhood": "Quartier",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "description": "Description",
        "ack_due_at": "Accusé de réception dû le",
        "acknowledged_at": "Accusé de réception le",
        "intervention_due_at": "Intervention due le",
        "closed_at": "Clôturée le",
        "answer": "Réponse au demandeur",
        "outcome": "Résultat",
        "rejection_reason": "Motif du rejet",
        "planned_for": "Programmée pour le",
        "transferred_to": "Transmise à",
        "caller_id": "N° demandeur",
        # calls
        "call_id": "N° appel",
        "started_at": "Début",
        "ended_at": "Fin",
        "duration_minutes": "Durée (min)",
        "operator": "Opérateur",
        "console": "Poste",
        "call_outcome": "Issue de l'appel",
        # events
        "event_id": "N° événement",
        "at": "Date",
        "event_kind": "Événement",
        "old_value": "Ancienne valeur",
        "new_value": "Nouvelle valeur",
        "note": "Note",
        # callers
        "surname": "Nom",
        "given_name": "Prénom",
        "phones": "Téléphones",
        "email": "Courriel",
        "address_extra": "Complément d'adresse",
        "postcode": "Code postal",
        "city": "Commune",
        "contact_preference": "Contact préféré",
        "notes": "Notes",
        "caller_created_at": "Créé le",
        "updated_at": "Modifié le",
    }
)
"""The French header of every exported column, by its key."""

SHEET_NAMES = MappingProxyType(
    {
        ExportKind.REQUESTS: "Demandes",
        ExportKind.CALLERS: "Demandeurs",
        ExportKind.CALLS: "Appels",
        ExportKind.EVENTS: "Événements",
    }
)
"""The xlsx sheet of each table (`Demandes (2)`… past the sheet's row limit)."""

CONTACT_LABELS = MappingProxyType(
    {"phone": "Téléphone", "letter": "Courrier", "email": "Courriel", "none": "Aucun"}
)

PROGRESS = "Export {what}"
WRITTEN = "{count} ligne(s) écrite(s) dans {path}"
WRITTEN_STDOUT = "{count} ligne(s) écrite(s) sur la sortie standard"
XLSX_ON_TERMINAL = (
    "un classeur xlsx ne s'affiche pas dans un terminal : --out FICHIER.xlsx, ou rediriger"
    " la sortie (rien n'a été écrit)"
)
EXISTS = "{path} existe déjà ; --force pour le remplacer (rien n'a été écrit)"
NO_FOLDER = "dossier introuvable pour {path} (rien n'a été écrit)"
UNKNOWN_SERVICE = "--service : service « {code} » inconnu ; codes : {known}"
UNKNOWN_FORMAT = "format inconnu pour {path} : --format csv, xlsx ou json"
CANNOT_WRITE = "écriture impossible dans {path} : {reason} (rien n'a été écrit)"
