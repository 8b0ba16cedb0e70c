"""A reply letter as printed: the address block, the date, the reference, the subject and the
body rendered from the templates; or the reason it cannot be addressed (held back, listed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allo_tui.domain.letter_texts import long_date
from allo_tui.domain.postal_address import address_block
from allo_tui.domain.reply_templates import render, reply_fields


@dataclass(frozen=True)
class Letter:
    """One letter, ready to print."""

    reference: str
    address_lines: tuple[str, ...]
    date_text: str
    subject: str
    body: str


@dataclass(frozen=True)
class HeldLetter:
    """A letter that cannot be addressed, and why."""

    reference: str
    reason: str


def compose_letter(
    request, caller, template: tuple[str, str], *, signature: str, day: date
) -> Letter | HeldLetter:
    """The letter to `caller` about `request` from the (subject, body) template, or why it is
    held back. `ValidationError` when the template cannot be filled."""
    lines, reason = address_block(
        f"{caller.given_name} {caller.surname}",
        caller.street_number,
        caller.street,
        caller.address_extra,
        caller.postcode,
        caller.city,
    )
    if reason:
        return HeldLetter(request.reference, reason)
    fields = reply_fields(request, caller, signature=signature)
    subject, body = template
    return Letter(
        reference=request.reference,
        address_lines=tuple(lines),
        date_text=long_date(day),
        subject=" ".join(render(subject, fields).split()),
        body=render(body, fields).strip("\n"),
    )
