"""Reading a street file for `allo import streets`: the national address base's CSV (BAN,
`adresses-*.csv`, one row per address, column `nom_voie`) or a FANTOIR-style register
(`nature;libelle;categorie`, as in shared/data). Each gives (name, kind) pairs, one per
street, and the lines that could not be read with their reason."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from allo_tui.domain.street_names import EXCLUDED, format_name
from allo_tui.domain.text import fold

MAX_NAME = 200
"""The width of `streets.name`."""


@dataclass
class StreetFile:
    """What a street file holds: (name, kind) pairs in file order, first spelling kept, and the
    rejected lines as (line number, reason)."""

    format: str
    streets: list[tuple[str, str]] = field(default_factory=list)
    rejects: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0


def read_streets(lines: Iterable[str]) -> StreetFile:
    """Parse a BAN or FANTOIR-style file (`;`-separated, header on the first line)."""
    reader = csv.reader(lines, delimiter=";")
    try:
        header = [column.strip().lstrip("\ufeff").lower() for column in next(reader)]
    except StopIteration:
        raise ValueError("fichier vide") from None
    if "nom_voie" in header:
        result = StreetFile("BAN")
        name_at, kind_at, nature_at = header.index("nom_voie"), None, None
    elif "libelle" in header:
        result = StreetFile("FANTOIR")
        name_at = header.index("libelle")
        nature_at = header.index("nature") if "nature" in header else None
        kind_at = header.index("categorie") if "categorie" in header else None
    else:
        raise ValueError("ni colonne nom_voie (BAN) ni colonne libelle (FANTOIR)")
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        if len(row) <= name_at:
            result.rejects.append((line, "colonnes manquantes"))
            continue
        raw = " ".join(row[name_at].split())
        if not raw:
            result.rejects.append((line, "nom de voie vide"))
            continue
        if result.format == "FANTOIR":
            if raw in EXCLUDED:
                continue  # not a place: left out, as in the seeded register
            nature = row[nature_at].strip() if nature_at is not None else ""
            name = format_name(nature, raw)
            category = row[kind_at].strip() if kind_at is not None and kind_at < len(row) else ""
            kind = "voie" if category in ("voie", "") else "lieu-dit"
        else:
            name, kind = raw, "voie"
        if len(name) > MAX_NAME:
            result.rejects.append((line, f"nom de plus de {MAX_NAME} caractères"))
            continue
        key = fold(name)
        if key in seen:
            index = seen[key]
            if kind == "voie" and result.streets[index][1] != "voie":
                result.streets[index] = (result.streets[index][0], "voie")
            continue
        seen[key] = len(result.streets)
        result.streets.append((name, kind))
    return result
