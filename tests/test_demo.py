"""The demo data generator: its sizes and demo marker, building again doing nothing, refusing a
database that is not a demo, and the same data from the same seed (also when a second process
builds it).

Beside it: test_demo_schema (schema, integrity, search indexes), test_demo_requests (requests
and their histories) and test_demo_people (callers, phones, calls, operators).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from demo_helpers import (
    NOW,
    file_digest,
    read_only,
    rows_digest,
    schema_of,
)

from allo_tui.data.errors import DatabaseFileError
from allo_tui.data.schema import prepare_database
from allo_tui.demo import build as demo_build
from allo_tui.demo import build_demo
from allo_tui.demo.examples import (
    DUPLICATES,
    EXAMPLE_CALLERS,
    EXAMPLE_CALLS,
    EXAMPLE_REQUESTS,
    FORMER,
    FORMER_FROM,
)

# -- sizes and marker ---------------------------------------------------------------------------


def test_auxerre_sized_by_default(auxerre):
    """A year of Auxerre, and the examples added for a new user (duplicates, former callers)."""
    path, summary = auxerre
    assert summary.callers == 3_000 + EXAMPLE_CALLERS
    assert summary.requests == 4_500 + EXAMPLE_REQUESTS
    assert summary.calls == 6_000 + EXAMPLE_CALLS
    assert summary.events > 3 * summary.requests
    assert 40 <= summary.open_requests <= 120
    with read_only(path) as connection:
        years = connection.execute(
            "SELECT min(created_at), max(created_at) FROM requests WHERE created_at > ?",
            ((NOW - FORMER_FROM + timedelta(days=1)).strftime("%Y-%m-%d"),),
        ).fetchone()
    first, last = (datetime.fromisoformat(text).replace(tzinfo=UTC) for text in years)
    assert timedelta(days=350) < last - first < timedelta(days=366)
    assert NOW - last < timedelta(days=1)


def test_the_default_demo_has_duplicates_to_merge_and_former_callers_to_purge(auxerre):
    from allo_tui.data.store import Store
    from allo_tui.data.store.personal_data import duplicate_candidates
    from allo_tui.domain.clock import FixedClock
    from allo_tui.domain.duplicates import duplicate_groups

    path, _summary = auxerre
    store = Store(path, clock=FixedClock(NOW))
    try:
        with store._read() as connection:
            groups = duplicate_groups(duplicate_candidates(connection))
        purged = [store.get_caller(caller_id).surname for caller_id in store.purge_candidates()]
    finally:
        store.close()
    assert sorted(group.callers[0].id for group in groups) == sorted(d[0] for d in DUPLICATES)
    assert sorted(purged) == sorted(former[0] for former in FORMER)


def test_small_sizes_are_exact(small):
    path, summary = small
    assert (summary.callers, summary.requests, summary.calls) == (300, 800, 800 + 800 // 3)
    with read_only(path) as connection:
        assert connection.execute("SELECT count(*) FROM requests").fetchone()[0] == 800


def test_marked_as_demo(small):
    path, _summary = small
    with read_only(path) as connection:
        value = connection.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
    assert value == ("true",)


def test_building_again_does_nothing(small):
    path, summary = small
    before = file_digest(path)
    again = build_demo(path, callers=5, requests=5, now=NOW, progress=False)
    assert (again.callers, again.requests, again.calls, again.events) == (
        summary.callers,
        summary.requests,
        summary.calls,
        summary.events,
    )
    assert again.open_requests == summary.open_requests
    assert file_digest(path) == before


def test_refuses_a_populated_database_that_is_not_a_demo(tmp_path):
    path = tmp_path / "real.sqlite3"
    prepare_database(path)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO callers (surname, given_name, email, street_number, street,"
            " address_extra, postcode, city, neighbourhood, notes, contact_preference,"
            " created_at, updated_at, version) VALUES ('Martin', 'Anne', '', '', '', '', '',"
            " '', '', '', 'phone', '2026-01-05 09:00:00.000000', '2026-01-05 09:00:00.000000', 1)"
        )
    connection.close()
    before, mtime = file_digest(path), path.stat().st_mtime_ns
    with pytest.raises(DatabaseFileError) as error:
        build_demo(path, callers=10, requests=10, now=NOW, progress=False)
    message = str(error.value)
    assert "démonstration" in message and "\n" not in message
    assert file_digest(path) == before
    assert path.stat().st_mtime_ns == mtime


def test_creates_the_file_when_missing(tmp_path):
    path = tmp_path / "sub" / "new.sqlite3"
    summary = build_demo(path, callers=20, requests=30, now=NOW, progress=False)
    assert summary.requests == 30 and summary.callers == 20
    assert path.exists()


# -- determinism and the second process ----------------------------------------------------------


def test_same_seed_same_data(small, tmp_path):
    path, _summary = small
    again = tmp_path / "again.sqlite3"
    build_demo(again, callers=300, requests=800, now=NOW, progress=False)
    assert rows_digest(again) == rows_digest(path)
    other = tmp_path / "other.sqlite3"
    build_demo(other, callers=300, requests=800, now=NOW, seed=7, progress=False)
    assert rows_digest(other) != rows_digest(path)


def test_the_second_process_builds_the_same_data(small, tmp_path, monkeypatch):
    path, _summary = small
    monkeypatch.setattr(demo_build, "_PARALLEL_FROM", 0)
    parallel = tmp_path / "parallel.sqlite3"
    summary = build_demo(parallel, callers=300, requests=800, now=NOW, progress=True)
    assert summary.requests == 800
    assert rows_digest(parallel) == rows_digest(path)
    assert schema_of(parallel) == schema_of(path)
    assert not list(tmp_path.glob(".*.demo*"))


def test_rejects_naive_now(tmp_path):
    with pytest.raises(ValueError):
        build_demo(tmp_path / "x.sqlite3", callers=5, requests=5, now=datetime(2026, 1, 5))
