"""A console in its own OS process, for tests/test_store_concurrency.py.

    python writer_process.py DB LOGIN COUNT START_FLAG READY_FLAG

Opens its own Store on DB (fixed clock: Tuesday 24 November 2026, 10:00 in Paris), says it is
ready by creating READY_FLAG, waits for START_FLAG so every process writes at the same time,
then creates COUNT requests (each with a new caller and a call) and prints one reference a line.
Any error ends the process with a traceback on stderr and a non-zero status.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import CallInfo, NewCaller, NewRequest

FIXED_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def main(database: str, login: str, count: int, start_flag: str, ready_flag: str) -> int:
    store = Store(database if "://" in database else Path(database), clock=FixedClock(FIXED_NOW))
    try:
        operator = store.resolve_operator(login)
        category_id = store.find_category("VOIRIE").id
        Path(ready_flag).touch()
        deadline = time.monotonic() + 60
        while not Path(start_flag).exists():
            if time.monotonic() > deadline:
                raise TimeoutError("never told to start")
            time.sleep(0.002)
        for index in range(count):
            request = store.create_request(
                operator,
                NewRequest(
                    category_id=category_id,
                    description=f"{login} n° {index}",
                    new_caller=NewCaller(surname=login, given_name=str(index)),
                ),
                CallInfo(started_at=FIXED_NOW, console=login),
            )
            print(request.reference, flush=True)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    database, login, count, start_flag, ready_flag = sys.argv[1:6]
    sys.exit(main(database, login, int(count), start_flag, ready_flag))
