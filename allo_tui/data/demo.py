"""Demo data: a plausible history of the citizen line, from Auxerre-sized to city-sized.

`build_demo(path)` fills a freshly migrated database with operators, callers and their phone
numbers, requests with their whole history of events, and every call handled (with or without a
request). The default is one year of Auxerre: about 6,000 calls, 4,500 requests and 3,000
callers. `callers=1_000_000, requests=5_000_000` builds five years of a large city.

How it stays fast at that scale: Python only computes small lookup tables (the working days,
names, streets, texts, and a few thousand *life-cycle templates* of a request: which events
happen, how long after the call, with which status); SQLite expands them set-based with
`INSERT ... SELECT`, every random choice being a deterministic hash of a row number. The rows
are therefore the same for a given seed and `now`, whichever process computes them, which lets
the work be split in two processes on a 2-core machine:

- this process writes the requests and their events into the target file, then its indexes;
- a second process computes the callers, their phone numbers and the calls, and the three
  full-text indexes, in a scratch file (the text indexed is produced by the INSERT of the
  migration's own triggers, read from `sqlite_master`); the rows and the FTS5 shadow tables are
  then copied into the target.

The indexes and triggers are dropped for the load and recreated from the very SQL read in
`sqlite_master`, so the schema stays identical to the migrated one. Everything is written in one
transaction: an interrupted build leaves the database as it was.

Nothing here imports Textual.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from allo_tui.data.sqlite import BUSY_TIMEOUT_MS, DatabaseFileError, is_fts_internal

DEMO_SETTING = "demo"
"""Settings key that marks a demo database (JSON value `true`)."""

AUXERRE_CALLERS = 3_000
AUXERRE_REQUESTS = 4_500
REQUESTS_PER_YEAR = 1_000_000
"""Above this many requests the history spans several years (references stay per year)."""

_PARALLEL_FROM = 20_000  # requests; smaller builds run in this process only
_DAY = 86_400
_RECENT = 14 * _DAY  # requests younger than this may be kept open for the board
_POOL = 96  # life-cycle templates per (urgency, acknowledgement, variant)
_CHUNK = 250_000  # rows per statement, for the progress bar
_SEARCH_TABLES = ("caller_search", "phone_search", "request_search")
_SEARCH_SOURCES = {
    "caller_search": "callers",
    "phone_search": "caller_phones",
    "request_search": "requests",
}
_SHADOWS = ("data", "idx", "docsize")  # what holds a contentless FTS5 index
_SIDE_TABLES = ("callers", "caller_phones", "calls")  # computed by the second process
# Relative cost of one row of each step (about 10 µs of a slow core), for the progress bar.
_WORK = {
    "lookups": 1,
    "stage": 3,
    "text": 1.2,
    "requests": 3.5,
    "events": 4,
    "callers": 3,
    "phones": 2,
    "calls": 2,
    "caller_search": 2.5,
    "phone_search": 1,
    "request_search": 6,
    "index": 0.5,
    "copy": 0.3,
}


# --------------------------------------------------------------------------------------------
# Public API


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
    path: Path,
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
    from allo_tui.data.schema import prepare_database

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
# Reading the target database


@dataclass
class _State:
    populated: bool
    demo: bool
    services: list[tuple[int, str, str, bool]]
    categories: list[tuple[int, str, int, int]]
    calendar: dict


def _read_state(path: Path) -> _State:
    """What the builder needs to know, read without writing anything."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        populated = _has_rows(connection)
        settings = dict(connection.execute("SELECT key, value FROM settings"))
        services = [
            (row[0], row[1], row[2], bool(row[3]))
            for row in connection.execute(
                "SELECT id, code, name, is_mobile_team FROM services ORDER BY id"
            )
        ]
        categories = list(
            connection.execute(
                "SELECT id, code, service_id, default_urgency FROM categories"
                " WHERE active ORDER BY position, id"
            )
        )
    except sqlite3.DatabaseError as error:
        raise DatabaseFileError(f"{path} est illisible : {error}") from None
    finally:
        connection.close()
    try:
        calendar = json.loads(settings.get("calendar") or "{}")
    except ValueError:
        calendar = {}
    return _State(
        populated=populated,
        demo=_is_true(settings.get(DEMO_SETTING)),
        services=services,
        categories=categories,
        calendar=calendar if isinstance(calendar, dict) else {},
    )


def _has_rows(connection: sqlite3.Connection) -> bool:
    return bool(
        connection.execute(
            "SELECT EXISTS (SELECT 1 FROM callers) OR EXISTS (SELECT 1 FROM requests)"
        ).fetchone()[0]
    )


def _is_true(value: str | None) -> bool:
    if value is None:
        return False
    try:
        return json.loads(value) is True
    except ValueError:
        return value.strip().lower() == "true"


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
            open_requests=count(
                "SELECT count(*) FROM requests"
                " WHERE status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
            ),
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


