"""Reads through the Store, each beside the same SQL replayed on a plain stdlib connection.

For every sample the Store call is first run once with its SQL recorded (warming the caches
for both sides), then timed; the recorded statements are then timed on a stdlib connection to
the same file. The two timings alternate sample by sample so neither side gets a warmer cache.
On PostgreSQL (`path` is then the work database's URL) the plain connection is psycopg's and
the statements are parsed from the backend's trace before the clock starts (`bench.postgres`)
and replayed once untimed first, as the capture warmed the Store's own connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from bench import postgres
from bench.measure import SqlRecorder, median, ms, now, percentile, raw_connection, replay
from bench.rows import HISTORY_FILTERS, Row, make_row


def compare(
    store, recorder: SqlRecorder, connection, calls: list[Callable[[], object]]
) -> tuple[list[float], list[float]]:
    """Seconds per call through the Store and for the same SQL on `connection`."""
    store_times: list[float] = []
    raw_times: list[float] = []
    on_sqlite = isinstance(connection, sqlite3.Connection)
    for call in calls:
        statements = recorder.capture(call)
        if not on_sqlite:
            statements = postgres.prepare(statements)
            # psycopg prepares a statement server-side from its 5th run on a connection: the
            # Store's pooled connection has just run these once more (the capture), so has this.
            postgres.replay(connection, statements)
        started = now()
        call()
        store_times.append(now() - started)
        started = now()
        if on_sqlite:
            replay(connection, statements)
        else:
            postgres.replay(connection, statements)
        raw_times.append(now() - started)
    return store_times, raw_times


def floor_connection(path):
    """A plain connection to the database the Store works on (a file, or a URL)."""
    if postgres.is_url(path):
        return postgres.raw_connection(path)
    return raw_connection(path)


def lookup_rows(store, recorder, path: Path, queries: list[tuple[str, str]]) -> list[Row]:
    connection = floor_connection(path)
    try:
        calls = [lambda q=q: store.search_callers(q) for _, q in queries]
        store_times, raw_times = compare(store, recorder, connection, calls)
    finally:
        connection.close()
    by_kind: dict[str, dict[str, float]] = {}
    for kind in ("phone", "name", "street"):
        picked = [i for i, (k, _) in enumerate(queries) if k == kind]
        by_kind[kind] = {
            "count": len(picked),
            "p50_ms": ms(percentile([store_times[i] for i in picked], 0.5)),
            "p99_ms": ms(percentile([store_times[i] for i in picked], 0.99)),
            "raw_p99_ms": ms(percentile([raw_times[i] for i in picked], 0.99)),
        }
    slowest = sorted(range(len(queries)), key=lambda i: store_times[i], reverse=True)[:5]
    extra = {
        "by_kind": by_kind,
        "slowest": [
            {"kind": queries[i][0], "query": queries[i][1], "ms": ms(store_times[i])}
            for i in slowest
        ],
    }
    note = "p99 by kind: " + ", ".join(
        f"{kind} {values['p99_ms']:.1f} ms" for kind, values in by_kind.items()
    )
    return [
        make_row(
            "lookup.p50",
            ms(percentile(store_times, 0.5)),
            floor=ms(percentile(raw_times, 0.5)),
            samples=len(queries),
        ),
        make_row(
            "lookup.p99",
            ms(percentile(store_times, 0.99)),
            floor=ms(percentile(raw_times, 0.99)),
            samples=len(queries),
            note=note,
            extra=extra,
        ),
    ]


def p99_row(
    key: str,
    store_times: list[float],
    raw_times: list[float],
    *,
    note: str = "",
    extra: dict | None = None,
) -> Row:
    """The row of a Store figure measured by `compare`: its p99 beside the raw SQL's p99."""
    return make_row(
        key,
        ms(percentile(store_times, 0.99)),
        floor=ms(percentile(raw_times, 0.99)),
        samples=len(store_times),
        note=note,
        extra={"p50_ms": ms(median(store_times)), **(extra or {})},
    )


def history_rows(store, recorder, path: Path, filters: dict[str, list], window: int) -> list[Row]:
    connection = floor_connection(path)
    rows = []
    try:
        for key, _label in HISTORY_FILTERS:
            samples = filters[key]
            calls = [lambda f=f: store.history(f, limit=window) for f in samples]
            store_times, raw_times = compare(store, recorder, connection, calls)
            rows.append(
                p99_row(f"history.{key}.p99", store_times, raw_times, extra={"window": window})
            )
    finally:
        connection.close()
    return rows


def detail_row(store, recorder, path: Path, request_ids: list[int]) -> Row:
    """What opening a request's detail runs: `Store.request_detail` (the request, its whole
    timeline and its duplicates), on requests with 50 events each."""
    connection = floor_connection(path)
    try:
        calls = [lambda i=i: store.request_detail(i) for i in request_ids]
        store_times, raw_times = compare(store, recorder, connection, calls)
    finally:
        connection.close()
    return p99_row(
        "detail.p99", store_times, raw_times, note="request_detail of requests with 50 events each"
    )


def board_query_row(store, recorder, path: Path, samples: int, row_limit: int) -> Row:
    """What the board runs on each reload: `Store.board_snapshot` (the first rows and the
    header figures in one read) when the Store has it, else the open interventions and the
    counts by urgency."""
    if hasattr(store, "board_snapshot"):
        what = f"board_snapshot(limit={row_limit})"

        def board_query() -> None:
            store.board_snapshot(limit=row_limit)

    else:
        what = f"open_interventions(limit={row_limit}) + open_counts()"

        def board_query() -> None:
            store.open_interventions(limit=row_limit)
            store.open_counts()

    connection = floor_connection(path)
    try:
        store_times, raw_times = compare(store, recorder, connection, [board_query] * samples)
    finally:
        connection.close()
    return p99_row("board.query.p99", store_times, raw_times, note=what)
