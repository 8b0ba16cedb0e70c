"""The caller form's French texts, acknowledgement choices and field names, in one place for a
translation."""

from __future__ import annotations

from allo_tui.domain.records import ContactPreference

TEXTS = {
    "title_new": "Nouveau demandeur",
    "title_edit": "Modifier la fiche de {name}",
    "surname": "Nom",
    "given_name": "Prénom",
    "phones": "Téléphones",
    "phone": "Téléphone {n}",
    "email": "Courriel",
    "address": "Adresse",
    "street_number_placeholder": "N°",
    "street_placeholder": "Voie",
    "address_extra": "Complément",
    "address_extra_placeholder": "bâtiment, escalier…",
    "city": "Ville",
    "postcode_placeholder": "Code postal",
    "city_placeholder": "Ville",
    "neighbourhood": "Quartier",
    "preference": "Accusé par",
    "notes": "Notes",
    "phone_invalid": "Téléphone {n} : numéro non reconnu, gardé tel quel et signalé.",
    "phone_taken": "Téléphone {n} : déjà le numéro de {name} — Ctrl+O pour ouvrir sa fiche.",
    "need_identity": "Saisissez au moins un nom ou un téléphone.",
    "email_invalid": "Adresse de courriel incomplète (il manque « @ »).",
    "saving": "Enregistrement…",
    "saved_new": "Demandeur {name} créé.",
    "saved": "Fiche de {name} enregistrée.",
    "error": "Enregistrement impossible : {error}",
    "stored_controls": (
        "Cette fiche contenait {count} caractère(s) de contrôle (import ou ancienne version) : "
        "ils ont été retirés des champs et le seront de la fiche à l'enregistrement."
    ),
    "stale": "Fiche modifiée entre-temps par {who} le {when} ; rien n'a été écrasé.",
    "stale_taken": "Repris de sa version : {fields}.",
    "stale_kept": "Modifiés des deux côtés, votre saisie est gardée : {fields}.",
    "stale_theirs": "{field} (sa version : « {value} »)",
    "stale_again": "Vos saisies sont gardées : vérifiez, puis Ctrl+S enregistre sur la version "
    "à jour.",
    "discard": "Abandonner les modifications de cette fiche ?",
    "discard_keys": "o : abandonner · n ou Échap : continuer la saisie",
    "duplicate_title": "Ce numéro appartient déjà à un autre demandeur",
    "duplicate_line": "{phone} : {name}",
    "duplicate_keys": "o : ouvrir la fiche de {name} · Ctrl+S : enregistrer quand même · Échap : revenir",
}
PREFERENCES = (
    ("Téléphone", ContactPreference.PHONE.value),
    ("Courrier", ContactPreference.LETTER.value),
    ("Courriel", ContactPreference.EMAIL.value),
    ("Pas d'accusé de réception", ContactPreference.NONE.value),
)
FIELD_NAMES = {
    "surname": "Nom",
    "given_name": "Prénom",
    "phones": "Téléphones",
    "email": "Courriel",
    "street_number": "N°",
    "street": "Voie",
    "address_extra": "Complément",
    "postcode": "Code postal",
    "city": "Ville",
    "neighbourhood": "Quartier",
    "contact_preference": "Accusé par",
    "notes": "Notes",
}
"""Every field of the form (`domain.caller_edit.FIELDS`), as named when saying what changed."""