def _cache_kib(n_requests: int) -> int:
    """Page cache of the build (KiB): generous for a big build, modest for a small one."""
    return max(64_000, min(3_000_000, n_requests // 2))


def _scratch_path(path: Path) -> Path:
    """An empty scratch file beside the target (same file system), private (0600): it holds
    personal data (demo callers) until it is deleted at the end of the build."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".demo", dir=path.parent)
    os.close(descriptor)
    return Path(name)


@dataclass
class _Schema:
    """The SQL of what the load drops and recreates, and of what the scratch file needs."""

    indexes: list[tuple[str, str]]  # (table, CREATE INDEX ...)
    triggers: list[str]
    tables: dict[str, str]  # CREATE TABLE of the side tables
    search_tables: list[str]  # CREATE VIRTUAL TABLE of the FTS5 tables
    search_fills: dict[str, str]  # FTS table -> INSERT ... SELECT ... FROM {source} AS new

    def indexes_on(self, tables: tuple[str, ...], *, but: bool = False) -> list[str]:
        """The indexes of `tables` (`but`: of the others tables but the side tables)."""
        if but:
            skip = set(tables) | set(_SIDE_TABLES)
            return [sql for table, sql in self.indexes if table not in skip]
        return [sql for table, sql in self.indexes if table in tables]


_TRIGGER_INSERT = re.compile(
    r"INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)\s*;\s*END\s*$",
    re.IGNORECASE | re.DOTALL,
)


def _read_schema(connection: sqlite3.Connection) -> _Schema:
    rows = connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    schema = _Schema([], [], {}, [], {})
    for kind, name, table, sql in rows:
        if kind == "index" and not is_fts_internal(table):
            schema.indexes.append((table, sql))
        elif kind == "trigger":
            schema.triggers.append(sql)
        elif kind == "table" and name in _SIDE_TABLES:
            schema.tables[name] = sql
        elif kind == "table" and name in _SEARCH_TABLES:
            schema.search_tables.append(sql)
    # The text each search index receives: the INSERT of the trigger that indexes a new row,
    # turned into INSERT ... SELECT over a source aliased `new`.
    for kind, _name, table, sql in rows:
        if kind != "trigger" or not re.search(r"\bAFTER\s+INSERT\b", sql, re.IGNORECASE):
            continue
        match = _TRIGGER_INSERT.search(sql)
        if match and match.group(1) in _SEARCH_TABLES and _SEARCH_SOURCES[match.group(1)] == table:
            target, columns, values = match.groups()
            schema.search_fills[target] = (
                f"INSERT INTO {target} ({columns}) SELECT {values} FROM {{source}} AS new"
            )
    missing = [t for t in _SEARCH_TABLES if t not in schema.search_fills]
    if missing or len(schema.tables) != len(_SIDE_TABLES) or len(schema.search_tables) != 3:
        raise DatabaseFileError(
            "schéma inattendu : tables ou déclencheurs de recherche absents"
            f" ({', '.join(missing) or 'tables'})"
        )
    return schema


def _drop(connection: sqlite3.Connection, schema: _Schema) -> None:
    """Drop the explicit indexes and every trigger for the load."""
    rows = connection.execute(
        "SELECT type, name, tbl_name FROM sqlite_master"
        " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
    ).fetchall()
    for kind, name, table in rows:
        if kind == "index" and is_fts_internal(table):
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        connection.execute(f"DROP {'INDEX' if kind == 'index' else 'TRIGGER'} {quoted}")


# --------------------------------------------------------------------------------------------
# The second process


def _side_job(plan: _Plan, scratch: Path, advance: Callable[[int], None]) -> None:
    """Callers, phones, calls and the three search indexes, computed into `scratch`."""
    connection = sqlite3.connect(scratch, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute(f"PRAGMA cache_size = {-_cache_kib(plan.n_requests)}")
        connection.execute("BEGIN")
        for table in _SIDE_TABLES:
            connection.execute(plan.schema.tables[table])
        for sql in plan.schema.search_tables:
            connection.execute(sql)
        if plan.n_requests > 200_000:
            # Bigger in-memory batches and no merging while loading: a few large segments,
            # built once. The settings stay in the scratch file; only the index is copied.
            for table in _SEARCH_TABLES:
                for name, value in (("hashsize", 256 << 20), ("automerge", 0)):
                    connection.execute(
                        f"INSERT INTO {table} ({table}, rank) VALUES (?, ?)", (name, value)
                    )
        run = _Runner(connection, plan, None, advance)
        run.load_lookups()
        run.insert_callers()
        run.insert_phones()
        run.insert_calls()
        run.fill_search("caller_search", "callers")
        run.fill_search("phone_search", "caller_phones")
        run.request_stage(full=False)
        run.fill_search("request_search", "demo_rq")
        connection.execute("COMMIT")
    finally:
        connection.close()


def _side_entry() -> None:
    """Entry point of the second process: a pickled (plan, scratch path) on stdin; progress
    ("advance N") and the end ("done") on stdout; a failure exits non-zero."""
    plan, scratch = pickle.load(sys.stdin.buffer)

    def advance(amount: int) -> None:
        sys.stdout.write(f"advance {amount}\n")
        sys.stdout.flush()

    _side_job(plan, Path(scratch), advance)
    sys.stdout.write("done\n")
    sys.stdout.flush()


class _SideProcess:
    """The second process: a fresh interpreter running `_side_entry` (no fork, and nothing
    of the caller's main module is imported again)."""

    def __init__(self, plan: _Plan, scratch: Path) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [package_root] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
        )
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from allo_tui.data.demo import _side_entry; _side_entry()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env=env,
        )
        assert self.process.stdin is not None
        try:
            pickle.dump((plan, str(scratch)), self.process.stdin)
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # reported by wait()

    def wait(self, bar: _Progress) -> None:
        assert self.process.stdout is not None
        finished = False
        for line in self.process.stdout:
            words = line.split()
            if words[:1] == [b"advance"]:
                bar.advance(int(words[1]))
            elif words[:1] == [b"done"]:
                finished = True
        code = self.process.wait()
        if code != 0 or not finished:
            self.errors.seek(0)
            detail = self.errors.read().decode("utf-8", "replace").strip()
            raise RuntimeError(f"échec du processus de génération ({code}) :\n{detail}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()


# --------------------------------------------------------------------------------------------
# Progress


class _Progress:
    """A rich progress bar of the whole build, or nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress = None
        self._task = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    def start(self, total: int) -> None:
        if not self.enabled:
            return
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("Données de démonstration"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
        )
        self._progress.start()
        self._task = self._progress.add_task("demo", total=max(total, 1))

    def advance(self, amount: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, amount)


# --------------------------------------------------------------------------------------------
# Text of the demo: French, per category

_LANDMARKS = [
    "devant l'école",
    "face à la boulangerie",
    "à l'angle de la rue",
    "près de l'arrêt de bus",
    "devant la pharmacie",
    "derrière l'église",
    "au niveau du passage piéton",
    "sur le parking du supermarché",
    "à côté du city-stade",
    "devant la mairie annexe",
    "en face de la poste",
    "au rond-point",
    "près du lavoir",
    "à l'entrée du parc",
    "devant le collège",
    "près des conteneurs à verre",
    "à côté de l'abribus",
    "sous le pont",
    "devant le gymnase",
    "au bout de l'impasse",
]

_SINCE = [
    "deux jours",
    "trois jours",
    "une semaine",
    "plusieurs jours",
    "hier soir",
    "quinze jours",
    "ce matin",
    "le week-end",
]

_DESCRIPTIONS = {
    "PROPRETE": [
        "Corbeille pleine qui déborde depuis {since}",
        "Déjections canines en quantité sur le trottoir",
        "Sacs poubelle éventrés sur le trottoir devant le n° {n}",
        "Verre cassé sur la chaussée, risque pour les vélos",
        "Trottoir très sale après le marché",
        "Feuilles mortes accumulées qui bouchent le caniveau",
        "Canettes et déchets laissés après un rassemblement",
        "Conteneur à verre plein, bouteilles déposées au pied",
        "Mégots et papiers devant l'entrée de l'immeuble",
        "Seringue trouvée au pied d'un banc",
    ],
    "DEPOT": [
        "Dépôt sauvage de gravats au bout de l'impasse",
        "Matelas et sommier abandonnés sur le trottoir",
        "Encombrants déposés à côté des conteneurs depuis {since}",
        "Sacs de déchets verts jetés dans le fossé",
        "Réfrigérateur abandonné devant le n° {n}",
        "Pneus usagés déposés en bordure du chemin",
        "Cartons et meubles laissés après un déménagement",
        "Déchets de chantier déposés la nuit : plaques de plâtre et pots de peinture",
    ],
    "TAGS": [
        "Tag sur la façade de l'école",
        "Graffitis sur l'abribus",
        "Tag injurieux sur le mur du n° {n}, à effacer rapidement",
        "Inscriptions à la bombe sur le transformateur électrique",
        "Affichage sauvage sur les poteaux et les vitrines vides",
        "Graffitis sur le pont, côté quai",
        "Tags sur les bancs et les jeux du square",
    ],
    "VOIRIE": [
        "Nid-de-poule profond devant le n° {n}",
        "Trottoir soulevé par les racines, risque de chute",
        "Chaussée affaissée au milieu de la voie",
        "Bordure de trottoir descellée",
        "Pavés déchaussés sur le passage piéton",
        "Fissure importante dans l'enrobé après les travaux",
        "Plusieurs nids-de-poule entre le n° {n} et le carrefour",
        "Bateau de trottoir abîmé, gênant pour les fauteuils roulants",
        "Tranchée mal refermée après l'intervention d'un concessionnaire",
    ],
    "DANGER": [
        "Plaque d'égout déplacée sur la chaussée",
        "Trou béant sur le trottoir, non balisé",
        "Objet métallique tombé d'un camion au milieu de la route",
        "Câble électrique pendant au-dessus du trottoir",
        "Grille d'avaloir arrachée, trou dangereux",
        "Tuiles tombées d'un toit sur le trottoir, risque pour les passants",
        "Barrière de chantier renversée sur la chaussée",
        "Flaque d'huile importante, les véhicules glissent",
    ],
    "SIGNAL": [
        "Panneau stop couché au sol",
        "Feu tricolore en panne au carrefour",
        "Marquage du passage piéton effacé devant l'école",
        "Panneau de limitation de vitesse tourné dans le mauvais sens",
        "Feu piéton qui reste au rouge",
        "Panneau de sens interdit masqué par la végétation",
        "Miroir de carrefour cassé",
    ],
    "ECLAIRAGE": [
        "Lampadaire éteint depuis {since}",
        "Plusieurs lampadaires éteints dans toute la rue",
        "Éclairage public allumé en pleine journée",
        "Lampadaire qui clignote toute la nuit",
        "Candélabre penché après le choc d'un véhicule",
        "Trappe de visite ouverte au pied du lampadaire, fils apparents",
        "Rue entièrement dans le noir depuis {since}",
    ],
    "ESPVERTS": [
        "Haie qui déborde sur le trottoir, passage impossible avec une poussette",
        "Herbes hautes dans le square, tonte demandée",
        "Massif piétiné et plantes arrachées",
        "Arbre à élaguer, branches qui touchent les fenêtres du n° {n}",
        "Souche à enlever après l'abattage d'un arbre",
        "Arrosage automatique qui fuit dans le parc",
        "Racines qui soulèvent l'allée du jardin public",
        "Nid de frelons asiatiques dans un arbre",
    ],
    "ARBRE": [
        "Arbre tombé en travers de la route après l'orage",
        "Grosse branche cassée qui menace de tomber sur le trottoir",
        "Branche tombée sur une voiture en stationnement",
        "Arbre penché dangereusement au-dessus de l'aire de jeux",
        "Branches sur la chaussée, circulation gênée",
    ],
    "MOBILIER": [
        "Banc cassé, lattes arrachées",
        "Barrière de protection tordue après un accident",
        "Vitre de l'abribus brisée, éclats de verre au sol",
        "Potelet arraché sur le trottoir",
        "Jeu pour enfants cassé dans le square",
        "Corbeille de rue arrachée de son support",
        "Arceau à vélos descellé",
        "Fontaine qui coule en continu",
    ],
    "EAUX": [
        "Avaloir bouché, grosse flaque à chaque pluie",
        "Caniveau obstrué par les feuilles, l'eau déborde sur le trottoir",
        "Grille d'évacuation bouchée devant le n° {n}",
        "Chaussée inondée après l'orage",
        "Eau qui stagne devant l'entrée de l'école",
        "Odeur d'égout persistante près de la grille",
    ],
    "ANIMAL": [
        "Chat mort sur la chaussée",
        "Hérisson mort sur le trottoir",
        "Chien errant qui suit les passants",
        "Pigeon mort dans le square",
        "Renard mort au bord de la route",
        "Nombreux pigeons, fientes sur les bancs",
        "Rats aperçus près des conteneurs",
    ],
    "AUTRE": [
        "Remerciements pour l'intervention rapide de la semaine dernière",
        "Question sur les horaires de la déchèterie",
        "Demande d'information sur les travaux de la rue",
        "Stationnement gênant signalé devant le n° {n}",
        "Suggestion : ajouter un banc près de l'arrêt de bus",
        "Bruit de chantier tôt le matin",
        "Demande de passage de la balayeuse avant la fête de quartier",
        "Véhicule ventouse stationné depuis {since}",
    ],
}

_GENERIC_DESCRIPTIONS = [
    "Signalement d'un problème sur la voie publique",
    "Problème constaté devant le n° {n}",
    "Le demandeur signale une anomalie depuis {since}",
]

_DESCRIPTION_TAILS = [
    " ; c'est la deuxième fois que le demandeur appelle",
    " — passage fréquent d'enfants",
    " ; photo possible sur demande",
    " ; signalé aussi par les voisins",
    " ; gêne importante pour les riverains",
    " ; le demandeur souhaite être tenu informé",
]

_ANSWERS = {
    "PROPRETE": [
        "Nettoyage effectué par l'équipe de propreté.",
        "Corbeille vidée et secteur nettoyé.",
        "Passage de la balayeuse effectué.",
    ],
    "DEPOT": [
        "Dépôt enlevé par le service propreté.",
        "Encombrants évacués ; un courrier a été adressé au responsable identifié.",
    ],
    "TAGS": [
        "Tag effacé par l'équipe anti-graffitis.",
        "Façade nettoyée avec l'accord du propriétaire.",
    ],
    "VOIRIE": [
        "Nid-de-poule rebouché en enrobé à froid.",
        "Trottoir remis en état.",
        "Réparation provisoire effectuée ; réfection complète programmée.",
    ],
    "DANGER": [
        "Zone sécurisée et balisée par l'équipe mobile.",
        "Objet retiré de la chaussée.",
        "Plaque remise en place et calée.",
    ],
    "SIGNAL": ["Panneau remis en place.", "Feu réparé par le prestataire.", "Marquage refait."],
    "ECLAIRAGE": [
        "Lampe remplacée.",
        "Câble réparé, éclairage rétabli.",
        "Horloge d'allumage réglée.",
    ],
    "ESPVERTS": ["Taille effectuée.", "Tonte réalisée.", "Massif replanté."],
    "ARBRE": [
        "Branche évacuée et arbre sécurisé.",
        "Arbre débité et enlevé, voie dégagée.",
    ],
    "MOBILIER": [
        "Mobilier réparé.",
        "Élément remplacé.",
        "Vitre de l'abribus remplacée par le prestataire.",
    ],
    "EAUX": ["Avaloir curé.", "Grille débouchée, écoulement rétabli."],
    "ANIMAL": [
        "Animal enlevé par le service propreté.",
        "Fourrière animale prévenue, animal pris en charge.",
    ],
    "AUTRE": [
        "Remarque transmise au service concerné.",
        "Information donnée au demandeur.",
        "Remerciements transmis aux équipes.",
    ],
}
_GENERIC_ANSWERS = ["Intervention réalisée.", "Demande traitée par le service."]

_REJECT_REASONS = [
    "Hors compétence communale : voirie départementale, transmis au Département.",
    "Terrain privé : le propriétaire doit intervenir.",
    "Aucune anomalie constatée sur place.",
    "Relève du bailleur, demandeur orienté.",
]
_CANCEL_REASONS = [
    "Annulée à la demande du demandeur.",
    "Problème résolu entre-temps.",
    "Saisie en double par erreur.",
]
_NOTES = [
    "Le demandeur a rappelé : le problème persiste.",
    "Photo reçue par courriel.",
    "Passage prévu en fin de semaine.",
    "Matériel commandé, intervention dès réception.",
    "Secteur vérifié par l'équipe mobile.",
    "Le demandeur souhaite être rappelé après l'intervention.",
]
_REPORTED_AGAIN = "Signalé à nouveau par un autre habitant."
_ACK_NOTES = {
    "phone": "Accusé de réception donné par téléphone.",
    "letter": "Accusé de réception envoyé par courrier.",
    "email": "Accusé de réception envoyé par courriel.",
}

# Share of the calls, per category code (unknown codes of an edited catalogue get 2).
_CATEGORY_WEIGHTS = {
    "PROPRETE": 15,
    "DEPOT": 12,
    "TAGS": 5,
    "VOIRIE": 17,
    "DANGER": 4,
    "SIGNAL": 6,
    "ECLAIRAGE": 10,
    "ESPVERTS": 9,
    "ARBRE": 3,
    "MOBILIER": 5,
    "EAUX": 4,
    "ANIMAL": 4,
    "AUTRE": 6,
}

# (category, urgency) of a few recent requests kept open so the board has something to show.
_SHOWCASE = [
    ("DANGER", 1),
    ("EAUX", 2),
    ("VOIRIE", 3),
    ("ARBRE", 1),
    ("AUTRE", 4),
    ("SIGNAL", 2),
    ("ECLAIRAGE", 3),
    ("DANGER", 1),
    ("ANIMAL", 2),
    ("PROPRETE", 3),
]

_NEIGHBOURHOOD_WORDS = [
    ("rosoirs", "Les Rosoirs"),
    ("genevieve", "Sainte-Geneviève"),
    ("simeon", "Saint-Siméon"),
    ("bricheres", "Les Brichères"),
    ("piedalloues", "Les Piedalloues"),
    ("laborde", "Laborde"),
    ("jonches", "Jonches"),
    ("gervais", "Saint-Gervais"),
    ("amatre", "Saint-Amâtre"),
    ("conches", "Les Conches"),
    ("boussicats", "Les Boussicats"),
    ("egriselles", "Égriselles"),
    ("clairions", "Les Clairions"),
    ("quai ", "Quais"),
]
_NEIGHBOURHOODS = [
    "Centre-ville",
    "Centre-ville",
    "Rive droite",
    "Saint-Siméon",
    "Sainte-Geneviève",
    "Les Rosoirs",
    "Saint-Gervais",
    "Les Piedalloues",
    "Saint-Amâtre",
    "Les Brichères",
]

_EXTRA_SURNAMES = [
    "Le Goff",
    "N'Diaye",
    "Saint-Just",
    "Le Gall",
    "Diallo",
    "Nguyen",
    "Benali",
    "Traoré",
    "Lemaître",
    "Dupuis-Gaillard",
    "Da Costa",
    "Saint-Martin",
    "Zébulon",
    "Œillet",
]
_EXTRA_GIVEN = [
    "Jean-Pierre",
    "Marie-Claude",
    "Anne-Sophie",
    "Jean-Baptiste",
    "Marie-Hélène",
    "Pierre-Yves",
    "Éléonore",
    "Aminata",
    "Yann",
    "Héloïse",
]
_SHOWCASE_CALLERS = [
    ("Zébulon", "Éléonore"),
    ("N'Diaye", "Aminata"),
    ("Le Goff", "Yann"),
    ("Saint-Just", "Héloïse"),
    ("Lefèvre", "Jean-Pierre"),
]
_EMAIL_DOMAINS = ["orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr", "wanadoo.fr"]
_ADDRESS_EXTRAS = [
    "Appartement {n}",
    "Bâtiment B",
    "Résidence les Tilleuls",
    "3e étage",
    "Escalier C",
    "Porte {n}",
]
_CALLER_NOTES = [
    "Malentendant : parler fort et lentement.",
    "Préfère être rappelé après 17 h.",
    "Gardien de l'immeuble.",
    "Appelle souvent pour le même secteur.",
    "Présidente du conseil de quartier.",
]


# --------------------------------------------------------------------------------------------
# Operators


@dataclass(frozen=True)
class _Operator:
    id: int
    login: str
    role: str
    team: str  # "accueil", "supervision", "admin" or a service code
    console: str


_DEMO_OPERATORS = [
    # login, display name, role, team
    ("amartin", "Anne Martin", "operator", "accueil"),
    ("bdurand", "Brigitte Durand", "operator", "accueil"),
    ("csuper", "Claire Supervielle", "supervisor", "supervision"),
    ("dmoreau", "Didier Moreau", "operator", "VOIRIE"),
    ("elefevre", "Éric Lefèvre", "operator", "PROPRETE"),
    ("fgarnier", "Fabienne Garnier", "operator", "ESPVERTS"),
    ("gbernard", "Gilles Bernard", "operator", "ECLAIRAGE"),
    ("hpetit", "Hugo Petit", "operator", "SIGNAL"),
    ("iroux", "Isabelle Roux", "operator", "EMI"),
    ("admin", "Administrateur allo", "admin", "admin"),
]


def _insert_operators(
    connection: sqlite3.Connection, n_requests: int, seed: int
) -> list[_Operator]:
    """The demo operators; a city-sized build gets more hostesses, supervisors and team leads."""
    wanted = list(_DEMO_OPERATORS)
    calls_per_year = min(n_requests, REQUESTS_PER_YEAR) * 4 // 3
    extra = min(58, max(0, round(calls_per_year / 3_000) - 2))
    if extra:
        from faker.providers.person.fr_FR import Provider

        rng = random.Random(seed + 1)
        logins = {login for login, *_rest in wanted}
        teams = ["accueil"] * extra + ["supervision"] * max(1, extra // 8)
        for code in ("VOIRIE", "PROPRETE", "ESPVERTS", "ECLAIRAGE", "SIGNAL", "EMI"):
            teams += [code] * max(1, extra // 10)
        for team in teams:
            given = rng.choice(Provider.first_names_female + Provider.first_names_male)
            surname = rng.choice(Provider.last_names)
            base = (_slug(given)[:1] + _slug(surname)).lower()
            login, number = base, 1
            while login in logins:
                number += 1
                login = f"{base}{number}"
            logins.add(login)
            role = "supervisor" if team == "supervision" else "operator"
            wanted.append((login, f"{given} {surname}", role, team))
    created = "2020-01-06 07:00:00.000000"
    connection.executemany(
        "INSERT OR IGNORE INTO operators (login, display_name, role, active, created_at)"
        " VALUES (?, ?, ?, 1, ?)",
        [(login, name, role, created) for login, name, role, _team in wanted],
    )
    ids = dict(connection.execute("SELECT login, id FROM operators"))
    operators = []
    consoles = 0
    for login, _name, role, team in wanted:
        console = ""
        if team == "accueil":
            consoles += 1
            console = f"accueil-{consoles}"
        operators.append(_Operator(ids[login], login, role, team, console))
    return operators


def _slug(text: str) -> str:
    """ASCII letters and digits of a name, lower case ("N'Diaye" -> "ndiaye")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe"))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


# --------------------------------------------------------------------------------------------
# The plan: everything computed in Python, small, picklable


@dataclass
class _Plan:
    seed: int
    now: int
    n_callers: int
    n_requests: int
    n_calls: int
    n_before: int  # callers registered before the history, with no call in it
    schema: _Schema
    tables: dict[str, list[tuple]]  # rows of the lookup tables
    counts: dict[str, int]  # sizes of the lookup tables the SQL picks from
    counters: dict[int, int]  # reference counter per year
    history_start: int

    def progress_total(self) -> int:
        """Units of work of the whole build (see `_WORK`), for the progress bar."""
        R, C, T = self.n_requests, self.n_callers, self.n_calls
        rows = {
            "lookups": 2,
            "stage": R,
            "text": R,
            "requests": R,
            "events": R,
            "callers": C,
            "phones": C,
            "calls": T,
            "caller_search": C,
            "phone_search": C,
            "request_search": R,
            "index": R * len(self.schema.indexes),
            "copy": T + C,
        }
        return sum(round(_WORK[kind] * count) for kind, count in rows.items())


def _make_plan(
    state: _State,
    schema: _Schema,
    operators: list[_Operator],
    n_callers: int,
    n_requests: int,
    seed: int,
    now_utc: datetime,
) -> _Plan:
    from faker.providers.person.fr_FR import Provider

    from allo_tui.domain.calendar import SiteCalendar
    from allo_tui.domain.streets import load_streets

    try:
        calendar = SiteCalendar.from_dict(state.calendar)
    except (ValueError, TypeError, KeyError):
        calendar = SiteCalendar()
    now = int(now_utc.timestamp())
    n_other = n_requests // 3 if n_requests else n_callers
    n_calls = n_requests + n_other
    tables: dict[str, list[tuple]] = {}
    counts: dict[str, int] = {}

    # -- days, and the references they give ---------------------------------------------
    span_days = 365 * max(1, math.ceil(n_requests / REQUESTS_PER_YEAR))
    days = _working_days(calendar, now, span_days)
    per_day = _allocate(n_calls, [day[-1] for day in days])
    rows, first_k, counters, year_first = [], 0, {}, {}

    requests_before = _RequestCalls(n_requests, n_calls, seed).before

    for index, ((day, midnight, periods, capacity, _w), count) in enumerate(
        zip(days, per_day, strict=True)
    ):
        first_rid = requests_before(first_k) + 1
        last_rid = requests_before(first_k + count)
        if last_rid >= first_rid:
            year_first.setdefault(day.year, first_rid)
            counters[day.year] = last_rid - year_first[day.year] + 1
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=calendar.zone)
        ack_due = _format_ts(int(calendar.ack_due(noon).timestamp()))
        (p1, l1), (p2, l2), (p3, _l3) = [(s, e - s) for s, e in periods + [(0, 0), (0, 0)]][:3]
        offset = int(noon.utcoffset().total_seconds())
        rows.append(
            (
                index,
                midnight,
                offset,
                first_k,
                count,
                p1,
                l1,
                p2,
                l2,
                p3,
                capacity,
                day.year,
                ack_due,
            )
        )
        first_k += count
    tables["demo_week"], tables["demo_workhour"] = _week(calendar)
    counts["week"] = 3600 * len(tables["demo_workhour"])
    before_hour = {hour: before for hour, _open, before in tables["demo_week"]}
    open_hours = {hour for hour, is_open, _before in tables["demo_week"] if is_open}
    days_rows = []
    for row, (day, *_rest) in zip(rows, days, strict=True):
        local_day = (row[1] + row[2]) // _DAY
        weekday = day.weekday()
        first_open = min((h for h in range(24) if weekday * 24 + h in open_hours), default=0)
        # the working clock at the start of the day (see _week)
        clock = (local_day + 3) // 7 * counts["week"] + before_hour[weekday * 24]
        days_rows.append((*row, year_first.get(day.year, 1), clock, first_open))
    tables["demo_days"] = days_rows
    counts["anonymous"] = _anonymous_per_mille(
        n_requests, n_calls, n_callers - max(0, n_callers - n_calls), seed
    )
    patterns = _patterns(seed)
    tables["demo_rank"] = [
        (m, v, slot, rank) for (m, v), slots in patterns.items() for rank, slot in enumerate(slots)
    ]
    history_start = days[0][1]

    # -- catalogue ------------------------------------------------------------------------
    services = {sid: (code, name, mobile) for sid, code, name, mobile in state.services}
    tables["demo_services"] = [
        (sid, name, int(mobile)) for sid, (_c, name, mobile) in services.items()
    ]
    mobile_team = next((sid for sid, (_c, _n, mobile) in services.items() if mobile), None)
    categories = state.categories or []
    if not categories:
        raise DatabaseFileError("aucune catégorie active : démonstration impossible")
    weights = [_CATEGORY_WEIGHTS.get(code, 2) for _id, code, _s, _u in categories]
    tables["demo_cat_bucket"] = [
        (bucket, categories[index][0]) for bucket, index in enumerate(_buckets(weights, 1000))
    ]
    tables["demo_cats"], tables["demo_descs"], tables["demo_answers"] = [], [], []
    rng = random.Random(seed + 11)
    for cid, code, service_id, urgency in categories:
        descriptions = _DESCRIPTIONS.get(code, _GENERIC_DESCRIPTIONS)
        answers = _ANSWERS.get(code, _GENERIC_ANSWERS)
        tables["demo_cats"].append(
            (cid, code, service_id, urgency, len(descriptions), len(answers), int(code == "AUTRE"))
        )
        tables["demo_descs"] += [
            (cid, i, text) for i, text in enumerate(_description_pool(descriptions, rng))
        ]
        tables["demo_answers"] += [(cid, i, text) for i, text in enumerate(answers)]
    counts["emi"] = mobile_team if mobile_team is not None else -1
    by_code = {code: cid for cid, code, _s, _u in categories}
    tables["demo_showcase"] = [
        (n_requests - 6 * k, by_code[code], urgency)
        for k, (code, urgency) in enumerate(_SHOWCASE)
        if n_requests - 6 * k >= 1 and code in by_code
    ]
    tables["demo_targets"] = [
        (u, None if calendar.target_for(u) is None else int(calendar.target_for(u).total_seconds()))
        for u in (1, 2, 3, 4)
    ]

    # -- places and words -----------------------------------------------------------------
    streets = load_streets()
    voies = [s.name for s in streets if s.kind == "voie"]
    lieux = [s.name for s in streets if s.kind != "voie"]
    tables["demo_streets"] = [
        (i, name, _neighbourhood(name)) for i, name in enumerate(voies + lieux)
    ]
    counts["voies"], counts["lieux"] = len(voies), len(lieux)
    words = {
        "lm": _LANDMARKS,
        "since": _SINCE,
        "tail": _DESCRIPTION_TAILS,
        "extra": _ADDRESS_EXTRAS,
        "cnote": _CALLER_NOTES,
        "dom": _EMAIL_DOMAINS,
    }
    tables["demo_words"] = [
        (kind, i, text) for kind, texts in words.items() for i, text in enumerate(texts)
    ]
    counts.update({kind: len(texts) for kind, texts in words.items()})

    # -- names (Faker's French lists; the frequent surnames more often) -------------------
    surnames = list(Provider.last_names) + _EXTRA_SURNAMES
    female = list(Provider.first_names_female) + _EXTRA_GIVEN[1::2]
    male = list(Provider.first_names_male) + _EXTRA_GIVEN[0::2]
    tables["demo_names"] = (
        [("s", i, name, _slug(name)) for i, name in enumerate(surnames)]
        + [("f", i, name, _slug(name)) for i, name in enumerate(female)]
        + [("m", i, name, _slug(name)) for i, name in enumerate(male)]
    )
    counts["female"], counts["male"] = len(female), len(male)
    tables["demo_surname_bucket"] = list(
        enumerate(_buckets([1 / (rank + 8) for rank in range(len(surnames))], 10_000))
    )
    n_before = max(0, n_callers - n_calls)
    tables["demo_showcase_callers"] = [
        (n_before + i + 1, surname, given, _slug(surname), _slug(given))
        for i, (surname, given) in enumerate(_SHOWCASE_CALLERS[:n_callers])
    ]

    # -- operators --------------------------------------------------------------------------
    hostesses = [op for op in operators if op.team == "accueil"] or operators[:1]
    supervisors = [op for op in operators if op.role == "supervisor"] or operators[:1]
    tables["demo_hostesses"] = [(i, op.id, op.console) for i, op in enumerate(hostesses)]
    tables["demo_supervisors"] = [(i, op.id) for i, op in enumerate(supervisors)]
    counts["hostesses"], counts["supervisors"] = len(hostesses), len(supervisors)
    leads: dict[int, list[int]] = {}
    code_to_service = {code: sid for sid, (code, _n, _m) in services.items()}
    for op in operators:
        if op.team in code_to_service:
            leads.setdefault(code_to_service[op.team], []).append(op.id)
    tables["demo_leads"] = [(sid, i, op) for sid, ops in leads.items() for i, op in enumerate(ops)]
    tables["demo_lead_counts"] = [(sid, len(ops)) for sid, ops in leads.items()]

    # -- phone numbers: prefixes that phonenumbers accepts, the rest formatted by SQL -------
    landline, mobile = _valid_prefixes()
    tables["demo_prefixes"] = [("l", i, p) for i, p in enumerate(landline)] + [
        ("m", i, p) for i, p in enumerate(mobile)
    ]
    counts["landline"], counts["mobile"] = len(landline), len(mobile)

    # -- life cycles --------------------------------------------------------------------------
    steps, prefixes, info = _templates(random.Random(seed + 7), counts["week"])
    tables["demo_steps"], tables["demo_prefix"], tables["demo_tpl"] = steps, prefixes, info

    plan = _Plan(
        seed=seed,
        now=now,
        n_callers=n_callers,
        n_requests=n_requests,
        n_calls=n_calls,
        n_before=n_before,
        schema=schema,
        tables=tables,
        counts=counts,
        counters=counters,
        history_start=history_start,
    )
    return plan


_DESCRIPTION_POOL = 256  # descriptions per category, picked by a hash


def _description_pool(templates: list[str], rng: random.Random) -> list[str]:
    """Ready-made descriptions of one category: a template with its blanks filled in and,
    one time in five, a remark of the caller after it."""
    pool = []
    for _ in range(_DESCRIPTION_POOL):
        text = rng.choice(templates).format(n=1 + int(rng.random() * 60), since=rng.choice(_SINCE))
        if rng.random() < 0.2:
            text += rng.choice(_DESCRIPTION_TAILS)
        pool.append(text)
    return pool


def _working_days(calendar, now: int, span_days: int):
    """(date, local midnight as epoch seconds, opening periods, capacity, weight) of every
    working day of the history; the last one is cut at `now`."""
    zone = calendar.zone
    last = datetime.fromtimestamp(now, UTC).astimezone(zone).date()
    day = last - timedelta(days=span_days - 1)
    weekday_factor = (1.25, 1.05, 0.95, 1.0, 0.9, 0.6, 0.4)
    month_factor = (0, 0.9, 0.9, 1.05, 1.1, 1.1, 1.15, 1.0, 0.75, 1.1, 1.05, 0.95, 0.85)
    days = []
    while day <= last:
        if calendar.is_working_day(day):
            midnight = int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())
            periods = [
                (start.hour * 3600 + start.minute * 60, end.hour * 3600 + end.minute * 60)
                for start, end in calendar.opening_hours[day.weekday()]
            ][:3]
            if day == last:
                periods = [(s, min(e, now - midnight)) for s, e in periods if s < now - midnight]
            capacity = sum(e - s for s, e in periods)
            if capacity > 0:
                weight = capacity * weekday_factor[day.weekday()] * month_factor[day.month]
                days.append((day, midnight, periods, capacity, weight))
        day += timedelta(days=1)
    if not days:
        raise DatabaseFileError("aucun jour ouvré dans la période : démonstration impossible")
    return days


