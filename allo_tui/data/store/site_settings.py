"""The site settings' reads and writes (`allo settings`, the admin screen): each change is
checked against the registry (`allo_tui.domain.site_settings`) and leaves its audit row in the
same transaction. Functions over a `Store` (administrators only)."""

from __future__ import annotations

from allo_tui.data.rows import db_time
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import OperatorRecord, Role
from allo_tui.domain.site_settings import SETTINGS, spec_of

SETTING_CHANGE = "setting.set"
"""The audit action of a site setting's change."""


def stored_settings(store) -> dict[str, str]:
    """Every stored setting: key -> stored text."""
    with store._read() as connection:
        return dict(connection.execute("SELECT key, value FROM settings").fetchall())


def settings_shown(store) -> list[tuple[str, str, str]]:
    """The known settings as (key, label, value shown), in registry order."""
    stored = stored_settings(store)
    return [(key, spec.label, spec.shown(stored.get(key))) for key, spec in SETTINGS.items()]


def set_setting(store, operator: OperatorRecord, key: str, typed: str) -> str:
    """Store a setting typed by an administrator; the audit row in the same transaction. The
    stored text; `ValidationError` (nothing saved) when the value is refused."""
    spec = spec_of(key)
    value = spec.parse(typed)
    with store._write() as connection:
        if not store._role_of(connection, operator).includes(Role.ADMIN):
            raise ValidationError("operator", "réservé aux administrateurs")
        row = connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        old = row[0] if row else ""
        if row is None:
            connection.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
        else:
            connection.execute("UPDATE settings SET value = ? WHERE key = ?", (value, key))
        connection.execute(
            "INSERT INTO audit (at, operator_id, action, subject, old_value, new_value)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (db_time(store.now()), operator.id, SETTING_CHANGE, key, old, value),
        )
    if key == "calendar":
        store._calendar = None
    return value
