"""French text of the login screen (`allo --login`, each session of `allo serve`)."""

TEXTS = {
    "title": "Allô Mairie — identification",
    "login": "Identifiant",
    "password": "Mot de passe",
    "hint": "Entrée : se connecter · Tab : champ suivant · Ctrl+Q : quitter",
    "missing_login": "Tapez votre identifiant.",
    "missing_password": "Tapez votre mot de passe.",
    "checking": "Vérification…",
    "demo": "Base de démonstration : le mot de passe de chaque identifiant est « demo-identifiant »"
    " (ex. demo-amartin).",
}
