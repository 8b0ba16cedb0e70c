"""What only a server database does: URLs and their passwords, creating and refusing databases,
extensions, the change feed across processes by NOTIFY, cancelling a search on the server,
and moving a whole database between SQLite and PostgreSQL with `allo db copy`.

Every test here needs the PostgreSQL server of `tests/backends.py` (it fails, never skips,
when none can be found or started).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from backends import drop_database, server_url
from click.testing import CliRunner
from store_helpers import query, request_for, scalar, staff

from allo_tui.cli import main
from allo_tui.data.backend.postgresql import connect, search
from allo_tui.data.backend.urls import redacted, with_database
from allo_tui.data.copy import copy_database
from allo_tui.data.errors import DatabaseFileError
from allo_tui.data.schema import HEAD_REVISION, NewerSchemaError, prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.search import SearchCancelled, SearchToken

pytestmark = pytest.mark.skipif(
    "postgresql" not in __import__("backends").enabled_backends(),
    reason="ALLO_TEST_BACKENDS leaves PostgreSQL out",
)


@pytest.fixture
def empty_name():
    """The name of a database that does not exist yet (dropped after the test)."""
    name = f"allo_test_empty_{time.monotonic_ns()}"
    yield name
    drop_database(name)


def run(*arguments: str, env: dict | None = None):
    return CliRunner().invoke(main, list(arguments), env={"ALLO_OPERATOR": "admin", **(env or {})})


def test_a_password_in_the_url_is_never_shown():
    url = "postgresql://someone:s3cr3t-word@127.0.0.1:1/nowhere"

    result = run("--db", url, "db", "check")

    assert result.exit_code != 0
    assert "s3cr3t-word" not in result.output
    assert "someone:***@127.0.0.1:1/nowhere" in result.output
    assert redacted(url) == "postgresql://someone:***@127.0.0.1:1/nowhere"


def test_db_init_creates_the_database_on_the_server_and_db_check_finds_it_sound(empty_name):
    url = with_database(server_url(), empty_name)

    created = run("--db", url, "db", "init")
    checked = run("--db", url, "db", "check")

    assert created.exit_code == 0, created.output
    assert "base prête" in created.output
    assert checked.exit_code == 0, checked.output
    assert "tout est en ordre" in checked.output
    assert scalar(url, "SELECT count(*) FROM categories") > 0


def test_a_database_holding_other_tables_is_refused_and_left_alone(empty_name):
    url = with_database(server_url(), empty_name)
    with connect(server_url()) as admin:
        admin.execute(f'CREATE DATABASE "{empty_name}"')
    with connect(url) as other:
        other.execute("CREATE TABLE invoices (id int)")

    with pytest.raises(DatabaseFileError, match="pas d'allo"):
        prepare_database(url)

    assert query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == [
        ("invoices",)
    ]


def test_a_newer_schema_is_refused(pg_url):
    with connect(pg_url) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")

    with pytest.raises(NewerSchemaError, match="plus récente"):
        prepare_database(pg_url)


def test_without_the_right_to_create_the_extension_init_gives_the_sql_to_run(empty_name):
    role = f"{empty_name}_user"
    with connect(server_url()) as admin:
        admin.execute(f'CREATE DATABASE "{empty_name}"')
        admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
    url = with_database(server_url(), empty_name).replace("://root@", f"://{role}@", 1)
    if f"://{role}@" not in url:
        pytest.fail(f"the test server's URL has no user to replace: {redacted(server_url())}")
    with connect(with_database(server_url(), empty_name)) as owner:
        owner.execute(f'REVOKE CREATE ON DATABASE "{empty_name}" FROM PUBLIC, "{role}"')
        owner.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    try:
        result = run("--db", url, "db", "init")

        assert result.exit_code != 0
        assert "CREATE EXTENSION pg_trgm" in result.output
        assert "Traceback" not in result.output
    finally:
        drop_database(empty_name)
        with connect(server_url()) as admin:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_a_change_in_another_process_reaches_the_feed_in_under_a_second(pg_url, tmp_path):
    store = Store(pg_url)
    feed = store.change_feed()
    try:
        assert feed.changed() is False  # the starting point
        staff(store)
        assert feed.changed() is False  # operators are not requests
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "allo_tui",
                "--db",
                pg_url,
                "request",
                "add",
                "--category",
                "VOIRIE",
                "--description",
                "Nid de poule",
            ],
            capture_output=True,
            text=True,
            env={"ALLO_OPERATOR": "admin", "PATH": ""},
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        committed = time.monotonic()
        seen = False
        while time.monotonic() - committed < 1.0 and not seen:
            seen = feed.changed()
            time.sleep(0.01)
        assert seen
        assert feed.changed() is False  # once per batch of commits
    finally:
        feed.close()
        store.close()


def test_cancel_stops_the_statement_running_on_the_server(pg_url):
    connection = connect(pg_url)
    wrapped = __import__(
        "allo_tui.data.backend.postgresql", fromlist=["PgConnection"]
    ).PgConnection(connection)
    token = SearchToken()
    threading.Timer(0.2, token.cancel).start()
    started = time.monotonic()

    with pytest.raises(SearchCancelled), search.watching(token, wrapped):
        wrapped.execute("SELECT pg_sleep(30)").fetchone()

    assert time.monotonic() - started < 10
    # The connection is usable again, and a late cancel does not reach its next statement.
    token.cancel()
    assert wrapped.execute("SELECT 1").fetchone() == (1,)
    connection.close()


def test_db_copy_moves_a_database_to_postgresql_and_back_with_identical_rows(
    db_path, tmp_path, empty_name
):
    store = Store(db_path)
    operator, _ = staff(store)
    for number in range(3):
        store.create_request(operator, request_for(store, description=f"Trottoir n° {number}"))
    store.close()
    url = with_database(server_url(), empty_name)

    to_server = run("db", "copy", str(db_path), url)
    back = tmp_path / "back.sqlite3"
    to_file = run("db", "copy", url, str(back))
    again = run("db", "copy", str(db_path), url)

    assert to_server.exit_code == 0, to_server.output
    assert "sommes de contrôle identiques" in to_server.output
    assert to_file.exit_code == 0, to_file.output
    for table in ("requests", "events", "callers", "operators", "calls", "streets"):
        sql = f"SELECT count(*) FROM {table}"
        assert scalar(str(db_path) and db_path, sql) == scalar(url, sql) == scalar(back, sql)
    assert again.exit_code != 0 and "--replace" in again.output
    # The sequences were moved past the copied ids: a save on the copy just works.
    copy = Store(url)
    try:
        hostess = copy.resolve_operator("hostess")
        saved = copy.create_request(hostess, request_for(copy, description="Sur le serveur"))
    finally:
        copy.close()
    assert saved.reference == "2026-00004"


def test_db_copy_into_a_file_holding_requests_needs_replace(db_path, pg_url):
    store = Store(db_path)
    operator, _ = staff(store)
    store.create_request(operator, request_for(store))
    store.close()

    refused = run("db", "copy", pg_url, str(db_path))
    kept = scalar(db_path, "SELECT count(*) FROM requests")
    replaced = run("db", "copy", pg_url, str(db_path), "--replace")

    assert refused.exit_code != 0 and "--replace" in refused.output
    assert kept == 1
    assert replaced.exit_code == 0, replaced.output
    assert scalar(db_path, "SELECT count(*) FROM requests") == 0


def test_demo_on_postgresql_fills_an_empty_database_and_refuses_a_real_one(pg_url, empty_name):
    url = with_database(server_url(), empty_name)
    built = run("demo", "--db", url, "--callers", "30", "--requests", "40", "--no-run")
    store = Store(pg_url)
    staff(store)
    store.create_request(store.resolve_operator("hostess"), request_for(store))
    store.close()

    refused = run("demo", "--db", pg_url, "--no-run")

    assert built.exit_code == 0, built.output
    assert scalar(url, "SELECT count(*) FROM requests") == 40
    assert scalar(url, "SELECT value FROM settings WHERE key = 'demo'") == "true"
    assert refused.exit_code != 0
    assert "pas une base de démonstration" in refused.output
    assert scalar(pg_url, "SELECT count(*) FROM requests") == 1


def test_the_server_refuses_to_change_an_event(pg_url):
    store = Store(pg_url)
    operator, _ = staff(store)
    store.create_request(operator, request_for(store))
    store.close()

    with pytest.raises(psycopg.Error, match="append-only"), connect(pg_url) as connection:
        connection.execute("DELETE FROM events")


def test_a_second_console_sees_a_request_the_first_saved(pg_url):
    first, second = Store(pg_url), Store(pg_url)
    try:
        operator, _ = staff(first)
        saved = first.create_request(operator, request_for(first, description="Vu d'ailleurs"))
        seen = second.get_request_by_reference(saved.reference)
    finally:
        first.close()
        second.close()
    assert seen is not None and seen.description == "Vu d'ailleurs"


def test_every_table_is_copied(tmp_path: Path, pg_url):
    copied = copy_database(pg_url, tmp_path / "all.sqlite3")

    names = {table.name for table in copied}
    assert {"requests", "events", "callers", "caller_phones", "calls", "drafts"} <= names


def test_an_older_schema_on_the_server_is_upgraded_in_one_go(empty_name):
    from alembic import command

    from allo_tui.data.backend.postgresql.schema import create_engine_for
    from allo_tui.data.schema import alembic_config

    url = with_database(server_url(), empty_name)
    with connect(server_url()) as admin:
        admin.execute(f'CREATE DATABASE "{empty_name}"')
    with connect(url) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(url, connection), "0006")
    finally:
        engine.dispose()
    assert scalar(url, "SELECT to_regclass('streets') IS NULL") is True

    outcome = prepare_database(url)

    assert outcome == "upgraded from 0006"
    assert scalar(url, "SELECT version_num FROM alembic_version") == HEAD_REVISION
    assert scalar(url, "SELECT count(*) FROM streets") > 500


def test_a_server_url_is_taken_from_allo_db_and_the_config_file(monkeypatch, tmp_path):
    from allo_tui.config import resolve_database

    url = "postgresql://allo:secret@db.mairie.local:5432/allo"
    monkeypatch.setenv("ALLO_DB", url)
    from_env = resolve_database(None)
    monkeypatch.delenv("ALLO_DB")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "allo-tui").mkdir()
    (tmp_path / "allo-tui" / "config.toml").write_text(f'database = "{url}"\n')
    from_file = resolve_database(None)

    assert from_env.path == from_file.path == url  # kept as typed, not made a path
    assert from_env.is_server and from_file.is_server
    assert from_file.label == "postgresql://allo:***@db.mairie.local:5432/allo"
