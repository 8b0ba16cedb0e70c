"""Waiting on the event loop for something another task or a worker's answer sets."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def wait_until(condition: Callable[[], bool], seconds: float) -> None:
    """Return once `condition()` holds, or after `seconds` (looked at every 10 ms)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not condition() and loop.time() < end:
        await asyncio.sleep(0.01)
