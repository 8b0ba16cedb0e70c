"""The request detail's French texts and labels, in one place for a translation."""

from __future__ import annotations

from allo_tui.domain.records import Channel, EventKind, Kind
from allo_tui.domain.workflow import Action

TEXTS = {
    "loading": "Chargement de la demande…",
    "title": "Demande {reference}",
    "error": "Chargement impossible : {error}",
    "action_error": "Action impossible : {error}",
    "not_found": "Cette demande n'existe pas (ou plus).",
    "timeline": "Historique",
    "links": "Liens",
    "caller_link": "Demandeur : {name} — Entrée : fiche",
    "anonymous": "Appel anonyme",
    "original_link": "Doublon de {reference} — {summary}",
    "duplicate_link": "Doublon : {reference} — {summary}",
    "no_caller_card": "La fiche du demandeur n'est pas disponible ici.",
    "done_action": "{reference} : {what}.",
    "refused": "Refusé : {reason}",
    "ack_title": "Accusé de réception — comment ?",
    "assign_title": "Affecter à quel service ?",
    "duplicate_title": "Doublon de quelle demande ?",
    "duplicate_placeholder": "2026-00042 ou 00042",
    "mobile_team": " (équipe mobile)",
    "received": "{when} par {who} ({channel})",
    "ack_done": "fait le {when} ({how})",
    "due": "{when} — {left}",
    "due_late": "{when} — en retard de {late}",
    "due_none": "aucune (sans intervention)",
    "left": "reste {span}",
    "closed_at": "terminée le {when}",
    "version": "le {when} par {who}",
    "close_question": "Clôturer la demande {reference} ?",
    "close_detail": "Elle ne sera plus suivie ; un superviseur pourra la rouvrir (o).",
    "changed_by": "Modifiée entre-temps par {who} le {when} : {changes}.",
    "no_visible_change": "rien de visible ici",
    "kept_text": "Votre saisie est gardée : Ctrl+S l'enregistre sur la version à jour.",
    "kept_choice": "Votre choix est gardé : Entrée l'enregistre sur la version à jour.",
    "kept_requalify": "Vos choix sont gardés : Ctrl+S les enregistre sur la version à jour.",
    "retry_question": "{label} la demande {reference} malgré ce changement ?",
    "no_longer": "« {label} » n'est plus possible : {reason}",
    "as_note": "Votre texte est gardé : Ctrl+S l'enregistre comme note.",
    "changed_elsewhere": "Demande {reference} modifiée par {who} : {changes}",
}
FIELD_LABELS = {
    "received": "Reçue le",
    "kind": "Type",
    "category": "Catégorie",
    "service": "Service",
    "urgency": "Urgence",
    "status": "Statut",
    "location": "Lieu",
    "neighbourhood": "Quartier",
    "caller": "Demandeur",
    "description": "Description",
    "answer": "Réponse au demandeur",
    "answer_previous": "Réponse précédente",
    "original": "Doublon de",
    "ack_due": "Accusé de réception",
    "intervention_due": "Intervention",
    "updated": "Dernière modification",
}
CHANNEL_LABELS = {
    Channel.PHONE: "téléphone",
    Channel.COUNTER: "accueil",
    Channel.EMAIL: "courriel",
    Channel.LETTER: "courrier",
    Channel.MOBILE_TEAM: "équipe mobile",
    Channel.WEB: "internet",
}
KIND_LABELS = {
    Kind.INTERVENTION: "Demande d'intervention",
    Kind.COMPLAINT: "Doléance",
    Kind.REMARK: "Remarque",
    Kind.INFORMATION: "Information",
}
HOW_LABELS = {"phone": "téléphone", "letter": "courrier", "email": "courriel"}
EVENT_LABELS = {
    EventKind.CREATED: "Création",
    EventKind.STATUS: "Statut",
    EventKind.NOTE: "Note",
    EventKind.ASSIGNMENT: "Affectation",
    EventKind.ACKNOWLEDGEMENT: "Accusé de réception",
    EventKind.MERGE: "Doublon",
    EventKind.REPORTED_AGAIN: "Signalée à nouveau",
    EventKind.EDIT: "Modification",
}
TIMELINE_COLUMNS = ("Date", "Par", "Quoi", "Détail")
# What the confirmation says once an action went through.
DONE_LABELS = {
    Action.ACKNOWLEDGE: "accusé de réception enregistré",
    Action.ASSIGN: "affectée",
    Action.START: "intervention démarrée",
    Action.DONE: "terminée, réponse enregistrée",
    Action.CLOSE: "clôturée",
    Action.REJECT: "rejetée (sans suite)",
    Action.DUPLICATE: "marquée comme doublon",
    Action.CANCEL: "annulée",
    Action.NOTE: "note ajoutée",
    Action.REOPEN: "rouverte",
    Action.REQUALIFY: "requalifiée",
}
CHANGE_LABELS = {
    "status": "Statut",
    "category": "Catégorie",
    "service": "Service",
    "urgency": "Urgence",
    "acknowledged": "Accusé de réception",
    "answer": "Réponse",
    "original": "Doublon de",
    "due": "Intervention",
}
