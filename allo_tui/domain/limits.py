"""Length limits of the text people type: one set for the form, the CLI, the Store, imports.

The form caps its boxes with these numbers (`max_length`), the CLI refuses a longer option in
one line, and the Store refuses a longer value (`ValidationError` naming the field, in French)
whoever calls it, so no way in can store more than a screen shows.
"""

from __future__ import annotations

NAME = 120
"""A caller's name as typed in one box ("DUPONT Jean"); also each of surname and given name."""
SURNAME = NAME
GIVEN_NAME = NAME
PHONE = 40
EMAIL = 254
STREET_NUMBER = 12
STREET = 200
LANDMARK = 200
ADDRESS_EXTRA = 200
POSTCODE = 16
CITY = 120
NEIGHBOURHOOD = 120
CATEGORY = 120
"""A category or service typed by its name or code (type-ahead, `--category`)."""
DESCRIPTION = 4000
NOTES = 2000
"""Free notes on a caller."""
ANSWER = 4000
"""The answer to the citizen, a note, a reason (the request detail's dialogs)."""
LINE = 200
"""A one-line text in a dialog (who is waited for, the third party)."""

LIMITS: dict[str, int] = {
    "name": NAME,
    "surname": SURNAME,
    "given_name": GIVEN_NAME,
    "phone": PHONE,
    "email": EMAIL,
    "street_number": STREET_NUMBER,
    "street": STREET,
    "landmark": LANDMARK,
    "address_extra": ADDRESS_EXTRA,
    "postcode": POSTCODE,
    "city": CITY,
    "neighbourhood": NEIGHBOURHOOD,
    "category": CATEGORY,
    "description": DESCRIPTION,
    "notes": NOTES,
}
"""Each field's limit, by the field's name in records and forms."""

LABELS: dict[str, str] = {
    "name": "Nom",
    "surname": "Nom",
    "given_name": "Prénom",
    "phone": "Téléphone",
    "email": "Courriel",
    "street_number": "Numéro",
    "street": "Voie",
    "landmark": "Repère",
    "address_extra": "Complément d'adresse",
    "postcode": "Code postal",
    "city": "Commune",
    "neighbourhood": "Quartier",
    "category": "Catégorie",
    "description": "Description",
    "notes": "Notes",
}
"""How the messages name each field (French)."""


def too_long(field: str, value: str) -> str | None:
    """Why `value` does not fit `field` ("102 400 caractères, 120 au plus"); None when it fits."""
    limit = LIMITS[field]
    if len(value) <= limit:
        return None
    return f"{_thousands(len(value))} caractères, {_thousands(limit)} au plus"


def length_message(field: str, value: str) -> str | None:
    """The sentence a form or the Store shows when `value` does not fit `field`: "Nom : 102 400
    caractères, 120 au plus."; None when it fits."""
    reason = too_long(field, value)
    return None if reason is None else f"{LABELS[field]} : {reason}."


def _thousands(number: int) -> str:
    """12345 -> "12 345" (French grouping, narrow no-break space)."""
    return f"{number:,}".replace(",", "\u202f")


__all__ = ["LABELS", "LIMITS", "length_message", "too_long"]
