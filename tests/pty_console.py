"""A real `allo` process under a pseudo-terminal, for the tests that must send keys as a
terminal does (with pauses, or all at once) and kill the process mid-call."""

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

F3 = "\x1bOR"
TAB = "\t"
ENTER = "\r"
CTRL_N = "\x0e"
CTRL_S = "\x13"
CTRL_Q = "\x11"
PATIENCE = 60.0  # seconds: generous, a loaded CI machine starts Python slowly


class Console:
    """`allo` running in its own pseudo-terminal, its output drained by a thread."""

    def __init__(self, db: Path, home: Path, *, columns: int = 120, lines: int = 40) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "COLUMNS": str(columns),
            "LINES": str(lines),
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

    def burst(self, keys: str) -> None:
        """Every key in one write: the app reads them as fast as the terminal hands them."""
        os.write(self.master, keys.encode())

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
