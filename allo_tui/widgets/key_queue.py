"""Keys handled one at a time, in the order typed, whatever the speed they arrive at.

Textual hands each key to the widget focused *when the app reads it* and goes on reading: keys
sent with no gap (a paste of keystrokes, a keyboard macro, a caller-ID feed, a hostess typing
faster than a busy frame) are queued on a field before the Enter or Tab typed ahead of them has
moved the focus, and priority keys (Tab, Ctrl+S) are acted on before the keys typed earlier.
"62⇥piton⏎" could become "2piton" in one box.

A screen that owns a `KeyQueue` (attribute `key_queue`) takes every key instead: widgets using
`QueuedKeys` (and the screen itself) put the keys they are handed into the queue, and the screen's
priority actions put themselves in it too (`KeyQueue.put_action`). The queue delivers one item at
a time: a key goes to the widget focused *now*, and the next item waits until that key has been
handled all the way up (the widget, its parents, the app's bindings) and until the screen says
nothing is pending (`KeyQueue.pending`: an Enter waiting for the suggestions it picks from).
A run of printable keys going into one text box (which moves no focus) is handed over in one
go, and waited for once, so a burst of text costs one repaint, not one per key.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.dom import NoScreen
from textual.message_pump import MessagePump
from textual.widgets import Input, OptionList, Select

STEP_WAIT = 2.0
"""Seconds one hop of a key's handling may take before the queue goes on without it."""
PENDING_WAIT = 10.0
"""Seconds the queue waits at most for the screen's pending work (a lost answer never blocks)."""
POLL = 0.005
FAILED = "Touche{what} non prise en compte : {error}"


class KeyQueue:
    """The ordered queue of the keys and priority actions of one screen."""

    def __init__(
        self,
        screen: Any,
        *,
        route: Callable[[events.Key], Awaitable[MessagePump | None]],
        pending: Callable[[], bool] = lambda: False,
    ) -> None:
        self._screen = screen
        self._route = route
        """Where a key goes (usually the focused widget); None: the key was used up."""
        self._pending = pending
        self._items: deque[events.Key | tuple[Callable[..., Any], tuple[Any, ...]]] = deque()
        self._task: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """True while items wait or one is being handled."""
        return self._task is not None

    def put_key(self, event: events.Key) -> None:
        """Take `event` (handed to a widget by the app) to deliver it in its turn."""
        event._set_forwarded()  # when it bubbles up to the app, it is not read again as input
        self._items.append(event)
        self._start()

    def put_action(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run `callback(*args)` (awaited if it is a coroutine) after the items put before."""
        self._items.append((callback, args))
        self._start()

    def close(self) -> None:
        """Drop what waits (the screen is going away)."""
        self._items.clear()
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            while self._items:
                item = self._items.popleft()
                try:
                    if isinstance(item, events.Key):
                        target = await self._deliver(item)
                        if _streams(item, target) and _streams(_peek(self._items), target):
                            continue  # the next key goes to the same box, in its order
                        if target is not None:
                            await _handled(target)
                    else:
                        callback, args = item
                        result = callback(*args)
                        if asyncio.iscoroutine(result):
                            await result
                    await self._wait_pending()
                except Exception as error:  # noqa: BLE001 - one bad key never stops the queue
                    self._report(item, error)
        finally:
            self._task = None

    def _report(self, item: Any, error: Exception) -> None:
        """A key or action that failed is said where the operator looks, and logged."""
        from allo_tui.data.errors import user_message

        self._screen.log.error(f"key queue: {item!r} failed: {error!r}")
        what = f" « {item.key} »" if isinstance(item, events.Key) else ""
        self._screen.notify(
            FAILED.format(what=what, error=user_message(error)), severity="error", markup=False
        )

    async def _deliver(self, event: events.Key) -> MessagePump | None:
        """Hand `event` to where it goes now; returns that widget (None: used up)."""
        target = await self._route(event)
        if target is not None:
            target.post_message(event)
        return target

    async def _wait_pending(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PENDING_WAIT
        while self._pending() and loop.time() < deadline:
            await asyncio.sleep(POLL)


def _peek(items: deque[Any]) -> Any:
    return items[0] if items else None


def _streams(item: Any, target: MessagePump | None) -> bool:
    """A printable key going into a text box: it moves no focus, the next one may follow it
    without waiting (the box handles its keys in order) — unless the box says
    `streams_keys = False` (its keys are routed on what it holds, one by one)."""
    if not isinstance(item, events.Key) or not item.is_printable:
        return False
    if target is None:
        return True
    return _is_text_box(target) and getattr(target, "streams_keys", True)


def _is_text_box(target: MessagePump) -> bool:
    """An `Input` or a `TextArea` — the latter looked up only once some screen has loaded it
    (the lookup screen has none: Textual's `TextArea` stays off the start-up path)."""
    if isinstance(target, Input):
        return True
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(target, text_area.TextArea)


async def _handled(target: MessagePump) -> None:
    """Return once the keys handed to `target` were handled all the way up: each node of the
    bubbling path, then the app's bindings (the app is last)."""
    node: MessagePump | None = target
    while node is not None:
        await after_queued(node)
        node = node._parent


async def after_queued(node: MessagePump) -> None:
    """Return once `node` has handled what was in its queue before this call (at most
    `STEP_WAIT` seconds): e.g. the keys typed before a priority key acted on at once."""
    if node._closed or node._closing:
        return
    done = asyncio.get_running_loop().create_future()

    def mark() -> None:
        if not done.done():
            done.set_result(None)

    node.call_later(mark)
    try:
        await asyncio.wait_for(done, STEP_WAIT)
    except TimeoutError:
        pass


class QueuedKeys:
    """Mixin for a widget: on a screen with a `key_queue`, keys go through that queue."""

    def _forward_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            try:
                queue = getattr(self.screen, "key_queue", None)  # type: ignore[attr-defined]
            except NoScreen:
                queue = None
            if queue is not None:
                queue.put_key(event)
                return
        super()._forward_event(event)  # type: ignore[misc]


class QueuedSelect(QueuedKeys, Select):
    """A `Select` whose keys go through the screen's key queue."""


class QueuedOptionList(QueuedKeys, OptionList):
    """An `OptionList` whose keys go through the screen's key queue."""


__all__ = ["KeyQueue", "QueuedKeys", "QueuedOptionList", "QueuedSelect", "after_queued"]
