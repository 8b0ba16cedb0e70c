"""`python -m bench`: build or reuse the database, measure every figure, print and save the table."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import report
from bench.dataset import (
    BENCH_DIR,
    DEFAULT_CACHE,
    Dataset,
    ensure_dataset,
    remove_database,
    work_copy,
)
from bench.rows import (
    FIGURES,
    HISTORY_FILTERS,
    POSTGRESQL_FIGURES,
    POSTGRESQL_WRITER_COUNTS,
    RAW_SQL,
    WRITER_COUNTS,
    Row,
    make_row,
    missing_row,
)
from bench.scales import SCALES, Scale
from bench.terminal import child_environment

DEFAULT_RESULTS = BENCH_DIR / "results"
REPO = BENCH_DIR.parent
HISTORY_WINDOW = 50
NOT_RUN = "not run (--only)"
NOT_ON_POSTGRESQL = "not run on PostgreSQL"
BACKENDS = ("sqlite", "postgresql")
SKIPPED_ON_POSTGRESQL = ("typing", "startup", "paste", "render")
"""Groups of the terminal and Textual, the same whatever the database: left to SQLite's table."""
GROUPS = (
    "lookup",
    "history",
    "detail",
    "board",
    "typing",
    "startup",
    "paste",
    "live",
    "render",
    "save",
    "writers",
    "export",
    "review",
)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="build (or find) the cached database for the scale, print its path and stop",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when a figure could not be measured (CI); missed targets never fail",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="sqlite",
        help="the database the Store runs on: the SQLite file (default), or a PostgreSQL copy"
        " of it on the server of --postgres-url (results in <scale>-postgresql.json)",
    )
    parser.add_argument(
        "--postgres-url",
        default=None,
        help="a PostgreSQL URL of an account allowed to create databases (default:"
        " $BENCH_POSTGRES_URL, else postgresql://root@127.0.0.1:5432/postgres)",
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated groups to run (default: all): {', '.join(GROUPS)}",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    scale = SCALES[arguments.scale]
    groups = [g for g in arguments.only.split(",") if g] or list(GROUPS)
    unknown = set(groups) - set(GROUPS)
    if unknown:
        print(f"unknown group(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    load_before = load_average()
    dataset = ensure_dataset(scale, arguments.cache_dir, log=_log)
    if arguments.build_only:
        print(dataset.path)
        return 0
    _log(f"database: {dataset.path.name} ({dataset.meta['counts']})")
    on_postgresql = arguments.backend == "postgresql"
    server: dict = {}
    if on_postgresql:
        from bench import postgres

        admin = postgres.admin_url(arguments.postgres_url)
        template, server = postgres.ensure_database(
            dataset.path, dataset.meta["key"], dataset.meta["built_at"], admin, log=_log
        )
    with tempfile.TemporaryDirectory(prefix="run-", dir=arguments.cache_dir) as folder:
        work = work_copy(dataset, Path(folder))
        target = None
        try:
            if on_postgresql:
                target = postgres.work_database(admin, template)
                server["version"] = postgres.server_version(target)
                _log(f"PostgreSQL {server['version']}: work database {target.rsplit('/', 1)[1]}")
            rows = measure(scale, dataset, work, Path(folder), groups, target=target)
        finally:
            remove_database(work)
            if target is not None:
                postgres.drop_database(admin, target)
    results = {
        "scale": scale.name,
        "description": scale.description,
        "started_at": started_at.isoformat(timespec="seconds"),
        "run_seconds": round(time.perf_counter() - started, 1),
        "dataset": dataset.meta,
        "machine": {**machine(), "load_average": [load_before, load_average()]},
        "software": software(),
        "rows": [row.to_json() for row in rows],
    }
    name = scale.name
    if on_postgresql:
        results["backend"] = "postgresql"
        results["postgresql"] = {**server, "psycopg": _version("psycopg")}
        name += "-postgresql"
    arguments.results_dir.mkdir(parents=True, exist_ok=True)
    output = arguments.results_dir / f"{name}.json"
    if set(groups) != set(GROUPS) and output.exists():
        results = kept_from_previous(results, json.loads(output.read_text()), groups)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(report.text_table(results))
    _log(f"written {output} in {results['run_seconds']} s")
    unmeasured = [
        row.key
        for row in rows
        if row.value is None and NOT_RUN not in row.note and NOT_ON_POSTGRESQL not in row.note
    ]
    if arguments.strict and unmeasured:
        _log(f"not measured: {', '.join(unmeasured)}")
        return 1
    return 0


def measure(
    scale: Scale,
    dataset: Dataset,
    work: Path,
    folder: Path,
    groups: list[str],
    *,
    target: str | None = None,
) -> list[Row]:
    """Every figure of `groups`. The workload is drawn from the SQLite copy `work`; the Store
    and the floors run on `target` when given (a PostgreSQL work database's URL), else on
    `work`."""
    from allo_tui.data.store import Store
    from bench import workload
    from bench.measure import SqlRecorder

    on_postgresql = target is not None
    database = target if on_postgresql else work
    env = child_environment(folder / "home")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    measured: dict[str, Row] = {}
    store = Store(database)
    recorder = SqlRecorder(store)
    saves = workload.save_samples(work, max(scale.saves, 1))

    def run(group: str, keys: list[str], function) -> None:
        if group not in groups:
            return
        if on_postgresql and group in SKIPPED_ON_POSTGRESQL:
            for key in keys:
                measured[key] = not_on_postgresql(key, "terminal and Textual only")
            return
        _log(f"measuring {group}…")
        began = time.perf_counter()
        try:
            for row in function():
                measured[row.key] = row
        except Exception as error:  # noqa: BLE001 - one broken figure must not hide the others
            traceback.print_exc()
            for key in keys:
                measured.setdefault(key, missing_row(key, f"{type(error).__name__}: {error}"))
        _log(f"  {group}: {time.perf_counter() - began:.1f} s")

    try:
        run(
            "lookup",
            ["lookup.p50", "lookup.p99"],
            lambda: _lookup(store, recorder, work, scale, database),
        )
        run(
            "history",
            [f"history.{key}.p99" for key, _ in HISTORY_FILTERS],
            lambda: _history(store, recorder, work, scale, database),
        )
        run(
            "detail",
            ["detail.p99"],
            lambda: [_detail(store, recorder, work, scale, database)],
        )
        run(
            "board",
            ["board.query.p99"],
            lambda: [_board_query(store, recorder, work, scale, database)],
        )
    finally:
        store.close()
    # Before `live`, whose requests are dated in the year 2000: counting every day again would
    # then count 26 years of days instead of the dataset's five.
    run(
        "review",
        ["review.rebuild", "review.year", "review.report"],
        lambda: _review(database, folder, env),
    )
    run("typing", ["keystroke.p95"], lambda: [_typing(work, scale)])
    run("startup", ["startup"], lambda: [_startup(work, scale, env)])
    run(
        "paste",
        ["paste.description", "paste.one_line"],
        lambda: _paste(work, scale, env),
    )
    run(
        "live",
        ["board.idle_cpu", "board.idle_rss", "board.visible.p95"],
        lambda: _live(database, scale, saves[0], env),
    )
    run("render", ["board.render.p95"], lambda: [_render(work, scale, saves[0])])
    run("save", ["save.p50", "save.p99"], lambda: _save(database, saves))
    counts = POSTGRESQL_WRITER_COUNTS if on_postgresql else WRITER_COUNTS
    writer_keys = [f"writers.{n}.{what}" for n in counts for what in ("rate", "errors", "lost")]
    run("writers", writer_keys, lambda: _writers(database, scale, env, counts))
    run(
        "export",
        ["export.csv.rate", "export.csv.peak_rss"],
        lambda: _export(database, folder, env),
    )
    if on_postgresql:
        for key in ("demo.rate", "demo.seconds"):
            measured[key] = not_on_postgresql(key, "the demo generator writes SQLite")
        for row in measured.values():
            if row.floor_label == RAW_SQL:
                from bench.postgres import FLOOR_LABEL

                row.floor_label = FLOOR_LABEL
    else:
        for row in demo_rows(scale, dataset):
            measured[row.key] = row
    figures = POSTGRESQL_FIGURES if on_postgresql else FIGURES
    return [measured.get(figure.key) or _not_run(figure.key) for figure in figures]


def _not_run(key: str) -> Row:
    """A figure this run left out (`--only`): neither met nor missed."""
    row = missing_row(key, NOT_RUN)
    row.met = None
    return row


def run_label(results: dict) -> str:
    """How a results file names its run: its start and commit."""
    when = results["started_at"].replace("T", " ").replace("+00:00", " UTC")
    commit = results.get("software", {}).get("commit")
    return f"run of {when}" + (f", commit {commit}" if commit else "")


def kept_from_previous(results: dict, previous: dict, groups: list[str]) -> dict:
    """A run of some groups only (`--only`) keeps the other figures of the previous results of
    the same scale and backend, each such row saying which run measured it (`run`): one
    lookup-only run does not wipe the last full run's figures."""
    if previous.get("scale") != results["scale"] or previous.get("backend") != results.get(
        "backend"
    ):
        return results
    before = {row["key"]: row for row in previous.get("rows", [])}
    label = run_label(previous)
    rows = []
    for row in results["rows"]:
        old = before.get(row["key"])
        if row["value"] is None and NOT_RUN in row["note"] and old is not None:
            row = {**old, "run": old.get("run") or label}
        rows.append(row)
    return {**results, "rows": rows, "only": groups}


def not_on_postgresql(key: str, why: str) -> Row:
    """A figure `--backend postgresql` leaves to the SQLite table (neither met nor missed)."""
    row = missing_row(key, "")
    row.note = f"{NOT_ON_POSTGRESQL} ({why}: see the SQLite table)"
    row.met = None
    return row


def _lookup(store, recorder, work, scale, database):
    from bench import queries, workload

    return queries.lookup_rows(
        store, recorder, database, workload.lookup_queries(work, scale.lookup_queries)
    )


def _detail(store, recorder, work, scale, database):
    from bench import postgres, queries, workload

    request_ids = workload.detail_requests(work, scale.history_samples)
    if postgres.is_url(database):
        postgres.add_detail_notes(database, request_ids, workload.DETAIL_EVENTS)
    return queries.detail_row(store, recorder, database, request_ids)


def _history(store, recorder, work, scale, database):
    from bench import queries, workload

    filters = workload.history_filters(work, scale.history_samples)
    return queries.history_rows(store, recorder, database, filters, history_window())


def history_window() -> int:
    """The number of rows the history screen reads per window."""
    module = importlib.import_module("allo_tui.screens.history")
    return int(getattr(module, "WINDOW", HISTORY_WINDOW))


def _board_query(store, recorder, work, scale, database):
    from bench import queries

    return queries.board_query_row(
        store, recorder, database, scale.board_queries, board_row_limit()
    )


def board_row_limit() -> int:
    """The number of rows the console board reads on each reload."""
    module = importlib.import_module("allo_tui.screens.board")
    for name in ("WINDOW_MINIMUM", "ROW_LIMIT"):
        if hasattr(module, name):
            return int(getattr(module, name))
    return 60


def _typing(work, scale):
    from bench import pilot_figures, workload

    return pilot_figures.keystroke_row(work, workload.typed_names(work, scale.typed_names))


def _startup(work, scale, env):
    from bench import startup, workload

    return startup.startup_row(
        work, workload.startup_caller(work), scale.startup_runs, env, warm_up=scale.warm_up
    )


def _paste(work, scale, env):
    from bench import paste

    return paste.paste_rows(work, scale.paste_runs, env)


def _live(work, scale, sample, env):
    from bench import board_live

    return board_live.board_live_rows(work, sample, scale.idle_seconds, scale.board_changes, env)


def _render(work, scale, sample):
    from bench import pilot_figures

    return pilot_figures.board_render_row(work, sample, scale.board_changes)


def _save(work, saves):
    from allo_tui.data.store import Store
    from bench import writes

    store = Store(work)
    try:
        return writes.save_rows(store, work, saves)
    finally:
        store.close()


def _writers(work, scale, env, counts=WRITER_COUNTS):
    from bench import writes

    return writes.writer_rows(work, counts, scale.writer_seconds, env)


def _export(database, folder, env):
    from bench import export

    return export.export_rows(database, folder, env)


def _review(database, folder, env):
    from bench import review

    return review.review_rows(database, folder, env)


def demo_rows(scale: Scale, dataset: Dataset) -> list[Row]:
    meta = dataset.meta
    counts = meta["counts"]
    seconds = meta["build_seconds"]
    when = "built in this run" if dataset.built_now else f"cached build of {meta['built_at']}"
    if meta.get("load_average"):
        when += " (load average {:.1f} → {:.1f})".format(*meta["load_average"])
    generated = counts["callers"] + counts["requests"]
    note = (
        f"{counts['callers']:,} callers + {counts['requests']:,} requests"
        f" (+ {counts['events']:,} events, {counts['calls']:,} calls) in {seconds:.1f} s, {when}"
    )
    whole = make_row(
        "demo.seconds",
        seconds,
        note=when,
        target="default" if scale.name == "city" else None,
    )
    if scale.name != "city":
        whole.note = f"{when}; the 5-minute target is for the city scale"
    return [make_row("demo.rate", generated / seconds, samples=1, note=note), whole]


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
                break
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
    }


def load_average() -> float:
    """The 1-minute load average (other work on the machine skews every figure)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def software() -> dict:
    version = _version

    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": version("textual"),
        "sqlalchemy": version("sqlalchemy"),
        "commit": commit,
    }


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
