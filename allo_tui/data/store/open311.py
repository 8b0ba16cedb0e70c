"""The Open311 API's reads and keys (`allo api`), as functions over a `Store`.

Keys: an administrator adds one per system that may POST (`allo api key add NAME`); the key is
shown once and only its SHA-256 is kept. Each key writes as its own login, `api:NAME` (role
operator, no password), so a request it created says where it came from; revoking the key
disables that login at once. Adding and revoking leave an audit row in the same transaction.

Reads: the active categories (the standard's "services") and the requests as the API publishes
them, with what is needed to scrub the caller's name out of their texts (never sent).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import msgspec

from allo_tui.data.rows import db_time, marks, stored_date, utc_time
from allo_tui.data.rows.people import OPERATOR_COLUMNS, operator_record
from allo_tui.data.store.admin_catalogue import _audit
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.open311 import PublishedRow, RequestQuery
from allo_tui.domain.records import OperatorRecord, Role

KEY_ADD = "api.key.add"
KEY_REVOKE = "api.key.revoke"
"""The audit actions of the keys."""
LOGIN_PREFIX = "api:"
"""The login a key writes as: this prefix and the key's name."""
PREFIX_LENGTH = 8
"""The characters of a key kept in clear, to recognise it in the list."""
NAME_LENGTH = 40

TEXTS = {
    "name": "nom de clé : 1 à {limit} caractères parmi lettres, chiffres, « - », « _ » et « . »",
    "taken": "une clé nommée {name} existe déjà (révoquée ou non) : choisissez un autre nom",
    "login_taken": "l'identifiant {login} est déjà celui d'un opérateur",
    "unknown": "aucune clé nommée {name}",
    "revoked": "la clé {name} est déjà révoquée",
    "display": "API {name}",
}
"""French messages of the keys."""


class ApiKeyInfo(msgspec.Struct, frozen=True):
    """A key as listed: never the key itself."""

    name: str
    prefix: str
    login: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _check_name(name: str) -> str:
    name = name.strip()
    allowed = all(ch.isalnum() or ch in "-_." for ch in name)
    if not name or len(name) > NAME_LENGTH or not allowed or not name.isascii():
        raise ValidationError("name", TEXTS["name"].format(limit=NAME_LENGTH))
    return name


def add_api_key(store, admin: OperatorRecord, name: str) -> tuple[str, ApiKeyInfo]:
    """A new key named `name` and its record; the key is returned here only."""
    name = _check_name(name)
    key = secrets.token_urlsafe(32)
    login = LOGIN_PREFIX + name
    now = store.now()
    with store._write() as connection:
        if not store._role_of(connection, admin).includes(Role.ADMIN):
            raise ValidationError("operator", "réservé aux administrateurs")
        taken = connection.execute("SELECT 1 FROM api_keys WHERE name = ?", (name,)).fetchone()
        if taken:
            raise ValidationError("name", TEXTS["taken"].format(name=name))
        if connection.execute("SELECT 1 FROM operators WHERE login = ?", (login,)).fetchone():
            raise ValidationError("name", TEXTS["login_taken"].format(login=login))
        (operator_id,) = connection.execute(
            "INSERT INTO operators (login, display_name, role, active, created_at)"
            " VALUES (?, ?, ?, TRUE, ?) RETURNING id",
            (login, TEXTS["display"].format(name=name), Role.OPERATOR.value, db_time(now)),
        ).fetchone()
        connection.execute(
            "INSERT INTO api_keys (name, key_hash, key_prefix, operator_id, created_at,"
            " created_by_id) VALUES (?, ?, ?, ?, ?, ?)",
            (name, _digest(key), key[:PREFIX_LENGTH], operator_id, db_time(now), admin.id),
        )
        _audit(store, connection, admin, KEY_ADD, name, None, {"login": login})
    info = ApiKeyInfo(name, key[:PREFIX_LENGTH], login, now, admin.login, None)
    return key, info


def revoke_api_key(store, admin: OperatorRecord, name: str) -> None:
    """Revoke a key: refused at once, its login disabled; the requests it made stay."""
    with store._write() as connection:
        row = connection.execute(
            "SELECT id, operator_id, revoked_at FROM api_keys WHERE name = ?", (name.strip(),)
        ).fetchone()
        if row is None:
            raise ValidationError("name", TEXTS["unknown"].format(name=name))
        if row[2] is not None:
            raise ValidationError("name", TEXTS["revoked"].format(name=name))
        connection.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE id = ?", (db_time(store.now()), row[0])
        )
        connection.execute("UPDATE operators SET active = FALSE WHERE id = ?", (row[1],))
        _audit(store, connection, admin, KEY_REVOKE, name.strip(), "active", "revoked")


