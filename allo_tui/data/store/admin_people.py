"""Administration of logins and coded lists, for F9 and the commands (administrators only).

Each change is checked, made and recorded in the audit (who, when, what, old -> new) in one
transaction: an operator's role, name and services; disabling or enabling a login (the last
active admin is never disabled nor demoted); a new password; the coded lists' entries (outcomes
of a request done, reasons to reject one) added, reworded, retired or restored.
"""

from __future__ import annotations

from collections.abc import Sequence

from allo_tui.data.rows import db_time, utc_time
from allo_tui.data.store.admin_catalogue import _audit
from allo_tui.data.store.coded_lists import OUTCOMES, REJECTION_REASONS
from allo_tui.data.store.operators import _service_ids
from allo_tui.domain import passwords
from allo_tui.domain.errors import UnknownOperatorError, ValidationError
from allo_tui.domain.passwords import LastAdminError
from allo_tui.domain.records import OperatorRecord, Role

PEOPLE_TEXTS = {
    "login": "identifiant vide",
    "service_needed": "Un agent de service est rattaché à au moins un service.",
    "no_service": "Seul un agent de service (rôle service) a des services.",
    "list": "liste inconnue : {name}",
    "code": "code et libellé obligatoires",
    "code_taken": "le code {code} existe déjà dans cette liste",
    "unknown_code": "code inconnu : {code}",
}
"""French messages of the administration of logins and lists."""

CODED_LISTS = (OUTCOMES, REJECTION_REASONS)


def all_services(store) -> list[tuple]:
    """Every service, retired ones too: (code, name, mobile team, active), by id."""
    with store._read() as connection:
        return connection.execute(
            "SELECT code, name, is_mobile_team, active FROM services ORDER BY id"
        ).fetchall()


def audit_rows(store, limit: int) -> list[tuple]:
    """The newest audit rows: (at, login, action, subject, old value, new value)."""
    with store._read() as connection:
        rows = connection.execute(
            "SELECT a.at, o.login, a.action, a.subject, a.old_value, a.new_value FROM audit a"
            " JOIN operators o ON o.id = a.operator_id ORDER BY a.id DESC LIMIT ?",
            (limit,),
        ).fetchall()
    return [(utc_time(at), *rest) for at, *rest in rows]


def all_operators(store) -> list[tuple]:
    """Every login: (login, display name, role, service codes, active), by login."""
    with store._read() as connection:
        rows = connection.execute(
            "SELECT o.id, o.login, o.display_name, o.role, o.active FROM operators o"
            " ORDER BY o.login"
        ).fetchall()
        services: dict[int, list[str]] = {}
        for operator_id, code in connection.execute(
            "SELECT os.operator_id, s.code FROM operator_services os"
            " JOIN services s ON s.id = os.service_id ORDER BY s.code"
        ):
            services.setdefault(operator_id, []).append(code)
    return [
        (login, name, role, tuple(services.get(operator_id, ())), bool(active))
        for operator_id, login, name, role, active in rows
    ]


def save_operator(
    store,
    admin: OperatorRecord,
    login: str,
    role: Role | str,
    display_name: str = "",
    services: Sequence[str] = (),
) -> None:
    """Add a login, or give an existing one this role, name and services."""
    login, role = login.strip(), Role(role)
    if not login:
        raise ValidationError("login", PEOPLE_TEXTS["login"])
    wanted = [code.strip() for code in services if code.strip()]
    if role is Role.SERVICE and not wanted:
        raise ValidationError("service", PEOPLE_TEXTS["service_needed"])
    if role is not Role.SERVICE and wanted:
        raise ValidationError("service", PEOPLE_TEXTS["no_service"])
    with store._write() as connection:
        service_ids = _service_ids(connection, wanted)
        row = connection.execute(
            "SELECT id, display_name, role, active FROM operators WHERE login = ?", (login,)
        ).fetchone()
        if row is None:
            (operator_id,) = connection.execute(
                "INSERT INTO operators (login, display_name, role, active, created_at)"
                " VALUES (?, ?, ?, TRUE, ?) RETURNING id",
                (login, display_name.strip() or login, role.value, db_time(store.now())),
            ).fetchone()
            old = None
        else:
            operator_id, old_name, old_role, active = row
            if old_role == Role.ADMIN.value and role is not Role.ADMIN and active:
                _keep_an_admin(connection, operator_id, login)
            old = {"role": old_role, "name": old_name}
            connection.execute(
                "UPDATE operators SET role = ?, display_name = ? WHERE id = ?",
                (role.value, display_name.strip() or old_name, operator_id),
            )
        connection.execute("DELETE FROM operator_services WHERE operator_id = ?", (operator_id,))
        for service_id in service_ids:
            connection.execute(
                "INSERT INTO operator_services (operator_id, service_id) VALUES (?, ?)",
                (operator_id, service_id),
            )
        new = {"role": role.value, "name": display_name.strip() or login, "services": wanted}
        _audit(store, connection, admin, "operator.save", login, old, new)


