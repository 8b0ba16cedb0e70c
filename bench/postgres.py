"""The PostgreSQL side of the harness (`python -m bench --backend postgresql`).

The dataset is the scale's cached SQLite database (built as for SQLite), copied once with
`allo_tui.data.copy.copy_database` into a database named after its cache key (`bench_<key>`,
then `VACUUM ANALYZE`d, as autovacuum would after a real `allo db copy`); each run works on a
fresh clone of it (`CREATE DATABASE bench_work_… TEMPLATE bench_<key>`), dropped at the end.

Floors: the statements the Store's PostgreSQL backend reports through `set_trace` (each as
`SQL -- (parameters)`) are parsed back and replayed, translated by the backend's own
`translate`, on a plain psycopg connection to the same database, in the same kind of read
transaction; the save floor is a raw single-row insert in its own transaction.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path

import psycopg

DEFAULT_ADMIN_URL = "postgresql://root@127.0.0.1:5432/postgres"
"""Where databases are created and dropped (`--postgres-url`, or `BENCH_POSTGRES_URL`)."""
PREFIX = "bench_"
WORK_PREFIX = "bench_work_"
READ_BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
FLOOR_TABLE = "bench_floor_insert"
FLOOR_LABEL = "same SQL, raw psycopg"


def is_url(target) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def admin_url(given: str | None = None) -> str:
    return given or os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_ADMIN_URL


def database_url(admin: str, name: str) -> str:
    """`admin` with its database part replaced by `name`."""
    base, _, query = admin.partition("?")
    head = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{head}/{name}" + (f"?{query}" if query else "")


def cache_name(key: str) -> str:
    """The cached database of a dataset key (63 bytes at most: a hash when it is longer)."""
    name = PREFIX + re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
    if len(name) > 63:
        name = PREFIX + hashlib.sha256(key.encode()).hexdigest()[:24]
    return name


def _admin(admin: str) -> psycopg.Connection:
    return psycopg.connect(admin, autocommit=True, connect_timeout=5)


def _exists(connection: psycopg.Connection, name: str) -> bool:
    return (
        connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        is not None
    )


def _ready_mark(name: str, built_at: str) -> str:
    return f"allo bench dataset {name} of the build of {built_at} complete"


def ensure_database(
    sqlite_path: Path, key: str, built_at: str, admin: str, *, log=print
) -> tuple[str, dict]:
    """The cached PostgreSQL copy of the SQLite dataset `key` built at `built_at` (copied now
    when missing, incomplete or of another build); returns its name and what the copy took."""
    from allo_tui.data.copy import copy_database

    name = cache_name(key)
    with _admin(admin) as connection:
        if _exists(connection, name):
            comment = connection.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                (name,),
            ).fetchone()[0]
            if comment and comment.startswith(_ready_mark(name, built_at)):
                return name, {"name": name, "copied_now": False, "copy": comment}
            log(f"dropping incomplete or out-of-date PostgreSQL copy {name}")
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        for (stale,) in connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            (f"{name.split('_rev')[0]}%", name),
        ).fetchall():
            if stale.startswith(PREFIX) and not stale.startswith(WORK_PREFIX):
                log(f"dropping out-of-date PostgreSQL copy {stale}")
                connection.execute(f'DROP DATABASE "{stale}" WITH (FORCE)')
    log(f"copying {sqlite_path.name} into PostgreSQL database {name}")
    started = time.perf_counter()
    copy_database(sqlite_path, database_url(admin, name))
    copy_seconds = time.perf_counter() - started
    with psycopg.connect(database_url(admin, name), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    seconds = time.perf_counter() - started
    comment = (
        f"{_ready_mark(name, built_at)}: copy_database {copy_seconds:.1f} s, then VACUUM ANALYZE,"
        f" {seconds:.1f} s in all, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    )
    with _admin(admin) as connection:
        connection.execute(f"COMMENT ON DATABASE \"{name}\" IS '{comment}'")
    return name, {"name": name, "copied_now": True, "copy": comment}


def work_database(admin: str, template: str) -> str:
    """A fresh clone of `template` for one run; returns its URL."""
    name = f"{WORK_PREFIX}{os.getpid()}_{int(time.time())}"
    with _admin(admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return database_url(admin, name)


def drop_database(admin: str, url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    with _admin(admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_version(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


# -- floors -----------------------------------------------------------------------------------


def raw_connection(url: str) -> psycopg.Connection:
    """A plain psycopg connection with the session settings the application uses."""
    from allo_tui.data.backend.postgresql import SESSION_OPTIONS

    return psycopg.connect(url, autocommit=True, options=SESSION_OPTIONS)


_NAMES = {
    "datetime": datetime,
    "Decimal": decimal.Decimal,
    "__builtins__": {},
}


def parse(traced: str) -> tuple[str, tuple]:
    """A statement as the backend's trace reports it (`SQL -- (params)`) → (SQL, params)."""
    start = 0
    while True:
        at = traced.find(" -- (", start)
        if at == -1:
            return traced, ()
        try:
            parameters = eval(traced[at + 4 :], _NAMES)  # noqa: S307 - our own trace's repr
        except Exception:  # noqa: BLE001 - a " -- (" inside the SQL: look further
            start = at + 1
            continue
        if isinstance(parameters, tuple):
            return traced[:at], parameters
        start = at + 1


