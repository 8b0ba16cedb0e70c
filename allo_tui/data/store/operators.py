"""Operators: listing, adding and resolving the one at the console."""

from __future__ import annotations

from collections.abc import Sequence

from allo_tui.data.backend import Connection
from allo_tui.data.rows import OPERATOR_COLUMNS, db_time
from allo_tui.data.rows.people import operator_record, operator_services, operator_with_services
from allo_tui.data.store.logins import LoginStore
from allo_tui.domain.errors import (
    UnknownOperatorError,
    ValidationError,
)
from allo_tui.domain.passwords import DisabledOperatorError
from allo_tui.domain.records import (
    OperatorRecord,
    Role,
)

_BY_LOGIN = f"SELECT {OPERATOR_COLUMNS} FROM operators WHERE login = ?"
_INSERT = (
    "INSERT INTO operators (login, display_name, role, active, created_at)"
    " VALUES (?, ?, ?, TRUE, ?) RETURNING " + OPERATOR_COLUMNS
)


class OperatorStore(LoginStore):
    """Operators, for `Store`."""

    def list_operators(self) -> list[OperatorRecord]:
        with self._read() as connection:
            rows = connection.execute(
                f"SELECT {OPERATOR_COLUMNS} FROM operators ORDER BY login"
            ).fetchall()
            services = operator_services(connection)
        return [operator_record(row, services.get(row[0])) for row in rows]

    def get_operator(self, login: str) -> OperatorRecord | None:
        with self._read() as connection:
            row = connection.execute(_BY_LOGIN, (login,)).fetchone()
            return operator_with_services(connection, row) if row else None

    def add_operator(
        self,
        login: str,
        role: Role | str = Role.OPERATOR,
        display_name: str = "",
        services: Sequence[str] = (),
    ) -> OperatorRecord:
        """Add an operator; a login already there gets the new role, name and services.

        `services`: the codes of a service agent's services (role `service`, at least one;
        case-insensitive, as in the catalogue); other roles take none. One transaction.
        """
        login = login.strip()
        if not login:
            raise ValidationError("login", "identifiant vide")
        role = Role(role)
        wanted = [code.strip() for code in services if code.strip()]
        if role is Role.SERVICE and not wanted:
            raise ValidationError(
                "service", "Un agent de service est rattaché à au moins un service (--service)."
            )
        if role is not Role.SERVICE and wanted:
            raise ValidationError(
                "service", f"Seul un agent de service (rôle service) a des services, pas {role}."
            )
        with self._write() as connection:
            service_ids = _service_ids(connection, wanted)
            row = connection.execute(_BY_LOGIN, (login,)).fetchone()
            if row is None:
                row = connection.execute(
                    _INSERT, (login, display_name or login, role.value, db_time(self.now()))
                ).fetchone()
            else:
                connection.execute(
                    "UPDATE operators SET role = ?, active = TRUE,"
                    " display_name = CASE WHEN ? != '' THEN ? ELSE display_name END WHERE id = ?",
                    (role.value, display_name, display_name, row[0]),
                )
                row = connection.execute(_BY_LOGIN, (login,)).fetchone()
            connection.execute("DELETE FROM operator_services WHERE operator_id = ?", (row[0],))
            for service_id in service_ids:
                connection.execute(
                    "INSERT INTO operator_services (operator_id, service_id) VALUES (?, ?)",
                    (row[0], service_id),
                )
            return operator_with_services(connection, row)

    def resolve_operator(self, login: str, *, demo: bool = False) -> OperatorRecord:
        """Who is at the console: a known login; the very first one becomes admin.

        In a demo database any login is accepted as a supervisor. An unknown login on a real
        database raises UnknownOperatorError saying how an admin adds it; a disabled one
        DisabledOperatorError.
        """
        with self._read() as connection:  # the usual case: a known login, no write lock
            row = connection.execute(_BY_LOGIN, (login,)).fetchone()
            if row is not None and row[4]:
                return operator_with_services(connection, row)
        with self._write() as connection:
            row = connection.execute(_BY_LOGIN, (login,)).fetchone()
            if row is not None and row[4]:
                return operator_with_services(connection, row)
            first = connection.execute("SELECT count(*) FROM operators").fetchone()[0] == 0
            if row is None and (first or demo):
                role = Role.ADMIN if first and not demo else Role.SUPERVISOR
                row = connection.execute(
                    _INSERT, (login, login, role.value, db_time(self.now()))
                ).fetchone()
                return operator_record(row)
        if row is not None:
            raise DisabledOperatorError(login)
        raise UnknownOperatorError(login)


def _service_ids(connection: Connection, codes: Sequence[str]) -> list[int]:
    """The ids of the active services with these codes (any case), in order, each once.

    An unknown code is refused in one line listing the known ones.
    """
    rows = connection.execute(
        "SELECT id, code FROM services WHERE active = TRUE ORDER BY code"
    ).fetchall()
    by_code = {code.casefold(): service_id for service_id, code in rows}
    unknown = [code for code in codes if code.casefold() not in by_code]
    if unknown:
        known = ", ".join(code for _id, code in rows) or "aucun"
        raise ValidationError(
            "service", f"Service inconnu : {', '.join(unknown)} (services connus : {known})."
        )
    ids: list[int] = []
    for code in codes:
        if by_code[code.casefold()] not in ids:
            ids.append(by_code[code.casefold()])
    return ids
