"""The demo data generator: sizes, consistency, search indexes, schema, safety."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from allo_tui.data.errors import DatabaseFileError
from allo_tui.data.schema import prepare_database
from allo_tui.demo import DemoSummary, build_demo
from allo_tui.demo import build as demo_build
from allo_tui.demo.runner import _Runner

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # a Friday afternoon
NOW_TEXT = "2026-11-20 15:30:00.000000"
PARIS = ZoneInfo("Europe/Paris")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
OPEN = ("new", "acknowledged", "assigned", "in_progress")


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dump(path: Path) -> str:
    """A digest of every row of the data tables."""
    digest = hashlib.sha256()
    with _connect(path) as connection:
        for table in ("operators", "callers", "caller_phones", "requests", "events", "calls"):
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def auxerre(tmp_path_factory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("auxerre") / "demo.sqlite3"
    return path, build_demo(path, now=NOW, progress=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("small") / "demo.sqlite3"
    return path, build_demo(path, callers=300, requests=800, now=NOW, progress=False)


# -- sizes and marker ---------------------------------------------------------------------------


def test_auxerre_sized_by_default(auxerre):
    path, summary = auxerre
    assert summary.callers == 3_000
    assert summary.requests == 4_500
    assert summary.calls == 6_000
    assert summary.events > 3 * summary.requests
    assert 40 <= summary.open_requests <= 120
    with _connect(path) as connection:
        years = connection.execute(
            "SELECT min(created_at), max(created_at) FROM requests"
        ).fetchone()
    first, last = (datetime.fromisoformat(text).replace(tzinfo=UTC) for text in years)
    assert timedelta(days=350) < last - first < timedelta(days=366)
    assert NOW - last < timedelta(days=1)


def test_small_sizes_are_exact(small):
    path, summary = small
    assert (summary.callers, summary.requests, summary.calls) == (300, 800, 800 + 800 // 3)
    with _connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM requests").fetchone()[0] == 800


def test_marked_as_demo(small):
    path, _summary = small
    with _connect(path) as connection:
        value = connection.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
    assert value == ("true",)


def test_building_again_does_nothing(small):
    path, summary = small
    before = _digest(path)
    again = build_demo(path, callers=5, requests=5, now=NOW, progress=False)
    assert (again.callers, again.requests, again.calls, again.events) == (
        summary.callers,
        summary.requests,
        summary.calls,
        summary.events,
    )
    assert again.open_requests == summary.open_requests
    assert _digest(path) == before


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
    before, mtime = _digest(path), path.stat().st_mtime_ns
    with pytest.raises(DatabaseFileError) as error:
        build_demo(path, callers=10, requests=10, now=NOW, progress=False)
    message = str(error.value)
    assert "démonstration" in message and "\n" not in message
    assert _digest(path) == before
    assert path.stat().st_mtime_ns == mtime


def test_creates_the_file_when_missing(tmp_path):
    path = tmp_path / "sub" / "new.sqlite3"
    summary = build_demo(path, callers=20, requests=30, now=NOW, progress=False)
    assert summary.requests == 30 and summary.callers == 20
    assert path.exists()


# -- schema and integrity -----------------------------------------------------------------------


def _schema(path: Path) -> set[tuple]:
    with _connect(path) as connection:
        return set(connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def test_schema_is_the_migrated_one(small, tmp_path):
    path, _summary = small
    fresh = tmp_path / "fresh.sqlite3"
    prepare_database(fresh)
    assert _schema(path) == _schema(fresh)


def test_integrity_foreign_keys_and_journal(small):
    path, _summary = small
    with _connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        counters = dict(connection.execute("SELECT name, value FROM change_counters"))
    assert set(counters) == {"requests", "callers"}


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
    with _connect(path) as connection:
        for table, columns in checks.items():
            for column in columns:
                for (value,) in connection.execute(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"
                ):
                    assert TIMESTAMP.match(value), (table, column, value)


def test_an_interrupted_build_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "demo.sqlite3"
    prepare_database(path)
    schema = _schema(path)

    def boom(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(_Runner, "insert_events", boom)
    with pytest.raises(KeyboardInterrupt):
        build_demo(path, callers=50, requests=80, now=NOW, progress=False)
    with _connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM requests").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM callers").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM operators").fetchone()[0] == 0
        assert connection.execute("SELECT * FROM settings WHERE key = 'demo'").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert _schema(path) == schema
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
    with _connect(path) as connection:
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
    with _connect(path) as connection:
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
    with _connect(path) as connection:
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


# -- requests -----------------------------------------------------------------------------------


def test_references_unique_and_sequential_per_year(auxerre):
    path, _summary = auxerre
    with _connect(path) as connection:
        rows = connection.execute(
            "SELECT reference, ref_year, ref_seq, created_at FROM requests ORDER BY created_at, id"
        ).fetchall()
        counters = dict(connection.execute("SELECT year, last FROM reference_counters"))
    assert len({row[0] for row in rows}) == len(rows)
    last_seq: dict[int, int] = {}
    for reference, year, seq, created in rows:
        assert reference == f"{year}-{seq:05d}"
        local_year = datetime.fromisoformat(created).replace(tzinfo=UTC).astimezone(PARIS).year
        assert year == local_year
        assert seq == last_seq.get(year, 0) + 1, reference
        last_seq[year] = seq
    assert counters == last_seq


def test_board_has_open_requests_at_every_urgency_some_late(auxerre):
    path, _summary = auxerre
    with _connect(path) as connection:
        rows = connection.execute(
            "SELECT urgency, count(*), sum(intervention_due_at < ?) FROM requests"
            " WHERE status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
            " GROUP BY urgency",
            (NOW_TEXT,),
        ).fetchall()
        recent = connection.execute(
            "SELECT count(*) FROM requests WHERE status IN"
            " ('new', 'acknowledged', 'assigned', 'in_progress') AND created_at > ?",
            ((NOW - timedelta(days=21)).strftime("%Y-%m-%d %H:%M:%S"),),
        ).fetchone()[0]
    by_urgency = {urgency: (count, late or 0) for urgency, count, late in rows}
    assert set(by_urgency) == {1, 2, 3, 4}
    assert 2 <= by_urgency[1][0] <= 15
    assert by_urgency[1][1] >= 1  # an emergency not handled within the hour
    assert sum(late for _count, late in by_urgency.values()) >= 5
    assert recent >= 20


def test_status_mix(auxerre):
    path, _summary = auxerre
    with _connect(path) as connection:
        old = dict(
            connection.execute(
                "SELECT status, count(*) FROM requests WHERE created_at < ? GROUP BY status",
                ((NOW - timedelta(days=90)).strftime("%Y-%m-%d"),),
            )
        )
        duplicates = connection.execute(
            "SELECT r.id, o.id, r.category_id, o.category_id, r.street, o.street"
            " FROM requests r JOIN requests o ON o.id = r.duplicate_of_id"
        ).fetchall()
        undone = connection.execute(
            "SELECT count(*) FROM requests WHERE status IN ('done', 'closed') AND answer = ''"
        ).fetchone()[0]
    total = sum(old.values())
    assert (old.get("done", 0) + old.get("closed", 0)) / total > 0.85
    assert not set(OPEN) & {status for status, count in old.items() if count > total * 0.01}
    for status in ("rejected", "duplicate", "cancelled"):
        assert old.get(status, 0) > 0, status
    assert duplicates
    for rid, original, category, original_category, street, original_street in duplicates:
        assert original < rid
        assert (category, street) == (original_category, original_street)
    assert undone == 0


def test_requests_follow_the_catalogue(auxerre):
    path, _summary = auxerre
    with _connect(path) as connection:
        rows = connection.execute(
            "SELECT r.urgency, c.default_urgency, r.service_id, c.service_id, s.is_mobile_team"
            " FROM requests r JOIN categories c ON c.id = r.category_id"
            " JOIN services s ON s.id = r.service_id"
        ).fetchall()
        categories = connection.execute(
            "SELECT count(DISTINCT category_id) FROM requests"
        ).fetchone()[0]
        anonymous = connection.execute("SELECT avg(caller_id IS NULL) FROM requests").fetchone()[0]
    assert sum(urgency == default for urgency, default, *_ in rows) / len(rows) > 0.8
    for urgency, _default, service, category_service, mobile in rows:
        assert service == category_service or (urgency == 1 and mobile)
    assert categories == 13
    assert 0.03 < anonymous < 0.07


def test_due_dates_come_from_the_calendar(auxerre):
    from allo_tui.domain.calendar import SiteCalendar

    calendar = SiteCalendar()
    path, _summary = auxerre
    with _connect(path) as connection:
        rows = connection.execute(
            "SELECT created_at, urgency, ack_due_at, intervention_due_at FROM requests"
            " WHERE id % 37 = 0"
        ).fetchall()

    def aware(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    for created, urgency, ack_due, intervention_due in rows:
        at = aware(created)
        assert aware(ack_due) == calendar.ack_due(at)
        expected = calendar.intervention_due(at, urgency)
        assert (aware(intervention_due) if intervention_due else None) == expected


def test_calls_are_in_opening_hours(auxerre):
    from allo_tui.domain.calendar import SiteCalendar

    calendar = SiteCalendar()
    path, _summary = auxerre
    with _connect(path) as connection:
        starts = [
            row[0]
            for row in connection.execute(
                "SELECT started_at FROM calls WHERE outcome != 'request_created'"
            )
        ]
        created = [row[0] for row in connection.execute("SELECT created_at FROM requests")]
    for text in starts + created:
        at = datetime.fromisoformat(text).replace(tzinfo=UTC)
        assert calendar.is_working_day(calendar.to_local(at).date()), text
        assert calendar.is_open(at), text


# -- events -------------------------------------------------------------------------------------


def test_every_request_has_a_consistent_history(auxerre):
    path, _summary = auxerre
    with _connect(path) as connection:
        requests = {
            row[0]: row[1:]
            for row in connection.execute(
                "SELECT id, status, created_at, updated_at, updated_by_id, acknowledged_at,"
                " acknowledged_how, closed_at, duplicate_of_id, version, created_by_id"
                " FROM requests"
            )
        }
        events: dict[int, list[tuple]] = {}
        for row in connection.execute(
            "SELECT request_id, id, at, operator_id, kind, old_value, new_value, note"
            " FROM events ORDER BY request_id, id"
        ):
            events.setdefault(row[0], []).append(row[1:])
    assert set(events) == set(requests)
    changes = ("created", "acknowledgement", "assignment", "status", "merge")
    for rid, (
        status,
        created,
        updated,
        updated_by,
        acked,
        how,
        closed,
        dup,
        version,
        by,
    ) in requests.items():
        history = events[rid]
        first = history[0]
        assert (first[1], first[2], first[3], first[5]) == (created, by, "created", "new")
        assert [event[1] for event in history] == sorted(event[1] for event in history)
        assert all(event[1] <= NOW_TEXT for event in history)
        state = "new"
        for _id, _at, _operator, kind, old, new, note in history[1:]:
            if kind in changes:
                assert old == state, (rid, kind, old, state)
                state = new
            if kind == "status" and new == "done":
                assert note
        assert state == status, rid
        assert (updated, updated_by) == (history[-1][1], history[-1][2])
        acks = [event for event in history if event[3] == "acknowledgement"]
        assert (acked, bool(how)) == ((acks[0][1], True) if acks else (None, False))
        ends = [
            event
            for event in history
            if event[5] in ("closed", "rejected", "cancelled", "duplicate")
        ]
        assert closed == (ends[-1][1] if ends else None)
        assert (dup is not None) == (status == "duplicate")
        assert version == 1


def test_service_steps_happen_in_working_hours(auxerre):
    path, _summary = auxerre
    with _connect(path) as connection:
        rows = connection.execute(
            "SELECT e.at, r.created_at FROM events e JOIN requests r ON r.id = e.request_id"
            " WHERE r.urgency > 1 AND e.kind != 'created'"
        ).fetchall()
    for at, created in rows:
        local = datetime.fromisoformat(at).replace(tzinfo=UTC).astimezone(PARIS)
        call = datetime.fromisoformat(created).replace(tzinfo=UTC).astimezone(PARIS)
        assert local.weekday() < 5, at
        if not 8 <= local.hour < 18:
            # the working clock keeps the UTC offset of the day of the call: an hour off
            # after a change of summer time, never more
            assert local.utcoffset() != call.utcoffset(), at
            assert 7 <= local.hour <= 18, at


# -- callers, phones, calls, operators ----------------------------------------------------------


def test_callers_look_french_and_live_in_auxerre(auxerre):
    from allo_tui.domain.streets import shipped_streets

    streets = {street.name for street in shipped_streets()}
    path, _summary = auxerre
    with _connect(path) as connection:
        rows = connection.execute(
            "SELECT surname, given_name, street, postcode, city, email, contact_preference"
            " FROM callers"
        ).fetchall()
        two = connection.execute(
            "SELECT count(*) FROM (SELECT caller_id FROM caller_phones GROUP BY caller_id"
            " HAVING count(*) = 2)"
        ).fetchone()[0]
    surnames = {row[0] for row in rows}
    assert {"Zébulon", "N'Diaye", "Le Goff", "Saint-Just"} <= surnames
    assert any(re.search("[éèêëïç]", row[0] + row[1], re.IGNORECASE) for row in rows)
    for surname, given, street, postcode, city, email, preference in rows:
        assert surname and given
        assert street in streets
        assert (postcode, city) == ("89000", "Auxerre")
        assert email == "" or re.match(r"^[a-z0-9.]+@[a-z.]+$", email), email
        assert preference in ("phone", "letter", "email", "none")
        assert email or preference != "email"
    assert 0.15 < two / len(rows) < 0.35


def test_phone_numbers_are_what_parse_phone_gives(auxerre):
    from allo_tui.domain.phone import parse_phone

    path, _summary = auxerre
    with _connect(path) as connection:
        rows = connection.execute(
            "SELECT caller_id, number, display, valid, search_digits, position FROM caller_phones"
            " ORDER BY id"
        ).fetchall()
    assert len({row[1] for row in rows}) == len(rows)
    assert rows == sorted(rows, key=lambda row: (row[0], row[5]))
    prefixes = {row[2][:5] for row in rows}
    assert "03 86" in prefixes and ("06 0" in {p[:4] for p in prefixes})
    for _caller, number, display, valid, digits, _position in rows[::7]:
        parsed = parse_phone(display)
        assert parsed.valid and valid == 1
        assert (parsed.e164, parsed.display, parsed.search_digits) == (number, display, digits)


def test_calls(auxerre):
    path, summary = auxerre
    with _connect(path) as connection:
        outcomes = dict(connection.execute("SELECT outcome, count(*) FROM calls GROUP BY outcome"))
        per_request = connection.execute(
            "SELECT count(*), count(DISTINCT request_id) FROM calls WHERE request_id IS NOT NULL"
        ).fetchone()
        durations = connection.execute(
            "SELECT min(d), max(d) FROM (SELECT (julianday(ended_at) - julianday(started_at))"
            " * 86400 AS d FROM calls WHERE outcome = 'request_created')"
        ).fetchone()
        mismatched = connection.execute(
            "SELECT count(*) FROM calls c JOIN requests r ON r.id = c.request_id"
            " WHERE c.caller_id IS NOT r.caller_id OR c.operator_id != r.created_by_id"
            " OR c.started_at > r.created_at OR c.ended_at < r.created_at"
        ).fetchone()[0]
        phones = connection.execute(
            "SELECT count(*) FROM calls c WHERE c.caller_id IS NOT NULL AND c.phone NOT IN"
            " (SELECT number FROM caller_phones WHERE caller_id = c.caller_id)"
        ).fetchone()[0]
    assert outcomes.pop("request_created") == summary.requests
    assert set(outcomes) == {"information", "transferred", "wrong_number", "hung_up"}
    assert sum(outcomes.values()) == summary.requests // 3
    assert per_request == (summary.requests, summary.requests)
    assert 55 <= durations[0] and durations[1] <= 6 * 60
    assert mismatched == 0
    assert phones == 0


def test_demo_operators(auxerre):
    path, _summary = auxerre
    with _connect(path) as connection:
        operators = dict(connection.execute("SELECT login, role FROM operators"))
        used = {row[0] for row in connection.execute("SELECT DISTINCT operator_id FROM events")}
    assert operators["amartin"] == "operator"
    assert operators["bdurand"] == "operator"
    assert operators["csuper"] == "supervisor"
    assert set(operators.values()) <= {"operator", "supervisor", "admin"}
    assert len(used) >= 5


# -- determinism and the second process ----------------------------------------------------------


def test_same_seed_same_data(small, tmp_path):
    path, _summary = small
    again = tmp_path / "again.sqlite3"
    build_demo(again, callers=300, requests=800, now=NOW, progress=False)
    assert _dump(again) == _dump(path)
    other = tmp_path / "other.sqlite3"
    build_demo(other, callers=300, requests=800, now=NOW, seed=7, progress=False)
    assert _dump(other) != _dump(path)


def test_the_second_process_builds_the_same_data(small, tmp_path, monkeypatch):
    path, _summary = small
    monkeypatch.setattr(demo_build, "_PARALLEL_FROM", 0)
    parallel = tmp_path / "parallel.sqlite3"
    summary = build_demo(parallel, callers=300, requests=800, now=NOW, progress=True)
    assert summary.requests == 800
    assert _dump(parallel) == _dump(path)
    assert _schema(parallel) == _schema(path)
    assert not list(tmp_path.glob(".*.demo*"))


def test_rejects_naive_now(tmp_path):
    with pytest.raises(ValueError):
        build_demo(tmp_path / "x.sqlite3", callers=5, requests=5, now=datetime(2026, 1, 5))
