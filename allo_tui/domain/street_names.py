"""Street names of the FANTOIR register as people write them ("RUE;DU TEMPLE" -> "Rue du
Temple"), for `allo import streets`; the same rules as `tools/build_streets.py`, which built the
register seeded by migration 0007, so an import of the same register finds every name present.
"""

from __future__ import annotations

import re
import unicodedata

# Street type of the `nature` column (FANTOIR codes included).
NATURES = {
    "ACH": "Ancien Chemin",
    "ALLEE": "Allée",
    "AVENUE": "Avenue",
    "BOULEVARD": "Boulevard",
    "CAN": "Canal",
    "CHEMIN": "Chemin",
    "CITE": "Cité",
    "COUR": "Cour",
    "CR": "Chemin Rural",
    "CRS": "Cours",
    "ESPLANADE": "Esplanade",
    "GR": "Grande Rue",
    "IMPASSE": "Impasse",
    "LIEU-DIT": "",
    "LOT": "Lotissement",
    "PARC": "Parc",
    "PASSAGE": "Passage",
    "PASSERELLE": "Passerelle",
    "PCH": "Petit Chemin",
    "PLACE": "Place",
    "PONT": "Pont",
    "PROMENADE": "Promenade",
    "QUAI": "Quai",
    "REMPART": "Rempart",
    "RESIDENCE": "Résidence",
    "ROUTE": "Route",
    "RUE": "Rue",
    "RUELLE": "Ruelle",
    "RUISSEAU": "Ruisseau",
    "SENTIER": "Sentier",
    "SQUARE": "Square",
    "VOIE": "Voie",
    "": "",
}

# Abbreviations found inside the names of the register.
ABBREVIATIONS = {
    "AL": "Allée",
    "ALL": "Allée",
    "ANC": "Ancien",
    "AV": "Avenue",
    "AVE": "Avenue",
    "BD": "Boulevard",
    "BRD": "Boulevard",
    "CDT": "Commandant",
    "CHE": "Chemin",
    "CHEM": "Chemin",
    "COL": "Colonel",
    "DR": "Docteur",
    "FG": "Faubourg",
    "GAL": "Général",
    "GEN": "Général",
    "IMP": "Impasse",
    "MAL": "Maréchal",
    "PCE": "Place",
    "PDT": "Président",
    "PL": "Place",
    "PROL": "Prolongée",
    "QRT": "Quartier",
    "R": "Rue",
    "RES": "Résidences",
    "RTE": "Route",
    "ST": "Saint",
    "STE": "Sainte",
}

# Words that introduce a street inside a name: an article right after one starts a name.
STREET_TYPES = {value for value in NATURES.values() if value} | set(ABBREVIATIONS.values())

# The only accents added: common words and well-known names, never guessed.
ACCENTS = {
    "ABBE": "Abbé",
    "ALLEE": "Allée",
    "AMPERE": "Ampère",
    "ANDRE": "André",
    "AOUT": "Août",
    "ARAIGNEE": "Araignée",
    "ARETES": "Arêtes",
    "BARRIERE": "Barrière",
    "BASTIE": "Bastié",
    "BEARN": "Béarn",
    "BECAUD": "Bécaud",
    "BELVEDERE": "Belvédère",
    "BEZE": "Bèze",
    "BLERIOT": "Blériot",
    "BRULEE": "Brûlée",
    "BRUYERE": "Bruyère",
    "BRUYERES": "Bruyères",
    "CARRE": "Carré",
    "CARRIERES": "Carrières",
    "CEVENNES": "Cévennes",
    "CEZANNE": "Cézanne",
    "CHATEAU": "Château",
    "CHEVRE": "Chèvre",
    "CHEVRES": "Chèvres",
    "CIMETIERE": "Cimetière",
    "CITE": "Cité",
    "CITROEN": "Citroën",
    "CLAIRIERE": "Clairière",
    "CLEMENT": "Clément",
    "COTE": "Côte",
    "COTES": "Côtes",
    "ECOLE": "École",
    "ECOLES": "Écoles",
    "EGALITE": "Égalité",
    "EGLISE": "Église",
    "EMILE": "Émile",
    "EPEE": "Épée",
    "EPERON": "Éperon",
    "ESTEREL": "Estérel",
    "ETANG": "Étang",
    "ETAPE": "Étape",
    "ETIENNE": "Étienne",
    "EUGENE": "Eugène",
    "EUSEBE": "Eusèbe",
    "EXUPERY": "Exupéry",
    "FAIENCERIE": "Faïencerie",
    "FERRE": "Ferré",
    "FERREE": "Ferrée",
    "FRANCAISE": "Française",
    "FRANCOIS": "François",
    "FRATERNITE": "Fraternité",
    "FREDERIC": "Frédéric",
    "FRERES": "Frères",
    "GENERAL": "Général",
    "GENEVIEVE": "Geneviève",
    "GERARD": "Gérard",
    "HELENE": "Hélène",
    "HOTEL": "Hôtel",
    "HUEES": "Huées",
    "IENA": "Iéna",
    "ILE": "Île",
    "JAURES": "Jaurès",
    "JOSEPHINE": "Joséphine",
    "LAICITE": "Laïcité",
    "LAMBARENE": "Lambaréné",
    "LATECOERE": "Latécoère",
    "LATERAL": "Latéral",
    "LEO": "Léo",
    "LEON": "Léon",
    "LEPERE": "Lepère",
    "LIBERTE": "Liberté",
    "LUMIERE": "Lumière",
    "LYCEE": "Lycée",
    "MALADIERE": "Maladière",
    "MARECHAL": "Maréchal",
    "MESANGES": "Mésanges",
    "MOLIERE": "Molière",
    "MONETEAU": "Monéteau",
    "NOEL": "Noël",
    "NOGUES": "Noguès",
    "ORLEANAIS": "Orléanais",
    "PATIS": "Pâtis",
    "PATISSIER": "Pâtissier",
    "PAVE": "Pavé",
    "PECHEURS": "Pêcheurs",
    "PEGUY": "Péguy",
    "PENSEES": "Pensées",
    "PEROUSE": "Pérouse",
    "PLATRIERE": "Plâtrière",
    "POINCARE": "Poincaré",
    "PREFECTURE": "Préfecture",
    "PRES": "Prés",
    "PRESIDENT": "Président",
    "PREVOYANCE": "Prévoyance",
    "PRIVE": "Privé",
    "PRIVEE": "Privée",
    "PYRENEES": "Pyrénées",
    "REGIMENT": "Régiment",
    "RENARDIERE": "Renardière",
    "RENE": "René",
    "RENEE": "Renée",
    "REPUBLIQUE": "République",
    "RESIDENCE": "Résidence",
    "RESISTANCE": "Résistance",
    "SECHE": "Sèche",
    "SEVIGNE": "Sévigné",
    "SIMEON": "Siméon",
    "THEODORE": "Théodore",
    "VALLEE": "Vallée",
}

