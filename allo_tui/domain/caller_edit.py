"""The caller form's rules that need no screen: its fields, how the form was left, and merging
what was typed with a version another console saved meanwhile."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from allo_tui.domain.records import CallerRecord

TEXT_FIELDS = (
    "surname",
    "given_name",
    "email",
    "street_number",
    "street",
    "address_extra",
    "postcode",
    "city",
    "neighbourhood",
)
"""The form's one-line text boxes (the phones, the acknowledgement choice and the notes aside)."""
FIELDS = (
    "surname",
    "given_name",
    "phones",
    "email",
    "street_number",
    "street",
    "address_extra",
    "postcode",
    "city",
    "neighbourhood",
    "contact_preference",
    "notes",
)
"""Every field of the form, in form order."""


@dataclass(frozen=True, slots=True)
class CallerEditResult:
    """How the form was left: the caller saved, or another caller to open instead."""

    caller_id: int | None = None
    open_caller_id: int | None = None


@dataclass(frozen=True, slots=True)
class PhoneOwner:
    """A number typed in the form that another caller already has."""

    phone: str
    caller: CallerRecord


def filled_phones(phones: Iterable[str]) -> list[str]:
    """The phones typed, without blanks around them and without the empty boxes."""
    return [phone.strip() for phone in phones if phone.strip()]


def comparable(name: str, value: object) -> object:
    """A field's value as saving would store it (blanks around a line and blank phones do not
    count)."""
    if name == "phones":
        return tuple(phone.strip() for phone in value if phone.strip())  # type: ignore[attr-defined]
    if name == "notes":
        return str(value)
    return str(value).strip()


def merge_edit(
    opened: dict[str, object], theirs: dict[str, object], typed: dict[str, object]
) -> tuple[dict[str, object], list[str], list[str]]:
    """Merge what was typed with a version saved meanwhile by another console.

    `opened`: the values the form started from; `theirs`: the card as now stored; `typed`:
    the form now. Returns the values to show, the fields taken from their version (changed
    there only) and the fields changed on both sides where the typed value is kept.
    """
    merged: dict[str, object] = {}
    taken: list[str] = []
    kept: list[str] = []
    for name in FIELDS:
        before, stored, here = (
            comparable(name, values[name]) for values in (opened, theirs, typed)
        )
        if stored == before or stored == here:
            merged[name] = typed[name]
        elif here == before:
            merged[name] = theirs[name]
            taken.append(name)
        else:
            merged[name] = typed[name]
            kept.append(name)
    return merged, taken, kept
