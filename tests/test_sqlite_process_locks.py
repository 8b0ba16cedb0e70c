"""A second opening of the database in one process must not drop the locks of the first.

SQLite's locks are POSIX locks, held per process: a descriptor of the database file closed by
our own code (reading its header, say) drops the locks of every SQLite connection of the
process. Another process closing its last connection then finds itself alone, checkpoints and
deletes the WAL under our open connections, and what they commit next never reaches the file:
a saved request lost. `allo demo` opens the file twice (the demo logins, then the console);
tests and `allo serve` do too.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from store_helpers import request_for

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store

BACKENDS = ("sqlite",)
"""The locks of SQLite files only."""


def _count_elsewhere(path) -> int:
    """The requests another process reads in the file, then closes its connection."""
    script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " print(c.execute('SELECT count(*) FROM requests').fetchone()[0]); c.close()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_a_request_saved_after_a_second_opening_reaches_other_processes(
    store: Store, operator, db_path
):
    store.create_request(operator, request_for(store, description="Avant"))
    prepare_database(db_path)  # what a second Store, or `allo demo`'s console, does first
    assert _count_elsewhere(db_path) == 1
    assert (db_path.parent / f"{db_path.name}-wal").exists()

    store.create_request(operator, request_for(store, description="Après"))

    assert _count_elsewhere(db_path) == 2
    with sqlite3.connect(db_path) as reader:
        assert reader.execute("SELECT count(*) FROM requests").fetchone()[0] == 2
