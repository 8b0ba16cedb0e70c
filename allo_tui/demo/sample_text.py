"""French text of the demo: descriptions and answers per category, names, places, notes.

Data only, no logic.
"""

from __future__ import annotations

_LANDMARKS = [
    "devant l'école",
    "face à la boulangerie",
    "à l'angle de la rue",
    "près de l'arrêt de bus",
    "devant la pharmacie",
    "derrière l'église",
    "au niveau du passage piéton",
    "sur le parking du supermarché",
    "à côté du city-stade",
    "devant la mairie annexe",
    "en face de la poste",
    "au rond-point",
    "près du lavoir",
    "à l'entrée du parc",
    "devant le collège",
    "près des conteneurs à verre",
    "à côté de l'abribus",
    "sous le pont",
    "devant le gymnase",
    "au bout de l'impasse",
]

_SINCE = [
    "deux jours",
    "trois jours",
    "une semaine",
    "plusieurs jours",
    "hier soir",
    "quinze jours",
    "ce matin",
    "le week-end",
]

_DESCRIPTIONS = {
    "PROPRETE": [
        "Corbeille pleine qui déborde depuis {since}",
        "Déjections canines en quantité sur le trottoir",
        "Sacs poubelle éventrés sur le trottoir devant le n° {n}",
        "Verre cassé sur la chaussée, risque pour les vélos",
        "Trottoir très sale après le marché",
        "Feuilles mortes accumulées qui bouchent le caniveau",
        "Canettes et déchets laissés après un rassemblement",
        "Conteneur à verre plein, bouteilles déposées au pied",
        "Mégots et papiers devant l'entrée de l'immeuble",
        "Seringue trouvée au pied d'un banc",
    ],
    "DEPOT": [
        "Dépôt sauvage de gravats au bout de l'impasse",
        "Matelas et sommier abandonnés sur le trottoir",
        "Encombrants déposés à côté des conteneurs depuis {since}",
        "Sacs de déchets verts jetés dans le fossé",
        "Réfrigérateur abandonné devant le n° {n}",
        "Pneus usagés déposés en bordure du chemin",
        "Cartons et meubles laissés après un déménagement",
        "Déchets de chantier déposés la nuit : plaques de plâtre et pots de peinture",
    ],
    "TAGS": [
        "Tag sur la façade de l'école",
        "Graffitis sur l'abribus",
        "Tag injurieux sur le mur du n° {n}, à effacer rapidement",
        "Inscriptions à la bombe sur le transformateur électrique",
        "Affichage sauvage sur les poteaux et les vitrines vides",
        "Graffitis sur le pont, côté quai",
        "Tags sur les bancs et les jeux du square",
    ],
    "VOIRIE": [
        "Nid-de-poule profond devant le n° {n}",
        "Trottoir soulevé par les racines, risque de chute",
        "Chaussée affaissée au milieu de la voie",
        "Bordure de trottoir descellée",
        "Pavés déchaussés sur le passage piéton",
        "Fissure importante dans l'enrobé après les travaux",
        "Plusieurs nids-de-poule entre le n° {n} et le carrefour",
        "Bateau de trottoir abîmé, gênant pour les fauteuils roulants",
        "Tranchée mal refermée après l'intervention d'un concessionnaire",
    ],
    "DANGER": [
        "Plaque d'égout déplacée sur la chaussée",
        "Trou béant sur le trottoir, non balisé",
        "Objet métallique tombé d'un camion au milieu de la route",
        "Câble électrique pendant au-dessus du trottoir",
        "Grille d'avaloir arrachée, trou dangereux",
        "Tuiles tombées d'un toit sur le trottoir, risque pour les passants",
        "Barrière de chantier renversée sur la chaussée",
        "Flaque d'huile importante, les véhicules glissent",
    ],
    "SIGNAL": [
        "Panneau stop couché au sol",
        "Feu tricolore en panne au carrefour",
        "Marquage du passage piéton effacé devant l'école",
        "Panneau de limitation de vitesse tourné dans le mauvais sens",
        "Feu piéton qui reste au rouge",
        "Panneau de sens interdit masqué par la végétation",
        "Miroir de carrefour cassé",
    ],
    "ECLAIRAGE": [
        "Lampadaire éteint depuis {since}",
        "Plusieurs lampadaires éteints dans toute la rue",
        "Éclairage public allumé en pleine journée",
        "Lampadaire qui clignote toute la nuit",
        "Candélabre penché après le choc d'un véhicule",
        "Trappe de visite ouverte au pied du lampadaire, fils apparents",
        "Rue entièrement dans le noir depuis {since}",
    ],
    "ESPVERTS": [
        "Haie qui déborde sur le trottoir, passage impossible avec une poussette",
        "Herbes hautes dans le square, tonte demandée",
        "Massif piétiné et plantes arrachées",
        "Arbre à élaguer, branches qui touchent les fenêtres du n° {n}",
        "Souche à enlever après l'abattage d'un arbre",
        "Arrosage automatique qui fuit dans le parc",
        "Racines qui soulèvent l'allée du jardin public",
        "Nid de frelons asiatiques dans un arbre",
    ],
    "ARBRE": [
        "Arbre tombé en travers de la route après l'orage",
        "Grosse branche cassée qui menace de tomber sur le trottoir",
        "Branche tombée sur une voiture en stationnement",
        "Arbre penché dangereusement au-dessus de l'aire de jeux",
        "Branches sur la chaussée, circulation gênée",
    ],
    "MOBILIER": [
        "Banc cassé, lattes arrachées",
        "Barrière de protection tordue après un accident",
        "Vitre de l'abribus brisée, éclats de verre au sol",
        "Potelet arraché sur le trottoir",
        "Jeu pour enfants cassé dans le square",
        "Corbeille de rue arrachée de son support",
        "Arceau à vélos descellé",
        "Fontaine qui coule en continu",
    ],
    "EAUX": [
        "Avaloir bouché, grosse flaque à chaque pluie",
        "Caniveau obstrué par les feuilles, l'eau déborde sur le trottoir",
        "Grille d'évacuation bouchée devant le n° {n}",
        "Chaussée inondée après l'orage",
        "Eau qui stagne devant l'entrée de l'école",
        "Odeur d'égout persistante près de la grille",
    ],
    "ANIMAL": [
        "Chat mort sur la chaussée",
        "Hérisson mort sur le trottoir",
        "Chien errant qui suit les passants",
        "Pigeon mort dans le square",
        "Renard mort au bord de la route",
        "Nombreux pigeons, fientes sur les bancs",
        "Rats aperçus près des conteneurs",
    ],
    "AUTRE": [
        "Remerciements pour l'intervention rapide de la semaine dernière",
        "Question sur les horaires de la déchèterie",
        "Demande d'information sur les travaux de la rue",
        "Stationnement gênant signalé devant le n° {n}",
        "Suggestion : ajouter un banc près de l'arrêt de bus",
        "Bruit de chantier tôt le matin",
        "Demande de passage de la balayeuse avant la fête de quartier",
        "Véhicule ventouse stationné depuis {since}",
    ],
}

