"""Several consoles writing to one database at once (DESIGN §3 references, §6), on SQLite and
on PostgreSQL.

"Safe with several consoles": no error, no lost row, no reference given twice, and the
references run 00001..N without a gap, whether the consoles are threads with their own engine
or separate OS processes.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ALL_BACKENDS
from store_helpers import fts_rowids, query

from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import CallInfo, NewCaller, NewRequest, Role

WRITER = Path(__file__).with_name("writer_process.py")


BACKENDS = ALL_BACKENDS


def assert_complete(path: Path, total: int, references: list[str]) -> None:
    """Every request is there once, with its event, call and caller, numbered 1..total."""
    expected = [f"2026-{n:05d}" for n in range(1, total + 1)]
    assert sorted(references) == expected  # what the consoles were told
    stored = [row[0] for row in query(path, "SELECT reference FROM requests ORDER BY ref_seq")]
    assert stored == expected  # what the file holds
    assert query(path, "SELECT year, last FROM reference_counters") == [(2026, total)]
    for table in ("events", "calls", "callers"):
        assert query(path, f"SELECT count(*) FROM {table}") == [(total,)], table
    assert query(
        path,
        "SELECT count(*) FROM requests r JOIN events e ON e.request_id = r.id "
        "JOIN calls c ON c.request_id = r.id AND c.caller_id = r.caller_id "
        "WHERE e.kind = 'created'",
    ) == [(total,)]
    assert len(fts_rowids(path, "request_search", "n")) == total  # every one indexed
    if not isinstance(path, str):
        assert query(path, "PRAGMA integrity_check") == [("ok",)]


def test_two_stores_writing_from_threads_lose_nothing(db_path: Path, clock: FixedClock):
    per_thread = 100
    stores = [Store(db_path, clock=clock), Store(db_path, clock=clock)]
    stores[0].resolve_operator("admin")
    operators = [
        stores[0].add_operator(f"poste{i}", Role.OPERATOR, f"Poste {i}") for i in range(len(stores))
    ]
    category_id = stores[0].find_category("VOIRIE").id
    start = threading.Barrier(len(stores))
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def console(index: int) -> None:
        store, operator = stores[index], operators[index]
        try:
            store.categories()  # open the engine before the race starts
            start.wait(timeout=30)
            for n in range(per_thread):
                request = store.create_request(
                    operator,
                    NewRequest(
                        category_id=category_id,
                        description=f"poste {index} n {n}",
                        new_caller=NewCaller(surname=f"Poste{index}", given_name=str(n)),
                    ),
                    CallInfo(started_at=clock.now(), console=f"poste{index}"),
                )
                with lock:
                    references.append(request.reference)
        except BaseException as error:  # reported below, with the thread's traceback
            errors.append(error)

    threads = [threading.Thread(target=console, args=(i,)) for i in range(len(stores))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for store in stores:
            store.close()

    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    assert_complete(db_path, per_thread * len(stores), references)


@pytest.mark.parametrize(("processes", "per_process"), [(2, 50), (4, 30)])
def test_consoles_in_separate_processes_lose_nothing(
    db_path: Path, tmp_path: Path, processes: int, per_process: int
):
    setup = Store(db_path)
    try:
        setup.resolve_operator("admin")
        for index in range(processes):
            setup.add_operator(f"poste{index}", Role.OPERATOR)
    finally:
        setup.close()
    start_flag = tmp_path / "go"
    ready_flags = [tmp_path / f"ready-{index}" for index in range(processes)]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                str(WRITER),
                str(db_path),
                f"poste{index}",
                str(per_process),
                str(start_flag),
                str(ready_flags[index]),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(processes)
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(flag.exists() for flag in ready_flags):
            assert all(child.poll() is None for child in children), "a writer died before the start"
            assert time.monotonic() < deadline, "writers never got ready"
            time.sleep(0.01)
        start_flag.touch()
        outputs = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()

    for child, (_, stderr) in zip(children, outputs, strict=True):
        assert child.returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
    references = [line for stdout, _ in outputs for line in stdout.split()]
    assert all(len(stdout.split()) == per_process for stdout, _ in outputs)
    assert_complete(db_path, per_process * processes, references)
