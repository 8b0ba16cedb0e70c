"""Every `allo` command against every kind of bad database file.

    python tools/bad_files.py            # prints the table; exit status 1 if a run failed

A run passes when it prints no traceback, ends with status 0 or 2 (2: one line on stderr
starting with "allo: "), or, for the console and the wall board, is still running without a
traceback after a few seconds; and when it changed no file it was not asked to change: the
database's bytes and its folder are compared before and after. Only `allo db init` on the
empty file may change it, and `allo db backup` may write its own copy (in another folder).
A live allo database (read-only, full disk, truncated) may get SQLite's own -wal/-shm files
beside it; a refused file (text, empty, foreign, newer, unknown revision) gets nothing.

The read-only and full-disk files live on small tmpfs mounts (root only; without root the
read-only file is a chmod 0444 file in a 0555 folder and the full disk is skipped).
Each command runs in its own process, the console and the board under a pseudo-terminal.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

KINDS = (
    "text",
    "empty",
    "foreign",
    "newer",
    "unknown",
    "truncated",
    "read-only",
    "full-disk",
)
REFUSED_KINDS = ("text", "empty", "foreign", "newer", "unknown")
SIDE_FILES = ("-wal", "-shm")
CATEGORY = ("--category", "voirie", "--description", "trou")
COMMANDS: dict[str, tuple[str, ...]] = {
    "allo (console)": (),
    "board": ("board",),
    "demo --no-run": ("demo", "--no-run"),
    "db init": ("db", "init"),
    "db upgrade": ("db", "upgrade"),
    "db check": ("db", "check"),
    "db path": ("db", "path"),
    "db backup": ("db", "backup", "{copy}"),
    "operator add": ("operator", "add", "bruno", "--role", "operator"),
    "operator list": ("operator", "list"),
    "request add": ("request", "add", *CATEGORY),
}
TERMINAL_COMMANDS = ("allo (console)", "board")
TERMINAL_SECONDS = 60.0
"""How long a console or board may take to show its first screen on a loaded machine."""
SHOWN_MARKERS = ("Allô Mairie".encode(), b"Interventions ouvertes")
"""In the console's header and the board's title: the program is up and showing its data."""
AFTER_SHOWN_SECONDS = 1.0
"""How long a program that showed its screen is watched for a late failure."""


@dataclass
class Outcome:
    kind: str
    command: str
    status: str  # "0", "2", "running", or another exit status
    output: str
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def folder_state(folder: Path) -> dict[str, str]:
    """name -> sha256 of every file in `folder`."""
    state = {}
    for entry in sorted(folder.iterdir()):
        if entry.is_file():
            state[entry.name] = hashlib.sha256(entry.read_bytes()).hexdigest()
    return state


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        ALLO_OPERATOR="amelie",
        TERM="xterm-256color",
        LC_ALL="C.UTF-8",
    )
    env.pop("ALLO_DB", None)
    return env


def allo(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "allo_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[str, str]:
    """Run under a pseudo-terminal: (status, output); "running" if it showed its screen
    (`SHOWN_MARKERS`) and was still alive a moment later, "no screen" if it neither showed
    one nor ended within `TERMINAL_SECONDS`."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "allo_tui", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env={**env, "COLUMNS": "100", "LINES": "30"},
        start_new_session=True,
    )
    os.close(secondary)
    chunks: list[bytes] = []
    deadline = time.monotonic() + TERMINAL_SECONDS
    shown = False
    while time.monotonic() < deadline:
        recent = b"".join(chunks[-50:])
        if not shown and any(marker in recent for marker in SHOWN_MARKERS):
            shown = True
            deadline = min(deadline, time.monotonic() + AFTER_SHOWN_SECONDS)
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                data = os.read(main, 65536)
            except OSError:
                data = b""
            if not data and process.poll() is not None:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    status = process.poll()
    if status is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    os.close(main)
    text = b"".join(chunks).decode("utf-8", "replace")
    if status is None:
        return ("running" if shown else "no screen"), text
    return str(status), text


