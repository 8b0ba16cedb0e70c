"""The demo data generator: callers that look French and live in Auxerre, phone numbers as
parse_phone gives them, their calls, and the demo operators.
"""

from __future__ import annotations

import re

from demo_helpers import (
    read_only,
)

from allo_tui.demo.examples import EXAMPLE_REQUESTS

# -- callers, phones, calls, operators ----------------------------------------------------------


def test_callers_look_french_and_live_in_auxerre(auxerre):
    from allo_tui.domain.streets import shipped_streets

    streets = {street.name for street in shipped_streets()}
    path, _summary = auxerre
    with read_only(path) as connection:
        rows = connection.execute(
            "SELECT surname, given_name, street, postcode, city, email, contact_preference"
            " FROM callers"
        ).fetchall()
        two = connection.execute(
            "SELECT count(*) FROM (SELECT caller_id FROM caller_phones GROUP BY caller_id"
            " HAVING count(*) = 2)"
        ).fetchone()[0]
    surnames = {row[0] for row in rows}
    assert {"Zébulon", "N'Diaye", "Le Goff", "Saint-Just"} <= surnames
    assert any(re.search("[éèêëïç]", row[0] + row[1], re.IGNORECASE) for row in rows)
    for surname, given, street, postcode, city, email, preference in rows:
        assert surname and given
        assert street in streets
        assert (postcode, city) == ("89000", "Auxerre")
        assert email == "" or re.match(r"^[a-z0-9.]+@[a-z.]+$", email), email
        assert preference in ("phone", "letter", "email", "none")
        assert email or preference != "email"
    assert 0.15 < two / len(rows) < 0.35


def test_phone_numbers_are_what_parse_phone_gives(auxerre):
    from allo_tui.domain.phone import parse_phone

    path, _summary = auxerre
    with read_only(path) as connection:
        rows = connection.execute(
            "SELECT caller_id, number, display, valid, search_digits, position FROM caller_phones"
            " ORDER BY id"
        ).fetchall()
    assert len({row[1] for row in rows}) == len(rows)
    assert rows == sorted(rows, key=lambda row: (row[0], row[5]))
    prefixes = {row[2][:5] for row in rows}
    assert "03 86" in prefixes and ("06 0" in {p[:4] for p in prefixes})
    for _caller, number, display, valid, digits, _position in rows[::7]:
        parsed = parse_phone(display)
        assert parsed.valid and valid == 1
        assert (parsed.e164, parsed.display, parsed.search_digits) == (number, display, digits)


def test_calls(auxerre):
    path, summary = auxerre
    with read_only(path) as connection:
        outcomes = dict(connection.execute("SELECT outcome, count(*) FROM calls GROUP BY outcome"))
        per_request = connection.execute(
            "SELECT count(*), count(DISTINCT request_id) FROM calls WHERE request_id IS NOT NULL"
        ).fetchone()
        durations = connection.execute(
            "SELECT min(d), max(d) FROM (SELECT (julianday(ended_at) - julianday(started_at))"
            " * 86400 AS d FROM calls WHERE outcome = 'request_created')"
        ).fetchone()
        mismatched = connection.execute(
            "SELECT count(*) FROM calls c JOIN requests r ON r.id = c.request_id"
            " WHERE c.caller_id IS NOT r.caller_id OR c.operator_id != r.created_by_id"
            " OR c.started_at > r.created_at OR c.ended_at < r.created_at"
        ).fetchone()[0]
        phones = connection.execute(
            "SELECT count(*) FROM calls c WHERE c.caller_id IS NOT NULL AND c.phone NOT IN"
            " (SELECT number FROM caller_phones WHERE caller_id = c.caller_id)"
        ).fetchone()[0]
    assert outcomes.pop("request_created") == summary.requests
    assert set(outcomes) == {"information", "transferred", "wrong_number", "hung_up"}
    assert sum(outcomes.values()) == (summary.requests - EXAMPLE_REQUESTS) // 3
    assert per_request == (summary.requests, summary.requests)
    assert 55 <= durations[0] and durations[1] <= 6 * 60
    assert mismatched == 0
    assert phones == 0


def test_demo_operators(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        operators = dict(connection.execute("SELECT login, role FROM operators"))
        used = {row[0] for row in connection.execute("SELECT DISTINCT operator_id FROM events")}
    assert operators["amartin"] == "operator"
    assert operators["bdurand"] == "operator"
    assert operators["csuper"] == "supervisor"
    assert operators["dmoreau"] == operators["iroux"] == "service"
    assert set(operators.values()) <= {"operator", "supervisor", "admin", "service"}
    with read_only(path) as connection:
        attached = dict(
            connection.execute(
                "SELECT o.login, s.code FROM operator_services AS a"
                " JOIN operators AS o ON o.id = a.operator_id"
                " JOIN services AS s ON s.id = a.service_id"
            )
        )
    assert attached["dmoreau"] == "VOIRIE" and attached["iroux"] == "EMI"
    assert len(used) >= 5
