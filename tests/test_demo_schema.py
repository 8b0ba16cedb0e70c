"""The demo data generator: the file it builds has the migrated schema, passes the integrity and
foreign-key checks, stores timestamps as SQLAlchemy does, is left as it was by an interrupted
build, and has full-text indexes equal to those the triggers build (callers, phones, words).
"""

from __future__ import annotations

import sqlite3

import pytest
from demo_helpers import (
    NOW,
    TIMESTAMP,
    read_only,
    schema_of,
)

from allo_tui.data.schema import prepare_database
from allo_tui.demo import build_demo
from allo_tui.demo.runner import _Runner

# -- schema and integrity -----------------------------------------------------------------------


def test_schema_is_the_migrated_one(small, tmp_path):
    path, _summary = small
    fresh = tmp_path / "fresh.sqlite3"
    prepare_database(fresh)
    assert schema_of(path) == schema_of(fresh)


def test_integrity_foreign_keys_and_journal(small):
    path, _summary = small
    with read_only(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        counters = dict(connection.execute("SELECT name, value FROM change_counters"))
    assert set(counters) == {"requests", "callers", "settings"}


def test_timestamps_are_stored_as_sqlalchemy_does(small):
    path, _summary = small
    checks = {
        "callers": ("created_at", "updated_at"),
        "requests": (
            "created_at",
            "updated_at",
            "ack_due_at",
            "intervention_due_at",
            "acknowledged_at",
            "closed_at",
        ),
        "events": ("at",),
        "calls": ("started_at", "ended_at"),
    }
    with read_only(path) as connection:
        for table, columns in checks.items():
            for column in columns:
                for (value,) in connection.execute(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"
                ):
                    assert TIMESTAMP.match(value), (table, column, value)


def test_an_interrupted_build_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "demo.sqlite3"
    prepare_database(path)
    schema = schema_of(path)

    def boom(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(_Runner, "insert_events", boom)
    with pytest.raises(KeyboardInterrupt):
        build_demo(path, callers=50, requests=80, now=NOW, progress=False)
    with read_only(path) as connection:
        assert connection.execute("SELECT count(*) FROM requests").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM callers").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM operators").fetchone()[0] == 0
        assert connection.execute("SELECT * FROM settings WHERE key = 'demo'").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema_of(path) == schema
    assert not list(tmp_path.glob(".*.demo*"))  # no scratch file left behind
    monkeypatch.undo()
    assert build_demo(path, callers=50, requests=80, now=NOW, progress=False).requests == 80


# -- full-text search ---------------------------------------------------------------------------


def test_search_indexes_equal_those_the_triggers_build(small, tmp_path):
    """Insert the demo rows into a fresh file, where the triggers index them: the FTS5 shadow
    tables come out identical."""
    path, _summary = small
    fresh = tmp_path / "fresh.sqlite3"
    prepare_database(fresh)
    connection = sqlite3.connect(fresh, isolation_level=None)
    try:
        connection.execute("ATTACH DATABASE ? AS demo", (str(path),))
        connection.execute("BEGIN")
        for table in ("operators", "callers", "caller_phones", "requests"):
            connection.execute(f"INSERT INTO main.{table} SELECT * FROM demo.{table} ORDER BY id")
        connection.execute("COMMIT")
        for table in ("caller_search", "phone_search", "request_search"):
            for shadow in ("data", "idx", "docsize", "config"):
                name = f"{table}_{shadow}"
                ours = connection.execute(f"SELECT * FROM demo.{name} ORDER BY 1, 2").fetchall()
                theirs = connection.execute(f"SELECT * FROM main.{name} ORDER BY 1, 2").fetchall()
                assert ours == theirs, name
    finally:
        connection.close()


def test_caller_search_finds_eleonore_zebulon(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        (zebulon,) = connection.execute(
            "SELECT id FROM callers WHERE surname = 'Zébulon' AND given_name = 'Éléonore'"
        ).fetchone()
        found = {
            row[0]
            for row in connection.execute(
                "SELECT rowid FROM caller_search WHERE caller_search MATCH '\"zebulon\"*'"
            )
        }
        both = {
            row[0]
            for row in connection.execute(
                'SELECT rowid FROM caller_search WHERE caller_search MATCH \'"eleonore"* "zeb"*\''
            )
        }
    assert zebulon in found
    assert zebulon in both


def test_phone_search_finds_any_run_of_digits(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        for digits in ("8612", "0386", "33386", "0612"):
            found = {
                row[0]
                for row in connection.execute(
                    "SELECT rowid FROM phone_search WHERE phone_search MATCH ?", (f'"{digits}"',)
                )
            }
            expected = {
                row[0]
                for row in connection.execute(
                    "SELECT id FROM caller_phones WHERE search_digits LIKE ?", (f"%{digits}%",)
                )
            }
            assert found == expected, digits
        assert found or digits


def test_request_search_finds_words_of_descriptions(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        for word, like in (("lampadaire", "%lampadaire%"), ("nid", "%nid-de-poule%")):
            found = {
                row[0]
                for row in connection.execute(
                    "SELECT rowid FROM request_search WHERE request_search MATCH ?",
                    (f'description : "{word}"*',),
                )
            }
            expected = {
                row[0]
                for row in connection.execute(
                    "SELECT id FROM requests WHERE description LIKE ?", (like,)
                )
            }
            assert expected and expected <= found
        (reference,) = connection.execute("SELECT reference FROM requests WHERE id = 1").fetchone()
        found = connection.execute(
            "SELECT rowid FROM request_search WHERE request_search MATCH ?",
            (f'reference : "{reference}"',),
        ).fetchall()
    assert (1,) in found
