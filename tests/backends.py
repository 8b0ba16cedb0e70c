"""The databases tests run on: SQLite files in a temp folder and PostgreSQL databases.

Which backends run: `ALLO_TEST_BACKENDS` (comma-separated, default "sqlite,postgresql").
The PostgreSQL server is, in order: `ALLO_TEST_POSTGRES_URL`; else the local server on
127.0.0.1:5432 (user `root`, trust authentication) when it answers; else a throw-away cluster
started in a temp folder with `initdb` and `pg_ctl` (as a non-root user); else the PostgreSQL
half fails with a message saying how to provide a server — never a silent skip.

Each test gets its own database, cloned from a template migrated once per test process
(`CREATE DATABASE … TEMPLATE …` copies files: milliseconds), dropped after the test; the names
carry the xdist worker id, so parallel workers never share one.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

LOCAL_URL = "postgresql://root@127.0.0.1:5432/postgres"
ALL_BACKENDS = ("sqlite", "postgresql")


def enabled_backends() -> tuple[str, ...]:
    """The backends the suite runs on (`ALLO_TEST_BACKENDS`)."""
    wanted = os.environ.get("ALLO_TEST_BACKENDS", ",".join(ALL_BACKENDS))
    names = tuple(name.strip() for name in wanted.split(",") if name.strip())
    unknown = [name for name in names if name not in ALL_BACKENDS]
    if unknown:
        raise RuntimeError(f"ALLO_TEST_BACKENDS: unknown backend(s) {unknown}")
    return names


class NoServer(RuntimeError):
    """No PostgreSQL server could be found or started (the message says how to give one)."""


def _answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _start_cluster() -> str:
    """A throw-away cluster in a temp folder (initdb, pg_ctl), stopped at exit."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not (initdb and pg_ctl) or os.geteuid() == 0:
        reason = "initdb/pg_ctl not found" if not (initdb and pg_ctl) else "running as root"
        raise NoServer(
            "no PostgreSQL server for the tests: ALLO_TEST_POSTGRES_URL is not set, nothing"
            f" answers on 127.0.0.1:5432, and no throw-away cluster can be started ({reason})."
            " Set ALLO_TEST_POSTGRES_URL=postgresql://user@host:port/db (a user allowed to"
            " create databases), install PostgreSQL's server programs, or run the SQLite half"
            " alone with ALLO_TEST_BACKENDS=sqlite."
        )
    folder = Path(tempfile.mkdtemp(prefix="allo-pg-"))
    data = folder / "data"
    subprocess.run(
        [initdb, "-D", str(data), "-A", "trust", "-U", "allo", "--no-sync"],
        check=True,
        capture_output=True,
    )
    port = 55432 + os.getpid() % 1000
    subprocess.run(
        [
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-w",
            "start",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
        ],
        check=True,
        capture_output=True,
    )
    atexit.register(
        lambda: subprocess.run(
            [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
    )
    return f"postgresql://allo@127.0.0.1:{port}/postgres"


_server: str | None = None


def server_url() -> str:
    """The URL of a maintenance database on the test server (found or started once)."""
    global _server
    if _server is None:
        given = os.environ.get("ALLO_TEST_POSTGRES_URL")
        if given:
            if not _answers(given):
                raise NoServer(f"ALLO_TEST_POSTGRES_URL={given!r} does not answer")
            _server = given
        elif _answers(LOCAL_URL):
            _server = LOCAL_URL
        else:
            _server = _start_cluster()
    return _server


def _admin():
    import psycopg

    return psycopg.connect(server_url(), autocommit=True)


def _database_url(name: str) -> str:
    from allo_tui.data.backend.urls import with_database

    return with_database(server_url(), name)


def _prefix() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"allo_test_{worker}_{os.getpid()}"


_counter = itertools.count()
_template: str | None = None


def _drop(connection, name: str) -> None:
    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def template_database() -> str:
    """The name of this process's migrated template database (made once)."""
    global _template
    if _template is None:
        from allo_tui.data.schema import prepare_database

        name = f"{_prefix()}_template"
        with _admin() as admin:
            _drop(admin, name)
            admin.execute(f'CREATE DATABASE "{name}"')
        prepare_database(_database_url(name))
        _template = name

        def drop_template() -> None:
            try:
                with _admin() as admin:
                    _drop(admin, name)
            except Exception:  # noqa: BLE001 - the server may be gone at exit
                pass

        atexit.register(drop_template)
    return _template


def new_database() -> tuple[str, str]:
    """A fresh migrated database for one test: (its name, its URL)."""
    template = template_database()
    name = f"{_prefix()}_{next(_counter)}"
    with _admin() as admin:
        _drop(admin, name)
        for attempt in range(20):
            try:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                break
            except Exception as error:  # the template is briefly busy: try again
                if "is being accessed by other users" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.05)
    return name, _database_url(name)


def drop_database(name: str) -> None:
    with _admin() as admin:
        _drop(admin, name)