_GENERIC_DESCRIPTIONS = [
    "Signalement d'un problème sur la voie publique",
    "Problème constaté devant le n° {n}",
    "Le demandeur signale une anomalie depuis {since}",
]

_DESCRIPTION_TAILS = [
    " ; c'est la deuxième fois que le demandeur appelle",
    " — passage fréquent d'enfants",
    " ; photo possible sur demande",
    " ; signalé aussi par les voisins",
    " ; gêne importante pour les riverains",
    " ; le demandeur souhaite être tenu informé",
]

_ANSWERS = {
    "PROPRETE": [
        "Nettoyage effectué par l'équipe de propreté.",
        "Corbeille vidée et secteur nettoyé.",
        "Passage de la balayeuse effectué.",
    ],
    "DEPOT": [
        "Dépôt enlevé par le service propreté.",
        "Encombrants évacués ; un courrier a été adressé au responsable identifié.",
    ],
    "TAGS": [
        "Tag effacé par l'équipe anti-graffitis.",
        "Façade nettoyée avec l'accord du propriétaire.",
    ],
    "VOIRIE": [
        "Nid-de-poule rebouché en enrobé à froid.",
        "Trottoir remis en état.",
        "Réparation provisoire effectuée ; réfection complète programmée.",
    ],
    "DANGER": [
        "Zone sécurisée et balisée par l'équipe mobile.",
        "Objet retiré de la chaussée.",
        "Plaque remise en place et calée.",
    ],
    "SIGNAL": ["Panneau remis en place.", "Feu réparé par le prestataire.", "Marquage refait."],
    "ECLAIRAGE": [
        "Lampe remplacée.",
        "Câble réparé, éclairage rétabli.",
        "Horloge d'allumage réglée.",
    ],
    "ESPVERTS": ["Taille effectuée.", "Tonte réalisée.", "Massif replanté."],
    "ARBRE": [
        "Branche évacuée et arbre sécurisé.",
        "Arbre débité et enlevé, voie dégagée.",
    ],
    "MOBILIER": [
        "Mobilier réparé.",
        "Élément remplacé.",
        "Vitre de l'abribus remplacée par le prestataire.",
    ],
    "EAUX": ["Avaloir curé.", "Grille débouchée, écoulement rétabli."],
    "ANIMAL": [
        "Animal enlevé par le service propreté.",
        "Fourrière animale prévenue, animal pris en charge.",
    ],
    "AUTRE": [
        "Remarque transmise au service concerné.",
        "Information donnée au demandeur.",
        "Remerciements transmis aux équipes.",
    ],
}
_GENERIC_ANSWERS = ["Intervention réalisée.", "Demande traitée par le service."]

