"""Scrubbing personal data out of free text (GDPR): phone numbers and e-mail addresses.

Used by the anonymisation of callers (retention purge, erasure on request) on descriptions,
notes and answers, and meant to be reused wherever free text leaves the town hall (Open311 API).
The scrubber is deliberately generous: a run of 8 or more digits, possibly split by spaces,
dots or dashes, with an optional "+CC" or "00CC" prefix, counts as a phone number
("03 86 12 34 56", "+33 (0)6.12.34.56.78", "0612345678"); dates ("12/03/2024") and street
numbers stay because they have fewer digits per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PHONE_MARK = "[téléphone]"
EMAIL_MARK = "[courriel]"

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
# A phone number: optional international prefix, then digits in groups separated by at most one
# separator; the whole must hold at least 8 digits (checked in `_phone`).
_PHONE = re.compile(r"(?:(?:\+|00)\s?\d{1,3}[\s.\-]?(?:\(0\)[\s.\-]?)?)?\d(?:[\s.\-]?\d){7,}")
_MIN_PHONE_DIGITS = 8


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """The scrubbed text and how many phone numbers and e-mail addresses were replaced."""

    text: str
    phones: int = 0
    emails: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.phones or self.emails)


def scrub(text: str, *, extra: tuple[str, ...] = ()) -> Scrubbed:
    """`text` with e-mail addresses and phone numbers replaced by neutral marks.

    `extra` are further exact strings to remove (e.g. the caller's own e-mail or name as
    written); they are replaced case-insensitively by "[…]".
    """
    emails = 0
    phones = 0

    def _email(match: re.Match[str]) -> str:
        nonlocal emails
        emails += 1
        return EMAIL_MARK

    def _phone(match: re.Match[str]) -> str:
        nonlocal phones
        if sum(ch.isdigit() for ch in match.group()) < _MIN_PHONE_DIGITS:
            return match.group()
        phones += 1
        return PHONE_MARK

    result = _EMAIL.sub(_email, text)
    result = _PHONE.sub(_phone, result)
    for value in extra:
        if value.strip():
            result = re.sub(re.escape(value.strip()), "[…]", result, flags=re.IGNORECASE)
    return Scrubbed(result, phones, emails)


def scrub_text(text: str, *, extra: tuple[str, ...] = ()) -> str:
    """Only the scrubbed text of `scrub`."""
    return scrub(text, extra=extra).text
