"""Logins of served sessions (`allo serve`): passwords, failures, lockouts, disabling.

The hash is computed outside any transaction (it takes ~0.1 s); each verdict is then written
in one write transaction that reads the row again, so failures are counted right whatever
the number of browser connections (each its own process) trying at once. The delay after a
wrong password is the caller's (the login screen, a command), never inside a transaction.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from allo_tui.data.backend import Connection
from allo_tui.data.rows import OPERATOR_COLUMNS, db_time, utc_time
from allo_tui.data.rows.people import operator_with_services
from allo_tui.data.store.core import StoreCore
from allo_tui.domain import passwords
from allo_tui.domain.errors import UnknownOperatorError
from allo_tui.domain.passwords import (
    DisabledOperatorError,
    LastAdminError,
    LoginRefused,
    Refusal,
)
from allo_tui.domain.records import OperatorRecord, Role

_STATE = "SELECT id, password_hash, active, failed_logins, locked_until FROM operators WHERE "


class LoginState(msgspec.Struct, frozen=True):
    """What `allo operator list` tells of a login: password set, failures, lockout."""

    password_set: bool
    failed_logins: int
    locked_until: datetime | None


class LoginStore(StoreCore):
    """Passwords and login attempts, for `Store` (through `OperatorStore`)."""

    def set_password(self, login: str, password: str) -> OperatorRecord:
        """Give `login` a new password (rules: `passwords.check_password_rules`); clears its
        failures and lockout. An unknown login raises UnknownOperatorError."""
        passwords.check_password_rules(password, login)
        stored = passwords.hash_password(password)
        with self._write() as connection:
            row = _row(connection, login)
            connection.execute(
                "UPDATE operators SET password_hash = ?, failed_logins = 0, locked_until = NULL"
                " WHERE id = ?",
                (stored, row[0]),
            )
            return _record(connection, row[0])

    def verify_login(
        self, login: str, password: str, now: datetime | None = None
    ) -> OperatorRecord | LoginRefused:
        """The operator when `login` and `password` match, else the refusal.

        An unknown login, a wrong password and a login without a password get the same
        refusal (and take as long). A locked login is refused without looking at the
        password; a disabled one only once the password is right (so a wrong guess learns
        nothing). Five failures in a row lock the login for 15 minutes; a success clears them.
        """
        now = now or self.now()
        login = login.strip()
        with self._read() as connection:
            row = connection.execute(_STATE + "login = ?", (login,)).fetchone() if login else None
        if row is None:
            passwords.waste_time(password)
            return passwords.refusal(Refusal.WRONG)
        operator_id, stored = row[0], row[1]
        if self._locked(row[4], now):
            return self._lock_refusal(row[4])
        right = passwords.verify_password(password, stored)
        rehashed = (
            passwords.hash_password(password) if right and passwords.needs_rehash(stored) else None
        )
        with self._write() as connection:
            row = connection.execute(_STATE + "id = ?", (operator_id,)).fetchone()
            if row is None:
                return passwords.refusal(Refusal.WRONG)
            if self._locked(row[4], now):
                return self._lock_refusal(row[4])
            if right and row[1] == stored:
                if not row[2]:
                    return passwords.refusal(Refusal.DISABLED)
                connection.execute(
                    "UPDATE operators SET failed_logins = 0, locked_until = NULL,"
                    " password_hash = ? WHERE id = ?",
                    (rehashed or stored, operator_id),
                )
                return _record(connection, operator_id)
            failures = (row[3] or 0) + 1
            if failures >= passwords.MAX_FAILURES:
                until = now + passwords.LOCK_DURATION
                connection.execute(
                    "UPDATE operators SET failed_logins = 0, locked_until = ? WHERE id = ?",
                    (db_time(until), operator_id),
                )
                return self._lock_refusal(until)
            connection.execute(
                "UPDATE operators SET failed_logins = ? WHERE id = ?", (failures, operator_id)
            )
        return passwords.refusal(Refusal.WRONG)

    def set_operator_active(self, login: str, active: bool) -> OperatorRecord:
        """Disable (`active` False) or enable a login. The last active admin is never
        disabled (LastAdminError). A disabled login is refused everywhere at once: consoles
        notice it within seconds, commands and logins straight away."""
        with self._write() as connection:
            row = _row(connection, login)
            if not active:
                role, was_active = connection.execute(
                    "SELECT role, active FROM operators WHERE id = ?", (row[0],)
                ).fetchone()
                admins = connection.execute(
                    "SELECT count(*) FROM operators WHERE role = ? AND active = TRUE AND id != ?",
                    (Role.ADMIN.value, row[0]),
                ).fetchone()[0]
                if role == Role.ADMIN.value and was_active and admins == 0:
                    raise LastAdminError(row[1])
            connection.execute(
                "UPDATE operators SET active = ? WHERE id = ?", (bool(active), row[0])
            )
            return _record(connection, row[0])

    def unlock_operator(self, login: str) -> OperatorRecord:
        """Clear a login's lockout and its count of failures."""
        with self._write() as connection:
            row = _row(connection, login)
            connection.execute(
                "UPDATE operators SET failed_logins = 0, locked_until = NULL WHERE id = ?",
                (row[0],),
            )
            return _record(connection, row[0])

    def login_states(self) -> dict[str, LoginState]:
        """login -> its LoginState, for every operator."""
        with self._read() as connection:
            rows = connection.execute(
                "SELECT login, password_hash, failed_logins, locked_until FROM operators"
            ).fetchall()
        now = self.now()
        states = {}
        for login, stored, failed, locked in rows:
            until = utc_time(locked)
            states[login] = LoginState(
                bool(stored), failed or 0, until if until is not None and until > now else None
            )
        return states

    def operator_active(self, operator_id: int) -> bool:
        """True while the operator exists and is not disabled (a console's periodic check)."""
        with self._read() as connection:
            row = connection.execute(
                "SELECT active FROM operators WHERE id = ?", (operator_id,)
            ).fetchone()
        return bool(row and row[0])

    def _locked(self, locked_until, now: datetime) -> bool:
        until = utc_time(locked_until)
        return until is not None and until > now

    def _lock_refusal(self, locked_until) -> LoginRefused:
        until = utc_time(locked_until)
        assert until is not None
        local = self.calendar().to_local(until).strftime("%H:%M")
        return passwords.refusal(Refusal.LOCKED, until, local)


def _row(connection: Connection, login: str):
    """(id, login) of `login`; an unknown one raises UnknownOperatorError."""
    row = connection.execute(
        "SELECT id, login FROM operators WHERE login = ?", (login.strip(),)
    ).fetchone()
    if row is None:
        raise UnknownOperatorError(login)
    return row


def _record(connection: Connection, operator_id: int) -> OperatorRecord:
    row = connection.execute(
        f"SELECT {OPERATOR_COLUMNS} FROM operators WHERE id = ?", (operator_id,)
    ).fetchone()
    return operator_with_services(connection, row)


__all__ = ["DisabledOperatorError", "LoginState", "LoginStore"]
