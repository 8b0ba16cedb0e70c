"""`allo export requests --format csv` on the whole benchmark database: rows per second and
the peak memory of the process (flat memory is the promise: the export reads in batches).

The export runs in a child process of its own (`python -m bench.export DB OUT`), which runs
the `allo` command in-process and reports its own wall time and peak resident size (`VmHWM`,
that process's alone: RUSAGE_CHILDREN would mix in every earlier child, and Linux carries
`ru_maxrss` across exec from the benchmark's own process).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.rows import Row, make_row

OPERATOR = "bench-export"
"""The login the export runs as (the benchmark database is a demo one: any login may read)."""


def export_rows(database, folder: Path, env: dict[str, str]) -> list[Row]:
    """The two rows of the requests CSV export, measured in a child process."""
    out = folder / "export-requests.csv"
    completed = subprocess.run(
        [sys.executable, "-m", "bench.export", str(database), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"export failed: {completed.stderr.strip()[-500:]}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    size = out.stat().st_size
    out.unlink()
    rows = figures["rows"]
    note = (
        f"{rows:,} requests, {size / 1e6:,.1f} MB of CSV in {figures['seconds']:.1f} s"
        " (count, read in batches, French cells, write; one process)"
    )
    return [
        make_row("export.csv.rate", rows / figures["seconds"], samples=1, note=note),
        make_row(
            "export.csv.peak_rss",
            figures["peak_kb"] / 1024,
            samples=1,
            note="peak resident size of the exporting process (VmHWM)",
        ),
    ]


def _child(database: str, out: str) -> int:
    import contextlib
    import io
    import re

    from allo_tui.cli import main

    said = io.StringIO()
    began = time.perf_counter()
    try:
        with contextlib.redirect_stdout(said):
            main(
                ["--db", database, "--operator", OPERATOR, "export", "requests", "--out", out],
                standalone_mode=False,
            )
    except SystemExit as stop:
        if stop.code:
            return int(stop.code)
    seconds = time.perf_counter() - began
    # "1 234 567 ligne(s) écrite(s) dans …": the count the command printed.
    found = re.search(r"([\d\s\u202f]+) ligne", said.getvalue())
    rows = int(re.sub(r"\D", "", found.group(1))) if found else 0
    peak_kb = _peak_kb()
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_kb": peak_kb}))
    return 0


def _peak_kb() -> int:
    """The peak resident size of this process, in kB: `VmHWM` where Linux gives it, since
    `ru_maxrss` keeps across exec the size of the process that started it (the benchmark
    itself, a hundred MB and more); `ru_maxrss` elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2]))
