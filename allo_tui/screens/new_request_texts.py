"""The new-request form's French texts and choice labels, in one place for a translation (the
caller's phone and name: `allo_tui.widgets.caller_picker_texts`)."""

from __future__ import annotations

TEXTS = {
    "category": "Catégorie",
    "category_placeholder": "tapez : nid, arbre, tag…",
    "place": "Lieu",
    "street_number": "N°",
    "street": "Voie",
    "street_placeholder": "rue, place, lieu-dit…",
    "landmark": "Repère",
    "landmark_placeholder": "devant l'école, face au n° 8…",
    "urgency": "Urgence",
    "service": "Service",
    "description": "Description",
    "channel": "Canal",
    "kind": "Nature",
    "street_known": "✓ voie connue",
    "street_unknown": "voie hors référentiel : gardée telle quelle",
    "counter": "{count} / {limit}",
    "error_category": "Choisissez une catégorie dans la liste (tapez un mot, Entrée).",
    "error_service": "Service inconnu : choisissez-le dans la liste.",
    "error_description_empty": "La description est obligatoire.",
    "error_description_long": "La description dépasse {limit} caractères ({count}).",
    "cleaned_controls": "{count} caractère(s) de contrôle supprimé(s).",
    "cleaned_lines": "Texte sur plusieurs lignes : lignes jointes par des espaces.",
    "cleaned_truncated": (
        "Collage coupé : {received} caractères reçus, {kept} gardés (limite {limit})."
    ),
    "error": "Enregistrement impossible : {error}",
    "unreachable": (
        "Le demandeur ne pourra pas recevoir sa réponse : {problem}. Complétez sa fiche ou"
        " changez son mode de contact."
    ),
    "server_away": (
        "Le serveur de base de données ne répond pas : la demande n'est pas perdue. Le"
        " formulaire et son brouillon restent sur ce poste ; l'enregistrement est réessayé"
        " toutes les {seconds} s et se fera dès le retour du serveur."
    ),
    "load_error": "Chargement impossible : {error}",
    "confirm_discard": "Abandonner cette demande ?",
    "confirm_discard_detail": "La saisie sera perdue et son brouillon supprimé.",
    "confirm_quit": "Quitter allo ?",
    "confirm_quit_detail": (
        "La demande en cours reste en brouillon : elle sera proposée au prochain démarrage."
    ),
    "quit_yes": "Quitter (o)",
    "quit_no": "Rester (n)",
    "duplicate_description": "Même signalement que la demande {reference}.",
    "restored": "Brouillon repris : la saisie est comme avant l'interruption.",
    "typed_on_choice": "Frappe sur « {field} » : mise dans la description.",
    "urgency_armed": "Urgence : tapez 1, 2, 3 ou 4.",
    "urgency_hint": "Ctrl+G puis 1–4 depuis tout champ",
    "duplicates": "Doublons possibles",
    "service_title": "Service de la demande",
}

CHOICE_FIELDS = {
    "urgency": "urgency",
    "channel": "channel",
    "kind": "kind",
    "duplicates": "duplicates",
}
"""Fields chosen with keys, not typed in (id: their TEXTS label)."""
ONE_LINE_FIELDS = ("phone", "name", "category", "street_number", "street", "landmark", "service")
