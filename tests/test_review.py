"""The review's figures on a database built here with known content (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from backends import ALL_BACKENDS
from conftest import ZEBULON, category

from allo_tui.data.rows import db_time
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.records import CallInfo, CallOutcome, NewCaller, NewRequest
from allo_tui.domain.review import (
    PeriodKind,
    between,
    last_month,
    month_of,
    percentile,
    quarter_of,
    year_of,
)

BACKENDS = ALL_BACKENDS


def _request(store, who, at: datetime, *, caller_id=None, urgency=None):
    store.clock.set(at)
    new = NewRequest(
        category_id=category(store, "VOIRIE").id,
        description="nid de poule",
        caller_id=caller_id,
        urgency=urgency,
    )
    return store.create_request(who, new, CallInfo(started_at=at))


def _update(store, request_id: int, **values) -> None:
    columns = ", ".join(f"{name} = ?" for name in values)
    stored = [db_time(v) if isinstance(v, datetime) else v for v in values.values()]
    with store._write() as connection:
        connection.execute(f"UPDATE requests SET {columns} WHERE id = ?", (*stored, request_id))


# -- periods --------------------------------------------------------------------------------


def test_periods_and_their_previous() -> None:
    assert month_of(date(2026, 3, 15)).first == date(2026, 3, 1)
    assert month_of(date(2026, 2, 10)).last == date(2026, 2, 28)
    assert last_month(date(2026, 1, 5)) == month_of(date(2025, 12, 1))
    assert month_of(date(2026, 3, 1)).previous().last == date(2026, 2, 28)
    q = quarter_of(date(2026, 5, 20))
    assert (q.first, q.last, q.kind) == (date(2026, 4, 1), date(2026, 6, 30), PeriodKind.QUARTER)
    assert q.previous().first == date(2026, 1, 1)
    assert year_of(2026).previous() == year_of(2025)
    r = between(date(2026, 3, 10), date(2026, 3, 19))
    assert (r.previous().first, r.previous().last) == (date(2026, 2, 28), date(2026, 3, 9))


def test_bounds_follow_paris_daylight_saving() -> None:
    calendar = SiteCalendar()
    start, end = month_of(date(2026, 3, 1)).bounds(calendar)
    assert start == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # winter time
    assert end == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # summer time from 29 March


def test_percentiles() -> None:
    assert percentile([], 0.5) is None
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([float(i) for i in range(1, 11)], 0.9) == pytest.approx(9.1)


# -- figures from the store ------------------------------------------------------------------


def test_seven_requests_two_acknowledged_late(store, admin) -> None:
    caller = store.create_caller(admin, ZEBULON)
    quiet = store.create_caller(admin, NewCaller(surname="Muet", contact_preference="none"))
    base = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # Monday 10:00 in Paris
    made = []
    for day in range(7):
        made.append(_request(store, admin, base + timedelta(days=day), caller_id=caller.id))
    for index, request in enumerate(made):
        due = request.ack_due_at
        late = index < 2
        _update(store, request.id, acknowledged_at=due + timedelta(hours=1 if late else -1))
    # Anonymous and no-contact requests never count in acknowledgement figures.
    _request(store, admin, base)
    _request(store, admin, base, caller_id=quiet.id)
    figures = store.review(month_of(date(2026, 10, 1)), now=datetime(2026, 12, 1, tzinfo=UTC))
    assert figures.acknowledgement.total == 7
    assert figures.acknowledgement.late == 2
    assert figures.acknowledgement.percent == 71.4
    assert figures.volume_estimate == 4000
    assert sum(figures.by_category.values()) == 9
    assert sum(figures.by_service.values()) == 9
    assert figures.by_channel == {"phone": 9}


def test_open_past_due_is_late_and_urgency_4_left_out(store, admin) -> None:
    caller = store.create_caller(admin, ZEBULON)
    at = datetime(2026, 10, 6, 8, 0, tzinfo=UTC)
    open_one = _request(store, admin, at, caller_id=caller.id, urgency=1)
    done_one = _request(store, admin, at, caller_id=caller.id, urgency=1)
    _request(store, admin, at, caller_id=caller.id, urgency=4)
    _update(store, done_one.id, status="done", closed_at=at + timedelta(hours=1))
    with store._write() as connection:
        connection.execute(
            "INSERT INTO events (request_id, at, operator_id, kind, old_value, new_value, note)"
            " VALUES (?, ?, ?, 'status', 'new', 'done', '')",
            (done_one.id, db_time(at + timedelta(hours=1)), admin.id),
        )
    assert open_one.intervention_due_at is not None
    figures = store.review(month_of(date(2026, 10, 1)), now=datetime(2026, 12, 1, tzinfo=UTC))
    assert set(figures.intervention) == {1}
    assert (figures.intervention[1].on_time, figures.intervention[1].late) == (1, 1)
    assert figures.intervention[1].percent == 50.0
    assert figures.to_intervene.median_hours == 1.0
    assert figures.backlog_ages["> 10 j"] >= 1


def test_a_request_counts_in_the_period_it_was_due(store, admin) -> None:
    caller = store.create_caller(admin, ZEBULON)
    # Made Friday 30 October at 16:00 Paris: acknowledgement due on a November working day
    # (1 November is All Saints' Day, a Sunday this year; 2 November is a Monday).
    request = _request(store, admin, datetime(2026, 10, 30, 15, 0, tzinfo=UTC), caller_id=caller.id)
    assert request.ack_due_at.month == 11
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert store.review(month_of(date(2026, 10, 1)), now=now).acknowledgement.total == 0
    assert store.review(month_of(date(2026, 11, 1)), now=now).acknowledgement.late == 1


def test_calls_straddling_midnight_outside_hours_and_holidays(store, admin) -> None:
    def call(at: datetime) -> None:
        store.clock.set(at + timedelta(minutes=10))
        store.log_call(admin, CallInfo(started_at=at), CallOutcome.INFORMATION)

    call(datetime(2026, 10, 5, 7, 40, tzinfo=UTC))  # Monday 09:40 Paris: open
    call(datetime(2026, 10, 5, 7, 50, tzinfo=UTC))  # Monday 09:50 Paris: same half-hour
    call(datetime(2026, 10, 31, 22, 55, tzinfo=UTC))  # Saturday 31st 23:55 Paris: outside
    call(datetime(2026, 11, 11, 9, 0, tzinfo=UTC))  # Armistice (holiday), November: not counted
    call(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # night of the DST change: outside
    figures = store.review(month_of(date(2026, 10, 1)), now=datetime(2026, 12, 1, tzinfo=UTC))
    assert figures.calls_open_hours == 2
    assert figures.calls_outside_hours == 2
    assert figures.busy_hours == {(0, "09:30"): 2}
    november = store.review(month_of(date(2026, 11, 1)), now=datetime(2026, 12, 1, tzinfo=UTC))
    assert november.calls_open_hours == 0
    assert november.calls_outside_hours == 1  # the holiday


# -- allo report ------------------------------------------------------------------------------


def test_report_html_and_csv_agree_with_the_store(store, admin, db_path, tmp_path) -> None:
    from click.testing import CliRunner

    from allo_tui.cli import main
    from allo_tui.domain.review import review_tables

    caller = store.create_caller(admin, ZEBULON)
    base = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
    made = [_request(store, admin, base + timedelta(days=d), caller_id=caller.id) for d in range(7)]
    for index, request in enumerate(made):
        late = timedelta(hours=1 if index < 2 else -1)
        _update(store, request.id, acknowledged_at=request.ack_due_at + late)
    out = tmp_path / "bilan"
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(db_path),
            "--operator",
            "admin",
            "report",
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    period = between(date(2026, 10, 1), date(2026, 10, 31))
    now = datetime.now(UTC)
    tables = review_tables(store.review(period, now), store.review(period.previous(), now))
    raw = (out / "delais.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[1].split(";")[:4] == ["Accusé de réception", "7", "2", "71,4"]
    page = (out / "bilan.html").read_text(encoding="utf-8")
    assert (
        "<svg" in page
        and "71,4" in page
        and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert "01/10/2026" in page
    import csv
    import html

    from allo_tui.cli.csv_fr import cell
    from allo_tui.domain.review import cell_text

    for table in tables:
        with (out / f"{table.name}.csv").open(encoding="utf-8-sig", newline="") as stream:
            read = list(csv.reader(stream, delimiter=";"))
        assert read[0] == list(table.columns)
        assert read[1:] == [[cell(value) for value in row] for row in table.rows], table.name
        section = page.split(f'<section id="{table.name}">', 1)[1].split("</section>", 1)[0]
        for row in table.rows:
            for value in row:
                assert html.escape(cell_text(value)) in section, (table.name, value)