def api_keys(store) -> list[ApiKeyInfo]:
    """Every key, revoked ones too, by name."""
    with store._read() as connection:
        rows = connection.execute(
            "SELECT k.name, k.key_prefix, o.login, k.created_at, c.login, k.revoked_at"
            " FROM api_keys k JOIN operators o ON o.id = k.operator_id"
            " JOIN operators c ON c.id = k.created_by_id ORDER BY k.name"
        ).fetchall()
    return [
        ApiKeyInfo(name, prefix, login, utc_time(created), by, utc_time(revoked))
        for name, prefix, login, created, by, revoked in rows
    ]


def operator_for_key(store, key: str) -> OperatorRecord | None:
    """The login a key writes as; None for an unknown or revoked key, or a disabled login."""
    if not key:
        return None
    with store._read() as connection:
        row = connection.execute(
            f"SELECT {', '.join('o.' + c.strip() for c in OPERATOR_COLUMNS.split(','))}"
            " FROM api_keys k JOIN operators o ON o.id = k.operator_id"
            " WHERE k.key_hash = ? AND k.revoked_at IS NULL AND o.active",
            (_digest(key),),
        ).fetchone()
    return operator_record(row) if row is not None else None


_PUBLISHED = (
    "SELECT r.reference, r.status, c.code, c.label, COALESCE(s.name, ''), r.description,"
    " r.answer, r.created_at, r.updated_at, r.closed_at, r.intervention_due_at,"
    " r.street_number, r.street, r.landmark, r.neighbourhood, r.latitude, r.longitude,"
    " COALESCE(o.label, ''), COALESCE(rr.label, ''), r.transferred_to, r.planned_for,"
    " COALESCE(d.reference, ''), COALESCE(p.surname, ''), COALESCE(p.given_name, ''),"
    " COALESCE(p.email, '')"
    " FROM requests r JOIN categories c ON c.id = r.category_id"
    " LEFT JOIN services s ON s.id = r.service_id"
    " LEFT JOIN outcomes o ON o.code = r.outcome_code"
    " LEFT JOIN rejection_reasons rr ON rr.code = r.rejection_reason_code"
    " LEFT JOIN requests d ON d.id = r.duplicate_of_id"
    " LEFT JOIN callers p ON p.id = r.caller_id"
)


def published_requests(store, query: RequestQuery) -> list[PublishedRow]:
    """The requests a GET requests asks for, the most recent first, at most `query.limit`."""
    terms: list[str] = []
    params: list = []
    if query.references:
        terms.append(f"r.reference IN ({marks(len(query.references))})")
        params.extend(query.references)
    else:
        if query.service_codes:
            terms.append(f"c.code IN ({marks(len(query.service_codes))})")
            params.extend(query.service_codes)
        if query.statuses:
            values = sorted(status.value for status in query.statuses)
            terms.append(f"r.status IN ({marks(len(values))})")
            params.extend(values)
        if query.start is not None:
            terms.append("r.created_at >= ?")
            params.append(db_time(query.start))
        if query.end is not None:
            terms.append("r.created_at <= ?")
            params.append(db_time(query.end))
    where = f" WHERE {' AND '.join(terms)}" if terms else ""
    with store._read() as connection:
        rows = connection.execute(
            f"{_PUBLISHED}{where} ORDER BY r.created_at DESC, r.id DESC LIMIT ?",
            (*params, query.limit),
        ).fetchall()
    return [_published_row(row) for row in rows]


def _published_row(row) -> PublishedRow:
    surname, given_name, email = row[22], row[23], row[24]
    return PublishedRow(
        reference=row[0],
        status=row[1],
        category_code=row[2],
        category_label=row[3],
        service_name=row[4],
        description=row[5] or "",
        answer=row[6] or "",
        created_at=utc_time(row[7]),
        updated_at=utc_time(row[8]),
        closed_at=utc_time(row[9]),
        intervention_due_at=utc_time(row[10]),
        street_number=row[11] or "",
        street=row[12] or "",
        landmark=row[13] or "",
        neighbourhood=row[14] or "",
        latitude=row[15],
        longitude=row[16],
        outcome_label=row[17],
        rejection_label=row[18],
        transferred_to=row[19] or "",
        planned_for=stored_date(row[20]),
        duplicate_of=row[21],
        caller_words=tuple(
            word
            for word in (f"{given_name} {surname}", f"{surname} {given_name}", surname, email)
            if word.strip()
        ),
    )


def town_name(store) -> str:
    """The town's name (site settings), for the addresses."""
    with store._read() as connection:
        row = connection.execute("SELECT value FROM settings WHERE key = 'town_name'").fetchone()
    return row[0] if row else ""
