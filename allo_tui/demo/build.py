"""`build_demo`: check the target, then load it in one transaction (with the second
process for a big build).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from allo_tui.data.backend.sqlite.files import BUSY_TIMEOUT_MS
from allo_tui.data.errors import DatabaseFileError
from allo_tui.data.rows import OPEN_STATUS_SQL
from allo_tui.demo.constants import (
    _SEARCH_TABLES,
    _SHADOWS,
    _SIDE_TABLES,
    _WORK,
    AUXERRE_CALLERS,
    AUXERRE_REQUESTS,
    DEMO_SETTING,
)
from allo_tui.demo.directory import _insert_directory
from allo_tui.demo.operators import _insert_operators
from allo_tui.demo.plan import _make_plan
from allo_tui.demo.progress import _Progress
from allo_tui.demo.runner import _Runner
from allo_tui.demo.schema import _drop, _read_schema
from allo_tui.demo.side_process import _cache_kib, _scratch_path, _side_job, _SideProcess
from allo_tui.demo.target import _has_rows, _read_state, _State

_PARALLEL_FROM = 20_000  # requests; smaller builds run in this process only


@dataclass(frozen=True)
class DemoSummary:
    """What a demo database holds, and how long `build_demo` took."""

    callers: int
    requests: int
    calls: int
    events: int
    open_requests: int
    seconds: float


def build_demo(
    path: Path | str,
    *,
    callers: int | None = None,
    requests: int | None = None,
    seed: int = 2026,
    now: datetime | None = None,
    progress: bool = True,
) -> DemoSummary:
    """Fill the database at `path` with demo data and mark it as a demo database.

    The file is created or upgraded first (`prepare_database`). A database that already holds
    callers or requests is refused with DatabaseFileError (and left untouched) unless it is a
    demo database, in which case nothing is done. `callers` and `requests` default to
    Auxerre's size; the history ends at `now` (aware; default: the current time). With
    `progress`, a progress bar is shown on the terminal.
    """
    from allo_tui.data.schema import is_server, prepare_database

    if is_server(path):
        from allo_tui.demo.server import build_on_server

        return build_on_server(
            str(path), callers=callers, requests=requests, seed=seed, now=now, progress=progress
        )
    started = time.monotonic()
    path = Path(path)
    if now is None:
        now = datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    n_callers, n_requests = _sizes(callers, requests)
    prepare_database(path)
    state = _read_state(path)
    if state.populated:
        if not state.demo:
            raise DatabaseFileError(
                f"{path} contient déjà des demandeurs ou des demandes et n'est pas une base de"
                " démonstration : elle n'a pas été modifiée"
            )
        return _summary(path, time.monotonic() - started)
    parallel = n_requests >= _PARALLEL_FROM and (os.cpu_count() or 1) > 1
    with _Progress(progress) as bar:
        _build(path, state, n_callers, n_requests, seed, now.astimezone(UTC), parallel, bar)
    if callers is None and requests is None:  # the default demo: what a new user tries
        from allo_tui.demo.examples import add_examples

        add_examples(path, now)
    return _summary(path, time.monotonic() - started)


def _sizes(callers: int | None, requests: int | None) -> tuple[int, int]:
    if callers is None and requests is None:
        return AUXERRE_CALLERS, AUXERRE_REQUESTS
    if requests is None:
        requests = callers * 3 // 2  # type: ignore[operator]
    if callers is None:
        callers = max(1, requests * 2 // 3)
    if callers < 1 or requests < 0:
        raise ValueError("callers must be >= 1 and requests >= 0")
    return callers, requests


# --------------------------------------------------------------------------------------------
# What the database holds once built


def _summary(path: Path, seconds: float) -> DemoSummary:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

        def count(sql: str) -> int:
            return connection.execute(sql).fetchone()[0]

        return DemoSummary(
            callers=count("SELECT count(*) FROM callers"),
            requests=count("SELECT count(*) FROM requests"),
            calls=count("SELECT count(*) FROM calls"),
            events=count("SELECT count(*) FROM events"),
            open_requests=count(f"SELECT count(*) FROM requests WHERE {OPEN_STATUS_SQL}"),
            seconds=round(seconds, 3),
        )
    finally:
        connection.close()


# --------------------------------------------------------------------------------------------
# The build: one connection on the target, one transaction


def _build(
    path: Path,
    state: _State,
    n_callers: int,
    n_requests: int,
    seed: int,
    now: datetime,
    parallel: bool,
    bar: _Progress,
) -> None:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    scratch = _scratch_path(path)
    side: _SideProcess | None = None
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # A rollback journal for the load: pages appended to the file are not journaled, so it
        # costs nothing on a fresh file, and an interrupted build rolls back.
        try:
            connection.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError:
            raise DatabaseFileError(
                f"{path} est ouverte par un autre programme : fermez-le puis recommencez"
            ) from None
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute(f"PRAGMA cache_size = {-_cache_kib(n_requests)}")
        connection.execute("PRAGMA threads = 2")
        connection.execute("BEGIN IMMEDIATE")
        if _has_rows(connection):
            raise DatabaseFileError(f"{path} a été remplie pendant la préparation : abandon")
        schema = _read_schema(connection)
        _drop(connection, schema)
        operators = _insert_operators(connection, n_requests, seed)
        _insert_directory(connection)
        connection.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, 'true')", (DEMO_SETTING,)
        )
        plan = _make_plan(state, schema, operators, n_callers, n_requests, seed, now)
        bar.start(plan.progress_total())
        if parallel:
            side = _SideProcess(plan, scratch)
        run = _Runner(connection, plan, bar)
        run.load_lookups()
        run.request_stage(full=True)
        run.insert_requests()
        run.insert_events()
        for sql in schema.indexes_on(("requests", "events")):
            run.execute(sql)
            bar.advance(round(_WORK["index"] * n_requests))
        if side is not None:
            side.wait(bar)
        else:
            _side_job(plan, scratch, bar.advance)
        connection.execute("ATTACH DATABASE ? AS scratch", (str(scratch),))
        for table in _SIDE_TABLES:
            run.execute(f"INSERT INTO main.{table} SELECT * FROM scratch.{table}")
        for table in _SEARCH_TABLES:
            for shadow in _SHADOWS:
                name = f"{table}_{shadow}"
                run.execute(f"DELETE FROM main.{name}")
                run.execute(f"INSERT INTO main.{name} SELECT * FROM scratch.{name}")
        bar.advance(round(_WORK["copy"] * (plan.n_calls + n_callers)))
        for sql in schema.indexes_on(_SIDE_TABLES) + schema.indexes_on(
            ("requests", "events"), but=True
        ):
            run.execute(sql)
            bar.advance(round(_WORK["index"] * n_requests))
        connection.executemany(
            "INSERT OR REPLACE INTO reference_counters (year, last) VALUES (?, ?)",
            sorted(plan.counters.items()),
        )
        # The change feed's counters: every console sees that everything changed.
        connection.execute(
            "UPDATE change_counters SET value = value + 1 WHERE name IN ('requests', 'callers')"
        )
        for sql in schema.triggers:
            connection.execute(sql)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        if side is not None:
            side.close()
        try:
            attached = {row[1] for row in connection.execute("PRAGMA database_list")}
            if "scratch" in attached:
                connection.execute("DETACH DATABASE scratch")
            connection.execute("PRAGMA journal_mode = WAL")
        finally:
            connection.close()
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{scratch}{suffix}").unlink(missing_ok=True)
