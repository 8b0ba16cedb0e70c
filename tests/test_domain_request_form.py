"""The new-request form's rules that need no screen (allo_tui.domain.request_form)."""

from datetime import timedelta

import pytest

from allo_tui.domain.records import CategoryRecord, ServiceRecord
from allo_tui.domain.request_form import (
    category_matches,
    service_matches,
    split_leading_number,
    street_typed_after_number,
    target_phrase,
    thousands,
)


def test_target_phrase_says_what_each_urgency_promises():
    assert target_phrase(1, timedelta(hours=1)) == "sur place sous 1 h"
    assert target_phrase(2, timedelta(minutes=90)) == "sous 1 h 30"
    assert target_phrase(3, timedelta(days=10)) == "sous 10 jours"
    assert target_phrase(4, None).startswith("sans intervention")


def test_split_leading_number_keeps_bis_and_ter_with_the_number():
    assert split_leading_number("12 rue du Temple") == ("12", "rue du Temple")
    assert split_leading_number("12 bis, rue X") == ("12 bis", "rue X")
    assert split_leading_number("rue X") == ("", "rue X")


def test_thousands_groups_digits_the_french_way():
    assert thousands(4000) == "4\u202f000"


def test_category_and_service_match_every_typed_word_start_without_accents():
    lamp = CategoryRecord(1, "ECL", "Éclairage public", 7, "Voirie", 3)
    trash = CategoryRecord(2, "DEP", "Dépôt sauvage", 8, "Propreté", 2)
    assert category_matches("ecl pub", [lamp, trash]) == [lamp]
    assert category_matches("", [lamp, trash]) == [lamp, trash]
    road = ServiceRecord(7, "VOI", "Voirie")
    clean = ServiceRecord(8, "PRO", "Propreté")
    assert service_matches("prop", [road, clean]) == [clean]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12 r", ("12", "r")),
        ("12 rue du Temple", ("12", "rue du Temple")),
        ("12 bis rue X", ("12 bis", "rue X")),
        ("12 bo", ("12", "bo")),
        ("12 b", None),  # maybe 12 bis
        ("12 qua", None),  # maybe 12 quater
        ("12 A", None),  # 12 A
        ("12 ", None),
        ("12", None),
        ("rue", None),
    ],
)
def test_a_street_typed_after_the_number_is_told_from_a_suffix(typed, expected) -> None:
    assert street_typed_after_number(typed) == expected
