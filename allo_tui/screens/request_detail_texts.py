"""The request detail's French texts and labels, in one place for a translation."""

from __future__ import annotations

from allo_tui.domain.workflow import Action

TEXTS = {
    "call_back": " — rappeler le demandeur (il préfère le téléphone), puis a",
    "ack_queued_letter": (
        "L'accusé de réception partira avec le prochain lot de courriers"
        " (allo replies letters) ; il sera enregistré à ce moment-là."
    ),
    "ack_queued_email": (
        "L'accusé de réception partira au prochain envoi des courriels"
        " (allo replies send) ; il sera enregistré quand le serveur l'aura accepté."
    ),
    "reply_ack": "Accusé de réception",
    "reply_final": "Réponse finale",
    "reply_letter": "{what} : courrier, lot {batch} du {when}",
    "reply_email": "{what} : courriel à {to}, {state}",
    "reply_when": " le {when}",
    "reply_error": " — {error}",
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
    "kept_choice_and_text": (
        "Votre choix et votre texte sont gardés : Entrée puis Ctrl+S les enregistrent sur la"
        " version à jour."
    ),
    "kept_line": "Votre saisie est gardée : Entrée l'enregistre sur la version à jour.",
    "already_waiting": "la demande est déjà en attente (w la reprend).",
    "plan_title": "Programmer la demande {reference}",
    "plan_label": "Intervention prévue le",
    "outcome_title": "Terminer {reference} — réponse :",
    "answer_label": "Réponse au demandeur (détail, facultatif)",
    "reason_title": "Rejeter {reference} — motif :",
    "reason_label": "Ce qui est dit au demandeur (facultatif)",
    "wait_title": "Mettre en attente la demande {reference}",
    "wait_label_citizen": "Ce qui est attendu du demandeur",
    "wait_label_third_party": "Ce qui est attendu, et de qui",
    "send_back_title": "Renvoyer au centre d'appels",
    "transfer_title": "Transmettre la demande {reference} à un tiers",
    "transfer_label": "Transmise à (autre administration, concessionnaire…)",
    "transfer_placeholder": "Enedis, Conseil départemental, bailleur…",
    "planned_at": "le {day}",
    "waiting_since": "{who} depuis le {when}",
    "sent_back": "au centre d'appels le {when} par {who}",
    "sent_back_note": "Renvoyée",
    "sent_back_plain": "au centre d'appels, à réaffecter",
    "sent_back_reason": "au centre d'appels le {when} par {who} : {reason}",
}
WAITING_CHOICES = [
    ("Le demandeur (une précision, une photo, un accès…)", "citizen"),
    ("Un tiers (concessionnaire, autre administration…)", "third_party"),
]
"""Who a request put on hold waits for: (label, `waiting_kind`)."""
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
    "reason": "Motif du rejet",
    "planned": "Programmée",
    "waiting": "En attente",
    "waiting_for": "Attendu",
    "transferred": "Transmise à",
    "sent_back": "Renvoyée",
    "answer_previous": "Réponse précédente",
    "original": "Doublon de",
    "ack_due": "Accusé de réception",
    "replies": "Réponses au demandeur",
    "blank": "",
    "intervention_due": "Intervention",
    "updated": "Dernière modification",
}
REPLY_STATES = {
    "queued": "en attente d'envoi",
    "sending": "en cours d'envoi",
    "sent": "envoyé",
    "failed": "en échec",
    "check": "à vérifier",
}
"""An e-mail's state in the outbox, as the request detail says it."""
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
    Action.PLAN: "intervention programmée",
    Action.WAIT: "mise en attente",
    Action.RESUME: "reprise",
    Action.SEND_BACK: "renvoyée au centre d'appels",
    Action.TRANSFER: "transmise",
}
CHANGE_LABELS = {
    "status": "Statut",
    "category": "Catégorie",
    "service": "Service",
    "urgency": "Urgence",
    "acknowledged": "Accusé de réception",
    "answer": "Réponse",
    "outcome": "Résultat",
    "planned": "Programmée le",
    "waiting": "En attente de",
    "original": "Doublon de",
    "due": "Intervention",
}
