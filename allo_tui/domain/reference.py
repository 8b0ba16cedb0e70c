"""Request references: `YYYY-NNNNN`, and the forms people type them in."""

from __future__ import annotations

import re


def format_reference(year: int, sequence: int) -> str:
    """`YYYY-NNNNN`, zero-padded to 5 digits and longer past 99,999."""
    return f"{year}-{sequence:05d}"


REFERENCE_PATTERN = re.compile(r"(\d{4})\s*[-/]\s*(\d{1,9})")
"""A full reference as people type it ("2026-00042", "2026 / 42")."""


SHORT_REFERENCE_PATTERN = re.compile(r"0\d{4,8}")
"""This year's reference typed without its year, with its leading zero ("00042")."""


def normalise_reference(text_value: str, current_year: int) -> str | None:
    """ "2026-00042" stays; "00042" or "42" with a leading zero run means this year's; else None."""
    value = text_value.strip()
    match = REFERENCE_PATTERN.fullmatch(value)
    if match:
        return format_reference(int(match.group(1)), int(match.group(2)))
    if SHORT_REFERENCE_PATTERN.fullmatch(value):
        return format_reference(current_year, int(value))
    return None
