"""`build_demo` on a PostgreSQL server: the demo is built in a scratch SQLite file by the same
set-based generator, then moved to the server by `allo db copy`'s code (one transaction,
counts and checksums compared). DESIGN §6's rule holds: only an empty database, or one
already marked as a demo, is written.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime
from pathlib import Path

from allo_tui.data.errors import DatabaseFileError


def build_on_server(
    url: str,
    *,
    callers: int | None,
    requests: int | None,
    seed: int,
    now: datetime | None,
    progress: bool,
):
    """Fill the server database at `url` with demo data (see `build_demo`)."""
    from allo_tui.data.backend.urls import redacted
    from allo_tui.data.copy import copy_database
    from allo_tui.data.schema import prepare_database
    from allo_tui.data.store import Store
    from allo_tui.demo.build import build_demo

    started = time.monotonic()
    prepare_database(url)
    store = Store(url)
    try:
        held = store.row_counts()
        demo = store.is_demo()
    finally:
        store.close()
    if held["callers"] or held["requests"]:
        if not demo:
            raise DatabaseFileError(
                f"{redacted(url)} contient déjà des demandeurs ou des demandes et n'est pas une"
                " base de démonstration : elle n'a pas été modifiée"
            )
        return summary_of(url, time.monotonic() - started)
    with tempfile.TemporaryDirectory(prefix="allo-demo-") as folder:
        scratch = Path(folder) / "demo.sqlite3"
        build_demo(
            scratch, callers=callers, requests=requests, seed=seed, now=now, progress=progress
        )
        copy_database(scratch, url, replace=True)
    return summary_of(url, time.monotonic() - started)


def summary_of(url: str, seconds: float):
    """What the server's demo database holds (the `DemoSummary` of a file build)."""
    from allo_tui.data.store import Store
    from allo_tui.demo.build import DemoSummary

    store = Store(url)
    try:
        counts = store.row_counts()
    finally:
        store.close()
    return DemoSummary(
        callers=counts["callers"],
        requests=counts["requests"],
        calls=counts["calls"],
        events=counts["events"],
        open_requests=counts["open_requests"],
        seconds=round(seconds, 3),
    )
