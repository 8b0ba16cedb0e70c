"""Texts of the review (bilan) screen."""

TEXTS = {
    "title": "Bilan",
    "loading": "Calcul du bilan {period}…",
    "counting_everything": (
        "Calcul du bilan {period}… Première fois : les chiffres de tout l'historique sont"
        " comptés et gardés (quelques minutes sur une grande base, une seule fois)."
    ),
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
