"""Texts of the review (bilan) screen."""

TEXTS = {
    "title": "Bilan",
    "loading": "Calcul du bilan…",
    "failed": "Le bilan n'a pas pu être calculé : {error}",
    "heading": "Bilan {period} — période précédente : {previous}",
    "this_month": "Ce mois",
    "last_month": "Mois dernier",
    "quarter": "Trimestre",
    "year": "Année",
    "toggle": "Graphiques / tableaux",
}