def _week(calendar) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """The working clock of the services, by whole hours of the week (Monday 00:00 is hour 0).

    Rows of demo_week: (hour, open, working seconds of the week before that hour); rows of
    demo_workhour: (n, hour of the week of the n-th working hour). The steps of a request
    that a service or a supervisor does are timed on this clock, so they fall on working
    hours and keep their order.
    """
    rows, workhours, cumulative = [], [], 0
    for hour in range(168):
        periods = calendar.opening_hours[hour // 24]
        start = min((s.hour for s, _e in periods), default=None)
        end = max((e.hour + (1 if e.minute else 0) for _s, e in periods), default=None)
        is_open = start is not None and start <= hour % 24 < end
        rows.append((hour, int(is_open), cumulative))
        if is_open:
            workhours.append((len(workhours), hour))
            cumulative += 3600
    return rows, workhours


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder)."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _buckets(weights: list[float], size: int) -> list[int]:
    """`size` slots filled with indexes in proportion to `weights` (each index at least once
    when there is room)."""
    counts = _allocate(size, weights)
    slots = [index for index, count in enumerate(counts) for _ in range(count)]
    return slots


def _neighbourhood(street: str) -> str:
    """A plausible neighbourhood of an Auxerre street: by a word of its name, else a stable
    pick (demo data)."""
    from allo_tui.domain.streets import fold

    key = fold(street)
    if key.endswith(" vaux") or key == "vaux":
        return "Vaux"
    for word, name in _NEIGHBOURHOOD_WORDS:
        if word in key:
            return name
    return _NEIGHBOURHOODS[zlib.crc32(key.encode()) % len(_NEIGHBOURHOODS)]


