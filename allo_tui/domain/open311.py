"""Open311 GeoReport v2: what the API publishes of a request, and what it accepts.

Pure rules, shared by the API server and its tests: our statuses as the standard's `open` or
`closed` with `status_notes`, the W3C date-times, the location as one line, the query
arguments (comma lists, the 90-day window, the 1,000-request cap) and the checks of a POST.
Free text leaves the town hall scrubbed of phone numbers, e-mail addresses and the caller's
name (GDPR): no response carries personal data about callers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from allo_tui.domain.enums import OPEN_STATUSES, Status
from allo_tui.domain.labels import STATUS_LABELS
from allo_tui.domain.limits import LIMITS
from allo_tui.domain.sanitize import clean_text
from allo_tui.domain.scrubber import scrub_text
from allo_tui.domain.text import fold

WINDOW = timedelta(days=90)
"""The standard's window: a search spans at most 90 days, the last 90 when no date is given."""
MAX_REQUESTS = 1000
"""The standard's cap on the requests one search returns (the most recent first)."""
DESCRIPTION_LIMIT = 4000
"""The standard's limit on a description, in characters."""
MIN_NAME_SCRUBBED = 3
"""A caller's name shorter than this is not scrubbed out of a text (it would hit words)."""

TEXTS = {
    "not_w3c": "{name} : date W3C attendue (ex. 2026-01-31T08:00:00Z ou +01:00), pas {value!r}",
    "order": "start_date doit précéder end_date",
    "span": "start_date et end_date ne peuvent pas couvrir plus de 90 jours",
    "status": "status : open ou closed, pas {value!r}",
    "service_code": "service_code manquant",
    "location": "lieu manquant : lat et long, address_string ou address_id",
    "lat_long": "lat et long : deux nombres WGS84 (lat -90 à 90, long -180 à 180)",
    "too_long": "{name} : {limit} caractères au plus",
    "planned": "Intervention programmée le {day}.",
    "waiting": "En attente d'une réponse ou d'un tiers.",
    "transferred": "Transmise à {to}.",
    "rejected": "Sans suite : {reason}.",
    "duplicate": "Doublon de la demande {reference}.",
    "done": "Terminée : {outcome}.",
    "notice": "Demande {reference} enregistrée ; intervention prévue d'ici le {day}.",
    "notice_no_due": "Demande {reference} enregistrée.",
}
"""The French texts the API returns (errors and notes)."""


class PublishedRow(msgspec.Struct, frozen=True):
    """A request as the Store reads it for the API (timestamps aware UTC). `caller_words` are
    the caller's name and e-mail, used only to scrub them out of the texts."""

    reference: str
    status: str
    category_code: str
    category_label: str
    service_name: str
    description: str
    answer: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    intervention_due_at: datetime | None
    street_number: str
    street: str
    landmark: str
    neighbourhood: str
    latitude: float | None
    longitude: float | None
    outcome_label: str = ""
    rejection_label: str = ""
    transferred_to: str = ""
    planned_for: date | None = None
    duplicate_of: str = ""
    caller_words: tuple[str, ...] = ()


class RequestQuery(msgspec.Struct, frozen=True):
    """A search of GET requests: either references, or codes, statuses and a window (UTC)."""

    references: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: frozenset[Status] = frozenset()
    start: datetime | None = None
    end: datetime | None = None
    limit: int = MAX_REQUESTS


class Open311Error(Exception):
    """A request the API refuses: the HTTP status and the standard's error description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def w3c(at: datetime | None, zone: ZoneInfo) -> str | None:
    """`at` in the site's time with its offset, as the standard's W3C format wants."""
    if at is None:
        return None
    return at.astimezone(zone).replace(microsecond=0).isoformat()


def parse_w3c(name: str, value: str) -> datetime:
    """A W3C date-time argument (its timezone is required), as aware UTC."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Open311Error(400, TEXTS["not_w3c"].format(name=name, value=value)) from None
    if parsed.tzinfo is None:
        raise Open311Error(400, TEXTS["not_w3c"].format(name=name, value=value))
    return parsed.astimezone(UTC)


def comma_list(values: list[str]) -> tuple[str, ...]:
    """An argument given as a comma list, possibly repeated: its values, each once, in order."""
    seen: dict[str, None] = {}
    for value in values:
        for part in value.split(","):
            if part.strip():
                seen.setdefault(part.strip(), None)
    return tuple(seen)