def prepare(statements: Iterable[str]) -> list[tuple[str, tuple]]:
    """Traced statements parsed and translated to psycopg's style, ready to replay."""
    from allo_tui.data.backend.postgresql import translate

    prepared = []
    for statement in statements:
        sql, parameters = parse(statement)
        prepared.append((translate(sql), parameters))
    return prepared


def replay(connection: psycopg.Connection, statements: list[tuple[str, tuple]]) -> int:
    """Run the prepared statements in one read snapshot, fetching every row."""
    rows = 0
    connection.execute(READ_BEGIN)
    try:
        for sql, parameters in statements:
            cursor = connection.execute(sql, parameters or None)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
    finally:
        connection.execute("COMMIT")
    return rows


class InsertFloor:
    """A raw single-row insert in its own transaction (BEGIN, INSERT, COMMIT) on psycopg."""

    def __init__(self, url: str) -> None:
        self.connection = raw_connection(url)
        self.connection.execute(
            f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE}"
            " (id bigserial PRIMARY KEY, at timestamp, note text)"
        )

    def insert(self, note: str) -> None:
        self.connection.execute("BEGIN")
        self.connection.execute(f"INSERT INTO {FLOOR_TABLE} (at, note) VALUES (now(), %s)", (note,))
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


# -- data the workload needs on the server ------------------------------------------------------


def add_detail_notes(url: str, request_ids: list[int], events: int) -> None:
    """The notes `bench.workload.detail_requests` wrote to the SQLite copy, on the server: each
    request given notes up to `events` events, dated at its last event, by existing operators."""
    import random

    rng = random.Random(5)
    with psycopg.connect(url) as connection:
        operators = [r[0] for r in connection.execute("SELECT id FROM operators")]
        with connection.cursor() as cursor:
            for request_id in request_ids:
                have, last = connection.execute(
                    "SELECT count(*), max(at) FROM events WHERE request_id = %s", (request_id,)
                ).fetchone()
                cursor.executemany(
                    "INSERT INTO events (request_id, at, operator_id, kind, old_value,"
                    " new_value, note) VALUES (%s, %s, %s, 'note', '', '', %s)",
                    [
                        (request_id, last, rng.choice(operators), f"Note de suivi n° {n + 1}.")
                        for n in range(max(0, events - have))
                    ],
                )
        connection.commit()
        connection.execute("ANALYZE events")


def writer_choices(url: str) -> tuple[list[int], list[int]]:
    """Callers and active categories a writer process picks from."""
    with psycopg.connect(url, autocommit=True) as connection:
        callers = [
            r[0] for r in connection.execute("SELECT id FROM callers ORDER BY id LIMIT 5000")
        ]
        categories = [
            r[0] for r in connection.execute("SELECT id FROM categories WHERE active ORDER BY id")
        ]
    return callers, categories


def count_tagged(url: str, tag: str) -> tuple[int, int]:
    """Requests written by the writers, and how many have both their event and their call."""
    pattern = f"{tag} %"
    with psycopg.connect(url, autocommit=True) as connection:
        found = connection.execute(
            "SELECT count(*) FROM requests WHERE description LIKE %s", (pattern,)
        ).fetchone()[0]
        complete = connection.execute(
            "SELECT count(*) FROM requests AS r WHERE r.description LIKE %s"
            " AND EXISTS (SELECT 1 FROM events AS e WHERE e.request_id = r.id)"
            " AND EXISTS (SELECT 1 FROM calls AS c WHERE c.request_id = r.id)",
            (pattern,),
        ).fetchone()[0]
    return found, complete
