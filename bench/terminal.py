"""A program under a pseudo-terminal, as a user would start it, and what it shows.

The harness plays the terminal: it reads everything the program writes, strips the escape
sequences and keeps the text, folded the way allo folds search text (case and accents ignored),
so "has the caller's name appeared since I typed?" is one substring test. Text inside one table
cell is written contiguously by Textual (style changes inside it are SGR codes, removed here), so
a name shown in the results is found even when part of it is highlighted.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import unicodedata
from pathlib import Path

from bench.measure import now

_ESCAPE = re.compile(
    r"\x1b(?:"
    r"\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC
    r"|[()*+][0-~]"  # character sets
    r"|[ -/]*[0-OQ-WYZ\\`a-~]"  # other short sequences (not CSI, OSC, DCS… openers)
    r")"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SEPARATORS = re.compile(r"[\s'’`\-‐–—_.,;:/()│┃|]+")
CTRL_Q = "\x11"


def fold(text: str) -> str:
    """Lower-case, accent-free text with every run of separators made one space (not stripped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped.casefold())


def fold_token(text: str) -> str:
    return fold(text).strip()


class ScreenText:
    """The folded plain text a program has written so far (escape sequences removed)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self.folded = ""
        self.raw_bytes = 0

    def feed(self, data: bytes) -> None:
        self.raw_bytes += len(data)
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        cut = text.rfind("\x1b")
        if cut != -1 and _ESCAPE.match(text, cut) is None and len(text) - cut < 4096:
            text, self._pending = text[:cut], text[cut:]
        plain = _ESCAPE.sub(_replace_escape, text)
        plain = _CONTROL.sub(" ", plain)
        folded = re.sub(" {2,}", " ", fold(plain))
        if folded.startswith(" ") and self.folded.endswith(" "):
            folded = folded[1:]
        self.folded += folded

    def find(self, token: str, since: int = 0) -> bool:
        """True when the folded `token` was written at or after offset `since`."""
        return self.folded.find(fold_token(token), max(0, since - len(token) - 2)) != -1

    @property
    def offset(self) -> int:
        return len(self.folded)


def _replace_escape(match: re.Match) -> str:
    sequence = match.group(0)
    if sequence.startswith("\x1b[") and sequence.endswith("m"):
        return ""  # a style change inside a line keeps the text together
    return " "


def child_environment(home: Path) -> dict[str, str]:
    """The environment for programs under test: a plain modern terminal, no user config.

    Bytecode may be written (PYTHONDONTWRITEBYTECODE is dropped): an installed program starts
    from compiled modules, and the discarded warm-up runs are there to compile them; without
    it every changed module would be compiled again on every timed start.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "ALLO_"))
        and key not in ("COLUMNS", "LINES", "TMUX", "PYTHONDONTWRITEBYTECODE")
    }
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG=env.get("LANG") or "C.UTF-8",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PYTHONUNBUFFERED="1",
    )
    return env


def _make_controlling_terminal() -> None:  # runs in the child, after setsid()
    try:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    except OSError:
        pass


class TerminalProcess:
    """Start `argv` on a fresh pseudo-terminal of `size` (columns, rows); `started` is when."""

    def __init__(
        self, argv: list[str], *, env: dict[str, str], size: tuple[int, int] = (120, 40)
    ) -> None:
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.text = ScreenText()
        self.master = master
        self.started = now()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=_make_controlling_terminal,
            close_fds=True,
        )
        os.close(slave)
        self.closed = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def pump(self, timeout: float) -> bool:
        """Read what the program wrote within `timeout` seconds; False once it has exited."""
        if self.closed:
            return False
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return self.process.poll() is None
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: the program closed the terminal
            self.closed = True
            return False
        if not data:
            self.closed = True
            return False
        self.text.feed(data)
        return True

    def wait_for(self, token: str, *, since: int = 0, timeout: float = 30.0) -> float | None:
        """When (perf counter) `token` first appeared after offset `since`; None on timeout."""
        deadline = now() + timeout
        while True:
            if self.text.find(token, since):
                return now()
            remaining = deadline - now()
            if remaining <= 0:
                return None
            if not self.pump(min(remaining, 0.05)) and self.closed:
                return now() if self.text.find(token, since) else None

    def drain(self, seconds: float) -> None:
        """Keep reading (so the program never blocks on a full terminal) for `seconds`."""
        deadline = now() + seconds
        while now() < deadline:
            self.pump(min(0.05, max(0.0, deadline - now())))

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def stop(self, quit_keys: str = CTRL_Q, *, patient: bool = True) -> None:
        """Ask the program to quit with its quit key, then insist (at once if not `patient`:
        the measurement is over and how it exits is not part of it)."""
        if patient and self.process.poll() is None:
            try:
                self.type(quit_keys)
            except OSError:
                pass
            deadline = now() + 3.0
            while self.process.poll() is None and now() < deadline:
                self.pump(0.05)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                continue
        try:
            os.close(self.master)
        except OSError:
            pass
        self.closed = True


# -- /proc accounting -------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process `pid` (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    """Resident set size of process `pid` in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def python_command(*args: str) -> list[str]:
    """Run a module with this interpreter (so both programs start the same way)."""
    return [sys.executable, *args]