def statuses_of(values: tuple[str, ...]) -> frozenset[Status]:
    """Our statuses behind the standard's `open` and `closed`; empty: every status."""
    wanted: set[Status] = set()
    for value in values:
        if value.lower() == "open":
            wanted |= OPEN_STATUSES
        elif value.lower() == "closed":
            wanted |= set(Status) - OPEN_STATUSES
        else:
            raise Open311Error(400, TEXTS["status"].format(value=value))
    return frozenset(wanted)


def request_query(arguments: Mapping[str, list[str]], now: datetime) -> RequestQuery:
    """The search that GET requests' arguments ask for (the standard's rules: references
    override the rest; the window defaults to the last 90 days and spans at most 90)."""
    references = comma_list(arguments.get("service_request_id", []))
    if references:
        return RequestQuery(references=references[:MAX_REQUESTS])
    start_text = _last(arguments, "start_date")
    end_text = _last(arguments, "end_date")
    start = parse_w3c("start_date", start_text) if start_text else None
    end = parse_w3c("end_date", end_text) if end_text else None
    if start is None and end is None:
        end = now
    if start is None:
        start = end - WINDOW
    elif end is None:
        end = min(start + WINDOW, max(now, start))
    if end < start:
        raise Open311Error(400, TEXTS["order"])
    if end - start > WINDOW:
        raise Open311Error(400, TEXTS["span"])
    return RequestQuery(
        service_codes=comma_list(arguments.get("service_code", [])),
        statuses=statuses_of(comma_list(arguments.get("status", []))),
        start=start,
        end=end,
    )


def _last(arguments: Mapping[str, list[str]], name: str) -> str:
    values = [value for value in arguments.get(name, []) if value.strip()]
    return values[-1] if values else ""


def is_open(status: str) -> bool:
    return Status(status) in OPEN_STATUSES


def status_notes(row: PublishedRow) -> str:
    """Why the request is where it is, in a sentence (the answer once done, scrubbed)."""
    status = Status(row.status)
    if status is Status.PLANNED and row.planned_for is not None:
        return TEXTS["planned"].format(day=row.planned_for.strftime("%d/%m/%Y"))
    if status is Status.WAITING:
        return TEXTS["waiting"]
    if status is Status.TRANSFERRED:
        return TEXTS["transferred"].format(to=row.transferred_to or "?")
    if status is Status.REJECTED:
        return TEXTS["rejected"].format(reason=row.rejection_label or "?")
    if status is Status.DUPLICATE:
        return TEXTS["duplicate"].format(reference=row.duplicate_of or "?")
    if status in (Status.DONE, Status.CLOSED):
        answer = scrubbed(row.answer, row.caller_words)
        if answer:
            return answer
        if row.outcome_label:
            return TEXTS["done"].format(outcome=row.outcome_label)
    return STATUS_LABELS[status]


def scrubbed(text: str, caller_words: tuple[str, ...]) -> str:
    """Free text without phone numbers, e-mail addresses nor the caller's name."""
    extra = tuple(word for word in caller_words if len(word.strip()) >= MIN_NAME_SCRUBBED)
    return scrub_text(text, extra=extra).strip()


def address(row: PublishedRow, town: str) -> str:
    """The location on one line, most specific first: number and street, landmark,
    neighbourhood, town."""
    street = " ".join(part for part in (row.street_number.strip(), row.street.strip()) if part)
    parts = [street, row.landmark.strip(), row.neighbourhood.strip(), town.strip()]
    return ", ".join(part for part in parts if part)


def published(row: PublishedRow, zone: ZoneInfo, town: str) -> dict[str, object]:
    """One request as the standard's `request` element (field order as in the standard)."""
    closed = not is_open(row.status)
    updated = row.closed_at if closed and row.closed_at is not None else row.updated_at
    expected = None if closed else w3c(row.intervention_due_at, zone)
    return {
        "service_request_id": row.reference,
        "status": "closed" if closed else "open",
        "status_notes": status_notes(row),
        "service_name": row.category_label,
        "service_code": row.category_code,
        "description": scrubbed(row.description, row.caller_words)[:DESCRIPTION_LIMIT],
        "agency_responsible": row.service_name,
        "service_notice": "",
        "requested_datetime": w3c(row.created_at, zone),
        "updated_datetime": w3c(updated, zone),
        "expected_datetime": expected,
        "address": address(row, town),
        "address_id": "",
        "zipcode": "",
        "lat": row.latitude,
        "long": row.longitude,
        "media_url": "",
    }


