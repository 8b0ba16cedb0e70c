"""Operators: listing, adding and resolving the one at the console."""

from __future__ import annotations

from sqlalchemy import func, select

from allo_tui.data.models import Operator
from allo_tui.data.store.common import _operator
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.errors import (
    UnknownOperatorError,
    ValidationError,
)
from allo_tui.domain.records import (
    OperatorRecord,
    Role,
)


class OperatorStore(StoreCore):
    """Operators, for `Store`."""

    def list_operators(self) -> list[OperatorRecord]:
        with self._read() as session:
            rows = session.scalars(select(Operator).order_by(Operator.login))
            return [_operator(row) for row in rows]

    def get_operator(self, login: str) -> OperatorRecord | None:
        with self._read() as session:
            row = session.scalar(select(Operator).where(Operator.login == login))
            return _operator(row) if row else None

    def add_operator(
        self, login: str, role: Role | str = Role.OPERATOR, display_name: str = ""
    ) -> OperatorRecord:
        """Add an operator; a login already there gets the new role and name."""
        login = login.strip()
        if not login:
            raise ValidationError("login", "identifiant vide")
        role = Role(role)
        with self._write() as session:
            row = session.scalar(select(Operator).where(Operator.login == login))
            if row is None:
                row = Operator(
                    login=login,
                    display_name=display_name or login,
                    role=role.value,
                    active=True,
                    created_at=self.now(),
                )
                session.add(row)
            else:
                row.role = role.value
                row.active = True
                if display_name:
                    row.display_name = display_name
            session.flush()
            return _operator(row)

    def resolve_operator(self, login: str, *, demo: bool = False) -> OperatorRecord:
        """Who is at the console: a known login; the very first one becomes admin.

        In a demo database any login is accepted as a supervisor. An unknown login on a real
        database raises UnknownOperatorError saying how an admin adds it.
        """
        with self._write() as session:
            row = session.scalar(select(Operator).where(Operator.login == login))
            if row is not None and row.active:
                return _operator(row)
            first = session.scalar(select(func.count(Operator.id))) == 0
            if row is None and (first or demo):
                role = Role.ADMIN if first and not demo else Role.SUPERVISOR
                row = Operator(
                    login=login,
                    display_name=login,
                    role=role.value,
                    active=True,
                    created_at=self.now(),
                )
                session.add(row)
                session.flush()
                return _operator(row)
        raise UnknownOperatorError(login)
