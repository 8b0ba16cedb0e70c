"""Start-up to the first usable screen, whole process under a pseudo-terminal.

allo: the clock starts just before the process is spawned. When the lookup screen has painted
(the app's title is on the terminal) the harness types a caller's whole phone number, the way a
hostess would as soon as she sees the box; the clock stops when that caller's surname appears
in what the program writes after the typing. If the keys were typed before the box took them
the name never appears and the run is reported as failed (never counted as fast).

The floor: `python -m bench.minimal_app` (one Screen, an Input, a 50-row DataTable) started the
same way; the clock stops at its first paint (the first row's text is on the terminal). Runs
alternate between the two programs; one warm-up run of each is discarded.
"""

from __future__ import annotations

from pathlib import Path

from bench.measure import median
from bench.minimal_app import READY_TOKEN
from bench.rows import Row, make_row, missing_row
from bench.terminal import TerminalProcess, python_command
from bench.workload import CallerSample

SIZE = (120, 40)


def allo_command(path: Path, *args: str) -> list[str]:
    return python_command("-m", "allo_tui", "--db", str(path), *args)


def app_title() -> str:
    from allo_tui.app import AlloApp

    return AlloApp.TITLE


def run_allo_once(path: Path, caller: CallerSample, env: dict, title: str) -> dict:
    terminal = TerminalProcess(
        allo_command(path, "--operator", "bench-startup"), env=env, size=SIZE
    )
    try:
        painted = terminal.wait_for(title, timeout=60)
        if painted is None:
            return {"error": "the lookup screen never painted"}
        offset = terminal.text.offset
        terminal.type(caller.phone_digits)
        shown = terminal.wait_for(caller.surname, since=offset, timeout=20)
        if shown is None:
            return {"error": "the typed number never showed its caller"}
        return {"seconds": shown - terminal.started, "paint": painted - terminal.started}
    finally:
        terminal.stop(patient=False)


def run_minimal_once(env: dict) -> dict:
    terminal = TerminalProcess(python_command("-m", "bench.minimal_app"), env=env, size=SIZE)
    try:
        painted = terminal.wait_for(READY_TOKEN, timeout=60)
        if painted is None:
            return {"error": "the minimal app never painted"}
        return {"seconds": painted - terminal.started}
    finally:
        terminal.stop(patient=False)


def startup_row(
    path: Path, caller: CallerSample, runs: int, env: dict, *, warm_up: bool = True
) -> Row:
    title = app_title()
    if warm_up:  # bytecode compiled, files in the page cache: what every later start finds
        run_allo_once(path, caller, env, title)
        run_minimal_once(env)
    allo_runs, minimal_runs, errors = [], [], []
    for _ in range(runs):
        result = run_allo_once(path, caller, env, title)
        if "error" in result:
            errors.append(result["error"])
        else:
            allo_runs.append(result)
        result = run_minimal_once(env)
        if "error" in result:
            errors.append(result["error"])
        else:
            minimal_runs.append(result["seconds"])
    if not allo_runs or not minimal_runs:
        return missing_row("startup", errors[0] if errors else "no run finished")
    seconds = median([r["seconds"] for r in allo_runs])
    paint = median([r["paint"] for r in allo_runs])
    floor = median(minimal_runs)
    note = f"allo first paint {paint:.2f} s, typed number shown at {seconds:.2f} s"
    if errors:
        note += f"; {len(errors)} failed run(s): {errors[0]}"
    return make_row(
        "startup",
        seconds,
        floor=floor,
        samples=len(allo_runs),
        note=note,
        extra={
            "allo_runs_s": [r["seconds"] for r in allo_runs],
            "allo_paint_s": [r["paint"] for r in allo_runs],
            "minimal_runs_s": minimal_runs,
            "errors": errors,
            "terminal": f"{SIZE[0]}x{SIZE[1]}",
        },
    )
