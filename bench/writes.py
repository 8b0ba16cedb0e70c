"""Writes: saving a request through the Store, and several consoles saving at once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench import postgres
from bench.measure import ms, now, percentile, raw_connection
from bench.rows import Row, make_row
from bench.terminal import python_command
from bench.workload import SaveSample

FLOOR_TABLE = "bench_floor_insert"


def bench_operator(store, login: str):
    """An operator for the harness (any login is a supervisor in a demo database)."""
    from allo_tui.domain.errors import UnknownOperatorError
    from allo_tui.domain.records import Role

    try:
        return store.resolve_operator(login, demo=True)
    except UnknownOperatorError:
        return store.add_operator(login, Role.SUPERVISOR, login)


def new_request(sample: SaveSample, tag: str = "", urgency: int | None = None):
    from allo_tui.domain.records import NewRequest

    description = f"{tag} {sample.description}".strip() if tag else sample.description
    return NewRequest(
        category_id=sample.category_id,
        description=description,
        caller_id=sample.caller_id,
        street_number=sample.street_number,
        street=sample.street,
        urgency=urgency,
    )


def save_rows(store, path: Path, samples: list[SaveSample]) -> list[Row]:
    """Store.create_request (request + first event + call + search index, one transaction)
    against a raw single-row insert in its own transaction on the same file, alternating."""
    from allo_tui.domain.records import CallInfo

    operator = bench_operator(store, "bench-save")
    if postgres.is_url(path):
        return _save_rows_postgresql(store, operator, path, samples)
    connection = raw_connection(path)
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (id INTEGER PRIMARY KEY, at TEXT, note TEXT)"
    )
    store_times: list[float] = []
    raw_times: list[float] = []
    try:
        store.create_request(operator, new_request(samples[0]))  # warm-up
        for sample in samples:
            call = CallInfo(
                started_at=store.now() - timedelta(minutes=3),
                console="bench",
                phone=sample.phone,
            )
            request = new_request(sample)
            started = now()
            store.create_request(operator, request, call)
            store_times.append(now() - started)
            started = now()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                f"INSERT INTO {FLOOR_TABLE} (at, note) VALUES (datetime('now'), ?)",
                (sample.description[:200],),
            )
            connection.execute("COMMIT")
            raw_times.append(now() - started)
    finally:
        connection.close()
    return _save_figures(store_times, raw_times, samples)


def _save_rows_postgresql(store, operator, url: str, samples: list[SaveSample]) -> list[Row]:
    """The same on PostgreSQL: the floor is a raw insert through psycopg (bench.postgres)."""
    from allo_tui.domain.records import CallInfo

    floor = postgres.InsertFloor(url)
    store_times: list[float] = []
    raw_times: list[float] = []
    try:
        store.create_request(operator, new_request(samples[0]))  # warm-up
        floor.insert("warm-up")
        for sample in samples:
            call = CallInfo(
                started_at=store.now() - timedelta(minutes=3),
                console="bench",
                phone=sample.phone,
            )
            request = new_request(sample)
            started = now()
            store.create_request(operator, request, call)
            store_times.append(now() - started)
            started = now()
            floor.insert(sample.description[:200])
            raw_times.append(now() - started)
    finally:
        floor.close()
    return _save_figures(store_times, raw_times, samples)


def _save_figures(store_times: list[float], raw_times: list[float], samples: list) -> list[Row]:
    return [
        make_row(
            "save.p50",
            ms(percentile(store_times, 0.5)),
            floor=ms(percentile(raw_times, 0.5)),
            samples=len(samples),
        ),
        make_row(
            "save.p99",
            ms(percentile(store_times, 0.99)),
            floor=ms(percentile(raw_times, 0.99)),
            samples=len(samples),
            note="request + event + call + search index, one transaction each",
        ),
    ]


# -- concurrent writer processes ---------------------------------------------------------------


def writer_rows(path: Path, counts: tuple[int, ...], seconds: float, env: dict) -> list[Row]:
    rows: list[Row] = []
    for count in counts:
        rows += _writers(path, count, seconds, env)
    return rows


def _writers(path: Path, count: int, seconds: float, env: dict) -> list[Row]:
    tag = f"bench-writers-{count}-{int(time.time() * 1000)}"
    with tempfile.TemporaryDirectory(prefix="allo-bench-writers-") as folder:
        start_flag = Path(folder) / "start"
        processes = []
        for index in range(count):
            ready = Path(folder) / f"ready-{index}"
            argv = python_command(
                "-m",
                "bench.writer",
                str(path),
                tag,
                str(index),
                str(seconds),
                str(start_flag),
                str(ready),
            )
            processes.append(
                (
                    ready,
                    subprocess.Popen(
                        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
                    ),
                )
            )
        deadline = time.monotonic() + 60
        while not all(ready.exists() for ready, _ in processes):
            if time.monotonic() > deadline or any(p.poll() is not None for _, p in processes):
                break
            time.sleep(0.01)
        start_flag.touch()
        reports = []
        failures = []
        for _, process in processes:
            out, err = process.communicate(timeout=seconds + 120)
            try:
                reports.append(json.loads(out.strip().splitlines()[-1]))
            except (ValueError, IndexError):
                failures.append(err.strip().splitlines()[-1:] or [f"exit {process.returncode}"])
    saved = sum(r["saved"] for r in reports)
    errors = sum(r["errors"] for r in reports) + len(failures)
    elapsed = max((r["seconds"] for r in reports), default=seconds)
    found, complete = _count_tagged(path, tag)
    lost = max(0, saved - complete)
    kinds: dict[str, int] = {}
    for report in reports:
        for kind, number in report.get("error_kinds", {}).items():
            kinds[kind] = kinds.get(kind, 0) + number
    notes = []
    if kinds:
        notes.append("errors: " + ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items())))
    if failures:
        notes.append(f"{len(failures)} writer(s) failed: {failures[0]}")
    if found > saved:
        notes.append(f"{found - saved} row(s) committed but reported as failed")
    extra = {
        "saved": saved,
        "found": found,
        "complete": complete,
        "seconds": elapsed,
        "per_process": reports,
    }
    return [
        make_row(
            f"writers.{count}.rate",
            saved / elapsed if elapsed else 0.0,
            samples=saved,
            note=f"{saved} requests in {elapsed:.1f} s",
            extra=extra,
        ),
        make_row(f"writers.{count}.errors", float(errors), samples=saved, note="; ".join(notes)),
        make_row(
            f"writers.{count}.lost",
            float(lost),
            samples=saved,
            note="a saved request missing, or without its event or call",
        ),
    ]


def _count_tagged(path: Path, tag: str) -> tuple[int, int]:
    """Requests written by the writers, and how many have both their event and their call."""
    if postgres.is_url(path):
        return postgres.count_tagged(path, tag)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA busy_timeout = 10000")
        pattern = f"{tag} %"
        found = connection.execute(
            "SELECT count(*) FROM requests WHERE description LIKE ?", (pattern,)
        ).fetchone()[0]
        complete = connection.execute(
            "SELECT count(*) FROM requests AS r WHERE r.description LIKE ?"
            " AND EXISTS (SELECT 1 FROM events AS e WHERE e.request_id = r.id)"
            " AND EXISTS (SELECT 1 FROM calls AS c WHERE c.request_id = r.id)",
            (pattern,),
        ).fetchone()[0]
    finally:
        connection.close()
    return found, complete
