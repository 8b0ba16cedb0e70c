"""The mapping of another system's CSV export onto our requests, for `allo import requests`.

A mapping is a TOML file (read with tomllib):

    [source]            name (kept with each row's id), id column, delimiter, encoding,
                        date_format (strptime) and timezone (IANA) of the dates, and
                        attach_by_phone (false unless set: a request is attached to no caller;
                        true attaches it to the one caller holding its caller_phone)
    [columns]           our field -> the source's column (created_at, closed_at, category,
                        status, channel, urgency, street, street_number, latitude, longitude,
                        description)
    [defaults]          our field -> value used when the source lacks it (or the cell is empty)
    [values.status]     the source's value -> our status (also category, channel, urgency,
                        service); a value missing from a map is a rejected row, unless the map
                        has a "*" entry

Rows become `ImportedRequest`s or a reason they cannot be imported.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from allo_tui.domain.enums import Channel, Status
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import NewCaller

FIELDS = (
    "created_at",
    "closed_at",
    "category",
    "service",
    "status",
    "channel",
    "urgency",
    "street",
    "street_number",
    "latitude",
    "longitude",
    "description",
    "caller_phone",
)
CALLER_FIELDS = (
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
    "notes",
)
OPEN_IMPORTABLE = {Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.IN_PROGRESS}
CLOSED_IMPORTABLE = {
    Status.DONE,
    Status.CLOSED,
    Status.REJECTED,
    Status.CANCELLED,
    Status.TRANSFERRED,
}


class MappingError(ValueError):
    """The mapping file cannot be used (one French line)."""


class RowError(ValueError):
    """One source row cannot be imported (the reason, in French)."""


@dataclass(frozen=True)
class RequestMapping:
    source: str
    id_column: str
    delimiter: str
    encoding: str
    date_format: str
    zone: ZoneInfo
    columns: dict[str, str | list[str]]
    defaults: dict[str, object]
    values: dict[str, dict[str, object]]
    attach_by_phone: bool = False


@dataclass(frozen=True)
class ImportedRequest:
    """One source row as our request: values checked, dates aware; `original` the row as JSON."""

    external_id: str
    created_at: datetime
    closed_at: datetime | None
    category: str
    service: str | None
    status: Status
    channel: Channel
    urgency: int | None
    street: str
    street_number: str
    latitude: float | None
    longitude: float | None
    description: str
    original: str
    caller_phone: str | None = None
    """The stored form of the caller's number, given only when the mapping's
    `attach_by_phone = true` asks to attach the request to the caller holding it."""


def load_mapping(path: Path, fields: tuple[str, ...] = FIELDS) -> RequestMapping:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"{path} : illisible ({error}).") from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path} : TOML invalide ({error}).") from None
    source = data.get("source", {})
    columns = data.get("columns", {})
    unknown = sorted(set(columns) - set(fields))
    if unknown:
        raise MappingError(f"{path} : champ inconnu dans [columns] : {', '.join(unknown)}.")
    if not source.get("name") or not source.get("id"):
        raise MappingError(f"{path} : [source] doit donner name et id (la colonne d'identifiant).")
    try:
        zone = ZoneInfo(source.get("timezone", "Europe/Paris"))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{path} : fuseau horaire inconnu {source.get('timezone')!r}.") from None
    values = {
        key: {str(k): v for k, v in table.items()} for key, table in data.get("values", {}).items()
    }
    for our in values.get("status", {}).values():
        try:
            status = Status(our)
        except ValueError:
            raise MappingError(f"{path} : statut inconnu {our!r} dans [values.status].") from None
        if status not in OPEN_IMPORTABLE | CLOSED_IMPORTABLE:
            raise MappingError(f"{path} : le statut {our!r} ne s'importe pas.")
    return RequestMapping(
        source=str(source["name"]),
        id_column=str(source["id"]),
        delimiter=str(source.get("delimiter", ";")),
        encoding=str(source.get("encoding", "utf-8-sig")),
        date_format=str(source.get("date_format", "%d/%m/%Y %H:%M")),
        zone=zone,
        columns=dict(columns),
        defaults=dict(data.get("defaults", {})),
        values=values,
        attach_by_phone=bool(source.get("attach_by_phone", False)),
    )


def _raw(mapping: RequestMapping, row: dict[str, str], field: str) -> str:
    column = mapping.columns.get(field)
    if isinstance(column, list):
        text = " — ".join(row.get(c, "").strip() for c in column if row.get(c, "").strip())
    elif column is not None:
        text = (row.get(column) or "").strip()
    else:
        text = ""
    if not text and field in mapping.defaults:
        text = str(mapping.defaults[field])
    return text


def _mapped(mapping: RequestMapping, field: str, text: str) -> str:
    table = mapping.values.get(field)
    if table is None or not text:
        return text
    if text in table:
        return str(table[text])
    if "*" in table:
        return str(table["*"])
    raise RowError(f"{field} {text!r} absent de [values.{field}]")


def _date(mapping: RequestMapping, field: str, text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, mapping.date_format).replace(tzinfo=mapping.zone)
    except ValueError:
        raise RowError(f"{field} {text!r} n'est pas au format {mapping.date_format}") from None


def _number(field: str, text: str) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise RowError(f"{field} {text!r} n'est pas un nombre") from None


def convert_row(mapping: RequestMapping, row: dict[str, str]) -> ImportedRequest:
    """The row as our request, or `RowError` with the reason."""
    external_id = (row.get(mapping.id_column) or "").strip()
    if not external_id:
        raise RowError("identifiant vide")
    if len(external_id) > 120:
        raise RowError("identifiant de plus de 120 caractères")
    created_at = _date(mapping, "created_at", _raw(mapping, row, "created_at"))
    if created_at is None:
        raise RowError("date de création vide")
    status = Status(_mapped(mapping, "status", _raw(mapping, row, "status")) or "new")
    closed_at = _date(mapping, "closed_at", _raw(mapping, row, "closed_at"))
    if status in OPEN_IMPORTABLE:
        closed_at = None
    elif closed_at is None:
        closed_at = created_at
    elif closed_at < created_at:
        raise RowError("date de clôture avant la date de création")
    category = _mapped(mapping, "category", _raw(mapping, row, "category"))
    if not category:
        raise RowError("catégorie vide")
    channel_text = _mapped(mapping, "channel", _raw(mapping, row, "channel")) or "phone"
    try:
        channel = Channel(channel_text)
    except ValueError:
        raise RowError(f"canal inconnu {channel_text!r}") from None
    urgency_text = _mapped(mapping, "urgency", _raw(mapping, row, "urgency"))
    urgency = None
    if urgency_text:
        if urgency_text not in ("1", "2", "3", "4"):
            raise RowError(f"urgence {urgency_text!r} hors de 1 à 4")
        urgency = int(urgency_text)
    description = _raw(mapping, row, "description")
    if not description:
        raise RowError("description vide")
    caller_phone = None
    if mapping.attach_by_phone:
        parsed = parse_phone(_raw(mapping, row, "caller_phone"))
        caller_phone = parsed.stored if parsed.valid else None
    street = _raw(mapping, row, "street")
    if len(street) > 200:
        raise RowError("adresse de plus de 200 caractères")
    return ImportedRequest(
        external_id=external_id,
        created_at=created_at,
        closed_at=closed_at,
        category=category,
        service=_mapped(mapping, "service", _raw(mapping, row, "service")) or None,
        status=status,
        channel=channel,
        urgency=urgency,
        street=street,
        street_number=_raw(mapping, row, "street_number")[:16],
        latitude=_number("latitude", _raw(mapping, row, "latitude")),
        longitude=_number("longitude", _raw(mapping, row, "longitude")),
        description=description,
        original=json.dumps(row, ensure_ascii=False, sort_keys=True),
        caller_phone=caller_phone,
    )


@dataclass(frozen=True)
class ImportedCaller:
    """One source row as our caller; `original` the row as JSON."""

    external_id: str
    caller: NewCaller
    original: str


_PHONE_SEPARATORS = re.compile(r"[,;/|]")
_LIMITS = {"surname": 120, "given_name": 120, "street_number": 16, "street": 200, "city": 120}


def convert_caller(mapping: RequestMapping, row: dict[str, str]) -> ImportedCaller:
    """The row as our caller, or `RowError` with the reason. Several phones may sit in one
    cell (separated by , ; / or |) or in several columns; each must be a valid number."""
    external_id = (row.get(mapping.id_column) or "").strip()
    if not external_id:
        raise RowError("identifiant vide")
    if len(external_id) > 120:
        raise RowError("identifiant de plus de 120 caractères")
    values = {field: _raw(mapping, row, field) for field in CALLER_FIELDS if field != "phones"}
    for field, limit in _LIMITS.items():
        if len(values[field]) > limit:
            raise RowError(f"{field} de plus de {limit} caractères")
    column = mapping.columns.get("phones", [])
    cells = [row.get(c, "") for c in ([column] if isinstance(column, str) else column)]
    phones: list[str] = []
    for cell in cells:
        for raw in _PHONE_SEPARATORS.split(cell or ""):
            if not raw.strip():
                continue
            parsed = parse_phone(raw)
            if not parsed.valid:
                raise RowError(f"téléphone invalide {raw.strip()!r}")
            if parsed.e164 not in phones:
                phones.append(parsed.e164)
    if not (values["surname"] or values["given_name"] or phones):
        raise RowError("ni nom ni téléphone")
    email = values["email"]
    if email and ("@" not in email or " " in email):
        raise RowError(f"courriel invalide {email!r}")
    return ImportedCaller(
        external_id,
        NewCaller(phones=tuple(phones), **values),
        json.dumps(row, ensure_ascii=False, sort_keys=True),
    )
