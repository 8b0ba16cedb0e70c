"""`allo request add` run by a gateway: concurrent calls and retries (real OS processes).

Several `allo request add` at once for one new number must leave one caller (the number is
matched inside the write transaction), and a retry with the same `--idempotency-key` must
print the same reference, exit 0 and write nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ALL_BACKENDS
from store_helpers import query

from allo_tui.data.store import Store

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

PHONE = "03 86 99 01 99"
LAUNCHER = Path(__file__).with_name("cli_process.py")


def rows(db: Path | str, sql: str) -> list[tuple]:
    return query(db, sql)


@pytest.fixture
def gateway_env(tmp_path: Path, db_path: Path) -> dict[str, str]:
    """A migrated database whose first operator is the gateway's login; the environment of
    the `allo` processes (their own config and data folders)."""
    store = Store(db_path)
    try:
        store.resolve_operator("passerelle")
    finally:
        store.close()
    env = dict(os.environ)
    env.update(
        ALLO_DB=str(db_path),
        ALLO_OPERATOR="passerelle",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    return env


def start_adds(
    env: dict[str, str], count: int, *extra: str, flags: Path | None = None
) -> list[subprocess.Popen]:
    """`count` processes of `allo request add`; with `flags` (a folder), loaded first and then
    started at the same instant."""
    arguments = ["request", "add", "--category", "voirie", "--description", "Nid de poule"]
    if flags is None:
        prefixes = [[sys.executable, "-m", "allo_tui"]] * count
    else:
        prefixes = [
            [sys.executable, str(LAUNCHER), str(flags / "go"), str(flags / f"ready-{index}")]
            for index in range(count)
        ]
    children = [
        subprocess.Popen(
            [*prefix, *arguments, *extra],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in prefixes
    ]
    if flags is not None:
        deadline = time.monotonic() + 60
        while not all((flags / f"ready-{index}").exists() for index in range(count)):
            assert all(child.poll() is None for child in children), "an allo died before the start"
            assert time.monotonic() < deadline, "allo processes never got ready"
            time.sleep(0.01)
        (flags / "go").touch()
    return children


def finish(children: list[subprocess.Popen]) -> list[str]:
    """Each process's printed reference, once every one exited 0 without a traceback."""
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_stdout, stderr) in zip(children, outputs, strict=True):
        assert child.returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
    return [stdout.strip() for stdout, _ in outputs]


def test_eight_concurrent_adds_of_a_new_number_leave_one_caller(gateway_env, db_path, tmp_path):
    references = finish(
        start_adds(gateway_env, 8, "--phone", PHONE, "--name", "DUPONT Jean", flags=tmp_path)
    )

    assert len(set(references)) == 8
    assert rows(db_path, "SELECT surname, given_name FROM callers") == [("Dupont", "Jean")]
    assert rows(db_path, "SELECT number FROM caller_phones") == [("+33386990199",)]
    assert rows(db_path, "SELECT count(DISTINCT caller_id), count(*) FROM requests") == [(1, 8)]


def test_a_retry_with_the_same_key_prints_the_same_reference_and_writes_nothing(
    gateway_env, db_path
):
    first = finish(start_adds(gateway_env, 1, "--phone", PHONE, "--idempotency-key", "k-1"))
    counts = rows(db_path, "SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM events)")

    again = finish(start_adds(gateway_env, 1, "--phone", PHONE, "--idempotency-key", "k-1"))
    other = finish(start_adds(gateway_env, 1, "--phone", PHONE, "--idempotency-key", "k-2"))

    assert again == first
    assert other != first
    assert rows(db_path, "SELECT count(*) FROM requests") == [(2,)]
    assert counts == [(1, 1)]
    assert rows(db_path, "SELECT key FROM request_keys ORDER BY key") == [("k-1",), ("k-2",)]


def test_concurrent_retries_with_one_key_create_one_request(gateway_env, db_path, tmp_path):
    references = finish(start_adds(gateway_env, 6, "--idempotency-key", "appel-42", flags=tmp_path))

    assert len(set(references)) == 1
    assert rows(db_path, "SELECT reference FROM requests") == [(references[0],)]
    assert rows(db_path, "SELECT count(*) FROM events") == [(1,)]
