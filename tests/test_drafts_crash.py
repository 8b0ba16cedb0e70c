"""A real `allo` process under a pseudo-terminal is killed with SIGKILL mid-call; the next start
by the same operator offers the call back, and saving it records what was typed before the kill.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.records import NewCaller

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses a Linux pseudo-terminal")

F3 = "\x1bOR"
ENTER = "\r"
CTRL_S = "\x13"
CTRL_Q = "\x11"
DESCRIPTION = "nid-de-poule devant le 12"
PATIENCE = 60.0  # seconds: generous, a loaded CI machine starts Python slowly


class Console:
    """`allo` running in its own pseudo-terminal (120×40), its output drained by a thread."""

    def __init__(self, db: Path, home: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "COLUMNS": "120",
            "LINES": "40",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "allo_tui", "--db", str(db), "--operator", "alice"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def send(self, keys: str, pause: float = 0.15) -> None:
        os.write(self.master, keys.encode())
        time.sleep(pause)

    def type(self, text: str) -> None:
        for character in text:
            self.send(character, pause=0.03)

    def wait_for_output(self, text: str, since: int = 0) -> None:
        """Wait until `text` was written to the terminal (after byte `since` of the output)."""
        wanted = text.encode()
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            if wanted in self.output[since:]:
                return
            if self.process.poll() is not None:
                raise AssertionError(f"allo exited early: {bytes(self.output[-2000:])!r}")
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never shown; last output {bytes(self.output[-2000:])!r}")

    def text_since(self, since: int) -> str:
        """The words written to the terminal after byte `since` (escape sequences removed)."""
        text = bytes(self.output[since:]).decode("utf-8", "replace")
        text = re.sub(
            r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\\\)|\x1b.", " ", text
        )
        return re.sub(r"\s+", " ", text)[-3000:]

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        try:
            os.close(self.master)
        except OSError:
            pass


def wait_for(query: str, db: Path, predicate=lambda rows: bool(rows)) -> list[tuple]:
    """Poll the database (own connection) until `query`'s rows satisfy `predicate`."""
    deadline = time.monotonic() + PATIENCE
    rows: list[tuple] = []
    while time.monotonic() < deadline:
        connection = sqlite3.connect(db, timeout=5)
        try:
            rows = connection.execute(query).fetchall()
        finally:
            connection.close()
        if predicate(rows):
            return rows
        time.sleep(0.2)
    raise AssertionError(f"database never matched: {query} -> {rows}")


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
