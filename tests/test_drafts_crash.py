"""A real `allo` process under a pseudo-terminal is killed with SIGKILL mid-call; the next start
by the same operator offers the call back, and saving it records what was typed before the kill.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest
from conftest import ALL_BACKENDS
from pty_console import CTRL_Q, CTRL_S, ENTER, F3, PATIENCE, Console, wait_for

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.records import NewCaller

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses a Linux pseudo-terminal")

DESCRIPTION = "nid-de-poule devant le 12"


def test_a_call_typed_before_kill_9_comes_back_on_the_next_start(tmp_path: Path) -> None:
    db = tmp_path / "allo.sqlite3"
    prepare_database(db)
    store = Store(db)
    alice = store.resolve_operator("alice")
    caller = store.create_caller(
        alice, NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
    )
    store.close()

    first = Console(db, tmp_path)
    try:
        first.wait_for_output("Demandeur")
        first.send(F3, pause=1.0)
        first.type("0386123456")
        first.wait_for_output("ZÉBULON")  # the caller found by the search worker
        first.send(ENTER, pause=0.5)
        first.type("nid")
        first.send(ENTER, pause=0.5)
        first.type("12")
        first.send(ENTER)
        first.type("rue du temple")
        time.sleep(0.5)
        first.send(ENTER)
        first.send(ENTER)  # landmark
        first.send(ENTER)  # urgency
        first.send(ENTER)  # service
        first.type(DESCRIPTION)
        wait_for(
            "SELECT console, fields FROM drafts",
            db,
            lambda rows: bool(rows) and DESCRIPTION in rows[0][1],
        )
        assert first.process.poll() is None, "the draft is there while allo still runs"
    finally:
        first.kill()
    assert first.process.returncode == -signal.SIGKILL

    second = Console(db, tmp_path)
    try:
        second.wait_for_output("Reprendre")
        restore_sent = len(second.output)
        second.send("r", pause=0.5)
        # Taken over: the one draft row is now written by the second process.
        wait_for(
            "SELECT json_extract(fields, '$.process.pid') FROM drafts",
            db,
            lambda rows: rows == [(second.process.pid,)],
        )
        # Ctrl+S once the form shows the call again ("voie connue" is drawn by the form only).
        second.wait_for_output("voie connue", since=restore_sent)
        time.sleep(0.5)
        second.send(CTRL_S)
        try:
            saved = wait_for(
                "SELECT description, street_number, street, urgency, caller_id, category_id "
                "FROM requests",
                db,
            )
        except AssertionError as error:
            said = second.text_since(restore_sent)
            raise AssertionError(f"{error}; the screen said: {said}") from None
        assert saved[0][:5] == (DESCRIPTION, "12", "Rue du Temple", 3, caller.id)
        wait_for("SELECT count(*) FROM drafts", db, lambda rows: rows[0][0] == 0)
        second.send(CTRL_Q)
        second.process.wait(timeout=PATIENCE)
    finally:
        second.kill()
