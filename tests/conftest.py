"""Shared fixtures: a real database (a file in a temp folder, or a PostgreSQL database of its
own), a fixed clock, a Store on it.

A test module that sets `BACKENDS = ALL_BACKENDS` runs each of its tests on every backend
enabled (`ALLO_TEST_BACKENDS`, see `tests/backends.py`): `db_path` is then a file path or a
`postgresql://` URL, which `Store`, `prepare_database` and the CLI's `--db` all take.
Other modules run on SQLite only.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from backends import ALL_BACKENDS, drop_database, enabled_backends, new_database

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.demo import DemoSummary, build_demo
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import NewCaller, NewRequest, OperatorRecord, RequestRecord, Role
from allo_tui.domain.workflow import Action

# Tuesday 24 November 2026, 10:00 in Paris.
FIXED_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


def pytest_generate_tests(metafunc) -> None:
    """Run the tests of a module listing `BACKENDS` once per enabled backend."""
    wanted = getattr(metafunc.module, "BACKENDS", None)
    only = metafunc.definition.get_closest_marker("backends")
    if only is not None and wanted:
        wanted = only.args  # a test about one engine's own mechanics
    if wanted and "backend" in metafunc.fixturenames:
        names = [name for name in enabled_backends() if name in wanted]
        if names == ["sqlite"]:
            return  # SQLite alone is the default: the test keeps its plain name (snapshots)
        metafunc.parametrize("backend", names, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """The backend the test runs on ("sqlite" unless its module lists `BACKENDS`)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def pg_url():
    """A fresh migrated PostgreSQL database of this test's own (tests of the server alone)."""
    name, url = new_database()
    yield url
    drop_database(name)


@pytest.fixture(scope="session")
def session_template(tmp_path_factory) -> Path:
    """One file migrated per test process; `db_path` hands each test a byte copy."""
    path = tmp_path_factory.mktemp("session-template") / "allo.sqlite3"
    prepare_database(path)
    assert not path.with_name(path.name + "-wal").exists()  # fully checkpointed
    return path


@pytest.fixture
def db_path(tmp_path: Path, backend: str, session_template: Path):
    """A freshly migrated database: a file, or the URL of a PostgreSQL database of its own."""
    if backend == "postgresql":
        name, url = new_database()
        yield url
        drop_database(name)
        return
    path = tmp_path / "allo.sqlite3"
    shutil.copyfile(session_template, path)
    path.chmod(0o600)
    yield path


__all__ = ["ALL_BACKENDS"]


@pytest.fixture
def store(db_path: Path, clock: FixedClock):
    store = Store(db_path, clock=clock)
    yield store
    store.close()


@pytest.fixture
def admin(store: Store) -> OperatorRecord:
    """The first operator of a database becomes admin."""
    return store.resolve_operator("admin")


@pytest.fixture
def operator(store: Store, admin: OperatorRecord) -> OperatorRecord:
    return store.add_operator("hostess", Role.OPERATOR, "Anne Hôtesse")


@pytest.fixture
def supervisor(store: Store, admin: OperatorRecord) -> OperatorRecord:
    return store.add_operator("chief", Role.SUPERVISOR, "Chef Superviseur")


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory) -> Path:
    """One file migrated per module; each test gets a byte copy (migrating costs ~0.1 s)."""
    path = tmp_path_factory.mktemp("template") / "allo.sqlite3"
    prepare_database(path)
    assert not path.with_name(path.name + "-wal").exists()  # fully checkpointed
    return path


@pytest.fixture
def migrated_copy(migrated_template: Path, tmp_path: Path) -> Path:
    """A freshly migrated database file, copied from the module's template (a test module
    overrides `db_path` with it to copy instead of migrating)."""
    path = tmp_path / "allo.sqlite3"
    shutil.copyfile(migrated_template, path)
    path.chmod(0o600)
    return path


# -- fixtures several test modules share ------------------------------------------------------


@pytest.fixture
def quick_timers(monkeypatch) -> None:
    """Drafts and duplicate look-ups wait a little before writing; tests need not wait a second.
    (A module that drives the new-request form uses it: `pytestmark = usefixtures(...)`.)"""
    from allo_tui.screens import draft_keeper
    from allo_tui.screens import new_request as new_request_module

    monkeypatch.setattr(draft_keeper, "DRAFT_DELAY", 0.01)
    monkeypatch.setattr(new_request_module, "DUPLICATE_DELAY", 0.01)


