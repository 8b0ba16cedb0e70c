"""Concurrent writers and killed writers on one database: nothing lost, nothing duplicated.

    python tools/writer_stress.py [--rounds 10] [--writers 8] [--kills 40]

1. `--rounds` × `--writers`: each round starts `--writers` `allo request add` processes at
   once (the gateway case); every one must exit 0 with a distinct reference.
2. `--kills`: a writer process saves requests through the Store in a loop, printing each
   reference once its save has returned; it is killed with SIGKILL at a random moment. Every
   reference printed before the kill must be in the database with its first event, and
   `PRAGMA integrity_check` must say ok at the end.

Prints the figures; exit status 1 if anything was lost, duplicated or failed.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITER = """
import sys
from pathlib import Path
from allo_tui.data.store import Store
from allo_tui.domain.records import NewRequest
store = Store(Path(sys.argv[1]))
operator = store.resolve_operator("amelie")
category = store.find_category("VOIRIE").id
print("ready", flush=True)
index = 0
while True:
    index += 1
    record = store.create_request(operator, NewRequest(category_id=category, description=f"k{index}"))
    print(record.reference, flush=True)
"""


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        ALLO_OPERATOR="amelie",
    )
    env.pop("ALLO_DB", None)
    return env


def concurrent_adds(db: Path, env: dict[str, str], rounds: int, writers: int) -> dict:
    """Rounds of simultaneous `allo request add`; the figures."""
    references: list[str] = []
    failures: list[str] = []
    started = time.monotonic()
    for round_index in range(rounds):
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "allo_tui", "--db", str(db), "request", "add"]
                + ["--category", "voirie", "--description", f"r{round_index} w{writer}"]
                + ["--phone", f"03 86 99 {round_index % 100:02d} {writer:02d}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for writer in range(writers)
        ]
        for process in processes:
            out, err = process.communicate(timeout=120)
            if process.returncode != 0:
                failures.append(err.strip())
            else:
                references.append(out.strip())
    stored = _rows(db, "SELECT count(*) FROM requests")[0][0]
    return {
        "processes": rounds * writers,
        "seconds": time.monotonic() - started,
        "failures": len(failures),
        "duplicates": len(references) - len(set(references)),
        "stored": stored,
        "first_failure": failures[0] if failures else "",
    }


def killed_writers(db: Path, env: dict[str, str], kills: int, seed: int = 11) -> dict:
    """Writers killed with SIGKILL mid-save; the figures."""
    chooser = random.Random(seed)
    printed: list[str] = []
    for _ in range(kills):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            process.kill()
            raise RuntimeError("the writer did not start")
        time.sleep(chooser.uniform(0.05, 0.6))
        os.kill(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        printed.extend(line for line in out.splitlines() if line.strip())
    stored = {row[0] for row in _rows(db, "SELECT reference FROM requests")}
    with_event = {
        row[0]
        for row in _rows(
            db,
            "SELECT r.reference FROM requests r JOIN events e ON e.request_id = r.id"
            " WHERE e.kind = 'created'",
        )
    }
    integrity = _rows(db, "PRAGMA integrity_check")
    return {
        "kills": kills,
        "printed": len(printed),
        "missing": len([ref for ref in printed if ref not in stored]),
        "without_event": len([ref for ref in printed if ref not in with_event]),
        "integrity": "ok" if integrity == [("ok",)] else str(integrity[:3]),
    }


def _rows(db: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--kills", type=int, default=40)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="allo-stress-") as folder:
        root = Path(folder)
        env = environment(root)
        db = root / "allo.sqlite3"
        subprocess.run(
            [sys.executable, "-m", "allo_tui", "--db", str(db), "db", "init"],
            env=env,
            check=True,
            capture_output=True,
        )
        adds = concurrent_adds(db, env, options.rounds, options.writers)
        print(
            f"concurrent adds: {options.rounds} rounds × {options.writers} processes ="
            f" {adds['processes']} in {adds['seconds']:.0f} s; failures {adds['failures']},"
            f" duplicate references {adds['duplicates']}, requests stored {adds['stored']}"
        )
        if adds["first_failure"]:
            print(f"  first failure: {adds['first_failure'][-300:]}")
        kills = killed_writers(db, env, options.kills)
        print(
            f"SIGKILL: {kills['kills']} writers killed mid-save; {kills['printed']} references"
            f" printed, {kills['missing']} missing, {kills['without_event']} without their"
            f" event; integrity_check {kills['integrity']}"
        )
    bad = (
        adds["failures"]
        or adds["duplicates"]
        or adds["stored"] != adds["processes"]
        or kills["missing"]
        or kills["without_event"]
        or kills["integrity"] != "ok"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