def _mount(folder: Path, size_kib: int) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder)],
        capture_output=True,
    )
    return done.returncode == 0


def _fill(folder: Path) -> None:
    for name, block in (("filler", 4096), ("filler-tail", 1)):
        with open(folder / name, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * block)
            except OSError:
                pass


def _stamp(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.commit()
    connection.close()


class BadFiles:
    """The bad files, each alone in its folder under `root`; `close()` unmounts."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.env = environment(self.home)
        self.mounts: list[Path] = []
        self.paths: dict[str, Path] = {}
        self.skipped: dict[str, str] = {}

    def build(self, kinds: tuple[str, ...] = KINDS) -> None:
        good = self.root / "good" / "allo.sqlite3"
        good.parent.mkdir(parents=True)
        for args in (
            ["--db", str(good), "db", "init"],
            ["--db", str(good), "request", "add", *CATEGORY],
        ):
            done = allo(args, self.env)
            if done.returncode != 0:
                raise RuntimeError(f"cannot build the good database: {done.stderr}")
        for kind in kinds:
            folder = self.root / kind
            path = folder / "allo.sqlite3"
            if kind in ("read-only", "full-disk"):
                size = good.stat().st_size // 1024 + (64 if kind == "full-disk" else 1024)
                if _mount(folder, size):
                    self.mounts.append(folder)
                elif kind == "full-disk":
                    self.skipped[kind] = "needs root (a tmpfs to fill)"
                    continue
            else:
                folder.mkdir(parents=True)
            if kind == "text":
                path.write_text("Liste des courses : pain, lait, œufs\n" * 40, encoding="utf-8")
            elif kind == "empty":
                path.touch()
            elif kind == "foreign":
                connection = sqlite3.connect(path)
                connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
                connection.execute("INSERT INTO recipes (name) VALUES ('tarte tatin')")
                connection.commit()
                connection.close()
            elif kind == "truncated":
                data = good.read_bytes()
                path.write_bytes(data[: len(data) // 2])
            else:
                shutil.copyfile(good, path)
                if kind == "newer":
                    _stamp(path, "9999")
                elif kind == "unknown":
                    _stamp(path, "zzz")
            if kind == "read-only":
                if folder in self.mounts:
                    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
                else:
                    path.chmod(0o444)
                    folder.chmod(0o555)
            elif kind == "full-disk":
                _fill(folder)
            else:
                pristine = self.root / "pristine" / kind
                pristine.parent.mkdir(exist_ok=True)
                shutil.copyfile(path, pristine)
            self.paths[kind] = path

    def reset(self, kind: str) -> None:
        """Put the bad file back as it was built, alone in its folder (a run may have
        initialised the empty file, as asked)."""
        pristine = self.root / "pristine" / kind
        if not pristine.exists():
            return  # on a read-only or full file system: nothing can have changed it
        path = self.paths[kind]
        for entry in path.parent.iterdir():
            entry.unlink()
        shutil.copyfile(pristine, path)

    def close(self) -> None:
        for folder in self.mounts:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        read_only = self.root / "read-only"
        if read_only.exists() and read_only not in self.mounts:
            read_only.chmod(0o755)

    def run(self, kind: str, command: str) -> Outcome:
        path = self.paths[kind]
        copies = self.root / "copies" / f"{kind}-{command.replace(' ', '_')}"
        copies.mkdir(parents=True, exist_ok=True)
        args = [
            "--db",
            str(path),
            *(a.format(copy=copies / "copy.sqlite3") for a in COMMANDS[command]),
        ]
        if command == "demo --no-run":  # --db is an option of `demo` itself
            args = [*COMMANDS[command], "--db", str(path)]
        self.reset(kind)
        before = folder_state(path.parent)
        if command in TERMINAL_COMMANDS:
            status, output = run_in_terminal(args, self.env)
            stderr = output
        else:
            done = allo(args, self.env)
            status, output, stderr = str(done.returncode), done.stdout + done.stderr, done.stderr
        after = folder_state(path.parent)
        return Outcome(
            kind,
            command,
            status,
            output,
            self.problems(kind, command, status, stderr, before, after),
        )

    @staticmethod
    def problems(kind, command, status, stderr, before, after) -> list[str]:
        found = []
        if "Traceback" in stderr:
            found.append("traceback")
        if status not in ("0", "2", "running"):
            found.append(f"exit status {status}")
        if status == "2" and command not in TERMINAL_COMMANDS:
            lines = [line for line in stderr.splitlines() if line.strip()]
            if len(lines) != 1 or not lines[0].startswith("allo: "):
                found.append(f"not one line: {stderr[:200]!r}")
        asked = command == "db init" and kind == "empty" and status == "0"
        name = "allo.sqlite3"
        if not asked and before.get(name) != after.get(name):
            found.append("the database file changed")
        others_before = {k: v for k, v in before.items() if k != name}
        others_after = {k: v for k, v in after.items() if k != name}
        if kind not in REFUSED_KINDS:  # SQLite's own files beside a live database
            for suffix in SIDE_FILES:
                others_before.pop(name + suffix, None)
                others_after.pop(name + suffix, None)
        if others_before != others_after:
            added = sorted(set(others_after) - set(others_before))
            found.append(f"files beside it changed: {added or 'modified'}")
        return found


def run_all(root: Path, *, workers: int = 2, kinds: tuple[str, ...] = KINDS) -> list[Outcome]:
    """Build the bad files under `root`, run every command on each; the outcomes."""
    files = BadFiles(root)
    try:
        files.build(kinds)
        jobs = [(kind, command) for kind in files.paths for command in COMMANDS]
        # one kind at a time per worker: runs on one file never overlap
        by_kind: dict[str, list[str]] = {}
        for kind, command in jobs:
            by_kind.setdefault(kind, []).append(command)

        def run_kind(kind: str) -> list[Outcome]:
            return [files.run(kind, command) for command in by_kind[kind]]

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run_kind, by_kind))
        return [outcome for outcomes in results for outcome in outcomes]
    finally:
        files.close()


def table(outcomes: list[Outcome]) -> str:
    """A Markdown table, kinds across, commands down: 0 / 2 / running, ✗ for a failure."""
    kinds = list(dict.fromkeys(o.kind for o in outcomes))
    commands = list(dict.fromkeys(o.command for o in outcomes))
    cell = {(o.kind, o.command): o for o in outcomes}
    lines = ["| command | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for command in commands:
        row = []
        for kind in kinds:
            outcome = cell.get((kind, command))
            if outcome is None:
                row.append("—")
            else:
                label = {"0": "ok", "2": "refused", "running": "runs"}.get(
                    outcome.status, outcome.status
                )
                row.append(label if outcome.passed else f"✗ {label}")
        lines.append(f"| `{command}` | " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the files here and keep them")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="print what every run said")
    options = parser.parse_args()
    root = options.keep or Path(tempfile.mkdtemp(prefix="allo-bad-files-"))
    started = time.monotonic()
    try:
        outcomes = run_all(root, workers=options.workers)
    finally:
        if options.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if options.verbose:
        for outcome in outcomes:
            said = outcome.output.strip().splitlines()
            print(
                f"{outcome.kind} / {outcome.command} [{outcome.status}]: {said[-1] if said else ''}"
            )
    print(table(outcomes))
    failed = [o for o in outcomes if not o.passed]
    print(
        f"\n{len(outcomes)} runs ({len({o.kind for o in outcomes})} bad files ×"
        f" {len(COMMANDS)} commands) in {time.monotonic() - started:.0f} s:"
        f" {len(outcomes) - len(failed)} passed, {len(failed)} failed"
    )
    for outcome in failed:
        print(f"- {outcome.kind} / {outcome.command}: {'; '.join(outcome.problems)}")
        print("  " + outcome.output.strip().replace("\n", "\n  ")[-600:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
