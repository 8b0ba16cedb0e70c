"""The French postal address block as La Poste expects it (NF Z 10-011): at most 6 lines of at
most 38 characters, the recipient's name in capitals on the first line, the postcode and town
(in capitals, without accents) on the last. `address_block` returns the lines, or the reason a
letter cannot be addressed (it is then held back, never printed wrong)."""

from __future__ import annotations

import re
import unicodedata

LINE_MAX = 38
LINES_MAX = 6
POSTCODE = re.compile(r"^\d{5}$")


def _plain_capitals(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("Œ", "OE").replace("œ", "oe").upper().split())


def _fit(text: str) -> str | None:
    """The line with its spaces folded; None when it is longer than 38 characters."""
    text = " ".join(text.split())
    return text if len(text) <= LINE_MAX else None


def address_block(
    name: str, street_number: str, street: str, extra: str, postcode: str, city: str
) -> tuple[list[str], str]:
    """(lines, "") for an addressable caller, ([], reason) for one that cannot be addressed."""
    recipient = _plain_capitals(name)
    if not recipient:
        return [], "pas de nom"
    if not street.strip():
        return [], "pas d'adresse postale"
    if not POSTCODE.match(postcode.strip()):
        return [], "code postal absent ou invalide"
    if not city.strip():
        return [], "pas de commune"
    lines = [recipient]
    if extra.strip():
        lines.append(" ".join(extra.split()))
    lines.append(" ".join(f"{street_number} {street}".split()))
    lines.append(f"{postcode.strip()} {_plain_capitals(city)}")
    fitted = [_fit(line) for line in lines]
    for line, fit in zip(lines, fitted, strict=True):
        if fit is None:
            return [], f"ligne de plus de {LINE_MAX} caractères : {line}"
    if len(fitted) > LINES_MAX:
        return [], f"plus de {LINES_MAX} lignes"
    return [line for line in fitted if line is not None], ""


def reply_address_problem(caller) -> str:
    """Why a reply cannot reach this caller by the channel they prefer ("" when it can): a
    letter needs a postal address La Poste accepts, an e-mail an address with an @."""
    from allo_tui.domain.enums import ContactPreference

    preference = caller.contact_preference
    if preference is ContactPreference.LETTER:
        _lines, reason = address_block(
            caller.display_name,
            caller.street_number,
            caller.street,
            caller.address_extra,
            caller.postcode,
            caller.city,
        )
        return f"courrier impossible : {reason}" if reason else ""
    if preference is ContactPreference.EMAIL:
        email = caller.email.strip()
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            return "courriel impossible : pas d'adresse électronique valable"
    return ""
