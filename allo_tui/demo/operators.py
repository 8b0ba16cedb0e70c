"""The demo operators: hostesses, supervisors, and one agent (role `service`) per technical
service and for the mobile team, attached to their service. Each named demo login has the
password `demo-LOGIN` (`demo_password`), for the login screen of `allo serve`; a demo login
that already exists keeps its role, services and password."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import unicodedata
from dataclasses import dataclass

from allo_tui.demo.constants import REQUESTS_PER_YEAR
from allo_tui.domain.passwords import hash_password


@dataclass(frozen=True)
class _Operator:
    id: int
    login: str
    role: str
    team: str  # "accueil", "supervision", "admin" or a service code
    console: str


_DEMO_OPERATORS = [
    # login, display name, role, team
    ("amartin", "Anne Martin", "operator", "accueil"),
    ("bdurand", "Brigitte Durand", "operator", "accueil"),
    ("csuper", "Claire Supervielle", "supervisor", "supervision"),
    ("dmoreau", "Didier Moreau", "service", "VOIRIE"),
    ("elefevre", "Éric Lefèvre", "service", "PROPRETE"),
    ("fgarnier", "Fabienne Garnier", "service", "ESPVERTS"),
    ("gbernard", "Gilles Bernard", "service", "ECLAIRAGE"),
    ("hpetit", "Hugo Petit", "service", "SIGNAL"),
    ("iroux", "Isabelle Roux", "service", "EMI"),
    ("admin", "Administrateur allo", "admin", "admin"),
]


DEMO_LOGINS = tuple((login, name, role) for login, name, role, _team in _DEMO_OPERATORS)
"""The named demo logins: (login, display name, role)."""


def demo_password(login: str) -> str:
    """The demo password of `login` (printed by `allo demo`)."""
    return f"demo-{login}"


def demo_passwords_text() -> str:
    """The demo logins and their passwords, one line each, as `allo demo` prints them."""
    lines = ["Identifiants de démonstration (allo serve, allo --login) :"]
    for login, name, role in DEMO_LOGINS:
        lines.append(f"  {login:<10} {demo_password(login):<15} {role:<11} {name}")
    return "\n".join(lines)


def _insert_operators(
    connection: sqlite3.Connection, n_requests: int, seed: int
) -> list[_Operator]:
    """The demo operators; a city-sized build gets more hostesses, supervisors and team leads."""
    wanted = list(_DEMO_OPERATORS)
    calls_per_year = min(n_requests, REQUESTS_PER_YEAR) * 4 // 3
    extra = min(58, max(0, round(calls_per_year / 3_000) - 2))
    if extra:
        from faker.providers.person.fr_FR import Provider

        rng = random.Random(seed + 1)
        logins = {login for login, *_rest in wanted}
        teams = ["accueil"] * extra + ["supervision"] * max(1, extra // 8)
        for code in ("VOIRIE", "PROPRETE", "ESPVERTS", "ECLAIRAGE", "SIGNAL", "EMI"):
            teams += [code] * max(1, extra // 10)
        for team in teams:
            given = rng.choice(Provider.first_names_female + Provider.first_names_male)
            surname = rng.choice(Provider.last_names)
            base = (_slug(given)[:1] + _slug(surname)).lower()
            login, number = base, 1
            while login in logins:
                number += 1
                login = f"{base}{number}"
            logins.add(login)
            role = {"supervision": "supervisor", "accueil": "operator"}.get(team, "service")
            wanted.append((login, f"{given} {surname}", role, team))
    created = "2020-01-06 07:00:00.000000"
    connection.executemany(
        "INSERT OR IGNORE INTO operators (login, display_name, role, active, created_at)"
        " VALUES (?, ?, ?, 1, ?)",
        [(login, name, role, created) for login, name, role, _team in wanted],
    )
    connection.executemany(
        "UPDATE operators SET password_hash = ? WHERE login = ? AND password_hash = ''",
        [
            (hash_password(demo_password(login), _demo_salt(seed, login)), login)
            for login, *_rest in DEMO_LOGINS
        ],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO operator_services (operator_id, service_id)"
        " SELECT o.id, s.id FROM operators AS o JOIN services AS s ON s.code = ?"
        " WHERE o.login = ?",
        [(team, login) for login, _name, role, team in wanted if role == "service"],
    )
    ids = dict(connection.execute("SELECT login, id FROM operators"))
    operators = []
    consoles = 0
    for login, _name, role, team in wanted:
        console = ""
        if team == "accueil":
            consoles += 1
            console = f"accueil-{consoles}"
        operators.append(_Operator(ids[login], login, role, team, console))
    return operators


def _demo_salt(seed: int, login: str) -> bytes:
    """The salt of a demo password: the same seed builds the same database, byte for byte."""
    return hashlib.sha256(f"allo-demo:{seed}:{login}".encode()).digest()[:16]


def _slug(text: str) -> str:
    """ASCII letters and digits of a name, lower case ("N'Diaye" -> "ndiaye")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe"))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()
