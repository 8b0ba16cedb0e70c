"""`allo serve` in a real browser, for tests/test_serve_browser.py.

`Served` runs `allo serve` on a free port in its own process group. `BrowserTerminal` reads what
the page shows: textual-serve's page draws the terminal on a canvas (xterm.js, whose Terminal
object the page's bundle keeps to itself), so every byte the page's WebSocket receives (the
session's output, exactly what xterm.js is given) is fed to a pyte terminal of the same size
(the size the page asks for when it connects and on each resize). Keys go through Chromium's
keyboard into xterm.js, as a person types them; every key waits for the text it expects first.

Chromium is Debian's (`shutil.which("chromium")`, installed by .ci/run), driven by Playwright's
`executable_path`: `playwright install` would download a browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyte

CHROMIUM = shutil.which("chromium")
PATIENCE = 60.0  # seconds: a loaded CI machine starts a Python process per connection slowly
VIEWPORT = {"width": 1280, "height": 760}  # about 142 x 36 cells with the page's 16 px font


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def quiet_environment(home: Path) -> dict[str, str]:
    """An environment of its own: no user configuration, no ALLO_* from the caller."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "LANG": "C.UTF-8",
    }


class Served:
    """`allo serve --db DB --port PORT`, started and waited for; `stop()` ends it."""

    def __init__(self, db: Path | str, home: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output: list[str] = []
        self._ready = threading.Event()
        environment = quiet_environment(home)
        command = [sys.executable, "-m", "allo_tui", "serve", "--port", str(self.port), *args]
        if isinstance(db, str):
            environment["ALLO_DB"] = db
        else:
            command += ["--db", str(db)]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=environment,
            start_new_session=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        if not self._ready.wait(PATIENCE) or self.process.poll() is not None:
            self.stop()
            raise AssertionError(f"allo serve did not start:\n{self.log()}")

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace")
            self.output.append(line)
            if "dans un navigateur" in line:
                self._ready.set()
        self._ready.set()  # ended: the waiter looks at the exit status

    def log(self) -> str:
        return "".join(self.output)

    def stop(self) -> None:
        """SIGTERM (the server closes every session), then SIGKILL to what is left."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # sessions the server left behind
        except ProcessLookupError:
            pass
        self.process.wait(5)


class BrowserTerminal:
    """The console in a Playwright page, read through pyte from the page's WebSocket."""

    def __init__(self, page) -> None:
        self.page = page
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.sockets = 0
        self.closed = False
        page.on("websocket", self._on_websocket)

    # -- what the page receives ------------------------------------------------------------

    def _on_websocket(self, websocket) -> None:
        self.sockets += 1
        self.screen.reset()  # a new session (the page reloaded) paints from scratch
        query = parse_qs(urlsplit(websocket.url).query)
        self._resize(int(query["width"][0]), int(query["height"][0]))
        websocket.on("framereceived", self._on_received)
        websocket.on("framesent", self._on_sent)
        websocket.on("close", lambda _socket: setattr(self, "closed", True))

    def _on_received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):  # the session's output; text frames are pongs
            self.stream.feed(payload)

    def _on_sent(self, payload: bytes | str) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self._resize(size["width"], size["height"])

    def _resize(self, columns: int, lines: int) -> None:
        if (columns, lines) != (self.screen.columns, self.screen.lines):
            self.screen.resize(lines, columns)

    # -- reading -----------------------------------------------------------------------------

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait_until(self, done: Callable[[str], bool], what: str, timeout: float = PATIENCE) -> str:
        """The screen's text once `done(text)` holds; fails naming `what` and showing it."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if done(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout:.0f} s for {what}; the page shows:\n{text}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the frames received

    def wait_for(self, *texts: str, timeout: float = PATIENCE) -> str:
        """The screen's text once it shows every one of `texts`."""
        return self.wait_until(
            lambda text: all(wanted in text for wanted in texts), repr(texts), timeout
        )

    def wait_for_pattern(self, pattern: str, timeout: float = PATIENCE) -> re.Match[str]:
        found: list[re.Match[str]] = []

        def done(text: str) -> bool:
            match = re.search(pattern, text)
            if match:
                found.append(match)
            return match is not None

        self.wait_until(done, f"/{pattern}/", timeout)
        return found[-1]

    def line_with(self, text: str) -> str:
        return next(line for line in self.lines() if text in line)

    # -- typing ------------------------------------------------------------------------------

    def open(self, url: str) -> None:
        """Load the page, wait for the console's first screen and give the terminal the keys."""
        self.page.goto(url)
        self.page.wait_for_selector("body.-first-byte", timeout=PATIENCE * 1000)
        self.page.locator("textarea.xterm-helper-textarea").focus()

    def press(self, *keys: str) -> None:
        """Keys as Playwright names them ("F7", "Enter", "Control+p"), in order."""
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
