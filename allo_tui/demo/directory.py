"""The demo's orientation directory: bodies an out-of-scope call is sent to (F10, "Orienté vers…").

National numbers are the real ones; the local bodies' numbers are in the range ARCEP keeps for
fiction (03 53 01 xx xx), so a demo number never rings anyone.
"""

from __future__ import annotations

import sqlite3

DEMO_DIRECTORY: tuple[tuple[str, str, str, str], ...] = (
    (
        "GRDF — urgence sécurité gaz",
        "0 800 47 33 33",
        "24 h/24, 7 j/7",
        "odeur de gaz, fuite, compteur de gaz endommagé",
    ),
    (
        "Enedis — dépannage électricité (Yonne)",
        "09 72 67 50 89",
        "24 h/24, 7 j/7",
        "coupure de courant, câble tombé, poteau ou coffret électrique endommagé",
    ),
    (
        "Communauté de l'Auxerrois — collecte des déchets",
        "03 53 01 20 10",
        "lundi–vendredi 8:30–12:00, 13:30–17:00",
        "bacs et collecte des ordures ménagères, tri, encombrants, déchèteries",
    ),
    (
        "Communauté de l'Auxerrois — eau et assainissement",
        "03 53 01 20 20",
        "24 h/24 pour les fuites",
        "fuite d'eau sur la voie, eau potable, égouts bouchés, factures d'eau",
    ),
    (
        "Conseil départemental de l'Yonne — routes départementales",
        "03 53 01 30 00",
        "lundi–vendredi 8:30–17:00",
        "routes départementales hors agglomération, déneigement des RD",
    ),
    (
        "Domanys — bailleur social",
        "03 53 01 40 00",
        "lundi–vendredi 8:30–12:00, 13:30–17:30",
        "parties communes et espaces verts des résidences du bailleur",
    ),
    (
        "Police municipale d'Auxerre",
        "03 53 01 50 00",
        "lundi–samedi 7:00–20:00",
        "stationnement gênant, véhicule ventouse, nuisances, arrêtés municipaux",
    ),
    ("Police secours", "17", "24 h/24", "danger immédiat, agression, accident"),
    ("Pompiers", "18", "24 h/24", "incendie, personne blessée, arbre tombé sur une personne"),
)
"""(name, phone, hours, what it handles), in the order the list shows them."""


def _insert_directory(connection: sqlite3.Connection) -> None:
    connection.executemany(
        "INSERT INTO directory (name, phone, hours, handles, position, active)"
        " VALUES (?, ?, ?, ?, ?, 1)",
        [(*entry, position) for position, entry in enumerate(DEMO_DIRECTORY, start=1)],
    )
