"""Figures measured with Textual's Pilot (headless, 120×40): typing in the lookup, and the board
redrawing after a change. Widgets are found by id (`#query`, `#results`, `#board`), falling back
to the screen's first Input / DataTable so a reworked screen is still measured."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from bench.board_live import PastWriter
from bench.measure import ms, now, percentile
from bench.minimal_app import MinimalApp, MinimalRepaintApp
from bench.probe import RenderProbe
from bench.rows import Row, make_row, missing_row
from bench.workload import SaveSample

SIZE = (120, 40)
KEY_NAMES = {" ": "space"}


def find(screen, selector: str, kind):
    """The widget `selector` on `screen`, else the first widget of type `kind`, else None."""
    from textual.css.query import NoMatches

    try:
        return screen.query_one(selector, kind)
    except NoMatches:
        pass
    found = list(screen.query(kind))
    return found[0] if found else None


async def _wait_for(app, condition, timeout: float) -> bool:
    """Wait until `condition()` holds; raise at once if the app crashed meanwhile."""
    deadline = now() + timeout
    while now() < deadline:
        error = getattr(app, "_exception", None)
        if error is not None:
            raise RuntimeError(f"the app crashed: {error!r}") from error
        if condition():
            return True
        await asyncio.sleep(0.01)
    return False


def results_widget(screen):
    """The lookup's results (`#results`): a DataTable or the lookup's own list widget."""
    from textual.css.query import NoMatches
    from textual.widgets import DataTable

    try:
        return screen.query_one("#results")
    except NoMatches:
        return find(screen, "#results", DataTable)


async def _type_names(app, names: list[str]) -> tuple[list[float], dict]:
    """Type each name letter by letter; seconds from each key to the repainted table."""
    from textual.widgets import Input

    times: list[float] = []
    info = {"timeouts": 0, "empty_results": 0, "names": len(names)}
    async with app.run_test(size=SIZE) as pilot:
        probe = RenderProbe(app)
        if not await _wait_for(app, lambda: find(app.screen, "#query", Input) is not None, 30):
            raise RuntimeError("no lookup box (#query) on the first screen")
        await pilot.pause()
        for name in names:
            box = find(app.screen, "#query", Input)
            table = results_widget(app.screen)
            if box is None or table is None:
                raise RuntimeError("the lookup screen lost its box or its table")
            probe.watch(table)
            box.focus()
            if box.value:
                cleared = now()
                box.value = ""
                await probe.settle(cleared, timeout=1)
            for char in name:
                table = results_widget(app.screen)
                probe.watch(table)
                started = now()
                await pilot.press(KEY_NAMES.get(char, char))
                frame = await probe.settle(started, quiet=0.025)
                if frame is None:
                    info["timeouts"] += 1
                else:
                    times.append(frame - started)
            table = results_widget(app.screen)
            if table is not None and table.row_count == 0:
                info["empty_results"] += 1
    return times, info


def keystroke_row(path: Path, names: list[str]) -> Row:
    from allo_tui.app import AlloApp
    from allo_tui.data.store import Store
    from bench.writes import bench_operator

    store = Store(path)
    try:
        operator = bench_operator(store, "bench-typing")
        app = AlloApp(store=store, operator=operator, demo=True)
        times, info = asyncio.run(_type_names(app, names))
    finally:
        store.close()
    floor_times, _ = asyncio.run(_type_names(MinimalApp(), names))
    if not times:
        return missing_row("keystroke.p95", f"no keystroke reached the table ({info})")
    note = (
        f"{len(names)} names typed letter by letter; floor: the same keys refilling"
        " the minimal app's 50-row DataTable"
    )
    if info["timeouts"]:
        note += f"; {info['timeouts']} key(s) never repainted the table within 10 s"
    return make_row(
        "keystroke.p95",
        ms(percentile(times, 0.95)),
        floor=ms(percentile(floor_times, 0.95)),
        samples=len(times),
        note=note,
        extra={**info, "p50_ms": ms(percentile(times, 0.5))},
    )


# -- board ------------------------------------------------------------------------------------


class _SignalledFeed:
    """A change feed that notes when it reported a change."""

    def __init__(self, feed, signals: list[float]) -> None:
        self._feed = feed
        self._signals = signals

    def changed(self, *args, **kwargs):
        result = self._feed.changed(*args, **kwargs)
        if result:
            self._signals.append(now())
        return result

    def __getattr__(self, name: str):
        return getattr(self._feed, name)


def signalled_store(path: Path):
    """A Store whose change feeds note when they saw a change (the board's reload trigger)."""
    from allo_tui.data.store import Store

    class SignalledStore(Store):
        def change_feed(self, *args, **kwargs):
            return _SignalledFeed(super().change_feed(*args, **kwargs), self.signals)

    store = SignalledStore(path)
    store.signals = []
    return store


def board_widget(screen):
    """The board's list (`#board`): a DataTable or the board's own list widget."""
    from textual.css.query import NoMatches
    from textual.widgets import DataTable

    try:
        return screen.query_one("#board")
    except NoMatches:
        return find(screen, "#board", DataTable)


def board_rows(widget) -> int:
    from textual.widgets import DataTable

    if widget is None:
        return 0
    if isinstance(widget, DataTable):
        return widget.row_count
    return len(getattr(widget, "rows", ()) or ())


def board_shows(widget, reference: str, rows: int = 20) -> bool:
    """Is `reference` among the first `rows` rows of the board?"""
    from textual.widgets import DataTable

    if widget is None:
        return False
    if isinstance(widget, DataTable):
        for index in range(min(rows, widget.row_count)):
            if any(reference in str(cell) for cell in widget.get_row_at(index)):
                return True
        return False
    return any(
        getattr(record, "reference", None) == reference
        for record in tuple(getattr(widget, "rows", ()) or ())[:rows]
    )


async def _board_changes(app, store, writer: PastWriter, changes: int) -> tuple[list[float], dict]:
    times: list[float] = []
    info = {"from_watch": 0, "from_feed": 0, "from_commit": 0, "timeouts": 0}
    rng = random.Random(13)
    async with app.run_test(size=SIZE) as pilot:
        probe = RenderProbe(app)
        if not await _wait_for(app, lambda: board_rows(board_widget(app.screen)) > 0, 120):
            raise RuntimeError("the board (#board) never showed rows")
        await pilot.pause()
        widget = board_widget(app.screen)
        info["rows"] = board_rows(widget)
        info["columns"] = len(getattr(widget, "columns", ())) or 8
        watch = getattr(app, "requests_watch", None)
        if callable(getattr(watch, "check", None)):
            await asyncio.to_thread(watch.check)  # its first look only reads the baseline
        for _ in range(changes):
            await asyncio.sleep(rng.uniform(0.05, 0.4))
            probe.watch(board_widget(app.screen))
            committed = now()
            reference = await asyncio.to_thread(writer.save)
            # Headless apps do not run the console's polling thread: take its one look here,
            # as the thread would within its poll interval.
            watch = getattr(app, "requests_watch", None)
            looked = None
            if callable(getattr(watch, "check", None)):
                looked = now()
                await asyncio.to_thread(watch.check)

            def shown(reference=reference) -> bool:
                return board_shows(board_widget(app.screen), reference)

            frame = await probe.settle(committed, done=shown, timeout=10)
            if frame is None:
                info["timeouts"] += 1
                continue
            signals = [s for s in getattr(store, "signals", ()) if s >= committed]
            if looked is not None:
                info["from_watch"] += 1
                times.append(frame - looked)
            elif signals:
                info["from_feed"] += 1
                times.append(frame - signals[0])
            else:
                info["from_commit"] += 1
                times.append(frame - committed)
    return times, info


async def _repaints(app, samples: int) -> list[float]:
    """Seconds from replacing a full screen of text to the frame that shows it."""
    times = []
    async with app.run_test(size=SIZE) as pilot:
        probe = RenderProbe(app)
        await pilot.pause()
        app.screen.repaint(-1)  # warm-up
        await pilot.pause()
        for index in range(samples):
            started = now()
            probe.last_change = started
            app.screen.repaint(index)
            frame = await probe.settle(started, timeout=10)
            if frame is not None:
                times.append(frame - started)
    return times


def board_render_row(path: Path, sample: SaveSample, changes: int) -> Row:
    from allo_tui.app import BoardApp

    store = signalled_store(path)
    writer = PastWriter(path, sample)
    try:
        times, info = asyncio.run(_board_changes(BoardApp(store=store), store, writer, changes))
    finally:
        writer.close()
        store.close()
    if not times:
        return missing_row("board.render.p95", f"no change reached the board ({info})")
    floor_times = asyncio.run(_repaints(MinimalRepaintApp(), max(2 * changes, 30)))
    note = "from the moment the board hears of the change to the repainted board"
    if info["from_commit"]:
        note += f" ({info['from_commit']} timed from the commit: no change signal seen)"
    if info["timeouts"]:
        note += f"; {info['timeouts']} change(s) never repainted within 10 s"
    return make_row(
        "board.render.p95",
        ms(percentile(times, 0.95)),
        floor=ms(percentile(floor_times, 0.95)) if floor_times else None,
        samples=len(times),
        note=note,
        extra=info,
    )
