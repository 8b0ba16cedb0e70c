"""Knowing, under Pilot, when a change has reached the screen.

A `RenderProbe` notes the time of every frame the app sends to its (headless) terminal, of every
worker started, and of every change made to the DataTables it watches. "Keystroke to rendered
table" is then: from the key to the first frame painted after the last change to the table,
once every worker started by that key has finished and nothing else happened for a short quiet
time. In headless mode Textual computes each frame but does not encode it; the probe encodes it
(as a terminal would receive it), so the cost of producing the bytes is counted too.

This looks at a few Textual internals (`App._display`, `WorkerManager.add_worker`); they are
wrapped on the instance only, and only in the harness.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Callable

from bench.measure import now

_TABLE_MUTATORS = (
    "clear",
    "add_row",
    "add_rows",
    "remove_row",
    "update_cell",
    "update_cell_at",
    "sort",
    "set_rows",  # the board's own list widget
)


class RenderProbe:
    def __init__(self, app) -> None:
        self.app = app
        self.frames: list[float] = []
        self.workers: list[tuple[float, object]] = []
        self.last_change = 0.0
        self.unchanged_at: float | None = None
        self._wrap_display()
        self._wrap_workers()

    def _wrap_display(self) -> None:
        app = self.app
        original = app._display

        def display(screen, renderable) -> None:
            if renderable is not None and not app._batch_count:
                render = getattr(renderable, "render_segments", None)
                if app.is_headless and render is not None:
                    render(app.console)
                self.frames.append(now())
            original(screen, renderable)

        app._display = display

    def _wrap_workers(self) -> None:
        manager = self.app.workers
        original = manager.add_worker

        def add_worker(worker, start: bool = True, exclusive: bool = True) -> None:
            self.workers.append((now(), worker))
            original(worker, start=start, exclusive=exclusive)

        manager.add_worker = add_worker

    def watch(self, table) -> None:
        """Note every change made to `table` (a DataTable or a widget with `set_rows`)."""
        if getattr(table, "_bench_watched", False):
            return
        for name in _TABLE_MUTATORS:
            original = getattr(table, name, None)
            if original is None:
                continue
            setattr(table, name, self._noting(original))
        table._bench_watched = True

    def _noting(self, method: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            self.last_change = changed = now()
            result = method(*args, **kwargs)
            # `set_rows` says how many lines it repainted: none means the screen already
            # showed the answer (no frame will follow, and none is needed).
            self.unchanged_at = changed if result == 0 and type(result) is int else None
            return result

        return wrapper

    def _frame_after_change(self, since: float) -> float | None:
        frame = self.first_frame_after(self.last_change)
        if (
            frame is None
            and self.unchanged_at is not None
            and self.unchanged_at == self.last_change
        ):
            # Nothing to repaint: done once the key's own frame (the box) was painted.
            shown = self.first_frame_after(since)
            frame = None if shown is None else max(shown, self.last_change)
        return frame

    def first_frame_after(self, moment: float) -> float | None:
        index = bisect_right(self.frames, moment)
        return self.frames[index] if index < len(self.frames) else None

    def busy_since(self, moment: float) -> bool:
        """Is a worker started at or after `moment` still running?"""
        return any(started >= moment and not w.is_finished for started, w in self.workers)

    def last_activity(self) -> float:
        last_worker = self.workers[-1][0] if self.workers else 0.0
        return max(self.last_change, last_worker)

    async def settle(
        self,
        since: float,
        *,
        done: Callable[[], bool] | None = None,
        timeout: float = 10.0,
        quiet: float = 0.04,
    ) -> float | None:
        """The time of the first frame painted after the table's last change made after
        `since`, once the workers started since then are done, `done()` holds, and nothing new
        happened for `quiet` seconds. None when that does not happen within `timeout`."""
        deadline = now() + timeout
        while now() < deadline:
            await asyncio.sleep(0.001)
            error = getattr(self.app, "_exception", None)
            if error is not None:
                raise RuntimeError(f"the app crashed: {error!r}") from error
            if self.last_change < since or self.busy_since(since):
                continue
            if done is not None and not done():
                continue
            frame = self._frame_after_change(since)
            if frame is None:
                continue
            if now() - max(frame, self.last_activity()) < quiet:
                continue
            frame = self._frame_after_change(since)  # a later change moves it
            if frame is not None and not self.busy_since(since):
                return frame
        return None
