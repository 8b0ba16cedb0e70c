"""The call in progress: when it started, and what it hands to the new-request form once."""

from __future__ import annotations

from datetime import UTC, datetime

from allo_tui.domain.call import CallInProgress
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import CallerRecord

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def make_call() -> tuple[CallInProgress, FixedClock]:
    clock = FixedClock(START)
    return CallInProgress(clock, "console-1"), clock


def test_a_call_keeps_the_time_it_started_until_it_ends() -> None:
    call, clock = make_call()
    assert call.started_at is None
    call.start()
    clock.advance(minutes=2)
    call.start()  # typing more for the same call does not restart it
    assert call.started_at == START
    call.end()
    assert call.started_at is None
    call.start()
    assert call.started_at == clock.now(), "the next call starts afresh"


def test_the_call_saved_is_started_now_when_none_was() -> None:
    call, clock = make_call()
    clock.advance(seconds=30)
    info = call.info("06 12 34 56 78")
    assert (info.started_at, info.console, info.phone) == (
        clock.now(),
        "console-1",
        "06 12 34 56 78",
    )
    assert call.started_at == clock.now()


def test_a_restored_draft_goes_on_with_the_call_it_was_typed_in() -> None:
    call, _ = make_call()
    call.start()
    earlier = datetime(2026, 11, 24, 8, 55, tzinfo=UTC)
    call.resume(earlier)
    assert call.info().started_at == earlier


def test_the_chosen_caller_starts_the_call_and_is_taken_once() -> None:
    call, _ = make_call()
    caller = CallerRecord(id=7, surname="Dupont", given_name="Jeanne")
    call.attach_caller(caller)
    assert call.started_at == START
    assert call.take_caller() is caller
    assert call.take_caller() is None


def test_a_draft_held_for_the_form_is_taken_once() -> None:
    call, _ = make_call()
    assert call.take_draft() is None
    call.hold_draft({"description": "Lampadaire éteint"})
    assert call.take_draft() == {"description": "Lampadaire éteint"}
    assert call.take_draft() is None
