"""The target database as the builder finds it, read without writing anything."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from allo_tui.data.backend.sqlite.files import BUSY_TIMEOUT_MS
from allo_tui.data.errors import DatabaseFileError
from allo_tui.demo.constants import DEMO_SETTING


@dataclass
class _State:
    populated: bool
    demo: bool
    services: list[tuple[int, str, str, bool]]
    categories: list[tuple[int, str, int, int]]
    calendar: dict


def _read_state(path: Path) -> _State:
    """What the builder needs to know, read without writing anything."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        populated = _has_rows(connection)
        settings = dict(connection.execute("SELECT key, value FROM settings"))
        services = [
            (row[0], row[1], row[2], bool(row[3]))
            for row in connection.execute(
                "SELECT id, code, name, is_mobile_team FROM services ORDER BY id"
            )
        ]
        categories = list(
            connection.execute(
                "SELECT id, code, service_id, default_urgency FROM categories"
                " WHERE active ORDER BY position, id"
            )
        )
    except sqlite3.DatabaseError as error:
        raise DatabaseFileError(f"{path} est illisible : {error}") from None
    finally:
        connection.close()
    try:
        calendar = json.loads(settings.get("calendar") or "{}")
    except ValueError:
        calendar = {}
    return _State(
        populated=populated,
        demo=_is_true(settings.get(DEMO_SETTING)),
        services=services,
        categories=categories,
        calendar=calendar if isinstance(calendar, dict) else {},
    )


def _has_rows(connection: sqlite3.Connection) -> bool:
    return bool(
        connection.execute(
            "SELECT EXISTS (SELECT 1 FROM callers) OR EXISTS (SELECT 1 FROM requests)"
        ).fetchone()[0]
    )


def _is_true(value: str | None) -> bool:
    if value is None:
        return False
    try:
        return json.loads(value) is True
    except ValueError:
        return value.strip().lower() == "true"