class Submission(msgspec.Struct, frozen=True):
    """A POST requests, checked: what becomes a new request (and maybe a new caller)."""

    service_code: str
    description: str
    address_string: str = ""
    address_id: str = ""
    latitude: float | None = None
    longitude: float | None = None
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""

    @property
    def has_person(self) -> bool:
        return bool(self.first_name or self.last_name or self.phone or self.email)

    def location(self, street_names: list[str]) -> tuple[str, str, str]:
        """(number, street, landmark) of the request: `address_string`'s number and street
        when the street is in the register under that very name (accents and case aside),
        the rest of it, the address id or the coordinates on the landmark line."""
        match = _ADDRESS.match(self.address_string)
        if match is not None:
            wanted = fold(match.group("street"))
            for name in street_names:
                if fold(name) == wanted:
                    rest = [match.group("rest").strip(" ,;")] if match.group("rest") else []
                    if self.address_id:
                        rest.append(f"adresse n° {self.address_id}")
                    return (
                        (match.group("number") or "").strip(),
                        name,
                        " ; ".join(part for part in rest if part),
                    )
        return "", "", self.landmark

    @property
    def landmark(self) -> str:
        """What the location becomes on our request's landmark line."""
        parts = []
        if self.address_string:
            parts.append(self.address_string)
        if self.address_id:
            parts.append(f"adresse n° {self.address_id}")
        if not parts and self.latitude is not None and self.longitude is not None:
            parts.append(f"GPS {self.latitude:.6f}, {self.longitude:.6f}")
        return " ; ".join(parts)


_ADDRESS = re.compile(
    r"\s*(?:(?P<number>\d+\s*(?:bis|ter|[a-z])?)\b[\s,]*)?(?P<street>[^,;]+?)\s*(?P<rest>[,;].*)?$",
    re.IGNORECASE,
)
"""An address string: an optional number (12, 12 bis, 12b), the street, then after a comma
whatever follows (a landmark, the town)."""

_FIELDS = {
    "service_code": "category",
    "description": "description",
    "address_string": "landmark",
    "first_name": "given_name",
    "last_name": "surname",
    "phone": "phone",
    "email": "email",
}


def submission(form: Mapping[str, list[str]]) -> Submission:
    """The checked fields of a POST requests (`Open311Error` 400 when one is refused).

    Text is cleaned as typed text is everywhere (control characters out, one-line fields on
    one line); lengths are the form's. `attribute[…]`, `device_id`, `account_id` and
    `media_url` are accepted and not kept (no service here defines attributes).
    """
    values: dict[str, str] = {}
    for name, field in _FIELDS.items():
        raw = _last(form, name)
        text = clean_text(raw, multiline=name == "description").text.strip()
        limit = DESCRIPTION_LIMIT if name == "description" else LIMITS.get(field)
        if limit is not None and len(text) > limit:
            raise Open311Error(400, TEXTS["too_long"].format(name=name, limit=limit))
        values[name] = text
    if not values["service_code"]:
        raise Open311Error(400, TEXTS["service_code"])
    latitude, longitude = _lat_long(_last(form, "lat"), _last(form, "long"))
    address_id = clean_text(_last(form, "address_id"), multiline=False).text.strip()[:64]
    if latitude is None and not values["address_string"] and not address_id:
        raise Open311Error(400, TEXTS["location"])
    return Submission(latitude=latitude, longitude=longitude, address_id=address_id, **values)


def _lat_long(lat: str, long: str) -> tuple[float | None, float | None]:
    if not lat.strip() and not long.strip():
        return None, None
    try:
        latitude, longitude = float(lat), float(long)
    except ValueError:
        raise Open311Error(400, TEXTS["lat_long"]) from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Open311Error(400, TEXTS["lat_long"])
    return latitude, longitude


def service_notice(reference: str, due: datetime | None, zone: ZoneInfo) -> str:
    """What the citizen's system is told once the request is saved."""
    if due is None:
        return TEXTS["notice_no_due"].format(reference=reference)
    day = due.astimezone(zone).strftime("%d/%m/%Y à %H:%M")
    return TEXTS["notice"].format(reference=reference, day=day)
