"""Whole calls written as one byte string into a real `allo` under a pseudo-terminal.

A paste of keystrokes, a keyboard macro or a caller-ID feed sends keys with no gap; Pilot's
`press()` waits for idle after each key and cannot. Every stored field must be what was typed
("62⇥piton⏎" once became "2piton" in the N° box), the Enters miscounted by one included.
"""

from __future__ import annotations

import fcntl
import os
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
TAB = "\t"
ENTER = "\r"
CTRL_N = "\x0e"
CTRL_S = "\x13"
CTRL_Q = "\x11"
PATIENCE = 60.0  # seconds: a loaded machine starts Python slowly


class Terminal:
    """`allo` in its own 80×24 pseudo-terminal; what it writes is drained by a thread."""

    def __init__(self, db: Path, home: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
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
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def burst(self, keys: str) -> None:
        """Every key in one write: the app reads them as fast as the terminal hands them."""
        os.write(self.master, keys.encode())

    def wait_for_output(self, text: str) -> None:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            if text.encode() in self.output:
                return
            if self.process.poll() is not None:
                raise AssertionError(f"allo exited early: {bytes(self.output[-2000:])!r}")
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never shown")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        try:
            os.close(self.master)
        except OSError:
            pass


def rows(db: Path, query: str, count: int) -> list[tuple]:
    """Poll the database (own connection) until `query` returns `count` rows."""
    deadline = time.monotonic() + PATIENCE
    found: list[tuple] = []
    while time.monotonic() < deadline:
        connection = sqlite3.connect(db, timeout=5)
        try:
            found = connection.execute(query).fetchall()
        finally:
            connection.close()
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"database never had {count} rows: {query} -> {found}")


REQUESTS = (
    "SELECT r.caller_id, c.code, r.street_number, r.street, r.landmark, r.urgency, s.name,"
    " r.description, r.channel, r.kind FROM requests r JOIN categories c ON c.id = r.category_id"
    " LEFT JOIN services s ON s.id = r.service_id ORDER BY r.id"
)


def test_whole_calls_sent_as_one_burst_are_stored_exactly(tmp_path: Path) -> None:
    db = tmp_path / "allo.sqlite3"
    prepare_database(db)
    store = Store(db)
    alice = store.resolve_operator("alice")
    known = store.create_caller(
        alice, NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
    )
    store.close()

    terminal = Terminal(db, tmp_path)
    try:
        terminal.wait_for_output("Tapez un")  # the lookup is up
        # The reference call (DESIGN §4): a unique fragment of the number on F2, F3, "nid"
        # Enter, the N° then Tab, a street fragment Enter, Enter on the landmark, Ctrl+S.
        terminal.burst(
            "123456"
            + F3
            + "nid"
            + ENTER
            + "12"
            + TAB
            + "temple"
            + ENTER
            + ENTER
            + "sac renversé"
            + CTRL_S
        )
        reference = rows(db, REQUESTS, 1)[0]
        assert reference == (
            known.id,
            "VOIRIE",
            "12",
            "Rue du Temple",
            "",
            3,
            "Voirie",
            "sac renversé",
            "phone",
            "intervention",
        )
        # A known caller's whole number then Tab, the N° then Tab, a street, Enter on the
        # landmark, a description with markup in it, Ctrl+S: all in one write.
        terminal.burst(
            F3
            + "0386123456"
            + TAB
            + "nid"
            + ENTER
            + "62"
            + TAB
            + "piton"
            + ENTER
            + ENTER
            + "2 poubelles renversées [b]vite[/b]"
            + CTRL_S
        )
        first = rows(db, REQUESTS, 2)[1]
        assert first == (
            known.id,
            "VOIRIE",
            "62",
            "Ruelle Piton",
            "",
            3,
            "Voirie",
            "2 poubelles renversées [b]vite[/b]",
            "phone",
            "intervention",
        )
        # The next call (F3 after a save): a new caller (Ctrl+N), the Enters of the old habit
        # (landmark, urgency, service: two too many), then the description.
        terminal.burst(
            F3
            + "0611223344"
            + CTRL_N
            + "MARTIN Paul"
            + TAB
            + "arbre tombe"
            + ENTER
            + "5"
            + TAB
            + "temple"
            + ENTER
            + ENTER
            + ENTER
            + ENTER
            + "branche en travers"
            + CTRL_S
        )
        second = rows(db, REQUESTS, 3)[2]
        assert second[1:] == (
            "ARBRE",
            "5",
            "Rue du Temple",
            "",
            1,
            "Équipe mobile d'intervention",
            "branche en travers",
            "phone",
            "intervention",
        )
        callers = rows(db, "SELECT id, surname, given_name FROM callers ORDER BY id", 2)
        assert len(callers) == 2, "the known number attached its caller: no duplicate"
        assert callers[1][0] == second[0] and callers[1][1:] == ("Martin", "Paul")
        terminal.burst(CTRL_Q)
        terminal.process.wait(timeout=PATIENCE)
    finally:
        terminal.stop()
