"""Operators: listing, adding and resolving the one at the console."""

from __future__ import annotations

from allo_tui.data.rows import OPERATOR_COLUMNS, db_time, operator_record
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.errors import (
    UnknownOperatorError,
    ValidationError,
)
from allo_tui.domain.records import (
    OperatorRecord,
    Role,
)

_BY_LOGIN = f"SELECT {OPERATOR_COLUMNS} FROM operators WHERE login = ?"
_INSERT = (
    "INSERT INTO operators (login, display_name, role, active, created_at)"
    " VALUES (?, ?, ?, TRUE, ?) RETURNING " + OPERATOR_COLUMNS
)


class OperatorStore(StoreCore):
    """Operators, for `Store`."""

    def list_operators(self) -> list[OperatorRecord]:
        with self._read() as connection:
            rows = connection.execute(f"SELECT {OPERATOR_COLUMNS} FROM operators ORDER BY login")
            return [operator_record(row) for row in rows]

    def get_operator(self, login: str) -> OperatorRecord | None:
        with self._read() as connection:
            row = connection.execute(_BY_LOGIN, (login,)).fetchone()
        return operator_record(row) if row else None

    def add_operator(
        self, login: str, role: Role | str = Role.OPERATOR, display_name: str = ""
    ) -> OperatorRecord:
        """Add an operator; a login already there gets the new role and name."""
        login = login.strip()
        if not login:
            raise ValidationError("login", "identifiant vide")
        role = Role(role)
        with self._write() as connection:
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
            return operator_record(row)

    def resolve_operator(self, login: str, *, demo: bool = False) -> OperatorRecord:
        """Who is at the console: a known login; the very first one becomes admin.

        In a demo database any login is accepted as a supervisor. An unknown login on a real
        database raises UnknownOperatorError saying how an admin adds it.
        """
        with self._read() as connection:  # the usual case: a known login, no write lock
            row = connection.execute(_BY_LOGIN, (login,)).fetchone()
        if row is not None and row[4]:
            return operator_record(row)
        with self._write() as connection:
            row = connection.execute(_BY_LOGIN, (login,)).fetchone()
            if row is not None and row[4]:
                return operator_record(row)
            first = connection.execute("SELECT count(*) FROM operators").fetchone()[0] == 0
            if row is None and (first or demo):
                role = Role.ADMIN if first and not demo else Role.SUPERVISOR
                row = connection.execute(
                    _INSERT, (login, login, role.value, db_time(self.now()))
                ).fetchone()
                return operator_record(row)
        raise UnknownOperatorError(login)
