"""`allo` in its own OS process, started on a signal, for tests/test_cli_concurrency.py.

    python cli_process.py START_FLAG READY_FLAG ARG...

Imports the command and what it loads (SQLAlchemy, the Store), says it is ready by creating
READY_FLAG, waits for START_FLAG so every process runs the command at the same time, then runs
`allo ARG...` as the `allo` executable would (same output and exit status).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import allo_tui.data.store  # noqa: F401 - loaded before the start, as the command would
from allo_tui.cli import main


def wait_for_start(start_flag: Path, ready_flag: Path) -> None:
    ready_flag.touch()
    deadline = time.monotonic() + 60
    while not start_flag.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never told to start")
        time.sleep(0.001)


if __name__ == "__main__":
    start, ready, *arguments = sys.argv[1:]
    wait_for_start(Path(start), Path(ready))
    main(arguments, prog_name="allo")