_REJECT_REASONS = [
    "Hors compétence communale : voirie départementale, transmis au Département.",
    "Terrain privé : le propriétaire doit intervenir.",
    "Aucune anomalie constatée sur place.",
    "Relève du bailleur, demandeur orienté.",
]
_CANCEL_REASONS = [
    "Annulée à la demande du demandeur.",
    "Problème résolu entre-temps.",
    "Saisie en double par erreur.",
]
_NOTES = [
    "Le demandeur a rappelé : le problème persiste.",
    "Photo reçue par courriel.",
    "Passage prévu en fin de semaine.",
    "Matériel commandé, intervention dès réception.",
    "Secteur vérifié par l'équipe mobile.",
    "Le demandeur souhaite être rappelé après l'intervention.",
]
_REPORTED_AGAIN = "Signalé à nouveau par un autre habitant."
_ACK_NOTES = {
    "phone": "Accusé de réception donné par téléphone.",
    "letter": "Accusé de réception envoyé par courrier.",
    "email": "Accusé de réception envoyé par courriel.",
}

# Share of the calls, per category code (unknown codes of an edited catalogue get 2).
_CATEGORY_WEIGHTS = {
    "PROPRETE": 15,
    "DEPOT": 12,
    "TAGS": 5,
    "VOIRIE": 17,
    "DANGER": 4,
    "SIGNAL": 6,
    "ECLAIRAGE": 10,
    "ESPVERTS": 9,
    "ARBRE": 3,
    "MOBILIER": 5,
    "EAUX": 4,
    "ANIMAL": 4,
    "AUTRE": 6,
}

# (category, urgency) of a few recent requests kept open so the board has something to show.
_SHOWCASE = [
    ("DANGER", 1),
    ("EAUX", 2),
    ("VOIRIE", 3),
    ("ARBRE", 1),
    ("AUTRE", 4),
    ("SIGNAL", 2),
    ("ECLAIRAGE", 3),
    ("DANGER", 1),
    ("ANIMAL", 2),
    ("PROPRETE", 3),
]

_NEIGHBOURHOOD_WORDS = [
    ("rosoirs", "Les Rosoirs"),
    ("genevieve", "Sainte-Geneviève"),
    ("simeon", "Saint-Siméon"),
    ("bricheres", "Les Brichères"),
    ("piedalloues", "Les Piedalloues"),
    ("laborde", "Laborde"),
    ("jonches", "Jonches"),
    ("gervais", "Saint-Gervais"),
    ("amatre", "Saint-Amâtre"),
    ("conches", "Les Conches"),
    ("boussicats", "Les Boussicats"),
    ("egriselles", "Égriselles"),
    ("clairions", "Les Clairions"),
    ("quai ", "Quais"),
]
_NEIGHBOURHOODS = [
    "Centre-ville",
    "Centre-ville",
    "Rive droite",
    "Saint-Siméon",
    "Sainte-Geneviève",
    "Les Rosoirs",
    "Saint-Gervais",
    "Les Piedalloues",
    "Saint-Amâtre",
    "Les Brichères",
]

_EXTRA_SURNAMES = [
    "Le Goff",
    "N'Diaye",
    "Saint-Just",
    "Le Gall",
    "Diallo",
    "Nguyen",
    "Benali",
    "Traoré",
    "Lemaître",
    "Dupuis-Gaillard",
    "Da Costa",
    "Saint-Martin",
    "Zébulon",
    "Œillet",
]
_EXTRA_GIVEN = [
    "Jean-Pierre",
    "Marie-Claude",
    "Anne-Sophie",
    "Jean-Baptiste",
    "Marie-Hélène",
    "Pierre-Yves",
    "Éléonore",
    "Aminata",
    "Yann",
    "Héloïse",
]
_SHOWCASE_CALLERS = [
    ("Zébulon", "Éléonore"),
    ("N'Diaye", "Aminata"),
    ("Le Goff", "Yann"),
    ("Saint-Just", "Héloïse"),
    ("Lefèvre", "Jean-Pierre"),
]
_EMAIL_DOMAINS = ["orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr", "wanadoo.fr"]
_ADDRESS_EXTRAS = [
    "Appartement {n}",
    "Bâtiment B",
    "Résidence les Tilleuls",
    "3e étage",
    "Escalier C",
    "Porte {n}",
]
_CALLER_NOTES = [
    "Malentendant : parler fort et lentement.",
    "Préfère être rappelé après 17 h.",
    "Gardien de l'immeuble.",
    "Appelle souvent pour le même secteur.",
    "Présidente du conseil de quartier.",
]