# Lower case inside a name (the first word of a name is always capitalised).
PARTICLES = {
    "A": "à",
    "AU": "au",
    "AUX": "aux",
    "DE": "de",
    "DES": "des",
    "DU": "du",
    "EN": "en",
    "ET": "et",
    "LA": "la",
    "LE": "le",
    "LES": "les",
    "SOUS": "sous",
    "SUR": "sur",
}
ARTICLES = {"LA", "LE", "LES"}

# Rows whose abbreviations depend on the context: the whole name is given.
OVERRIDES = {
    "S GENEVIEVE A WEYGAND": "Cité Sainte Geneviève Avenue Weygand",
    "S GENEVIEVE AL GERARD": "Cité Sainte Geneviève Allée Gérard",
    "S GENEVIEVE AVE INGRE": "Cité Sainte Geneviève Avenue Ingre",
    "S GENEVIEVE DELACROIX": "Cité Sainte Geneviève Delacroix",
    "S GENEVIEVE FRAGONARD": "Cité Sainte Geneviève Fragonard",
    "S GENEVIEVE PL COROT": "Cité Sainte Geneviève Place Corot",
    "LES ROSOIRS AVE 4EME R I": "Les Rosoirs Avenue 4e R I",
}

# Not a place anyone lives or reports a problem at.
EXCLUDED = {"LIMITE ADMINISTRATIVE"}

KEEP_UPPER = re.compile(r"^(?:[IVX]+|HLM|CR|RN|ZI|ZA)$")
ORDINAL = re.compile(r"^(\d+)EME$")


def fold(text: str) -> str:
    """Sort key: no accents, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _capitalise(word: str) -> str:
    """One word of the register as written: accents from the table, hyphens kept."""
    if word in ACCENTS:
        return ACCENTS[word]
    if KEEP_UPPER.match(word) or word.isdigit():
        return word
    ordinal = ORDINAL.match(word)
    if ordinal:
        return f"{ordinal.group(1)}e"
    return "-".join(part[:1] + part[1:].lower() for part in word.split("-"))


def _tokens(libelle: str) -> list[str]:
    """Split a name into words; "L'ESPLANADE" and "D ARC" give elided tokens "L'", "D'"."""
    text = re.sub(r"\s+-\s*|\s*-\s+|\s+-(?=[A-Z])", " - ", libelle.strip())
    text = re.sub(r"\b([DL])'", r"\1' ", text)
    words = text.split()
    tokens: list[str] = []
    for index, word in enumerate(words):
        if word in ("D", "L") and index + 1 < len(words) and words[index + 1] != "-":
            tokens.append(word + "'")
        else:
            tokens.append(word)
    return tokens


def format_name(nature: str, libelle: str) -> str:
    """The name of one row of the register, cased as people write it."""
    libelle = " ".join(libelle.split())
    if libelle in OVERRIDES:
        return OVERRIDES[libelle]
    prefix = NATURES.get(nature, "")
    words: list[str] = []
    for index, token in enumerate(_tokens(libelle)):
        starts_name = index == 0 and not prefix  # first word of the whole name
        after_type = (index == 0 and bool(prefix)) or (bool(words) and words[-1] in STREET_TYPES)
        if token in ("D'", "L'"):
            word = token if starts_name else token.lower()
        elif token in ABBREVIATIONS:
            word = ABBREVIATIONS[token]
        elif token in PARTICLES:
            if starts_name or (token in ARTICLES and after_type):
                word = token.capitalize()
            else:
                word = PARTICLES[token]
        else:
            word = _capitalise(token)
        words.append(word)
    text = " ".join(words).replace("' ", "'")
    if not prefix:
        return text
    folded, folded_prefix = fold(text), fold(prefix)
    without_article = folded.split(" ", 1)[1] if folded.split(" ")[0] in ("la", "le", "les") else ""
    for start in (folded, without_article):
        if start == folded_prefix or start.startswith(folded_prefix + " "):
            return text  # "GR" + "GRANDE RUE", "PASSERELLE" + "LA PASSERELLE"
    return f"{prefix} {text}"