def set_active(store, admin: OperatorRecord, login: str, active: bool) -> None:
    """Disable or enable a login; refused at once everywhere (consoles notice within seconds)."""
    with store._write() as connection:
        operator_id, role, was_active = _login_row(connection, login)
        if not active and role == Role.ADMIN.value and was_active:
            _keep_an_admin(connection, operator_id, login)
        connection.execute(
            "UPDATE operators SET active = ? WHERE id = ?", (bool(active), operator_id)
        )
        _audit(
            store,
            connection,
            admin,
            "operator.enable" if active else "operator.disable",
            login,
            bool(was_active),
            bool(active),
        )


def reset_password(store, admin: OperatorRecord, login: str, password: str) -> None:
    """Give a login a new password (the rules of `passwords`), clearing its lockout; the audit
    row says it was changed, never what it is."""
    passwords.check_password_rules(password, login.strip())
    stored = passwords.hash_password(password)
    with store._write() as connection:
        operator_id, _role, _active = _login_row(connection, login)
        connection.execute(
            "UPDATE operators SET password_hash = ?, failed_logins = 0, locked_until = NULL"
            " WHERE id = ?",
            (stored, operator_id),
        )
        _audit(store, connection, admin, "operator.password", login.strip(), None, None)


def all_coded_items(store) -> list[tuple]:
    """Every entry of both coded lists: (list, code, label, active), in order."""
    with store._read() as connection:
        return [
            (table, code, label, bool(active))
            for table in CODED_LISTS
            for code, label, active in connection.execute(
                f"SELECT code, label, active FROM {table} ORDER BY position, id"
            ).fetchall()
        ]


def add_coded_item(store, admin: OperatorRecord, table: str, code: str, label: str) -> None:
    """A new entry at the end of a coded list, offered at once."""
    table, code, label = _list(table), code.strip().upper(), label.strip()
    if not code or not label:
        raise ValidationError("code", PEOPLE_TEXTS["code"])
    with store._write() as connection:
        if connection.execute(f"SELECT 1 FROM {table} WHERE code = ?", (code,)).fetchone():
            raise ValidationError("code", PEOPLE_TEXTS["code_taken"].format(code=code))
        (position,) = connection.execute(
            f"SELECT coalesce(max(position), 0) + 1 FROM {table}"
        ).fetchone()
        connection.execute(
            f"INSERT INTO {table} (code, label, position, active) VALUES (?, ?, ?, TRUE)",
            (code, label, position),
        )
        _audit(store, connection, admin, f"{table}.add", code, None, label)


def set_coded_item_active(
    store, admin: OperatorRecord, table: str, code: str, active: bool
) -> None:
    """Retire an entry (kept on the requests that have it, no longer offered) or restore it."""
    table = _list(table)
    with store._write() as connection:
        row = connection.execute(f"SELECT active FROM {table} WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise ValidationError("code", PEOPLE_TEXTS["unknown_code"].format(code=code))
        connection.execute(f"UPDATE {table} SET active = ? WHERE code = ?", (bool(active), code))
        _audit(
            store,
            connection,
            admin,
            f"{table}.{'restore' if active else 'retire'}",
            code,
            bool(row[0]),
            bool(active),
        )


def _list(table: str) -> str:
    if table not in CODED_LISTS:
        raise ValidationError("list", PEOPLE_TEXTS["list"].format(name=table))
    return table


def _login_row(connection, login: str) -> tuple:
    row = connection.execute(
        "SELECT id, role, active FROM operators WHERE login = ?", (login.strip(),)
    ).fetchone()
    if row is None:
        raise UnknownOperatorError(login)
    return row


def _keep_an_admin(connection, operator_id: int, login: str) -> None:
    """Refuse to disable or demote the last active admin."""
    (others,) = connection.execute(
        "SELECT count(*) FROM operators WHERE role = ? AND active = TRUE AND id != ?",
        (Role.ADMIN.value, operator_id),
    ).fetchone()
    if others == 0:
        raise LastAdminError(login)
