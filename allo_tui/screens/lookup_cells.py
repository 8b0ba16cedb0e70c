"""The caller lookup's rows and status line as shown: a caller, a request a typed reference
names, the count and the keys below it. Typed text is shown with `literal`, never as markup."""

from __future__ import annotations

from rich.text import Text

from allo_tui.domain.display import format_date
from allo_tui.domain.labels import STATUS_LABELS
from allo_tui.domain.records import CallerRecord, PhoneRecord, RequestRecord
from allo_tui.literal import literal
from allo_tui.screens.lookup_texts import TEXTS


def two_lines(first: Text, second: Text) -> Text:
    """The status line and, dimmed below it, the keys that act on what is shown."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append_text(first)
    out.append("\n")
    keys = second.copy()
    keys.stylize("dim")
    out.append_text(keys)
    return out


def caller_cells(caller: CallerRecord, digits: str) -> tuple[Text, ...]:
    return (
        literal(caller.display_name, "bold" if caller.open_requests else ""),
        _phones_text(caller.phones, digits),
        literal(_address(caller, digits)),
        Text(str(caller.open_requests or ""), justify="right"),
        Text(format_date(caller.last_contact_at)),
    )


def _address(caller: CallerRecord, digits: str) -> str:
    """The street address; with the postcode and town when the digits typed are its postcode
    (the hostess then sees why the caller was found)."""
    if digits and caller.postcode == digits:
        town = " ".join(part for part in (caller.postcode, caller.city) if part)
        return ", ".join(part for part in (caller.address, town) if part)
    return caller.address


def _phones_text(phones: tuple[PhoneRecord, ...], digits: str) -> Text:
    """The number that matched the query first, then "+N" for the others."""
    if not phones:
        return Text("")
    ordered = sorted(phones, key=lambda p: 0 if digits and digits in phone_digits(p) else 1)
    first = ordered[0]
    text = literal(first.display, "" if first.valid else "italic")
    if not first.valid:
        text.append(" ⚠")
    if len(ordered) > 1:
        text.append(f" +{len(ordered) - 1}", style="dim")
    return text


def phone_digits(phone: PhoneRecord) -> str:
    national = "".join(ch for ch in phone.display if ch.isdigit())
    return f"{national} {phone.number.lstrip('+')}"


def request_cells(request: RequestRecord) -> tuple[Text, ...]:
    place = " · ".join(p for p in (request.category_label, request.location) if p)
    title = Text(TEXTS["request_row"].format(reference=request.reference), style="bold reverse")
    title.append("  ")
    title.append_text(literal(request.caller_name or TEXTS["anonymous"]))
    return (
        title,
        Text(STATUS_LABELS[request.status], style="bold" if request.is_open else ""),
        literal(place),
        Text(""),
        Text(format_date(request.created_at)),
    )