_PREFIX_CACHE: list[tuple[list[str], list[str]]] = []


def _valid_prefixes() -> tuple[list[str], list[str]]:
    """Auxerre landline (03 86 xx) and mobile (06 xx, 07 xx) prefixes that phonenumbers accepts."""
    if _PREFIX_CACHE:
        return _PREFIX_CACHE[0]
    import phonenumbers

    def valid(prefix: str, width: int) -> bool:
        for tail in ("0" * width, "5" * width, "9" * width, "1" + "7" * (width - 1)):
            if not phonenumbers.is_valid_number(phonenumbers.parse(prefix + tail, "FR")):
                return False
        return True

    landline = [f"0386{n:02d}" for n in range(100) if valid(f"0386{n:02d}", 4)]
    mobile = [f"0{m}{n:02d}" for m in (6, 7) for n in range(100) if valid(f"0{m}{n:02d}", 6)]
    _PREFIX_CACHE.append((landline, mobile))
    return landline, mobile


def _format_ts(t: int) -> str:
    """Epoch seconds as SQLAlchemy's SQLite text for a naive UTC datetime."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# --------------------------------------------------------------------------------------------
# Life-cycle templates: what happens to a request, and when, relative to the call


_HOW = ("", "phone", "letter", "email")  # index 0: no acknowledgement
_OPEN = ("new", "acknowledged", "assigned", "in_progress")
_HOUR = 3600


def _templates(rng: random.Random, working: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Rows of demo_steps, demo_prefix and demo_tpl.

    Template number ((urgency - 1) * 4 + how) * 3 + variant, times _POOL, plus 0.._POOL-1;
    variant 0 is a normal life, 1 a duplicate, 2 a request still open (kept for the board).
    Each step is (offset after the call, kind, old value, new value, note, role, clock),
    role being h (the hostess who took the call), s (a supervisor) or l (the service's lead),
    clock 1 when the offset is in working seconds (see `_week`), 0 for wall-clock seconds;
    the notes "{service}", "{answer}" and "{dup}" are filled in by SQL.
    """
    steps_rows, prefix_rows, info_rows = [], [], []
    for urgency in (1, 2, 3, 4):
        for how in range(4):
            for variant in range(3):
                base = ((urgency - 1) * 4 + how) * 3 + variant
                for n in range(_POOL):
                    tpl = base * _POOL + n
                    plan = _life(rng, urgency, _HOW[how], variant)
                    steps = _walk(rng, plan, _HOW[how], urgency)
                    status, answered, dup, span = "new", 0, 0, 0
                    ack = closed = (None, 0)
                    for seq, (off, kind, old, new, note, role) in enumerate(steps):
                        # on the working clock, except the call and an emergency's response
                        snap = int(off > 0 and (urgency > 1 or role == "s"))
                        steps_rows.append((tpl, seq, off, kind, old, new, note, role, snap))
                        # wall-clock time by which the step has happened, whatever the day
                        span = max(span, off * 168 * _HOUR // working + 4 * _DAY if snap else off)
                        if kind in ("created", "acknowledgement", "assignment", "status", "merge"):
                            status = new
                        if kind == "acknowledgement":
                            ack = (off, snap)
                        if kind == "status" and new == "done":
                            answered = 1
                        if kind == "merge":
                            dup = 1
                        if new in ("closed", "rejected", "cancelled", "duplicate"):
                            closed = (off, snap)
                        prefix_rows.append(
                            (tpl, seq + 1, status, *ack, answered, dup, *closed, off, role, snap)
                        )
                    info_rows.append((tpl, len(steps), span))
    return steps_rows, prefix_rows, info_rows


_WORKING_DAY = 10 * _HOUR  # a day on the services' working clock


def _later(rng: random.Random, days: float, unit: int) -> int:
    """About `days` whole days later (`unit`: a wall-clock or a working day), give or take an
    hour: the time of day is kept."""
    return max(1, round(days)) * unit + int(rng.uniform(-1, 1) * _HOUR)


def _hours(rng: random.Random, low: float, high: float) -> int:
    return int(rng.uniform(low, high) * _HOUR)


def _life(rng: random.Random, urgency: int, how: str, variant: int) -> list[tuple[int, str]]:
    """(offset after the call, step) of what will happen, before statuses are checked.

    Offsets are working seconds (see `_week`) except for an emergency (urgency 1), handled on
    the wall clock, day and night, up to the supervisor's closing.
    """
    day = _DAY if urgency == 1 else _WORKING_DAY
    steps: list[tuple[int, str]] = []
    if how:
        if how == "phone":
            ack = _hours(rng, 0.15, 3)
        elif rng.random() < 0.5:
            ack = _hours(rng, 0.5, 4)
        else:
            ack = _later(rng, 1, day)
        if rng.random() < 0.05:
            ack += _later(rng, 2 + rng.random() * 4, day)  # acknowledged late
        steps.append((ack, "ack"))
    if variant == 1:  # duplicate of an earlier request, spotted soon
        merge = _hours(rng, 0.2, 3) if rng.random() < 0.7 else _later(rng, 1, day)
        steps.append((merge, "duplicate"))
        return sorted(steps)
    has_start = True
    if urgency == 1:  # on site within the hour
        assign = 120 + int(rng.random() * 780)
        start = assign + 300 + int(rng.random() * 1500)
        done = start + 1200 + int(rng.random() * 6000)
        if rng.random() < 0.12:  # made safe at once, repaired later
            done += _later(rng, 1 + rng.random() * 9, day)
    elif urgency == 2:
        assign = _hours(rng, 0.25, 2)
        start = assign + (_hours(rng, 0.5, 4) if rng.random() < 0.6 else _later(rng, 1, day))
        done = start + _hours(rng, 0.5, 3)
        if rng.random() < 0.1:
            done += _later(rng, 2 + rng.random() * 8, day)
        has_start = rng.random() < 0.7
    elif urgency == 3:
        assign = _hours(rng, 0.5, 3) if rng.random() < 0.5 else _later(rng, 1 + rng.random(), day)
        start = assign + _later(rng, 1 + rng.random() ** 2 * 7, day)
        if rng.random() < 0.6:
            done = start + _hours(rng, 1, 4)
        else:
            done = start + _later(rng, 1 + rng.random() * 3, day)
        if rng.random() < 0.08:
            done += _later(rng, 5 + rng.random() * 25, day)
        has_start = rng.random() < 0.45
    else:  # a remark: answered, nothing to do on site
        assign = start = 0
        done = _hours(rng, 1, 4) if rng.random() < 0.3 else _later(rng, 1 + rng.random() * 5, day)
        has_start = False
    if urgency != 4:
        steps.append((assign, "assign"))
        if has_start:
            steps.append((start, "start"))
    if variant == 2:  # still open: the first steps only
        return sorted(steps)[: int(rng.random() * 3)]
    steps.append((done, "done"))
    last = max(off for off, _ in steps)
    if rng.random() < 0.12:
        steps.append((60 + int(rng.random() * last), "note"))
    if rng.random() < 0.04:
        steps.append((60 + int(rng.random() * last), "again"))
    # a supervisor's steps come last, on the working clock
    if rng.random() < 0.55:
        steps.append((max(done, last) + _later(rng, 1 + rng.random() * 24, _WORKING_DAY), "close"))
    roll = rng.random()
    rejected, cancelled = (0.01, 0.02) if urgency == 4 else (0.03, 0.02)
    ending = None
    if roll < rejected:
        ending = (_later(rng, 1 + rng.random() * 5, _WORKING_DAY), "rejected")
    elif roll < rejected + cancelled:
        ending = (_later(rng, 1 + rng.random() * 7, _WORKING_DAY), "cancelled")
    if ending is not None:
        kept = [s for s in steps if s[0] < ending[0] and s[1] not in ("done", "close")]
        steps = kept + [(max([ending[0]] + [off + 60 for off, _ in kept]), ending[1])]
    return sorted(steps)


def _walk(rng: random.Random, plan: list[tuple[int, str]], how: str, urgency: int) -> list[tuple]:
    """The events of a life: statuses checked, offsets strictly increasing."""
    events = [(0, "created", "", "new", "", "h")]
    status, last = "new", 0
    for off, step in plan:
        off = max(off, last + 30 + int(rng.random() * 240))
        if step == "ack":
            if status not in _OPEN:
                continue
            new = "acknowledged" if status == "new" else status
            event = ("acknowledgement", status, new, _ACK_NOTES[how], "h")
        elif step == "assign":
            if status not in _OPEN:
                continue
            # a supervisor assigns some; the emergencies go straight to the mobile team
            role = "s" if urgency > 1 and rng.random() < 0.4 else "h"
            event = ("assignment", status, "assigned", "{service}", role)
        elif step == "start":
            if status not in ("new", "acknowledged", "assigned"):
                continue
            event = ("status", status, "in_progress", "", "l")
        elif step == "done":
            if status not in _OPEN:
                continue
            # the hostess answers a remark herself; a service answers the rest
            event = ("status", status, "done", "{answer}", "h" if urgency == 4 else "l")
        elif step == "close":
            if status != "done":
                continue
            event = ("status", status, "closed", "", "s")
        elif step in ("rejected", "cancelled"):
            if status not in _OPEN:
                continue
            reasons = _REJECT_REASONS if step == "rejected" else _CANCEL_REASONS
            event = ("status", status, step, reasons[int(rng.random() * len(reasons))], "s")
        elif step == "duplicate":
            if status not in _OPEN:
                continue
            event = ("merge", status, "duplicate", "{dup}", "h")
        elif step == "note":
            roles = "hls" if urgency > 1 else "hl"
            role = roles[int(rng.random() * len(roles))]
            event = ("note", "", "", _NOTES[int(rng.random() * len(_NOTES))], role)
        else:
            event = ("reported_again", "", "", _REPORTED_AGAIN, "h")
        kind, old, new, note, role = event
        if kind in ("acknowledgement", "assignment", "status", "merge"):
            status = new
        events.append((off, kind, old, new, note, role))
        last = off
    return events


# --------------------------------------------------------------------------------------------
# Set-based generation: SQL over the lookup tables, random choices as hashes of row numbers

_P = 2_147_483_647  # 2**31 - 1: squares of residues fit in SQLite's 64-bit integers


class _S:
    """Salts of the hashes. Each hash gives a few independent choices through its digits."""

    CALL_A, CALL_B, CALL_C, CALL_D = 1, 2, 3, 4
    CALLER_NOISE, BLOCK = 6, 19
    CALLER_A, CALLER_B, CALLER_C, CALLER_D, CALLER_E = 7, 8, 9, 10, 11
    REQ_A, REQ_B, REQ_C, REQ_D, CAT = 12, 13, 14, 15, 16
    LOC_A, LOC_B = 17, 18


def _h(column: str, salt: int) -> str:
    """A deterministic hash of an integer expression, in 0.._P-1 (nonlinear: a square).

    The expression is evaluated twice: hash columns, not long expressions (see _layer).
    """
    t = f"((({column}) * {69621 + 2 * salt} + {salt * 7919 + 12345}) % {_P})"
    return f"(({t} * {t} + {salt}) % {_P})"


def _hash(value: int, salt: int) -> int:
    """`_h` computed in Python, for the counters the plan needs."""
    t = (value * (69621 + 2 * salt) + salt * 7919 + 12345) % _P
    return (t * t + salt) % _P


def _digits(hashed: str, below: int, modulo: int) -> str:
    """A choice in 0..modulo-1 taken from the digits of a hash above `below`."""
    return f"({hashed} / {below} % {modulo})" if below > 1 else f"({hashed} % {modulo})"


def _fmt(seconds: str, micro: str) -> str:
    """Epoch seconds as SQLAlchemy stores a naive UTC datetime: 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    return f"(datetime({seconds}, 'unixepoch') || '.' || {micro})"


def _noise_range(part: int, calls: int) -> int:
    """Noise added to k * part so that (k * part + noise) / calls still grows by 0 or 1 at
    each call: below part + 1 (it never decreases) and calls - part + 1 (never jumps by 2)."""
    return max(1, min(part, calls - part + 1))


def _before(k: str, part: int, calls: int, salt: int) -> str:
    """How many of `part` events (requests, first calls of a caller) happened among the first
    `k` calls: k * part / calls give or take one, so that they are spread without a pattern."""
    noise = f"{_h(k, salt)} % {_noise_range(part, calls)}"
    return f"((({k}) * {part} + {noise}) / {max(1, calls)})"


_BLOCK = 16  # calls per block; requests take a pattern of slots in each
_VARIANTS = 32  # patterns per number of requests in a block (0: the first slots)


def _patterns(seed: int) -> dict[tuple[int, int], list[int]]:
    """(requests in the block, variant) -> the sorted slots of the requests."""
    rng = random.Random(seed + 13)
    patterns = {}
    for m in range(_BLOCK + 1):
        patterns[(m, 0)] = list(range(m))
        for v in range(1, _VARIANTS):
            patterns[(m, v)] = sorted(rng.sample(range(_BLOCK), m))
    return patterns


class _RequestCalls:
    """Which calls made a request: exactly R of the T calls, in blocks of _BLOCK calls that
    each hold their share of requests (k * R / T) on slots chosen by a pattern; both ways are
    closed forms (call k -> request r, request r -> call k), here and in SQL (`_Runner`)."""

    def __init__(self, requests: int, calls: int, seed: int) -> None:
        self.R, self.T = requests, max(1, calls)
        self.patterns = _patterns(seed)

    def block(self, b: int) -> tuple[int, int, int]:
        """(requests before the block, requests in it, its variant)."""
        base = _BLOCK * b * self.R // self.T
        end = min(_BLOCK * b + _BLOCK, self.T)
        variant = 0 if _BLOCK * b + _BLOCK > self.T else 1 + _hash(b, _S.BLOCK) % (_VARIANTS - 1)
        return base, end * self.R // self.T - base, variant

    def before(self, k: int) -> int:
        """How many of the first k calls made a request."""
        base, m, variant = self.block(k // _BLOCK)
        return base + sum(1 for slot in self.patterns[(m, variant)] if slot < k % _BLOCK)

    def is_request(self, k: int) -> bool:
        base, m, variant = self.block(k // _BLOCK)
        return k % _BLOCK in self.patterns[(m, variant)]


def _anonymous_per_mille(requests: int, calls: int, callers: int, seed: int) -> int:
    """Share (per mille) of anonymous calls among the request calls that are not a caller's
    first call (a first call is never anonymous), so that about 5 % of the requests are: the
    share of first calls among request calls is measured on a sample of the same hashes."""
    if not requests:
        return 0

    def before(k: int, part: int, salt: int) -> int:
        return (k * part + _hash(k, salt) % _noise_range(part, calls)) // calls

    request_calls = first_calls = 0
    request_calls_of = _RequestCalls(requests, calls, seed)
    sample = min(calls, 20_000)
    for i in range(sample):
        k = i * calls // sample
        if request_calls_of.is_request(k):
            request_calls += 1
            if before(k + 1, callers, _S.CALLER_NOISE) > before(k, callers, _S.CALLER_NOISE):
                first_calls += 1
    not_first = 1 - first_calls / max(1, request_calls)
    return min(500, round(50 / max(0.1, not_first)))


# What a caller is, as functions of the hashes of its id (cb = CALLER_B...), so that every
# statement that needs a caller's street, number or preference computes the same.


def _caller_street(cb: str, voies: int, lieux: int) -> str:
    """Index in demo_streets of the caller's street (voies first, then lieux-dits)."""
    index = _digits(cb, 100, 100_000)
    return (
        f"(CASE WHEN {_digits(cb, 1, 100)} < 93 THEN {index} % {voies}"
        f" ELSE {voies} + {index} % {max(1, lieux)} END)"
    )


def _caller_number(cb: str, cc: str) -> str:
    """House number, a few "bis" and "ter"; low numbers are the most frequent."""
    u = f"({cb} / 10000000 / 215.0)"
    roll = _digits(cc, 1, 100)
    return (
        f"(CAST(1 + 140 * {u} * {u} AS INTEGER) ||"
        f" CASE WHEN {roll} < 4 THEN ' bis' WHEN {roll} < 5 THEN ' ter' ELSE '' END)"
    )


def _caller_has_email(cd: str) -> str:
    return f"({_digits(cd, 1, 100)} < 38)"


def _caller_preference(cd: str, ce: str, codes: bool = False) -> str:
    """Contact preference ('email', 'phone', 'letter', 'none'), or its code 3, 1, 2, 0."""
    roll = _digits(ce, 1, 100)
    names = ("3", "1", "2", "0") if codes else ("'email'", "'phone'", "'letter'", "'none'")
    return (
        f"(CASE WHEN {_caller_has_email(cd)} AND {roll} < 45 THEN {names[0]}"
        f" WHEN {roll} < 75 THEN {names[1]} WHEN {roll} < 94 THEN {names[2]} ELSE {names[3]} END)"
    )


def _caller_phone_count(ce: str) -> str:
    return f"(1 + ({_digits(ce, 100, 100)} < 25))"


def _on_clock(step: str, working: int, workhour: str) -> str:
    """Epoch seconds of a step timed on the working clock: `step` working seconds after the
    call (`r.wk0` is the call on that clock); `workhour` is the step's demo_workhour row."""
    at = f"(r.wk0 + {step})"
    return (
        f"((7 * ({at} / {working}) - 3) * {_DAY} + {workhour}.h * 3600"
        f" + {at} % {working} % 3600 - r.o)"
    )


def _step_time(step: str, flag: str, workhour: str, working: int) -> str:
    """Epoch seconds of a step: on the working clock when `flag` is set, else wall-clock
    seconds after the call."""
    return f"(CASE WHEN {flag} THEN {_on_clock(step, working, workhour)} ELSE r.t + {step} END)"


def _workhour_join(alias: str, step: str, working: int, left: bool = False) -> str:
    join = "LEFT JOIN" if left else "JOIN"
    return f" {join} demo_workhour {alias} ON {alias}.n = (r.wk0 + {step}) % {working} / 3600"


_LOOKUP_DDL = {
    "demo_days": "d INTEGER PRIMARY KEY, midnight INT, utc_offset INT, first_k INT, n INT,"
    " p1 INT, l1 INT, p2 INT, l2 INT, p3 INT, cap INT, year INT, ack_due TEXT, first_rid INT,"
    " clock INT, open_h INT",
    "demo_week": "h INTEGER PRIMARY KEY, open INT, before INT",
    "demo_workhour": "n INTEGER PRIMARY KEY, h INT",
    "demo_services": "id INTEGER PRIMARY KEY, name TEXT, mobile INT",
    "demo_cat_bucket": "b INTEGER PRIMARY KEY, cat INT",
    "demo_cats": "id INTEGER PRIMARY KEY, code TEXT, service INT, urgency INT, n_desc INT,"
    " n_ans INT, autre INT",
    "demo_descs": "cat INT, i INT, text TEXT, PRIMARY KEY (cat, i)",
    "demo_answers": "cat INT, i INT, text TEXT, PRIMARY KEY (cat, i)",
    "demo_showcase": "rid INTEGER PRIMARY KEY, cat INT, urgency INT",
    "demo_targets": "u INTEGER PRIMARY KEY, seconds INT",
    "demo_streets": "i INTEGER PRIMARY KEY, name TEXT, nb TEXT",
    "demo_words": "kind TEXT, i INT, text TEXT, PRIMARY KEY (kind, i)",
    "demo_names": "kind TEXT, i INT, name TEXT, slug TEXT, PRIMARY KEY (kind, i)",
    "demo_surname_bucket": "b INTEGER PRIMARY KEY, i INT",
    "demo_showcase_callers": "id INTEGER PRIMARY KEY, surname TEXT, given TEXT, slug_s TEXT,"
    " slug_g TEXT",
    "demo_hostesses": "i INTEGER PRIMARY KEY, op INT, console TEXT",
    "demo_supervisors": "i INTEGER PRIMARY KEY, op INT",
    "demo_leads": "service INT, i INT, op INT, PRIMARY KEY (service, i)",
    "demo_lead_counts": "service INTEGER PRIMARY KEY, n INT",
    "demo_prefixes": "kind TEXT, i INT, p TEXT, PRIMARY KEY (kind, i)",
    "demo_steps": "tpl INT, seq INT, off INT, kind TEXT, old TEXT, new TEXT, note TEXT,"
    " role TEXT, snap INT, PRIMARY KEY (tpl, seq)",
    "demo_prefix": "tpl INT, L INT, status TEXT, ack_off INT, ack_snap INT, answered INT,"
    " dup INT, close_off INT, close_snap INT, last_off INT, last_role TEXT, last_snap INT,"
    " PRIMARY KEY (tpl, L)",
    "demo_tpl": "tpl INTEGER PRIMARY KEY, n INT, span INT",
    "demo_rank": "m INT, v INT, slot INT, rank INT, PRIMARY KEY (m, v, slot)",
}


class _Runner:
    """Runs the generating statements on one connection (the target's or the scratch's)."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        plan: _Plan,
        bar: _Progress | None,
        advance: Callable[[int], None] | None = None,
    ) -> None:
        self.connection = connection
        self.plan = plan
        self._ctes: list[str] = []
        self.advance = advance or (bar.advance if bar is not None else (lambda _amount: None))
        counts = plan.counts
        self.R, self.T, self.C = plan.n_requests, plan.n_calls, plan.n_callers
        self.E = plan.n_before
        self.Cc = self.C - self.E
        self.nv, self.nl = counts["voies"], counts["lieux"]
        self.n_landline, self.n_mobile = counts["landline"], counts["mobile"]

    def execute(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, parameters)

    def _tick(self, kind: str, rows: float) -> None:
        self.advance(round(_WORK[kind] * rows))

    def _layer(self, select: str) -> str:
        """Name of a common table expression for `select`, computed once per row (a
        co-routine: LIMIT/OFFSET keep it from being flattened, which would evaluate its
        expressions again wherever they are used). Layers are chained by name rather than
        nested, which SQLite's parser would not take that deep; `_with` emits them."""
        name = f"demo_l{len(self._ctes)}"
        self._ctes.append(f"{name} AS ({select} LIMIT -1 OFFSET 0)")
        return name

    def _with(self, statement: str) -> str:
        """`statement` preceded by the layers it uses (and forget them)."""
        sql = f"WITH {', '.join(self._ctes)} {statement}" if self._ctes else statement
        self._ctes = []
        return sql

    # -- lookups ------------------------------------------------------------------------------

    def load_lookups(self) -> None:
        c = self.connection
        for name, columns in _LOOKUP_DDL.items():
            rowid = "" if "INTEGER PRIMARY KEY" in columns.split(",")[0] else " WITHOUT ROWID"
            c.execute(f"CREATE TEMP TABLE {name} ({columns}){rowid}")
            rows = self.plan.tables.get(name, [])
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                c.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        c.execute("CREATE INDEX demo_days_first_k ON demo_days (first_k)")
        size = max([row[4] for row in self.plan.tables["demo_days"]] + [self.E, _CHUNK])
        c.execute("CREATE TEMP TABLE demo_nums (j INTEGER PRIMARY KEY)")
        c.execute(
            "INSERT INTO demo_nums WITH RECURSIVE s(j) AS"
            " (SELECT 0 UNION ALL SELECT j + 1 FROM s WHERE j + 1 < ?) SELECT j FROM s",
            (size,),
        )
        self._tick("lookups", 1)

    # -- calls: everything about call k is a function of k ----------------------------------

    def _day_chunks(self):
        """Ranges of days with about _CHUNK calls each, and their number of calls."""
        days = self.plan.tables["demo_days"]
        start, total = 0, 0
        for index, row in enumerate(days):
            total += row[4]
            if total >= _CHUNK or index == len(days) - 1:
                yield days[start][0], row[0], total
                start, total = index + 1, 0

    def _caller_case(self, isreq: str = "isreq") -> str:
        """Who made call k, from its columns c0, c1 (callers before and after the call), ka,
        kb (hashes) and isreq: a new caller, an earlier one (the first ones more often: they
        had time to call again), or nobody (anonymous, or not recorded)."""
        E = self.E
        roll, known = _digits("ka", 1, 100), _digits("ka", 100, 1000)
        is_known = (
            f"CASE WHEN {isreq} THEN {known} >= {self.plan.counts['anonymous']}"
            f" WHEN {roll} < 55 THEN {known} < 700 WHEN {roll} < 80 THEN {known} < 600"
            f" WHEN {roll} < 90 THEN {known} < 50 ELSE {known} < 300 END"
        )
        pick = "(kb % 46340) / 46340.0 * (kb / 46340 % 46340) / 46340.0"
        return (
            f"CASE WHEN c1 > c0 THEN {E} + c1 WHEN ({is_known}) AND {E} + c0 > 0"
            f" THEN 1 + CAST(({E} + c0) * {pick} AS INTEGER) ELSE 0 END"
        )

    def _call_hashes(self, k: str) -> str:
        C, T = self.Cc, self.T
        return (
            f"{_before(k, C, T, _S.CALLER_NOISE)} AS c0,"
            f" {_before(f'{k} + 1', C, T, _S.CALLER_NOISE)} AS c1,"
            f" {_h(k, _S.CALL_A)} AS ka, {_h(k, _S.CALL_B)} AS kb"
        )

    @staticmethod
    def _second(k: str) -> str:
        """Seconds after local midnight of call k of day dd: the calls of a day are spread
        over its opening seconds, with a little jitter."""
        pos = (
            f"CAST((({k} - dd.first_k) + ({k} * 40503 % 65536) / 65536.0) * dd.cap / dd.n"
            " AS INTEGER)"
        )
        return (
            f"CASE WHEN {pos} < dd.l1 THEN dd.p1 + {pos} WHEN {pos} < dd.l1 + dd.l2"
            f" THEN dd.p2 + {pos} - dd.l1 ELSE dd.p3 + {pos} - dd.l1 - dd.l2 END"
        )

    def _call_layers(self, days: str) -> str:
        """The calls of the days in a range (two parameters): call number k, time t, the
        request it made (call_rid, 0 for none: exactly R request calls among the T calls, on
        the slots of each block's pattern), a caller's first call (first) and who called."""
        k = "(dd.first_k + n.j)"
        base, m, variant = self._block(f"({k} / {_BLOCK})")
        hashed = self._layer(
            f"SELECT {k} AS k, dd.midnight + {self._second(k)} AS t,"
            f" (SELECT rank FROM demo_rank WHERE m = {m} AND v = {variant}"
            f" AND slot = {k} % {_BLOCK}) AS rank, {base} AS base, {self._call_hashes(k)}"
            f" FROM demo_days dd JOIN demo_nums n ON n.j < dd.n WHERE dd.d BETWEEN {days}"
        )
        return self._layer(
            f"SELECT k, t, c1 > c0 AS first, {self._caller_case('rank IS NOT NULL')} AS caller,"
            f" coalesce(base + rank + 1, 0) AS call_rid, ka FROM {hashed}"
        )

    def _block(self, b: str) -> tuple[str, str, str]:
        """SQL of `_RequestCalls.block`: requests before block b, in it, its variant."""
        R, T = self.R, max(1, self.T)
        base = f"({_BLOCK} * {b} * {R} / {T})"
        m = f"(min({_BLOCK} * {b} + {_BLOCK}, {T}) * {R} / {T} - {base})"
        variant = (
            f"(CASE WHEN {_BLOCK} * {b} + {_BLOCK} > {T} THEN 0"
            f" ELSE 1 + {_h(b, _S.BLOCK)} % {_VARIANTS - 1} END)"
        )
        return base, m, variant

    def _request_call(self, r: str) -> str:
        """SQL: the call k that made request r (the inverse of the blocks' patterns)."""
        R, T = self.R, max(1, self.T)
        b = f"(({r}) * {T} + {_BLOCK * R} - 1) / {_BLOCK * R} - 1"
        base, m, variant = self._block(f"({b})")
        return (
            f"({_BLOCK} * ({b}) + (SELECT slot FROM demo_rank WHERE m = {m} AND v = {variant}"
            f" AND rank = ({r}) - {base} - 1))"
        )

    def _caller_of(self, k: str) -> str:
        """The caller of call `k`, a request call (for the original of a duplicate)."""
        return (
            f"(SELECT {self._caller_case('1')} FROM (SELECT {self._call_hashes('kk')}"
            f" FROM (SELECT {k} AS kk) LIMIT -1 OFFSET 0))"
        )

    # -- callers and their phones (second process) ------------------------------------------------

    def _caller_select(self, source: str) -> str:
        """INSERT INTO callers from `source`, which yields (cid, created, op)."""
        counts = self.plan.counts
        hashed = self._layer(
            f"SELECT cid, created, op, {_h('cid', _S.CALLER_A)} AS ca,"
            f" {_h('cid', _S.CALLER_B)} AS cb, {_h('cid', _S.CALLER_C)} AS cc,"
            f" {_h('cid', _S.CALLER_D)} AS cd, {_h('cid', _S.CALLER_E)} AS ce FROM ({source})"
        )
        female = f"({_digits('x.ca', 10_000, 100)} < 52)"
        names = self._layer(
            "SELECT x.*, coalesce(sc.surname, sn.name) AS surname,"
            " coalesce(sc.given, gn.name) AS given, coalesce(sc.slug_s, sn.slug) AS slug_s,"
            " coalesce(sc.slug_g, gn.slug) AS slug_g, st.name AS street, st.nb AS nb"
            f" FROM {hashed} x LEFT JOIN demo_showcase_callers sc ON sc.id = x.cid"
            f" JOIN demo_surname_bucket sb ON sb.b = {_digits('x.ca', 1, 10_000)}"
            " JOIN demo_names sn ON sn.kind = 's' AND sn.i = sb.i"
            f" JOIN demo_names gn ON gn.kind = CASE WHEN {female} THEN 'f' ELSE 'm' END"
            f" AND gn.i = x.ca / 1000000 % CASE WHEN {female} THEN {counts['female']}"
            f" ELSE {counts['male']} END"
            f" JOIN demo_streets st ON st.i = {_caller_street('x.cb', self.nv, self.nl)}"
        )
        email = (
            f"CASE WHEN {_caller_has_email('cd')} THEN slug_g || '.' || slug_s ||"
            f" CASE WHEN {_digits('cd', 100, 100)} < 40 THEN 1 + {_digits('cd', 10_000, 99)}"
            " ELSE '' END || '@' || (SELECT text FROM demo_words WHERE kind = 'dom' AND i ="
            f" {_digits('cd', 1_000_000, counts['dom'])}) ELSE '' END"
        )
        extra = (
            f"CASE WHEN {_digits('cc', 100, 100)} < 10 THEN replace((SELECT text FROM demo_words"
            f" WHERE kind = 'extra' AND i = {_digits('cc', 10_000, 10)} % {counts['extra']}),"
            f" '{{n}}', 1 + {_digits('cc', 100_000, 40)}) ELSE '' END"
        )
        notes = (
            f"CASE WHEN {_digits('cc', 10_000_000, 100)} < 3 THEN (SELECT text FROM demo_words"
            f" WHERE kind = 'cnote' AND i = {_digits('cd', 100_000_000, counts['cnote'])})"
            " ELSE '' END"
        )
        micro = f"(100000 + {_digits('ce', 1_000_000, 1000)} * 900 + cid % 900)"
        return self._with(
            "INSERT INTO callers (id, surname, given_name, email, street_number, street,"
            " address_extra, postcode, city, neighbourhood, notes, contact_preference,"
            " created_at, updated_at, updated_by_id, version)"
            f" SELECT cid, surname, given, {email}, {_caller_number('cb', 'cc')}, street,"
            f" {extra}, '89000', 'Auxerre', nb, {notes}, {_caller_preference('cd', 'ce')},"
            f" {_fmt('created', micro)}, {_fmt('created', micro)}, op, 1 FROM {names}"
        )

    def _talk(self, kc: str) -> str:
        """Seconds between the start of a request call and the request (the caller speaks)."""
        return f"(50 + {_digits(kc, 1, 240)})"

    def insert_callers(self) -> None:
        E, plan = self.E, self.plan
        first_hostess = plan.tables["demo_hostesses"][0][1]
        if E:
            spacing = max(1, min(3571, 10 * 365 * _DAY // E))
            source = (
                f"SELECT n.j + 1 AS cid, {plan.history_start} - ({E} - n.j) * {spacing}"
                f" AS created, {first_hostess} AS op FROM demo_nums n WHERE n.j < {E}"
            )
            self.execute(self._caller_select(source))
            self._tick("callers", E)
        hostesses = plan.counts["hostesses"]
        source = (
            "SELECT c.caller AS cid,"
            f" c.t - CASE WHEN c.call_rid THEN {self._talk(_h('c.k', _S.CALL_C))} ELSE 0 END"
            f" + 20 AS created, ho.op AS op FROM {self._call_layers('? AND ?')} c"
            f" JOIN demo_hostesses ho ON ho.i = {_digits('c.ka', 100_000, hostesses)}"
            " WHERE c.first"
        )
        sql = self._caller_select(source)
        for low, high, calls in self._day_chunks():
            self.execute(sql, (low, high))
            self._tick("callers", calls * self.Cc / max(1, self.T))

    def _national(self, cid: str, pos: str, ce: str) -> str:
        """The national number ("0612345678") of a caller's phone: a bijection of (cid, pos)."""
        key = f"(2 * {cid} + {pos})"
        first_mobile = f"({_digits(ce, 10_000, 100)} < 60)"
        mobile = (
            f"CASE WHEN {key} >= {self.n_landline * 10_000} THEN 1"
            f" WHEN {pos} = 0 THEN {first_mobile} ELSE NOT {first_mobile} END"
        )
        return f"CASE WHEN {mobile} THEN {self._mobile(key)} ELSE {self._landline(key)} END"

    def _mobile(self, key: str) -> str:
        nm = self.n_mobile
        return (
            f"((SELECT p FROM demo_prefixes WHERE kind = 'm' AND i = {key} % {nm}) ||"
            f" substr('000000' || (({key} / {nm} * 7919 + {key} % {nm} * 104729 + 12345)"
            " % 1000000), -6))"
        )

    def _landline(self, key: str) -> str:
        nl = self.n_landline
        return (
            f"((SELECT p FROM demo_prefixes WHERE kind = 'l' AND i = {key} % {nl}) ||"
            f" substr('0000' || (({key} / {nl} * 7919 + {key} % {nl} * 6007 + 1234)"
            " % 10000), -4))"
        )

    def insert_phones(self) -> None:
        hashed = self._layer(
            f"SELECT id AS cid, {_h('id', _S.CALLER_E)} AS ce FROM callers WHERE id BETWEEN ? AND ?"
        )
        count = _caller_phone_count("x.ce")
        phones = self._layer(
            f"SELECT x.cid, n.j AS pos, {count} AS cnt,"
            f" {self._national('x.cid', 'n.j', 'x.ce')} AS nat"
            f" FROM {hashed} x JOIN demo_nums n ON n.j < {count}"
        )
        display = " || ' ' || ".join(f"substr(nat, {i}, 2)" for i in (1, 3, 5, 7, 9))
        sql = self._with(
            "INSERT INTO caller_phones (caller_id, number, display, valid, search_digits, label,"
            " position)"
            f" SELECT cid, '+33' || substr(nat, 2), {display}, 1, nat || ' 33' || substr(nat, 2),"
            " CASE WHEN cnt = 2 THEN CASE WHEN substr(nat, 2, 1) IN ('6', '7') THEN 'portable'"
            f" ELSE 'domicile' END ELSE '' END, pos FROM {phones}"
        )
        for low, high in _ranges(1, self.C, _CHUNK):
            self.execute(sql, (low, high))
            self._tick("phones", high - low + 1)
        self.execute("CREATE INDEX demo_phones_by_caller ON caller_phones (caller_id, position)")

    def insert_calls(self) -> None:
        hostesses = self.plan.counts["hostesses"]
        roll = _digits("ka", 1, 100)
        outcome = (
            f"CASE WHEN rid > 0 THEN 'request_created' WHEN {roll} < 55 THEN 'information'"
            f" WHEN {roll} < 80 THEN 'transferred' WHEN first THEN 'information'"
            f" WHEN {roll} < 90 THEN 'wrong_number' ELSE 'hung_up' END"
        )
        start = f"t - CASE WHEN rid > 0 THEN {self._talk('kc')} ELSE 0 END"
        stop = (
            f"min({self.plan.now}, t + CASE WHEN rid > 0 THEN 10 + {_digits('kc', 1000, 50)}"
            f" WHEN {roll} < 55 OR first THEN 60 + {_digits('kc', 100_000, 240)}"
            f" WHEN {roll} < 80 THEN 30 + {_digits('kc', 100_000, 90)}"
            f" WHEN {roll} < 90 THEN 10 + {_digits('kc', 100_000, 30)}"
            f" ELSE 3 + {_digits('kc', 100_000, 22)} END)"
        )
        unknown = self._mobile(f"(2 * {self.C} + 2 + k)")
        phone = (
            f"CASE WHEN caller > 0 THEN coalesce(CASE WHEN {_digits('kd', 1, 10)} < 3 THEN"
            " (SELECT number FROM caller_phones WHERE caller_id = caller AND position = 1) END,"
            " (SELECT number FROM caller_phones WHERE caller_id = caller AND position = 0))"
            f" WHEN rid > 0 OR {_digits('kd', 10, 10)} < 3 THEN ''"
            f" ELSE '+33' || substr({unknown}, 2) END"
        )
        micro = f"(100000 + {_digits('kd', 100, 900_000)})"
        calls = self._layer(
            f"SELECT c.k, c.t, c.call_rid AS rid, c.first, c.caller, c.ka,"
            f" {_h('c.k', _S.CALL_C)} AS kc, {_h('c.k', _S.CALL_D)} AS kd, ho.op, ho.console"
            f" FROM {self._call_layers('? AND ?')} c"
            f" JOIN demo_hostesses ho ON ho.i = {_digits('c.ka', 100_000, hostesses)}"
        )
        sql = self._with(
            "INSERT INTO calls (id, started_at, ended_at, operator_id, console, phone, caller_id,"
            " request_id, outcome)"
            f" SELECT k + 1, {_fmt(f'({start})', micro)}, {_fmt(stop, micro)}, op, console,"
            f" {phone}, NULLIF(caller, 0), NULLIF(rid, 0), {outcome} FROM {calls}"
        )
        for low, high, calls_count in self._day_chunks():
            self.execute(sql, (low, high))
            self._tick("calls", calls_count)
        self.execute("DROP INDEX demo_phones_by_caller")

    # -- requests ----------------------------------------------------------------------------

    def request_stage(self, *, full: bool) -> None:
        """demo_rq: one row per request with what both processes need (all of it if `full`)."""
        R = self.R
        self.execute(f"CREATE TEMP TABLE demo_rq ({', '.join(self._request_stage_columns(full))})")
        if not R:
            return
        numbers = self._layer("SELECT ? + n.j AS rid FROM demo_nums n WHERE n.j <= ?")
        calls_of = self._layer(f"SELECT rid, {self._request_call('rid')} AS k FROM {numbers}")
        hashed = self._layer(
            "SELECT c.rid, c.k, dd.year, dd.first_rid, dd.utc_offset,"
            f" dd.midnight + {self._second('c.k')} AS t, dd.midnight, dd.clock, dd.open_h, dd.d,"
            f" {self._call_hashes('c.k')}, {_h('c.k', _S.REQ_A)} AS qa FROM {calls_of} c"
            " JOIN demo_days dd ON dd.d = (SELECT d FROM demo_days INDEXED BY demo_days_first_k"
            " WHERE first_k <= c.k ORDER BY first_k DESC LIMIT 1)"
        )
        # a duplicate (3 %) repeats an original among the 40 requests before it: same category,
        # same place; the original is not itself a duplicate nor one of the showcase requests
        is_dup = f"h.rid > 20 AND sc.rid IS NULL AND {_digits('h.qa', 1, 1000)} < 30"
        orig = f"h.rid - 1 - {_digits('h.qa', 1000, 100)} % min(40, h.rid - 1)"
        # the call on the working clock (working seconds; calls are in working hours)
        clock = (
            "h.clock + ((h.t - h.midnight) / 3600 - h.open_h) * 3600 + (h.t - h.midnight) % 3600"
        )
        called = self._layer(
            f"SELECT h.rid, h.k, h.year, h.first_rid, h.utc_offset, h.t, h.d, {clock} AS wk0,"
            f" h.ka, h.qa, {self._caller_case('1')} AS caller, sc.rid AS sc_rid,"
            " sc.cat AS sc_cat, sc.urgency AS sc_urgency,"
            f" CASE WHEN {is_dup} THEN {orig} END AS want"
            f" FROM {hashed} h LEFT JOIN demo_showcase sc ON sc.rid = h.rid"
        )
        located = self._layer(
            f"SELECT *, CASE WHEN want IS NOT NULL THEN {self._request_call('want')} END"
            f" AS want_k FROM {called}"
        )
        valid = (
            f"want_k IS NOT NULL AND NOT (want > 20 AND {_digits(_h('want_k', _S.REQ_A), 1, 1000)}"
            " < 30) AND want NOT IN (SELECT rid FROM demo_showcase)"
        )
        found = self._layer(f"SELECT *, CASE WHEN {valid} THEN want_k END AS o_k FROM {located}")
        src_k = "coalesce(o_k, k)"
        requests = self._layer(
            "SELECT rid AS id, k, t, d, year, first_rid, utc_offset, wk0, caller, ka, qa,"
            f" CASE WHEN o_k IS NULL THEN 0 ELSE want END AS orig, {src_k} AS src_k,"
            f" CASE WHEN o_k IS NULL THEN caller ELSE {self._caller_of('o_k')} END AS src_caller,"
            " coalesce(sc_cat, (SELECT cat FROM demo_cat_bucket WHERE b ="
            f" {_h(src_k, _S.CAT)} % 1000)) AS cat, sc_urgency AS ufix,"
            f" sc_rid IS NOT NULL AS show FROM {found}"
        )
        sql = self._with(
            f"INSERT INTO demo_rq SELECT * FROM {self._request_layers(full, requests)}"
        )
        for low, high in _ranges(1, R, _CHUNK):
            self.execute(sql, (low, high - low))
            self._tick("stage" if full else "text", high - low + 1)

    @staticmethod
    def _request_stage_columns(full: bool) -> list[str]:
        columns = ["id INTEGER PRIMARY KEY", "year", "seq", "cat", "street_i", "street_number"]
        columns += ["landmark_i", "desc_i"]
        if full:
            columns += ["k", "t", "d", "o", "wk0", "micro", "caller", "urgency", "service", "how"]
            columns += ["kind", "tpl", "hostess", "sup", "lead", "orig", "answer_i"]
        return columns

    def _request_layers(self, full: bool, requests: str) -> str:
        """demo_rq's rows: the `requests` with their hashes (layer 1), the choices made from
        them (layer 2), in the order of `_request_stage_columns` (layer 3)."""
        counts, now = self.plan.counts, self.plan.now
        hashes = [
            f"{_h('r.k', _S.REQ_B)} AS qb",
            f"{_h('r.src_k', _S.LOC_A)} AS la",
            f"{_h('r.src_k', _S.LOC_B)} AS lb",
            f"{_h('r.src_caller', _S.CALLER_B)} AS hcb",
            f"{_h('r.src_caller', _S.CALLER_C)} AS hcc",
        ]
        if full:
            hashes += [
                f"{_h('r.k', _S.REQ_C)} AS qc",
                f"{_h('r.k', _S.REQ_D)} AS qd",
                f"{_h('r.caller', _S.CALLER_D)} AS pcd",
                f"{_h('r.caller', _S.CALLER_E)} AS pce",
            ]
        layer1 = self._layer(
            f"SELECT r.*, ct.service AS cat_service, ct.urgency AS cat_urgency, ct.n_ans,"
            f" ct.autre, {', '.join(hashes)} FROM {requests} r JOIN demo_cats ct ON ct.id = r.cat"
        )
        home = f"(src_caller > 0 AND {_digits('la', 1, 100)} < 45)"
        index = _digits("la", 10_000, 100_000)
        own_street = (
            f"CASE WHEN {_digits('la', 100, 100)} < 93 THEN {index} % {self.nv}"
            f" ELSE {self.nv} + {index} % {max(1, self.nl)} END"
        )
        u = f"{_digits('lb', 1_000_000, 1000)} / 1000.0"
        own_number = (
            f"CASE WHEN {_digits('lb', 1, 100)} < 55 THEN"
            f" CAST(1 + 140 * {u} * {u} AS INTEGER) ELSE '' END"
        )
        choices = {
            "id": "id",
            "year": "year",
            "seq": "id - first_rid + 1",
            "cat": "cat",
            "street_i": f"CASE WHEN {home} THEN {_caller_street('hcb', self.nv, self.nl)}"
            f" ELSE {own_street} END",
            "street_number": f"CASE WHEN {home} THEN {_caller_number('hcb', 'hcc')}"
            f" ELSE {own_number} END",
            "landmark_i": f"CASE WHEN {_digits('lb', 100, 100)} < 25"
            f" THEN {_digits('lb', 10_000, 100)} % {counts['lm']} END",
            "desc_i": _digits("qb", 1, _DESCRIPTION_POOL),
        }
        if not full:
            return self._layer(f"SELECT {', '.join(choices.values())} FROM {layer1}")
        roll = _digits("qa", 100_000, 100)
        urgency = (
            f"coalesce(ufix, CASE WHEN {roll} < 86 THEN cat_urgency"
            f" WHEN {roll} < 95 THEN CASE WHEN cat_urgency = 4 THEN 3"
            " WHEN cat_urgency > 1 THEN cat_urgency - 1 ELSE 1 END"
            " WHEN cat_urgency IN (1, 2) THEN cat_urgency + 1 ELSE cat_urgency END)"
        )
        how = (
            f"CASE WHEN caller = 0 OR {_digits('qb', 10_000_000, 100)} < 7 THEN 0"
            f" ELSE {_caller_preference('pcd', 'pce', codes=True)} END"
        )
        kind_roll = _digits("qa", 10_000_000, 100)
        choices.update(
            {
                "k": "k",
                "t": "t",
                "d": "d",
                "o": "utc_offset",
                "wk0": "wk0",
                "micro": f"100000 + {_digits('qd', 10, 900_000)}",
                "caller": "caller",
                "urgency": urgency,
                "service": "cat_service",  # the mobile team's for an emergency: next layer
                "how": how,
                "kind": f"CASE WHEN autre THEN CASE WHEN {kind_roll} < 60 THEN 'remark'"
                f" WHEN {kind_roll} < 85 THEN 'complaint' ELSE 'information' END"
                f" WHEN {kind_roll} < 8 THEN 'complaint' ELSE 'intervention' END",
                "tpl": "qc",  # the template: next layer, once urgency and how are known
                "hostess": "(SELECT op FROM demo_hostesses WHERE i ="
                f" {_digits('ka', 100_000, counts['hostesses'])})",
                "sup": "(SELECT op FROM demo_supervisors WHERE i ="
                f" {_digits('qc', 100_000, 100)} % {counts['supervisors']})",
                "lead": _digits("qc", 10_000_000, 100),  # next layer
                "orig": "orig",
                "answer_i": f"{_digits('qd', 1, 10)} % n_ans",
                "show": "show",
            }
        )
        layer2 = self._layer(
            "SELECT "
            + ", ".join(f"{expression} AS {name}" for name, expression in choices.items())
            + f" FROM {layer1}"
        )
        emi = counts["emi"]
        hold = (
            f"(show OR (t > {now - _RECENT} AND {_digits('tpl', 1, 1000)} <"
            " CASE urgency WHEN 1 THEN 350 WHEN 2 THEN 250 WHEN 3 THEN 80 ELSE 250 END))"
        )
        variant = f"CASE WHEN orig > 0 THEN 1 WHEN {hold} THEN 2 ELSE 0 END"
        final = dict.fromkeys(choices)
        final.pop("show")
        final.update(
            {
                "service": f"CASE WHEN urgency = 1 AND {emi} >= 0 THEN {emi} ELSE service END",
                "tpl": f"(((urgency - 1) * 4 + how) * 3 + {variant}) * {_POOL}"
                f" + {_digits('tpl', 1000, _POOL)}",
                "lead": "coalesce((SELECT l.op FROM demo_lead_counts lc JOIN demo_leads l"
                " ON l.service = lc.service AND l.i = x.lead % lc.n WHERE lc.service ="
                f" CASE WHEN urgency = 1 AND {emi} >= 0 THEN {emi} ELSE x.service END), sup)",
            }
        )
        return self._layer(
            "SELECT "
            + ", ".join(expression or name for name, expression in final.items())
            + f" FROM {layer2} AS x"
        )

    def _request_text(self, range_sql: str) -> str:
        """The text columns of the requests in `range_sql` (a WHERE clause on r.id), named as
        in the requests table; r is demo_rq, st its street, ds its description."""
        return (
            "SELECT r.id, r.year || '-' || CASE WHEN r.seq < 100000 THEN substr(100000 + r.seq, 2)"
            " ELSE r.seq END AS reference, ds.text AS description, r.street_number,"
            " st.name AS street, CASE WHEN r.landmark_i IS NULL THEN '' ELSE (SELECT text"
            " FROM demo_words WHERE kind = 'lm' AND i = r.landmark_i) END AS landmark,"
            " st.nb AS neighbourhood, NULL AS search_description, NULL AS search_location"
            " FROM demo_rq r JOIN demo_streets st ON st.i = r.street_i"
            f" JOIN demo_descs ds ON ds.cat = r.cat AND ds.i = r.desc_i WHERE {range_sql}"
        )

    def insert_requests(self) -> None:
        now, working = self.plan.now, self.plan.counts["week"]
        how = "CASE r.how WHEN 1 THEN 'phone' WHEN 2 THEN 'letter' WHEN 3 THEN 'email' ELSE '' END"
        ack = _step_time("p.ack_off", "p.ack_snap", "wa", working)
        close = _step_time("p.close_off", "p.close_snap", "wc", working)
        last = _step_time("p.last_off", "p.last_snap", "wl", working)
        step = _step_time("s.off", "s.snap", "wh", working)
        role = "CASE p.last_role WHEN 'h' THEN r.hostess WHEN 's' THEN r.sup ELSE r.lead END"
        text = self._layer(self._request_text("r.id BETWEEN ? AND ?"))
        sql = self._with(
            "INSERT INTO requests (id, reference, ref_year, ref_seq, channel, kind, category_id,"
            " service_id, urgency, status, caller_id, street_number, street, landmark,"
            " neighbourhood, latitude, longitude, description, created_at, created_by_id,"
            " ack_due_at, intervention_due_at, acknowledged_at, acknowledged_how, answer,"
            " duplicate_of_id, closed_at, updated_at, updated_by_id, version)"
            " SELECT r.id, x.reference, r.year, r.seq, 'phone', r.kind, r.cat,"
            " r.service, r.urgency, p.status, NULLIF(r.caller, 0), x.street_number,"
            " x.street, x.landmark, x.neighbourhood, NULL, NULL, x.description,"
            f" {_fmt('r.t', 'r.micro')}, r.hostess, dd.ack_due,"
            f" CASE WHEN tg.seconds IS NOT NULL THEN {_fmt('r.t + tg.seconds', 'r.micro')} END,"
            f" CASE WHEN p.ack_off IS NOT NULL THEN {_fmt(ack, 'r.micro')} END,"
            f" CASE WHEN p.ack_off IS NOT NULL THEN {how} ELSE '' END,"
            " CASE WHEN p.answered THEN (SELECT text FROM demo_answers WHERE cat = r.cat"
            " AND i = r.answer_i) ELSE '' END, CASE WHEN p.dup THEN r.orig END,"
            f" CASE WHEN p.close_off IS NOT NULL THEN {_fmt(close, 'r.micro')} END,"
            f" {_fmt(last, 'r.micro')}, {role}, 1"
            f" FROM {text} x JOIN demo_rq r ON r.id = x.id JOIN demo_tpl tp ON tp.tpl = r.tpl"
            # how far the request's life has gone by now: all of it, except for recent ones
            " JOIN demo_prefix p ON p.tpl = r.tpl AND p.L ="
            f" CASE WHEN r.t + tp.span <= {now} THEN tp.n ELSE (SELECT count(*)"
            f" FROM demo_steps s{_workhour_join('wh', 's.off', working)}"
            f" WHERE s.tpl = r.tpl AND {step} <= {now}) END"
            " JOIN demo_days dd ON dd.d = r.d LEFT JOIN demo_targets tg ON tg.u = r.urgency"
            + _workhour_join("wa", "p.ack_off", working, left=True)
            + _workhour_join("wc", "p.close_off", working, left=True)
            + _workhour_join("wl", "p.last_off", working)
        )
        for low, high in _ranges(1, self.R, _CHUNK):
            self.execute(sql, (low, high))
            self._tick("requests", high - low + 1)

    def insert_events(self) -> None:
        now, working = self.plan.now, self.plan.counts["week"]
        role = "CASE s.role WHEN 'h' THEN r.hostess WHEN 's' THEN r.sup ELSE r.lead END"
        at = _step_time("s.off", "s.snap", "wh", working)
        reference = (
            "o.year || '-' || CASE WHEN o.seq < 100000 THEN substr(100000 + o.seq, 2)"
            " ELSE o.seq END"
        )
        note = (
            "CASE s.note WHEN '{service}' THEN (SELECT name FROM demo_services WHERE id ="
            " r.service) WHEN '{answer}' THEN (SELECT text FROM demo_answers WHERE cat = r.cat"
            " AND i = r.answer_i) WHEN '{dup}' THEN (SELECT 'Doublon de ' || "
            f"{reference} FROM demo_rq o WHERE o.id = r.orig) ELSE s.note END"
        )
        sql = (
            "INSERT INTO events (request_id, at, operator_id, kind, old_value, new_value, note)"
            f" SELECT r.id, {_fmt(at, 'r.micro')}, {role}, s.kind, s.old, s.new, {note}"
            f" FROM demo_rq r JOIN demo_steps s ON s.tpl = r.tpl AND s.off <= {now} - r.t"
            + _workhour_join("wh", "s.off", working)
            + f" WHERE r.id BETWEEN ? AND ? AND {at} <= {now} ORDER BY r.id, s.seq"
        )
        step = max(1, _CHUNK // 4)
        for low, high in _ranges(1, self.R, step):
            self.execute(sql, (low, high))
            self._tick("events", high - low + 1)

    # -- full-text search (second process) --------------------------------------------------------

    def fill_search(self, table: str, source: str) -> None:
        """Index every row of `source` (callers, caller_phones or demo_rq) with the INSERT of
        the migration's own trigger."""
        if source == "demo_rq":
            rows = f"({self._request_text('r.id BETWEEN ? AND ?')})"
        else:
            rows = f"(SELECT * FROM {source} WHERE id BETWEEN ? AND ?)"
        sql = self.plan.schema.search_fills[table].format(source=rows)
        high_id = self.execute(f"SELECT coalesce(max(id), 0) FROM {source}").fetchone()[0]
        for low, high in _ranges(1, high_id, _CHUNK):
            self.execute(sql, (low, high))
            rows = self.R if table == "request_search" else self.C
            self._tick(table, (high - low + 1) * rows / max(1, high_id))


def _ranges(low: int, high: int, size: int):
    """Inclusive (a, b) ranges covering low..high."""
    while low <= high:
        yield low, min(high, low + size - 1)
        low += size


__all__ = ["DEMO_SETTING", "DemoSummary", "build_demo"]
