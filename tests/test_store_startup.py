"""The console starts on the one Store without importing SQLAlchemy (half a second of CPU):
SQLAlchemy is loaded for Alembic's migrations only."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_the_first_screens_reads_do_not_import_sqlalchemy(admin, db_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from allo_tui.data.store import Store
        store = Store({str(db_path)!r})
        store.categories(); store.services(); store.calendar(); store.known_streets()
        store.search_callers("dupont"); store.callers_holding("03 86 12 34 56")
        store.get_request_by_reference("00042"); store.last_request_id(); store.now()
        operator = store.get_operator({admin.login!r})
        store.is_demo(); store.operator_drafts(operator)
        print(sorted(name for name in sys.modules if name.split(".")[0] == "sqlalchemy"))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
