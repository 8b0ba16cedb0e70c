"""Phone numbers: parse what the operator typed, store E.164, index digits for search.

A number that does not parse is never rejected: it is kept exactly as typed and
flagged (`valid=False`), so a caller can always be recorded (DESIGN §3, Caller).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:  # `phonenumbers` (10 ms to import) loads on the first parse, off start-up
    import phonenumbers

# French overseas departments and communities share the French national plan:
# dialled from mainland France as "0590 12 34 56", but they have their own country
# codes (+590, +594...). A national-format number that is not valid in metropolitan
# France is tried against these regions before being flagged.
_OVERSEAS_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "PM")
# Regions whose numbers are shown in national format ("0590 26 79 20" is how a
# French operator writes a Guadeloupe number); other countries use international format.
_FRENCH_PLAN_REGIONS = frozenset({"FR", *_OVERSEAS_REGIONS, "BL", "MF"})

_PHONE_LIKE = re.compile(r"[\d\s.\-/()+]+")
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")  # the "(0)" of "+33 (0)3 86 12 34 56"
_NON_DIGITS = re.compile(r"\D")
_MIN_QUERY_DIGITS = 4


class ParsedPhone(msgspec.Struct, frozen=True):
    """A phone number as typed, with its normalised forms when it is valid."""

    raw: str
    """What the operator typed, stripped of surrounding blanks."""
    e164: str | None
    """E.164 form ("+33386123456") when the number is valid, else None."""
    display: str
    """National format for French numbers, international for foreign ones, raw when invalid."""
    valid: bool
    """False when the number did not parse as valid: kept as typed and flagged."""
    search_digits: str
    """Space-separated digit forms to index for substring search."""

    @property
    def stored(self) -> str:
        """The value to store: E.164 when valid, else the raw text."""
        return self.e164 or self.raw


def _digits(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def _invalid(raw: str) -> ParsedPhone:
    return ParsedPhone(raw=raw, e164=None, display=raw, valid=False, search_digits=_digits(raw))


def _try_parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    import phonenumbers
    from phonenumbers import NumberParseException

    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _is_national_format(text: str) -> bool:
    """True for "0590 ..." style input (not "+..." nor "00 ...")."""
    digits = _digits(text)
    return not text.startswith("+") and digits.startswith("0") and not digits.startswith("00")


def parse_phone(raw: str, region: str = "FR") -> ParsedPhone:
    """Parse a phone number typed by an operator.

    `region` is the default region for numbers typed without a country code.
    "03 86 12 34 56", "0386123456", "+33 3 86 12 34 56", "0033386123456" and
    "03.86.12.34.56" all give the same `e164`. Anything that is not a valid number
    ("12", "abc", "03 86") is returned with `valid=False` and kept as typed.
    """
    text = raw.strip()
    if not text or any(ch.isalpha() for ch in text):
        # phonenumbers maps letters to keypad digits ("poste" -> 76783); a typed
        # extension or a name is not a number we can normalise.
        return _invalid(text)
    number = _try_parse(text, region)
    if number is None and region.upper() == "FR" and _is_national_format(text):
        for overseas in _OVERSEAS_REGIONS:
            number = _try_parse(text, overseas)
            if number is not None:
                break
    if number is None:
        return _invalid(text)

    import phonenumbers
    from phonenumbers import PhoneNumberFormat

    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if phonenumbers.region_code_for_number(number) in _FRENCH_PLAN_REGIONS:
        display = national
    else:
        display = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    forms: list[str] = []
    for form in (_digits(national), e164.removeprefix("+")):
        if form and form not in forms:
            forms.append(form)
    return ParsedPhone(
        raw=text, e164=e164, display=display, valid=True, search_digits=" ".join(forms)
    )


def is_phone_like(query: str) -> bool:
    """True when a search query looks like (part of) a phone number.

    Only digits, blanks, dots, dashes, slashes, parentheses and '+' are allowed,
    with at least four digits.
    """
    text = query.strip()
    if not text or not _PHONE_LIKE.fullmatch(text):
        return False
    return len(_digits(text)) >= _MIN_QUERY_DIGITS


def phone_query_digits(query: str) -> str:
    """Digits of a phone-like query, normalised to match `ParsedPhone.search_digits`.

    The leading '+' and the leading '00' international prefix are dropped, and so
    is a "(0)" trunk marker: "0033 3 86" -> "33386", "+33 (0)3 86" -> "33386",
    "03 86 12" -> "038612".
    """
    text = query.strip()
    digits = _digits(text)
    if text.startswith("+") or digits.startswith("00"):
        digits = _digits(_TRUNK_ZERO.sub("", text))
        if digits.startswith("00"):
            digits = digits[2:]
    return digits
