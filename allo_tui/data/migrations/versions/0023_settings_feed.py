"""Site settings on the change feed: a change reaches every console at once.

A `settings` change counter, bumped by triggers on `settings` in the writing transaction. The
same triggers bump the `requests` counter (and, on PostgreSQL, notify its channel), which every
console already watches: a console that sees the feed move reads the settings counter, and
reads the calendar again when it moved (due dates, opening hours and targets apply to what it
saves from then on; the board's due times are drawn again).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VERBS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    op.execute("INSERT INTO change_counters (name, value) VALUES ('settings', 0)")
    if op.get_bind().dialect.name == "sqlite":
        for verb in _VERBS:
            op.execute(
                f"""CREATE TRIGGER settings_changed_{verb.lower()} AFTER {verb} ON settings BEGIN
            UPDATE change_counters SET value = value + 1 WHERE name IN ('settings', 'requests');
        END"""
            )
        return
    op.execute(
        """CREATE FUNCTION allo_settings_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE change_counters SET value = value + 1 WHERE name IN ('settings', 'requests');
        PERFORM pg_notify('allo_requests', '');
        RETURN NULL;
    END $$"""
    )
    op.execute(
        """CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE ON settings
        FOR EACH STATEMENT EXECUTE FUNCTION allo_settings_change()"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in _VERBS:
            op.execute(f"DROP TRIGGER settings_changed_{verb.lower()}")
    else:
        op.execute("DROP TRIGGER settings_changed ON settings")
        op.execute("DROP FUNCTION allo_settings_change()")
    op.execute("DELETE FROM change_counters WHERE name = 'settings'")
