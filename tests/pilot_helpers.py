"""What Pilot tests share: waiting until the app has done what a key asked."""

from __future__ import annotations

from functools import partial

from textual.worker import WorkerCancelled


async def settle(app, pilot, *, rounds: int = 1, pause: float | None = None) -> None:
    """Let thread workers finish and the screen refresh, `rounds` times (a worker's answer
    may start another). `pause`: seconds waited first in each round, so timers fire.

    A search replaced by the next keystroke is a cancelled exclusive worker, which
    `wait_for_complete` reports by raising: that is the app working, so wait again."""
    for _ in range(rounds):
        if pause is not None:
            await pilot.pause(pause)
        for _attempt in range(10):
            try:
                await app.workers.wait_for_complete()
            except WorkerCancelled:
                continue
            break
        await pilot.pause()


settle_twice = partial(settle, rounds=2)
"""`settle` for screens whose load starts a second worker (the request detail)."""
settle_thrice = partial(settle, rounds=3)
"""`settle` for screens that chain three loads (the history: window, count, names)."""
settle_timers = partial(settle, rounds=3, pause=0.02)
"""`settle` that also lets short timers fire (debounced searches, draft saves)."""
