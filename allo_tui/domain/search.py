"""What a caller search returns and how it is stopped, whatever the database engine.

A search runs in a worker thread; the lookup screen cancels it when a newer keystroke makes it
useless. The backend running it registers how to interrupt its statement (`interrupting`), so
`cancel()` frees the database at once instead of letting the statement run to its end.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from allo_tui.domain.text import fold

_TOKEN = re.compile(r"[^\W_]+")


class SearchCancelled(Exception):
    """The search was superseded (a newer keystroke) and stopped before its end."""


class SearchToken:
    """Lets one thread stop a search another thread is running.

    Pass a fresh token to each search; call `cancel()` (from any thread, never blocking on
    the database) when the search is no longer wanted. The search then raises
    `SearchCancelled` at its next check or from inside the statement it is running.
    """

    def __init__(self) -> None:
        self._cancelled = False
        self._lock = threading.Lock()
        self._interrupt: Callable[[], None] | None = None

    @property
    def cancelled(self) -> bool:
        """True once `cancel()` was called."""
        return self._cancelled

    def cancel(self) -> None:
        """Stop the search: raise at the next check, interrupt the running statement."""
        with self._lock:
            self._cancelled = True
            if self._interrupt is not None:
                self._interrupt()

    def check(self) -> None:
        """Raise `SearchCancelled` when the search was cancelled."""
        if self._cancelled:
            raise SearchCancelled

    @contextmanager
    def interrupting(self, interrupt: Callable[[], None]) -> Iterator[None]:
        """Inside this block, `cancel()` also calls `interrupt` (which stops the statement
        running on the search's connection). Forgotten on exit, so a late `cancel()` never
        interrupts the next user of a pooled connection."""
        self.check()
        with self._lock:
            self._interrupt = interrupt
        try:
            yield
        finally:
            with self._lock:
                self._interrupt = None


@dataclass(frozen=True, slots=True)
class CallerMatches:
    """Caller ids best first (at most the requested limit) and the capped match count."""

    ids: tuple[int, ...]
    total: int
    capped: bool


NO_MATCH = CallerMatches(ids=(), total=0, capped=False)


def search_tokens(text: str) -> list[str]:
    """The words of `text` as the search indexes hold them: `fold`ed, then cut into runs of
    letters and digits (as SQLite FTS5's `unicode61` tokenizer cuts them).

    Accents are dropped (also when typed decomposed), case is lowered, compatibility forms
    become plain letters ("ﬁ" -> "fi", "ＡＢ" -> "ab"), anything that is neither a letter nor
    a digit separates words: "N'Diaye" -> ["n", "diaye"], "zéb*" -> ["zeb"], "Saint-Just" ->
    ["saint", "just"].
    """
    return _TOKEN.findall(fold(text))
