"""F2: the latest keystroke always wins. An older, slower search never overwrites the answer to
the latest one, clearing the box wins over a search still running, and a superseded search is
stopped inside SQLite.
"""

from __future__ import annotations

import threading

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import count_line, make_app, names, rows, settle

from allo_tui.data.backend.sqlite import search
from allo_tui.data.store import Store
from allo_tui.domain.search import SearchToken

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- the latest keystroke always wins ---------------------------------------------------------------


class HeldSearches:
    """A Store whose searches wait until the test lets them answer, in the order it chooses.

    Waiting ignores the cancel token on purpose: a superseded search really does come back
    with a (stale) answer, and only the screen can keep it off the table.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self.calls: list[tuple[str, SearchToken | None, threading.Event, threading.Event]] = []

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def search_callers(self, query: str, limit: int = 50, *, cancel: SearchToken | None = None):
        release, answered = threading.Event(), threading.Event()
        self.calls.append((query, cancel, release, answered))
        release.wait(30)
        try:
            return self._store.search_callers(query, limit)
        finally:
            answered.set()

    def release(self, index: int) -> None:
        """Let search `index` answer and wait until it has."""
        _, _, release, answered = self.calls[index]
        release.set()
        assert answered.wait(30)


async def test_an_older_slower_search_never_overwrites_the_latest(store, operator, directory):
    held = HeldSearches(store)
    app = make_app(held, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"martin")
        await pilot.pause()
        assert [query for query, *_ in held.calls][-1] == "martin"
        # The newest search answers first...
        held.release(len(held.calls) - 1)
        await pilot.pause()
        # ...then every older one, oldest last ("m" matches three callers).
        for index in reversed(range(len(held.calls) - 1)):
            held.release(index)
            await pilot.pause()
        await settle(app, pilot)
        assert held.calls[0][0] == "m"
        assert names(app) == ["MARTIN Paul", "MARTINEZ Ana"]
        # Every superseded search was told to stop; the latest one was not.
        tokens = [token for _, token, *_ in held.calls]
        assert all(token is not None and token.cancelled for token in tokens[:-1])
        assert tokens[-1] is not None and not tokens[-1].cancelled


async def test_clearing_the_box_wins_over_a_search_still_running(store, operator, directory):
    held = HeldSearches(store)
    app = make_app(held, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"zeb", "escape")
        for index in range(len(held.calls)):
            held.release(index)
        await settle(app, pilot)
        assert rows(app) == []
        assert count_line(app).startswith("Tapez un téléphone")


@pytest.mark.backends("sqlite")  # SQLite's own mechanics
async def test_a_superseded_search_is_stopped_inside_sqlite(
    store, operator, directory, monkeypatch
):
    real_find = search.find_callers
    started = threading.Event()
    stopped: list[str] = []

    def endless_for_m(connection, query, limit=50, token=None):
        if query == "m":
            started.set()
            safety = threading.Timer(30, connection.interrupt)
            safety.start()
            try:
                connection.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                    "SELECT count(*) FROM n"
                ).fetchone()
            except BaseException:
                stopped.append("interrupted" if token and token.cancelled else "safety net")
                raise
            finally:
                safety.cancel()
        return real_find(connection, query, limit, token)

    monkeypatch.setattr(search, "find_callers", endless_for_m)
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        started.wait(10)
        await pilot.press("a", "r")
        await settle(app, pilot)
        assert stopped == ["interrupted"]
        assert names(app) == ["MARCHAND Zoé", "MARTIN Paul", "MARTINEZ Ana"]
