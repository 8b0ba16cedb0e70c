"""The French texts of `allo replies letters`."""

from __future__ import annotations

TEXTS = {
    "nothing": "Aucune lettre à imprimer.",
    "written": "Lot n° {batch} : {count} lettre(s) -> {file}",
    "reprinted": "Lot n° {batch} réimprimé : {count} lettre(s) -> {file}",
    "held": "Lettres retenues, adresse inutilisable ({count}) :",
    "held_line": "  {reference} : {reason}",
    "unprintable": "caractères impossibles à imprimer dans l'adresse : {characters}",
    "no_batch": "aucun lot n° {batch}",
    "reprint_final": "--reprint reprend le type du lot : ne pas donner --final ni --until",
    "no_folder": "dossier introuvable : {folder}",
    "is_folder": "{file} est un dossier : donnez le nom du fichier PDF",
    "exists": "{file} existe déjà ; --force pour le remplacer (rien n'a été écrit)",
    "not_operator": "{login} ne peut pas accuser réception : réservé au centre d'appels",
    "bad_until": "--until : {error}",
    "rename_failed": (
        "lot n° {batch} enregistré, mais le fichier n'a pu être renommé ({error}) : les lettres"
        " sont dans {temporary} (ou refaites-les : allo replies letters --reprint {batch})"
    ),
    "write_failed": "écriture de {file} impossible : {error} (rien n'a été enregistré)",
    "title_ack": "Accusés de réception",
    "title_final": "Réponses aux demandeurs",
}
