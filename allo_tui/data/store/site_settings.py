"""The site settings' reads and writes (`allo settings`, the admin screen): each change is
checked against the registry (`allo_tui.domain.site_settings`) and leaves its audit row in the
same transaction. Functions over a `Store` (administrators only)."""

from __future__ import annotations

import json

from allo_tui.data.rows import db_time
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import OperatorRecord, Role
from allo_tui.domain.site_settings import SETTINGS, SettingSpec, calendar_dict, spec_of
from allo_tui.domain.site_settings import _calendar as _calendar_problem

SETTING_CHANGE = "setting.set"
"""The audit action of a site setting's change."""


def stored_settings(store) -> dict[str, str]:
    """Every stored setting: key -> stored text."""
    with store._read() as connection:
        return dict(connection.execute("SELECT key, value FROM settings").fetchall())


def settings_shown(store) -> list[tuple[str, str, str]]:
    """The listed settings as (key, label, value shown), in registry order."""
    stored = stored_settings(store)
    return [
        (key, spec.label, setting_text(spec, stored))
        for key, spec in SETTINGS.items()
        if spec.listed
    ]


def setting_text(spec: SettingSpec, stored: dict[str, str]) -> str:
    """One setting as an administrator reads it, from the stored settings."""
    return spec.shown(stored.get("calendar" if spec.part else spec.key))


def set_setting(store, operator: OperatorRecord, key: str, typed: str) -> str:
    """Store a setting typed by an administrator; the audit row in the same transaction. The
    stored text; `ValidationError` (nothing saved) when the value is refused. A part of the
    calendar is written into the stored calendar (checked whole); its text is returned."""
    spec = spec_of(key)
    if spec.part is not None:
        return _set_calendar_part(store, operator, spec, typed)
    value = spec.parse(typed)
    with store._write() as connection:
        _require_admin(store, connection, operator)
        old = _write_setting(connection, key, value)
        _audit(store, connection, operator, key, old, value)
    if key == "calendar":
        store._calendar = None
    return value


def _set_calendar_part(store, operator: OperatorRecord, spec: SettingSpec, typed: str) -> str:
    assert spec.part is not None and spec.to_text is not None
    part_value = spec.parse_part(typed)
    with store._write() as connection:
        _require_admin(store, connection, operator)
        row = connection.execute("SELECT value FROM settings WHERE key = 'calendar'").fetchone()
        calendar = calendar_dict(row[0] if row else None)
        old_text = spec.to_text(calendar[spec.part])
        calendar[spec.part] = part_value
        problem = _calendar_problem(calendar)
        if problem:
            raise ValidationError(spec.key, f"{spec.label} : {problem}")
        value = json.dumps(calendar, ensure_ascii=False, sort_keys=True)
        _write_setting(connection, "calendar", value)
        new_text = spec.to_text(part_value)
        _audit(store, connection, operator, spec.key, old_text, new_text)
    store._calendar = None
    return new_text


def _require_admin(store, connection, operator: OperatorRecord) -> None:
    if not store._role_of(connection, operator).includes(Role.ADMIN):
        raise ValidationError("operator", "réservé aux administrateurs")


def _write_setting(connection, key: str, value: str) -> str:
    """Insert or update one stored setting; its old stored text ("" when new)."""
    row = connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if row is None:
        connection.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
        return ""
    connection.execute("UPDATE settings SET value = ? WHERE key = ?", (value, key))
    return row[0]


def _audit(store, connection, operator: OperatorRecord, key: str, old: str, new: str) -> None:
    connection.execute(
        "INSERT INTO audit (at, operator_id, action, subject, old_value, new_value)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (db_time(store.now()), operator.id, SETTING_CHANGE, key, old, new),
    )
