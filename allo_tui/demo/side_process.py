"""The second process of a big build: callers, phones, calls and the search indexes,
computed into a scratch file.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from allo_tui.demo.constants import _SEARCH_TABLES, _SIDE_TABLES
from allo_tui.demo.plan import _Plan
from allo_tui.demo.progress import _Progress
from allo_tui.demo.runner import _Runner


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
        if plan.n_requests > 200_000:
            # Each index as one segment, as a maintained database holds it: the large segments
            # of the load would otherwise sit at level 0, where the first saves' automatic
            # merge rewrites hundreds of megabytes inside one save (seconds at city scale).
            for table in _SEARCH_TABLES:
                connection.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
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
            [
                sys.executable,
                "-c",
                "from allo_tui.demo.side_process import _side_entry; _side_entry()",
            ],
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


def _cache_kib(n_requests: int) -> int:
    """Page cache of the build (KiB): generous for a big build, modest for a small one."""
    return max(64_000, min(3_000_000, n_requests // 2))


def _scratch_path(path: Path) -> Path:
    """An empty scratch file beside the target (same file system), private (0600): it holds
    personal data (demo callers) until it is deleted at the end of the build."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".demo", dir=path.parent)
    os.close(descriptor)
    return Path(name)
