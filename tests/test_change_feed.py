"""The change feed tells a board that requests changed, and only then (DESIGN §6, live updates)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ALL_BACKENDS

from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import CallInfo, CallOutcome, NewCaller, NewRequest
from allo_tui.domain.workflow import Action

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

CALL = CallInfo(started_at=datetime(2026, 11, 24, 8, 58, tzinfo=UTC), console="poste-2")


@pytest.fixture
def other_console(db_path: Path, clock: FixedClock):
    """A second console on the same file, with its own engine."""
    other = Store(db_path, clock=clock)
    yield other
    other.close()


@pytest.fixture
def feed(store: Store, admin):
    """The board's feed, polled once so it has its starting point."""
    feed = store.change_feed()
    assert feed.changed() is False
    yield feed
    feed.close()


def new_request(store: Store, description: str = "Nid de poule") -> NewRequest:
    return NewRequest(category_id=store.find_category("VOIRIE").id, description=description)


def test_nothing_changed_means_no_reload(feed):
    assert feed.changed() is False
    assert feed.changed() is False


def test_a_request_created_on_another_console_is_seen_once(feed, other_console: Store, operator):
    other_console.create_request(operator, new_request(other_console), CALL)

    assert feed.changed() is True
    assert feed.changed() is False


def test_a_request_created_by_the_same_store_is_seen(feed, store: Store, operator):
    store.create_request(operator, new_request(store))

    assert feed.changed() is True


def test_several_commits_between_two_polls_are_seen_once(feed, other_console: Store, operator):
    for index in range(3):
        other_console.create_request(operator, new_request(other_console, f"n° {index}"))

    assert feed.changed() is True
    assert feed.changed() is False


def test_saving_a_draft_does_not_reload_the_board(feed, other_console: Store, operator, clock):
    other_console.save_draft(operator, "poste-2", {"description": "Nid de"})
    clock.advance(seconds=5)
    other_console.heartbeat(operator, "poste-2")

    assert feed.changed() is False


def test_logging_a_call_does_not_reload_the_board(feed, other_console: Store, operator):
    other_console.log_call(operator, CALL, CallOutcome.WRONG_NUMBER)
    other_console.log_call(operator, CALL, CallOutcome.INFORMATION)

    assert feed.changed() is False


def test_a_new_caller_alone_does_not_reload_the_board(feed, other_console: Store, operator):
    other_console.create_caller(operator, NewCaller(surname="Zébulon", given_name="Éléonore"))

    assert feed.changed() is False


def test_a_status_change_is_seen(feed, store: Store, other_console: Store, operator, clock):
    request = store.create_request(operator, new_request(store))
    assert feed.changed() is True
    clock.advance(minutes=3)

    other_console.apply(operator, request.id, Action.ACKNOWLEDGE, expected_version=1)

    assert feed.changed() is True
    assert feed.changed() is False


def test_a_draft_save_after_a_change_does_not_hide_it(feed, other_console: Store, operator):
    # The change and then an unrelated write land between two polls: the change still shows.
    other_console.create_request(operator, new_request(other_console))
    other_console.save_draft(operator, "poste-2", {"description": "suite"})

    assert feed.changed() is True


def test_a_feed_on_the_callers_counter_sees_new_callers(
    store: Store, other_console: Store, operator
):
    callers_feed = store.change_feed("callers")
    try:
        assert callers_feed.changed() is False
        other_console.create_caller(operator, NewCaller(surname="Le Goff", given_name="Yann"))
        assert callers_feed.changed() is True
        other_console.save_draft(operator, "poste-2", {})
        assert callers_feed.changed() is False
    finally:
        callers_feed.close()


def test_a_closed_feed_reconnects_on_the_next_poll(feed, other_console: Store, operator):
    feed.close()

    assert feed.changed() is False
    other_console.create_request(operator, new_request(other_console))
    assert feed.changed() is True


def test_a_change_made_while_the_feed_was_closed_is_still_reported(
    feed, other_console: Store, operator
):
    feed.close()  # what changed() does after an sqlite3 error
    other_console.create_request(operator, new_request(other_console))

    assert feed.changed() is True
