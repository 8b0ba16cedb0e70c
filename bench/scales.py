"""Scales: how big the database is and how many samples each figure takes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    callers: int
    requests: int
    description: str
    startup_runs: int = 9
    paste_runs: int = 3
    lookup_queries: int = 1200
    typed_names: int = 40
    saves: int = 300
    history_samples: int = 100
    board_queries: int = 200
    board_changes: int = 15
    idle_seconds: float = 60.0
    writer_seconds: float = 5.0
    warm_up: bool = True  # one discarded start-up run of each program first


SCALES = {
    "small": Scale(
        "small",
        callers=20_000,
        requests=120_000,
        description="Auxerre over 20 years: 20,000 callers, 120,000 requests",
        idle_seconds=20.0,
        writer_seconds=3.0,
        board_changes=10,
        typed_names=8,
        history_samples=60,
        warm_up=False,  # the median of 5 absorbs a first run that compiles bytecode
    ),
    "city": Scale(
        "city",
        callers=1_000_000,
        requests=5_000_000,
        description="a big city: 1,000,000 callers, 5,000,000 requests",
        saves=500,
        typed_names=20,
        board_changes=20,
        writer_seconds=8.0,
    ),
    # For the harness's own test: everything runs, nothing is meaningful.
    "tiny": Scale(
        "tiny",
        callers=400,
        requests=1_500,
        description="harness self-test: 400 callers, 1,500 requests",
        startup_runs=1,
        paste_runs=1,
        lookup_queries=30,
        typed_names=1,
        saves=10,
        history_samples=3,
        board_queries=5,
        board_changes=2,
        idle_seconds=1.0,
        writer_seconds=0.5,
        warm_up=False,
    ),
}
