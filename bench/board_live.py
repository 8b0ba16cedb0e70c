"""`allo board` as a wall screen: idle cost from /proc, then changes made by another process.

Idle: `allo board` and the minimal Textual app (the floor) run side by side under their own
pseudo-terminals; once both have painted and settled, their CPU time (utime + stime) and VmRSS
are read from /proc over the idle window.

Change-to-visible: the harness (another process) saves a request with its clock set in the year
2000, so the request is the most overdue urgency-1 intervention — first on the board whatever
its order — and its reference (`2000-NNNNN`) cannot be on the screen already. The clock starts
before the save and stops when the reference appears on the board's terminal.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.measure import ms, now, percentile
from bench.minimal_app import READY_TOKEN
from bench.rows import Row, make_row, missing_row
from bench.startup import SIZE, allo_command
from bench.terminal import CLOCK_TICKS, TerminalProcess, cpu_seconds, python_command, rss_mb
from bench.workload import SaveSample

PAST = datetime(2000, 6, 30, 8, 0, tzinfo=UTC)


class PastWriter:
    """Saves urgency-1 requests dated in the year 2000, each one minute before the previous
    one (across every writer of this process), so the newest is always the most overdue."""

    _minutes_back = 0

    def __init__(self, path: Path, sample: SaveSample) -> None:
        from allo_tui.data.store import Store
        from allo_tui.domain.clock import FixedClock
        from bench.writes import bench_operator

        self.clock = FixedClock(PAST)
        self.store = Store(path, clock=self.clock)
        self.operator = bench_operator(self.store, "bench-board")
        self.sample = sample

    def save(self) -> str:
        from bench.writes import new_request

        PastWriter._minutes_back += 1
        self.clock.set(PAST - timedelta(minutes=PastWriter._minutes_back))
        record = self.store.create_request(
            self.operator, new_request(self.sample, tag="bench-board", urgency=1)
        )
        return record.reference

    def close(self) -> None:
        self.store.close()


def first_references(path: Path, count: int = 20) -> list[str]:
    from allo_tui.data.store import Store

    store = Store(path)
    try:
        if hasattr(store, "board_snapshot"):
            rows = store.board_snapshot(limit=count).rows
        else:
            rows = store.open_interventions(limit=count)
        return [r.reference for r in rows]
    finally:
        store.close()


def board_live_rows(
    path: Path, sample: SaveSample, idle_seconds: float, changes: int, env: dict
) -> list[Row]:
    references = first_references(path)
    board = TerminalProcess(allo_command(path, "board"), env=env, size=SIZE)
    minimal = TerminalProcess(python_command("-m", "bench.minimal_app"), env=env, size=SIZE)
    try:
        if not _wait_any(board, references, timeout=120):
            reason = "the board never showed its first rows"
            return [
                missing_row(k, reason)
                for k in ("board.idle_cpu", "board.idle_rss", "board.visible.p95")
            ]
        if minimal.wait_for(READY_TOKEN, timeout=60) is None:
            minimal.stop()
            minimal = None
        # Let the first load and its workers finish before the idle window opens.
        _drain_both(board, minimal, 2.0 if idle_seconds >= 10 else 0.5)
        rows = _idle_rows(board, minimal, idle_seconds)
        rows.append(_visible_row(board, path, sample, changes))
        return rows
    finally:
        board.stop()
        if minimal is not None:
            minimal.stop()


def _alive(*terminals):
    return [t for t in terminals if t is not None]


def _wait_any(terminal: TerminalProcess, tokens: list[str], timeout: float) -> bool:
    deadline = now() + timeout
    while now() < deadline:
        if any(terminal.text.find(token) for token in tokens):
            return True
        if not terminal.pump(0.05) and terminal.closed:
            return False
    return False


def _drain_both(first, second, seconds: float) -> None:
    deadline = now() + seconds
    while now() < deadline:
        for terminal in _alive(first, second):
            terminal.pump(0.02)


def _idle_rows(board, minimal, seconds: float) -> list[Row]:
    watched = {"board": board, **({"minimal": minimal} if minimal else {})}
    cpu_start = {name: cpu_seconds(t.pid) for name, t in watched.items()}
    rss_peak = {name: rss_mb(t.pid) for name, t in watched.items()}
    started = now()
    while now() - started < seconds:
        _drain_both(board, minimal, min(1.0, seconds - (now() - started)))
        for name, terminal in watched.items():
            rss_peak[name] = max(rss_peak[name], rss_mb(terminal.pid))
    elapsed = now() - started
    cpu = {
        name: 100.0 * (cpu_seconds(t.pid) - cpu_start[name]) / elapsed
        for name, t in watched.items()
    }
    # A process idle for a short window may use less than one clock tick: its CPU then reads
    # 0, below what /proc can tell apart. The floor is then that resolution (one tick).
    resolution = 100.0 / CLOCK_TICKS / elapsed
    if "minimal" in cpu and cpu["minimal"] < resolution:
        cpu["minimal"] = resolution
    window = f"over {elapsed:.0f} s idle"
    if seconds < 60:
        window += " (shortened from 60 s at this scale)"
    return [
        make_row(
            "board.idle_cpu",
            cpu["board"],
            floor=cpu.get("minimal"),
            note=window,
            extra={"seconds": elapsed},
        ),
        make_row(
            "board.idle_rss",
            rss_peak["board"],
            floor=rss_peak.get("minimal"),
            note=f"peak VmRSS {window}",
        ),
    ]


def _visible_row(board: TerminalProcess, path: Path, sample: SaveSample, changes: int) -> Row:
    writer = PastWriter(path, sample)
    rng = random.Random(11)
    times: list[float] = []
    saves: list[float] = []
    missed = 0
    try:
        for _ in range(changes):
            board.drain(rng.uniform(0.05, 0.6))  # do not line up with the board's polling
            offset = board.text.offset
            started = now()
            reference = writer.save()
            saves.append(now() - started)
            seen = board.wait_for(reference, since=offset, timeout=15)
            if seen is None:
                missed += 1
            else:
                times.append(seen - started)
    finally:
        writer.close()
    if not times:
        return missing_row("board.visible.p95", "no saved request ever showed on the board")
    note = (
        "save in another process until the reference is on the board's terminal;"
        f" median {ms(percentile(times, 0.5)):.0f} ms, max {ms(max(times)):,.0f} ms"
    )
    if missed:
        note += f"; {missed} change(s) never showed within 15 s"
    return make_row(
        "board.visible.p95",
        ms(percentile(times, 0.95)) if not missed else float("inf"),
        samples=len(times),
        note=note,
        extra={
            "times_ms": [ms(t) for t in times],
            "saves_ms": [ms(t) for t in saves],
            "missed": missed,
        },
    )
