"""Phone parsing, display and search digits (DESIGN §3, Caller)."""

from __future__ import annotations

import pytest

from allo_tui.domain.phone import ParsedPhone, is_phone_like, parse_phone, phone_query_digits


@pytest.mark.parametrize(
    "raw",
    [
        "03 86 12 34 56",
        "0386123456",
        "+33 3 86 12 34 56",
        "0033386123456",
        "03.86.12.34.56",
        "03-86-12-34-56",
        "+33 (0)3 86 12 34 56",
        "  03 86 12 34 56  ",
    ],
)
def test_spellings_of_one_french_number_give_the_same_e164(raw: str) -> None:
    parsed = parse_phone(raw)
    assert parsed.valid
    assert parsed.e164 == "+33386123456"
    assert parsed.stored == "+33386123456"
    assert parsed.display == "03 86 12 34 56"
    assert parsed.raw == raw.strip()


@pytest.mark.parametrize(
    ("raw", "e164", "display"),
    [
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("0756123456", "+33756123456", "07 56 12 34 56"),
        ("+33 7 81 23 45 67", "+33781234567", "07 81 23 45 67"),
    ],
)
def test_french_mobile_numbers_are_valid(raw: str, e164: str, display: str) -> None:
    parsed = parse_phone(raw)
    assert parsed.valid
    assert parsed.e164 == e164
    assert parsed.display == display


def test_french_number_indexes_national_and_international_digits() -> None:
    assert parse_phone("03 86 12 34 56").search_digits == "0386123456 33386123456"


def test_foreign_number_is_shown_in_international_format() -> None:
    parsed = parse_phone("+44 20 7946 0958")
    assert parsed.valid
    assert parsed.e164 == "+442079460958"
    assert parsed.display == "+44 20 7946 0958"
    assert parsed.search_digits == "02079460958 442079460958"


def test_overseas_number_in_national_format_gets_its_own_country_code() -> None:
    parsed = parse_phone("0590 26 79 20")
    assert parsed.valid
    assert parsed.e164 == "+590590267920"
    assert parsed.display == "0590 26 79 20"
    assert parsed.search_digits == "0590267920 590590267920"


@pytest.mark.parametrize(
    "raw",
    ["12", "abc", "03 86", "", "0386123456789", "03 86 12 34 56 poste 12", "07 12 34 56 78"],
)
def test_unparseable_input_is_kept_as_typed_and_flagged(raw: str) -> None:
    parsed = parse_phone(raw)
    assert not parsed.valid
    assert parsed.e164 is None
    assert parsed.raw == raw
    assert parsed.display == raw
    assert parsed.stored == raw


def test_invalid_number_indexes_only_the_digits_typed() -> None:
    assert parse_phone("03 86").search_digits == "0386"
    assert parse_phone("abc").search_digits == ""


def test_parsed_phone_is_immutable() -> None:
    parsed = parse_phone("0386123456")
    assert isinstance(parsed, ParsedPhone)
    with pytest.raises(AttributeError):
        parsed.raw = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("0386", True),
        ("03 86 12", True),
        ("03.86.12.34.56", True),
        ("+33 (0)3 86", True),
        ("03/86-12", True),
        ("038", False),
        ("Martin", False),
        ("rue 12345", False),
        ("03 86 a", False),
        ("", False),
        ("  ", False),
    ],
)
def test_is_phone_like_accepts_only_number_punctuation_and_four_digits(
    query: str, expected: bool
) -> None:
    assert is_phone_like(query) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("0033 3 86", "33386"),
        ("+33 3 86", "33386"),
        ("03 86 12", "038612"),
        ("+33 (0)3 86 12", "3338612"),
        ("0033 (0)3 86", "33386"),
        ("06.12.34", "061234"),
    ],
)
def test_phone_query_digits_drop_international_prefixes(query: str, expected: str) -> None:
    assert phone_query_digits(query) == expected


@pytest.mark.parametrize("query", ["0033 3 86 12", "+33 3 86 12", "03 86 12", "86 12 34"])
def test_every_spelling_of_a_query_finds_the_indexed_number(query: str) -> None:
    indexed = parse_phone("03 86 12 34 56").search_digits
    assert phone_query_digits(query) in indexed
