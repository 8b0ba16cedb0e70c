"""The review's kept per-day figures always equal a count from the rows: after a requalify,
a bulk action, an import, a later acknowledgement, a reopening, a merge-free GDPR purge, a
renamed category, a new calendar, a copy to another database and the passing of midnight
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from backends import ALL_BACKENDS
from conftest import ZEBULON
from store_helpers import category_id, request_for

from allo_tui.data.store.site_settings import set_setting
from allo_tui.domain.actions import Action
from allo_tui.domain.bulk import MarkedRequest
from allo_tui.domain.import_mapping import ImportedRequest
from allo_tui.domain.records import CallInfo, CallOutcome, Channel, Status
from allo_tui.domain.review import month_of, quarter_of, year_of

BACKENDS = ALL_BACKENDS
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PERIODS = (month_of(date(2026, 10, 1)), quarter_of(date(2026, 10, 1)), year_of(2026))


def _made(store, who, at: datetime, code: str = "VOIRIE", **fields):
    store.clock.set(at)
    return store.create_request(
        who, request_for(store, code, "Signalement", **fields), CallInfo(started_at=at)
    )


def _act(store, who, request_id: int, action: Action, at: datetime, **options):
    store.clock.set(at)
    version = store.get_request(request_id).version
    return store.apply(who, request_id, action, expected_version=version, **options)


def _assert_kept_equal_rows(store, now: datetime = NOW) -> None:
    store.clock.set(now)
    for period in PERIODS:
        kept = store.review(period, now)
        assert kept == store.review_from_rows(period, now), period


def _kept_days(store) -> int:
    with store._read() as connection:
        return connection.execute("SELECT count(*) FROM review_days").fetchone()[0]


def _history(store, admin):
    caller = store.create_caller(admin, ZEBULON)
    monday = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
    made = [
        _made(store, admin, monday + timedelta(days=d, hours=d), caller_id=caller.id)
        for d in range(6)
    ]
    _made(store, admin, monday + timedelta(days=20), "TAGS", street="Rue du Temple")
    _act(store, admin, made[0].id, Action.DONE, monday + timedelta(days=2), outcome_code="REPARE")
    calls = [monday + timedelta(days=1, minutes=minutes) for minutes in (5, 50, 600)]
    # The nights of the daylight-saving changes, and a call just before midnight in Paris.
    calls += [
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 31, 22, 59, tzinfo=UTC),
    ]
    for at in calls:
        store.clock.set(at + timedelta(minutes=3))
        store.log_call(admin, CallInfo(started_at=at), CallOutcome.INFORMATION)
    _made(store, admin, datetime(2026, 10, 25, 1, 30, tzinfo=UTC), caller_id=caller.id)
    return caller, made


def test_kept_days_are_written_and_read_back_equal(store, admin) -> None:
    _history(store, admin)
    _assert_kept_equal_rows(store)
    assert _kept_days(store) >= 7
    with store._read() as connection:
        assert connection.execute("SELECT count(*) FROM review_dirty").fetchone()[0] == 0


def test_changes_after_the_days_were_kept(store, admin, supervisor) -> None:
    caller, made = _history(store, admin)
    _assert_kept_equal_rows(store)
    later = NOW - timedelta(days=10)

    # A requalified request moves to its new category on the day it was made.
    store.clock.set(later)
    request = store.get_request(made[1].id)
    store.requalify(
        supervisor,
        request.id,
        expected_version=request.version,
        category_id=category_id(store, "TAGS"),
        service_id=None,
        urgency=2,
        text="C'était un tag",
    )
    _assert_kept_equal_rows(store)
    october = store.review(PERIODS[0], NOW)
    assert sum(v for k, v in october.by_category.items() if k.startswith("Tags")) == 2

    # A bulk rejection, a late acknowledgement and a reopening.
    marked = [MarkedRequest(r.id, r.reference, store.get_request(r.id).version) for r in made[2:4]]
    store.clock.set(later + timedelta(hours=1))
    result = store.apply_bulk(supervisor, marked, Action.REJECT, reason_code="HORS_COMPETENCE")
    assert len(result.done) == 2
    _act(store, admin, made[4].id, Action.ACKNOWLEDGE, later + timedelta(hours=2), how="phone")
    _act(store, supervisor, made[2].id, Action.REOPEN, later + timedelta(hours=3), text="Revenu")
    _assert_kept_equal_rows(store)

    # An import of requests made and closed in October.
    imported = ImportedRequest(
        external_id="X-1",
        created_at=datetime(2026, 10, 14, 9, 0, tzinfo=UTC),
        closed_at=datetime(2026, 10, 16, 9, 0, tzinfo=UTC),
        category="VOIRIE",
        service=None,
        status=Status.CLOSED,
        channel=Channel.WEB,
        urgency=3,
        street="Rue de Paris",
        street_number="1",
        latitude=None,
        longitude=None,
        description="Trou",
        original="{}",
    )
    store.clock.set(later + timedelta(hours=4))
    store.import_requests(admin, [(2, imported)], "test.csv")
    _assert_kept_equal_rows(store)
    assert store.review(PERIODS[0], NOW).by_channel.get("web") == 1

    # The caller's wish for no contact takes their requests out of the acknowledgement rate.
    store.clock.set(later + timedelta(hours=5))
    with store._write() as connection:
        connection.execute(
            "UPDATE callers SET contact_preference = 'none' WHERE id = ?", (caller.id,)
        )
    _assert_kept_equal_rows(store)
    assert store.review(PERIODS[0], NOW).acknowledgement.total == 0


def test_gdpr_purge_changes_no_figure(store, admin) -> None:
    caller, _made = _history(store, admin)
    _assert_kept_equal_rows(store)
    before = {period: store.review(period, NOW) for period in PERIODS}
    store.clock.set(NOW)
    store.erase_caller(admin, caller.id, "Demande de l'intéressé", force=True)
    _assert_kept_equal_rows(store)
    for period in PERIODS:
        after = store.review(period, NOW)
        assert after.by_category == before[period].by_category
        assert after.calls == before[period].calls


def test_a_renamed_category_and_a_new_calendar_count_every_day_again(store, admin) -> None:
    _history(store, admin)
    assert store.review_counts_everything()  # never counted: F8 says it will take a while
    _assert_kept_equal_rows(store)
    assert not store.review_counts_everything()
    with store._write() as connection:
        connection.execute("UPDATE categories SET label = 'Chaussée' WHERE code = 'VOIRIE'")
    assert store.review_counts_everything()
    _assert_kept_equal_rows(store)
    assert "Chaussée" in store.review(PERIODS[0], NOW).by_category
    open_before = store.review(PERIODS[0], NOW).calls_open_hours
    store.clock.set(NOW)
    set_setting(store, admin, "opening_hours", "lun-ven 10:00-12:00")
    store.refresh_settings()
    _assert_kept_equal_rows(store)
    assert store.review(PERIODS[0], NOW).calls_open_hours < open_before


def test_midnight_turns_today_into_a_kept_day(store, admin) -> None:
    _history(store, admin)
    evening = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)  # 22:00 in Paris
    _made(store, admin, evening)
    _assert_kept_equal_rows(store, evening + timedelta(minutes=1))
    with store._read() as connection:
        assert (
            connection.execute(
                "SELECT count(*) FROM review_days WHERE day = '2026-12-01'"
            ).fetchone()[0]
            == 0
        )
    next_morning = evening + timedelta(hours=12)
    _assert_kept_equal_rows(store, next_morning)
    with store._read() as connection:
        assert (
            connection.execute("SELECT made FROM review_days WHERE day = '2026-12-01'").fetchone()[
                0
            ]
            >= 1
        )


def test_a_copied_database_keeps_the_same_figures(store, admin, tmp_path) -> None:
    from allo_tui.data.copy import copy_database
    from allo_tui.data.store import Store

    _history(store, admin)
    _assert_kept_equal_rows(store)
    source = store.path if store.path is not None else store.backend.url
    copy = tmp_path / "copie.sqlite3"
    copy_database(source, copy)
    copied = Store(copy, clock=store.clock)
    try:
        for period in PERIODS:
            assert copied.review(period, NOW) == store.review(period, NOW)
            assert copied.review(period, NOW) == copied.review_from_rows(period, NOW)
    finally:
        copied.close()


def test_a_save_while_every_day_is_counted_waits_for_one_run_and_is_not_lost(store, admin):
    _history(store, admin)
    saved = []

    def progress(done: int, total: int) -> None:
        # Called between two runs: the write lock is free, and this day was counted already.
        if not saved:
            saved.append(_made(store, admin, datetime(2026, 3, 30, 9, 0, tzinfo=UTC)))

    store.clock.set(NOW)
    counted = store.rebuild_review(progress)
    assert saved and counted > 31  # more than one run
    _assert_kept_equal_rows(store)
    march = store.review(month_of(date(2026, 3, 1)), NOW)
    assert march.requests == 1
