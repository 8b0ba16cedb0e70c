"""One console saving requests as fast as it can, in its own OS process.

    python -m bench.writer DB TAG INDEX SECONDS START_FLAG READY_FLAG

DB is a SQLite file or a PostgreSQL URL.
Opens its own Store, says it is ready by creating READY_FLAG, waits for START_FLAG so every
writer starts at the same moment, then saves requests (each with an existing caller, a first
event and a call) for SECONDS, counting every error instead of stopping. Prints one JSON line:
{"saved", "errors", "error_kinds", "seconds"}.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path


def main(
    database: str, tag: str, index: int, seconds: float, start_flag: str, ready_flag: str
) -> int:
    from allo_tui.data.store import Store
    from allo_tui.domain.records import CallInfo, NewRequest
    from bench import postgres
    from bench.workload import connect
    from bench.writes import bench_operator

    rng = random.Random(index)
    if postgres.is_url(database):
        path = database
        callers, categories = postgres.writer_choices(database)
    else:
        path = Path(database)
        connection = connect(path)
        try:
            callers = [r[0] for r in connection.execute("SELECT id FROM callers LIMIT 5000")]
            categories = [
                r[0] for r in connection.execute("SELECT id FROM categories WHERE active")
            ]
        finally:
            connection.close()
    store = Store(path)
    saved = 0
    error_kinds: dict[str, int] = {}
    try:
        operator = bench_operator(store, f"bench-writer-{index}")
        store.create_request(  # warm-up (caches, compiled statements): not counted
            operator,
            NewRequest(category_id=categories[0], description="bench-writer warm-up"),
        )
        Path(ready_flag).touch()
        deadline = time.monotonic() + 60
        while not Path(start_flag).exists():
            if time.monotonic() > deadline:
                raise TimeoutError("never told to start")
            time.sleep(0.001)
        started = time.monotonic()
        end = started + seconds
        number = 0
        while time.monotonic() < end:
            number += 1
            request = NewRequest(
                category_id=rng.choice(categories),
                description=f"{tag} {index} {number} : dépôt sauvage signalé",
                caller_id=rng.choice(callers) if callers else None,
                street="Rue du Temple",
                street_number=str(number % 90 + 1),
            )
            call = CallInfo(started_at=store.now() - timedelta(minutes=2), console=f"bench-{index}")
            try:
                store.create_request(operator, request, call)
                saved += 1
            except Exception as error:  # noqa: BLE001 - counted, that is the figure
                name = type(error).__name__
                error_kinds[name] = error_kinds.get(name, 0) + 1
        elapsed = time.monotonic() - started
    finally:
        store.close()
    errors = sum(error_kinds.values())
    print(
        json.dumps(
            {"saved": saved, "errors": errors, "error_kinds": error_kinds, "seconds": elapsed}
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(
        main(
            arguments[0],
            arguments[1],
            int(arguments[2]),
            float(arguments[3]),
            arguments[4],
            arguments[5],
        )
    )