@pytest.fixture
def quick_heartbeat(quick_timers, monkeypatch) -> None:
    """`quick_timers`, and a draft's heartbeat (the sign its console is alive) every 0.05 s
    instead of every 10 s (the draft tests watch it beat)."""
    from allo_tui.screens import draft_keeper

    monkeypatch.setattr(draft_keeper, "HEARTBEAT_EVERY", timedelta(seconds=0.05))


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs and the environment point into the temp folder (data, config, and state
    where the log goes), ALLO_DB is unset and the operator is "amelie"; the folder.
    (A module that runs the `allo` command uses it: `pytestmark = usefixtures(...)`.)"""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("ALLO_DB", raising=False)
    monkeypatch.setenv("ALLO_OPERATOR", "amelie")
    return tmp_path


ZEBULON = NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
"""The caller the Pilot tests of the new-request form look up, pick and link."""
ARTHUR = NewCaller(surname="Zébulon", given_name="Arthur", phones=("03 86 12 34 56",))
"""Zébulon's household: `ZEBULON`'s phone line is his too (a number with two holders)."""


def category(store: Store, code: str):
    """The catalogue's category with this code (VOIRIE, TAGS, …)."""
    return next(c for c in store.categories() if c.code == code)


@pytest.fixture
def directory(store: Store, operator: OperatorRecord) -> dict[str, int]:
    """A few callers whose names exercise the lookup's matching rules; key -> caller id."""
    people = {
        "zebulon": NewCaller(
            surname="Zébulon",
            given_name="Éléonore",
            phones=("03 86 12 34 56",),
            street_number="12",
            street="rue du Temple",
            postcode="89000",
            city="Auxerre",
        ),
        "le goff": NewCaller(surname="Le Goff", given_name="Yann", phones=("06 11 22 33 44",)),
        "ndiaye": NewCaller(surname="N'Diaye", given_name="Awa", street="avenue Jean Jaurès"),
        "saint-just": NewCaller(surname="Saint-Just", given_name="Louis"),
        "martin": NewCaller(surname="Martin", given_name="Paul", phones=("03 86 99 00 11",)),
        "martinez": NewCaller(surname="Martinez", given_name="Ana"),
        "marchand": NewCaller(surname="Marchand", given_name="Zoé"),
    }
    return {key: store.create_caller(operator, new).id for key, new in people.items()}


@pytest.fixture(scope="session")
def auxerre(tmp_path_factory) -> tuple[Path, DemoSummary]:
    """The demo at its default size (a town like Auxerre), built once; tests only read it."""
    from demo_helpers import NOW

    path = tmp_path_factory.mktemp("auxerre") / "demo.sqlite3"
    return path, build_demo(path, now=NOW, progress=False)


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> tuple[Path, DemoSummary]:
    """A small demo (300 callers, 800 requests), built once; tests only read it."""
    from demo_helpers import NOW

    path = tmp_path_factory.mktemp("small") / "demo.sqlite3"
    return path, build_demo(path, callers=300, requests=800, now=NOW, progress=False)


def create_at(store: Store, who, clock: FixedClock, at: datetime, code: str, **fields):
    """A request in category `code` created at `at` (the clock is left there)."""
    clock.set(at)
    return store.create_request(
        who, NewRequest(category_id=category(store, code).id, description="test", **fields)
    )


