"""The personal-data scrubber of free text (domain/scrubber.py)."""

from __future__ import annotations

import pytest

from allo_tui.domain.scrubber import EMAIL_MARK, PHONE_MARK, scrub, scrub_text


@pytest.mark.parametrize(
    "phone",
    [
        "03 86 12 34 56",
        "0386123456",
        "03.86.12.34.56",
        "03-86-12-34-56",
        "+33 3 86 12 34 56",
        "+33 (0)6.12.34.56.78",
        "0033 612345678",
    ],
)
def test_phone_numbers_are_replaced(phone: str) -> None:
    result = scrub(f"Rappeler au {phone} demain.")
    assert result.text == f"Rappeler au {PHONE_MARK} demain."
    assert result.phones == 1
    assert result.changed


def test_email_addresses_are_replaced() -> None:
    result = scrub("Écrire à jean.dupont+mairie@exemple.fr ou à M.Élise@ville-auxerre.fr.")
    assert result.text == f"Écrire à {EMAIL_MARK} ou à {EMAIL_MARK}."
    assert result.emails == 2


@pytest.mark.parametrize(
    "text",
    [
        "Nid-de-poule au 12 rue de Paris, 89000 Auxerre",
        "Signalé le 12/03/2024 à 14:30",
        "Lampadaire n° 1234",
        "",
    ],
)
def test_dates_street_numbers_and_postcodes_stay(text: str) -> None:
    result = scrub(text)
    assert result.text == text
    assert not result.changed


def test_extra_strings_are_removed_case_insensitively() -> None:
    assert scrub_text("Mme DUPONT a rappelé", extra=("Dupont", " ")) == "Mme […] a rappelé"
