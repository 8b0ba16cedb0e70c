"""The benchmark database: built once per scale by the demo generator, cached, copied per run.

The cache file is keyed by the scale, the schema revision and a hash of the demo generator, so a
schema change or a new generator rebuilds it. Runs never write to the cached file: every run
works on a copy (`work_copy`), so figures never depend on what earlier runs wrote.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.scales import Scale

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE = BENCH_DIR / "cache"
SEED = 2026


@dataclass(frozen=True)
class Dataset:
    """A cached database and what its build measured."""

    path: Path
    meta: dict
    built_now: bool


def demo_source_hash() -> str:
    """A short hash of the demo generator's source, every module of the package in name order
    (a new generator means a new database)."""
    import allo_tui.demo as demo

    digest = hashlib.sha256()
    for module in sorted(Path(demo.__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def migrations_source_hash() -> str:
    """A short hash of every migration's source (a migration reserved empty and then filled
    keeps its revision: the text tells them apart)."""
    import allo_tui.data as data

    digest = hashlib.sha256()
    for module in sorted((Path(data.__file__).parent / "migrations" / "versions").glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()[:8]


def cache_key(scale: Scale) -> str:
    from allo_tui.data.schema import HEAD_REVISION

    return (
        f"{scale.name}-c{scale.callers}-r{scale.requests}-s{SEED}-rev{HEAD_REVISION}"
        f"-m{migrations_source_hash()}-demo{demo_source_hash()}"
    )


def ensure_dataset(scale: Scale, cache_dir: Path = DEFAULT_CACHE, *, log=print) -> Dataset:
    """The cached database for `scale`, built (and timed) when missing or out of date."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = cache_key(scale)
    path = cache_dir / f"{key}.sqlite3"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        _link_current(scale, path)
        return Dataset(path, json.loads(meta_path.read_text()), built_now=False)
    for stale in cache_dir.glob(f"{scale.name}-*"):
        if stale.name.startswith(key):
            continue
        log(f"removing out-of-date cache {stale.name}")
        stale.unlink()
    meta = _build(scale, path, log=log)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    _link_current(scale, path)
    return Dataset(path, meta, built_now=True)


def _link_current(scale: Scale, path: Path) -> None:
    """`<cache>/<scale>.sqlite3` always names the current database of the scale (read-only use
    by other tools: a rebuild replaces the file it points to)."""
    link = path.with_name(f"{scale.name}.sqlite3")
    if link.is_symlink() and link.readlink() == Path(path.name):
        return
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(path.name)


def _build(scale: Scale, path: Path, *, log) -> dict:
    from allo_tui.demo import build_demo

    scratch = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(scratch) + suffix).unlink(missing_ok=True)
    log(f"building the {scale.name} database ({scale.description}) — timed for the demo row")
    options = {"callers": scale.callers, "requests": scale.requests, "seed": SEED}
    if "progress" in inspect.signature(build_demo).parameters:
        options["progress"] = sys.stderr.isatty()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    summary = build_demo(scratch, **options)
    seconds = time.perf_counter() - started
    load_after = os.getloadavg()[0]
    connection = sqlite3.connect(scratch)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("callers", "caller_phones", "requests", "events", "calls")
        }
        counts["open_requests"] = connection.execute(
            "SELECT count(*) FROM requests"
            " WHERE status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
        ).fetchone()[0]
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        Path(str(scratch) + suffix).unlink(missing_ok=True)
    scratch.rename(path)
    from allo_tui.data.schema import HEAD_REVISION

    return {
        "key": path.stem,
        "scale": scale.name,
        "seed": SEED,
        "schema_revision": HEAD_REVISION,
        "demo_hash": demo_source_hash(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 3),
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "demo_reported_seconds": getattr(summary, "seconds", None),
        "counts": counts,
        "file_bytes": path.stat().st_size,
    }


def work_copy(dataset: Dataset, folder: Path) -> Path:
    """A private copy of the cached database for one run (the cache stays untouched)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "work.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    wal = Path(f"{dataset.path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        # Someone wrote to the cached file: copy what a reader sees, WAL included.
        source = sqlite3.connect(f"file:{dataset.path}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    else:
        shutil.copyfile(dataset.path, target)
    # Written to disk before anything is timed: otherwise the kernel flushes gigabytes of the
    # fresh copy during the run and throttles every write the figures measure (a save's WAL
    # append waited hundreds of milliseconds behind it, the raw insert floor tens).
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())
    return target


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
