"""Row shapes of the catalogue and the site settings (part of `allo_tui.data.rows`)."""

from __future__ import annotations

import json

from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.records import CategoryRecord, ServiceRecord
from allo_tui.domain.streets import Street


def category_rows(connection) -> list[CategoryRecord]:
    """Active categories in catalogue order, each with its service's name."""
    rows = connection.execute(
        "SELECT c.id, c.code, c.label, c.service_id, s.name, c.default_urgency, c.active, "
        "c.procedure FROM categories c JOIN services s ON s.id = c.service_id "
        "WHERE c.active ORDER BY c.position, c.id"
    ).fetchall()
    return [
        CategoryRecord(
            id=row[0],
            code=row[1],
            label=row[2],
            service_id=row[3],
            service_name=row[4],
            default_urgency=row[5],
            active=bool(row[6]),
            procedure=row[7] or "",
        )
        for row in rows
    ]


def service_rows(connection) -> list[ServiceRecord]:
    """Active services and teams."""
    rows = connection.execute(
        "SELECT id, code, name, is_mobile_team, active FROM services WHERE active ORDER BY id"
    ).fetchall()
    return [
        ServiceRecord(
            id=row[0], code=row[1], name=row[2], is_mobile_team=bool(row[3]), active=bool(row[4])
        )
        for row in rows
    ]


def setting(connection, key: str) -> str | None:
    """One site setting's stored text, or None when never set."""
    row = connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def site_calendar(connection) -> SiteCalendar:
    """The site's working-time calendar and due-date targets (defaults when never set)."""
    value = setting(connection, "calendar")
    return SiteCalendar.from_dict(json.loads(value) if value else {})


def street_rows(connection) -> list[Street]:
    """The site's street register (active streets), in name order."""
    rows = connection.execute(
        "SELECT name, kind FROM streets WHERE active ORDER BY name, id"
    ).fetchall()
    return [Street(name, kind) for name, kind in rows]


def known_street_rows(connection, limit: int = 5000) -> list[str]:
    """Streets already used in requests and caller addresses, sorted (for type-ahead)."""
    rows = connection.execute(
        "SELECT street FROM requests WHERE street != '' GROUP BY street "
        "UNION SELECT street FROM callers WHERE street != '' GROUP BY street LIMIT ?",
        (limit,),
    ).fetchall()
    return sorted({row[0] for row in rows})
