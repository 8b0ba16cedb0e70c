"""The catalogue's administration (`allo catalogue`, the admin screen): categories with their
procedure, active or retired; services (retired only with no open request assigned); the
orientation directory. Every change is checked, made and recorded in the audit (who, when,
what, old -> new) in one transaction. Functions over a `Store` (administrators only)."""

from __future__ import annotations

import json

from allo_tui.data.rows import OPEN_STATUS_SQL, db_time
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import OperatorRecord, Role

URGENCIES = (1, 2, 3, 4)


def _audit(store, connection, operator, action: str, subject: str, old, new) -> None:
    """The audit row of one change, in the caller's transaction."""
    if not store._role_of(connection, operator).includes(Role.ADMIN):
        raise ValidationError("operator", "réservé aux administrateurs")

    def shown(value) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    connection.execute(
        "INSERT INTO audit (at, operator_id, action, subject, old_value, new_value)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (db_time(store.now()), operator.id, action, subject, shown(old), shown(new)),
    )


def _service_id(connection, code: str) -> int:
    row = connection.execute("SELECT id FROM services WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise ValidationError("service", f"service inconnu : {code}")
    return row[0]


def _category(connection, code: str) -> tuple:
    row = connection.execute(
        "SELECT id, label, procedure, active FROM categories WHERE code = ?", (code,)
    ).fetchone()
    if row is None:
        raise ValidationError("category", f"catégorie inconnue : {code}")
    return row


def all_categories(store) -> list[tuple]:
    """Every category, retired ones too: (code, label, service code, urgency, active, procedure)."""
    with store._read() as connection:
        return connection.execute(
            "SELECT c.code, c.label, s.code, c.default_urgency, c.active, c.procedure"
            " FROM categories c JOIN services s ON s.id = c.service_id ORDER BY c.position, c.id"
        ).fetchall()


def add_category(
    store,
    operator: OperatorRecord,
    code: str,
    label: str,
    service_code: str,
    urgency: int,
    procedure: str = "",
) -> None:
    """A new category, offered at once to every console."""
    code, label = code.strip().upper(), label.strip()
    if not code or not label:
        raise ValidationError("label", "code et libellé obligatoires")
    if urgency not in URGENCIES:
        raise ValidationError("urgency", "urgence entre 1 et 4")
    with store._write() as connection:
        service_id = _service_id(connection, service_code.strip().upper())
        if connection.execute("SELECT 1 FROM categories WHERE code = ?", (code,)).fetchone():
            raise ValidationError("code", f"le code {code} existe déjà")
        (position,) = connection.execute(
            "SELECT coalesce(max(position), 0) + 1 FROM categories"
        ).fetchone()
        connection.execute(
            "INSERT INTO categories (code, label, service_id, default_urgency, position, active,"
            " procedure) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, label, service_id, urgency, position, True, procedure.strip()),
        )
        _audit(
            store,
            connection,
            operator,
            "category.add",
            code,
            None,
            {"label": label, "service": service_code, "urgency": urgency, "procedure": procedure},
        )


def set_procedure(store, operator: OperatorRecord, code: str, procedure: str) -> None:
    """The procedure shown to the hostess when she picks the category."""
    with store._write() as connection:
        row = _category(connection, code)
        connection.execute(
            "UPDATE categories SET procedure = ? WHERE id = ?", (procedure.strip(), row[0])
        )
        _audit(store, connection, operator, "category.procedure", code, row[2], procedure.strip())


def set_category_active(store, operator: OperatorRecord, code: str, active: bool) -> None:
    """Retire (no longer offered; kept on old requests and statistics) or restore a category."""
    with store._write() as connection:
        row = _category(connection, code)
        connection.execute("UPDATE categories SET active = ? WHERE id = ?", (active, row[0]))
        _audit(store, connection, operator, "category.active", code, bool(row[3]), active)


def add_service(
    store, operator: OperatorRecord, code: str, name: str, mobile: bool = False
) -> None:
    """A new service or team."""
    code, name = code.strip().upper(), name.strip()
    if not code or not name:
        raise ValidationError("name", "code et nom obligatoires")
    with store._write() as connection:
        if connection.execute("SELECT 1 FROM services WHERE code = ?", (code,)).fetchone():
            raise ValidationError("code", f"le code {code} existe déjà")
        connection.execute(
            "INSERT INTO services (code, name, is_mobile_team, active) VALUES (?, ?, ?, ?)",
            (code, name, mobile, True),
        )
        _audit(
            store, connection, operator, "service.add", code, None, {"name": name, "mobile": mobile}
        )


def set_service_active(store, operator: OperatorRecord, code: str, active: bool) -> None:
    """Retire a service (refused while an open request is assigned to it) or restore it."""
    with store._write() as connection:
        service_id = _service_id(connection, code)
        (was,) = connection.execute(
            "SELECT active FROM services WHERE id = ?", (service_id,)
        ).fetchone()
        if not active:
            (open_count,) = connection.execute(
                f"SELECT count(*) FROM requests WHERE service_id = ? AND {OPEN_STATUS_SQL}",
                (service_id,),
            ).fetchone()
            if open_count:
                raise ValidationError(
                    "service", f"{open_count} demande(s) ouverte(s) affectée(s) à {code}"
                )
        connection.execute("UPDATE services SET active = ? WHERE id = ?", (active, service_id))
        _audit(store, connection, operator, "service.active", code, bool(was), active)


def directory_entries(store, *, only_active: bool = True) -> list[tuple]:
    """The orientation directory: (id, name, phone, hours, handles, active)."""
    where = "WHERE active" if only_active else ""
    with store._read() as connection:
        return connection.execute(
            f"SELECT id, name, phone, hours, handles, active FROM directory {where}"
            " ORDER BY position, name"
        ).fetchall()


def add_directory_entry(
    store, operator: OperatorRecord, name: str, phone: str, hours: str = "", handles: str = ""
) -> None:
    """A new entry of the orientation directory."""
    name, phone = name.strip(), phone.strip()
    if not name or not phone:
        raise ValidationError("name", "nom et téléphone obligatoires")
    with store._write() as connection:
        if connection.execute("SELECT 1 FROM directory WHERE name = ?", (name,)).fetchone():
            raise ValidationError("name", f"{name} est déjà dans l'annuaire")
        (position,) = connection.execute(
            "SELECT coalesce(max(position), 0) + 1 FROM directory"
        ).fetchone()
        connection.execute(
            "INSERT INTO directory (name, phone, hours, handles, position, active)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, phone, hours.strip(), handles.strip(), position, True),
        )
        new = {"phone": phone, "hours": hours, "handles": handles}
        _audit(store, connection, operator, "directory.add", name, None, new)