@pytest.fixture
def board_data(store: Store, admin, clock: FixedClock) -> dict[str, str]:
    """Nine requests around Tuesday 24 November 2026 10:00 (Paris); one of them closed.
    Name -> reference; the board lists them in BOARD_ORDER, then REMARKS."""
    now = FIXED_NOW
    made = {
        # created the previous week: acknowledgement late (Mon 18:00) and due today (Tue 18:00)
        "ack_late": create_at(store, admin, clock, datetime(2026, 11, 19, 9, tzinfo=UTC), "VOIRIE"),
        "ack_today": create_at(store, admin, clock, datetime(2026, 11, 20, 9, tzinfo=UTC), "TAGS"),
        "late_1": create_at(
            store, admin, clock, now - timedelta(hours=2), "DANGER", street="Rue du Temple"
        ),
        "closed": create_at(store, admin, clock, now - timedelta(minutes=90), "VOIRIE"),
        "normal": create_at(store, admin, clock, now - timedelta(hours=1), "ESPVERTS"),
        "remark_a": create_at(store, admin, clock, now - timedelta(minutes=30), "AUTRE"),
        "remark_b": create_at(store, admin, clock, now - timedelta(minutes=20), "AUTRE"),
        "soon_1": create_at(store, admin, clock, now - timedelta(minutes=10), "ARBRE"),
        "urgent_2": create_at(store, admin, clock, now - timedelta(minutes=1), "SIGNAL"),
    }
    clock.set(now)
    closed = made["closed"]
    store.apply(
        admin,
        closed.id,
        Action.DONE,
        outcome_code="REPARE",
        expected_version=closed.version,
        text="fait",
    )
    return {name: request.reference for name, request in made.items()}


BOARD_ORDER = ("late_1", "soon_1", "urgent_2", "ack_late", "ack_today", "normal")
"""The open requests of `board_data` in the board's order (urgency, then due time)."""
REMARKS = ("remark_a", "remark_b")
"""`board_data`'s remarks (urgency 4), listed last."""


@pytest.fixture
def hostess(store: Store, admin):
    """The app's operator: a supervisor with a plain name (the header is tested on its own)."""
    return store.add_operator("hostess", Role.SUPERVISOR, "Anne Hôtesse")


@pytest.fixture
def hostile(store: Store, db_path: Path, hostess, admin) -> RequestRecord:
    """An urgency-1 request whose every text field is hostile (see hostile_text.py), with a
    note and a caller."""
    from hostile_text import (
        AGENT_NAME,
        CATEGORY_LABEL,
        DESCRIPTION,
        GIVEN_NAME,
        LANDMARK,
        NEIGHBOURHOOD,
        NOTE,
        SERVICE_NAME,
        STREET,
        SURNAME,
        sql,
    )

    agent = store.add_operator("agent", Role.SUPERVISOR, AGENT_NAME)
    caller = store.create_caller(
        agent,
        NewCaller(
            surname=SURNAME,
            given_name=GIVEN_NAME,
            phones=("06 12 34 56 78", "\x1b[31m12"),
            email="[u]x@y.fr\x1b[0m",
            street=STREET,
            neighbourhood=NEIGHBOURHOOD,
            notes=NOTE,
        ),
    )
    category = store.find_category("DANGER")
    request = store.create_request(
        agent,
        NewRequest(
            category_id=category.id,
            description=DESCRIPTION,
            caller_id=caller.id,
            street=STREET,
            landmark=LANDMARK,
            neighbourhood=NEIGHBOURHOOD,
        ),
    )
    store.apply(agent, request.id, Action.NOTE, expected_version=1, text=NOTE)
    # Site-edited catalogue and an imported row: NUL and a C1 control only SQL would write.
    sql(db_path, "UPDATE services SET name = ? WHERE id = ?", SERVICE_NAME, request.service_id)
    sql(db_path, "UPDATE categories SET label = ? WHERE id = ?", CATEGORY_LABEL, category.id)
    sql(
        db_path,
        "UPDATE requests SET description = description || ? WHERE id = ?",
        "\x00\x85fin",
        request.id,
    )
    return store.get_request(request.id)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(store, every request newest first) — a read-only history (history_helpers.py), built
    once for each module that reads it."""
    from history_helpers import NOW, build_history

    path = tmp_path_factory.mktemp("history-store") / "allo.sqlite3"
    prepare_database(path)
    clock = FixedClock(NOW)
    store = Store(path, clock=clock)
    build_history(store, clock)
    everything = list(store.history(limit=10_000).rows)
    yield store, everything
    store.close()


def lamp_request(store: Store, who, **changes):
    """A lighting request from a caller, on Rue du Temple."""
    category = store.find_category("ECLAIRAGE")
    caller = store.create_caller(who, NewCaller(surname="Zébulon", given_name="Éléonore"))
    fields = dict(
        category_id=category.id,
        description="Lampadaire éteint [bold]depuis[/bold] hier",
        caller_id=caller.id,
        street_number="12",
        street="Rue du Temple",
        landmark="devant l'école",
    )
    fields.update(changes)
    return store.create_request(who, NewRequest(**fields))
