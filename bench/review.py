"""The review (F8, `allo report`) on the whole benchmark database.

- `review.rebuild`: `Store.rebuild_review`, what `allo report --rebuild` runs: every day's
  figures counted from the rows and kept (once per database; later reviews only count the
  days whose rows changed);
- `review.year`: what F8 runs when it opens (this year and the last, `Store.review` twice),
  each sample beside the same SQL replayed on a plain connection (`bench.queries.compare`);
  the saves and writers of the run have left days to count again, as a day of work does;
- `review.report`: `allo report --year` (HTML and CSV files) in a child process of its own,
  start-up included, median of three.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.measure import SqlRecorder, median, ms
from bench.queries import compare, floor_connection, p99_row
from bench.rows import Row, make_row

YEAR_SAMPLES = 5
REPORT_RUNS = 3
OPERATOR = "bench-review"


def review_rows(database, folder: Path, env: dict[str, str]) -> list[Row]:
    from allo_tui.data.store import Store
    from allo_tui.domain.review import year_of

    store = Store(database)
    try:
        began = time.perf_counter()
        days = store.rebuild_review()
        rebuild = time.perf_counter() - began
        today = store.calendar().to_local(store.now()).date()
        year = year_of(today.year)

        def year_view() -> None:
            store.review(year)
            store.review(year.previous())

        recorder = SqlRecorder(store)
        connection = floor_connection(database)
        try:
            store_times, raw_times = compare(
                store, recorder, connection, [year_view] * YEAR_SAMPLES
            )
        finally:
            connection.close()
    finally:
        store.close()
    report_times = []
    out = folder / "bilan"
    for _ in range(REPORT_RUNS):
        began = time.perf_counter()
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "allo_tui",
                "--db",
                str(database),
                "--operator",
                OPERATOR,
                "report",
                "--year",
                str(today.year),
                "--out",
                str(out),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        report_times.append(time.perf_counter() - began)
        if completed.returncode != 0:
            raise RuntimeError(f"allo report failed: {completed.stderr.strip()[-500:]}")
    floor = median(raw_times)
    return [
        make_row(
            "review.rebuild",
            rebuild,
            samples=1,
            note=f"{days:,} days counted from the rows and kept",
        ),
        p99_row(
            "review.year",
            store_times,
            raw_times,
            note=f"Store.review of {year.first.year} and {year.first.year - 1}, as F8 opens;"
            f" {YEAR_SAMPLES} samples (the p99 is the slowest)",
        ),
        make_row(
            "review.report",
            ms(median(report_times)),
            floor=ms(floor),
            samples=len(report_times),
            note=f"allo report --year {today.year}: HTML and {len(list(out.glob('*.csv')))} CSV"
            " files, in a child process (Python start-up included); floor: the year view's SQL",
        ),
    ]
