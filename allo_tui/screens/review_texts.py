"""Texts of the review (bilan) screen."""

TEXTS = {
    "title": "Bilan",
    "loading": "Calcul du bilan {period}…",
    "failed": "Le bilan n'a pas pu être calculé : {error}",
    "heading": "Bilan {period} — comparé à la période précédente : {previous}",
    "this_month": "Ce mois",
    "last_month": "Mois dernier",
    "quarter": "Trimestre",
    "year": "Année",
    "dates": "Dates…",
    "toggle": "Graphiques / tableaux",
    "dates_title": "Bilan entre deux dates",
    "dates_label": "Du … au … (jj/mm/aaaa)",
}
