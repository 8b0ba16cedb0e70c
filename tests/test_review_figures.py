"""The review's series, per-service table, "procedures to revise", neighbourhoods, streets and
calls without request, on a database built here with known content (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from backends import ALL_BACKENDS
from store_helpers import request_for

from allo_tui.domain.actions import Action
from allo_tui.domain.records import CallInfo, CallOutcome
from allo_tui.domain.review import (
    between,
    buckets,
    month_of,
    parse_period,
    review_tables,
    year_of,
)

BACKENDS = ALL_BACKENDS
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OCTOBER = month_of(date(2026, 10, 1))


def _made(store, who, at: datetime, code: str = "VOIRIE", **fields):
    store.clock.set(at)
    return store.create_request(
        who, request_for(store, code, "Signalement", **fields), CallInfo(started_at=at)
    )


def _act(store, who, request, action: Action, at: datetime, **options):
    store.clock.set(at)
    current = store.get_request(request.id)
    return store.apply(who, request.id, action, expected_version=current.version, **options)


def _table(tables, name: str):
    return next(table for table in tables if table.name == name)


# -- periods -------------------------------------------------------------------------------


def test_a_month_is_cut_in_weeks_and_a_year_in_months() -> None:
    weeks = buckets(OCTOBER)
    assert weeks[0] == ("S40 01/10", date(2026, 10, 1), date(2026, 10, 4))  # Thu to Sun
    assert weeks[1][1:] == (date(2026, 10, 5), date(2026, 10, 11))
    assert weeks[-1][1:] == (date(2026, 10, 26), date(2026, 10, 31))
    assert len(weeks) == 5
    months = buckets(year_of(2026))
    assert [label for label, _first, _last in months][:2] == ["janvier 2026", "février 2026"]
    assert months[-1][1:] == (date(2026, 12, 1), date(2026, 12, 31))


def test_two_dates_typed_on_the_screen() -> None:
    today = date(2026, 12, 5)
    assert parse_period("01/01/2026 au 30/06/2026", today) == between(
        date(2026, 1, 1), date(2026, 6, 30)
    )
    assert parse_period("1/3 - 15/3", today) == between(date(2026, 3, 1), date(2026, 3, 15))
    for typed, says in (
        ("01/01/2026", "deux dates"),
        ("30/06/2026 au 01/01/2026", "précède"),
        ("31/02/2026 au 01/03/2026", "n'existe pas"),
        ("[bold]x[/] 01/01 au 02/01", "deux dates"),
    ):
        with pytest.raises(ValueError, match=says):
            parse_period(typed, today)


# -- figures -------------------------------------------------------------------------------


def test_calls_and_requests_per_week_and_calls_without_request(store, admin) -> None:
    monday = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # 10:00 in Paris
    _made(store, admin, monday)
    _made(store, admin, monday + timedelta(days=1))
    _made(store, admin, monday + timedelta(days=7))
    for outcome, minutes in (
        (CallOutcome.INFORMATION, 10),
        (CallOutcome.INFORMATION, 20),
        (CallOutcome.WRONG_NUMBER, 30),
    ):
        at = monday + timedelta(minutes=minutes)
        store.clock.set(at + timedelta(minutes=2))
        store.log_call(admin, CallInfo(started_at=at), outcome)
    # Sunday 11 October 23:30 in Paris is still week 41, in UTC already Sunday 21:30.
    late = datetime(2026, 10, 11, 21, 30, tzinfo=UTC)
    store.clock.set(late + timedelta(minutes=1))
    store.log_call(admin, CallInfo(started_at=late), CallOutcome.HUNG_UP)
    figures = store.review(OCTOBER, now=NOW)
    assert figures.calls == 7 and figures.requests == 3
    steps = {step.label: (step.calls, step.requests) for step in figures.series}
    assert steps["S41 05/10"] == (6, 2)
    assert steps["S42 12/10"] == (1, 1)
    assert steps["S40 01/10"] == (0, 0)
    assert figures.calls_without_request == {
        "information": 2,
        "wrong_number": 1,
        "hung_up": 1,
    }
    tables = review_tables(figures, store.review(OCTOBER.previous(), now=NOW))
    without = _table(tables, "appels_sans_demande")
    assert without.columns[1] == "Appels"
    assert without.rows[0] == ("Information donnée", 2, 0)


def test_neighbourhoods_and_top_streets(store, admin) -> None:
    at = datetime(2026, 10, 6, 8, 0, tzinfo=UTC)
    for street, neighbourhood in (
        ("Rue du Temple", "Centre-ville"),
        ("Rue du Temple", "Centre-ville"),
        ("Rue de Paris", "Centre-ville"),
        ("Allée Paul Bert", "Rive droite"),
    ):
        _made(store, admin, at, street=street, neighbourhood=neighbourhood)
    _made(store, admin, at)  # no place given
    figures = store.review(OCTOBER, now=NOW)
    assert figures.by_neighbourhood == {"Centre-ville": 3, "Rive droite": 1, "": 1}
    tables = review_tables(figures, store.review(OCTOBER.previous(), now=NOW))
    streets = _table(tables, "rues")
    assert streets.rows[0] == ("Rue du Temple", 2, 0)
    assert {row[0] for row in streets.rows} == {
        "Rue du Temple",
        "Rue de Paris",
        "Allée Paul Bert",
        "(non renseigné)",
    }
    assert _table(tables, "quartiers").rows[0] == ("Centre-ville", 3, 0)


def test_per_service_and_procedures_to_revise(store, admin) -> None:
    monday = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
    done = _made(store, admin, monday, urgency=3)
    _act(store, admin, done, Action.DONE, monday + timedelta(hours=30), outcome_code="REPARE")
    sent_back = _made(store, admin, monday, urgency=3)
    _act(store, admin, sent_back, Action.SEND_BACK, monday + timedelta(days=2), text="Pas nous")
    late = _made(store, admin, monday, urgency=1)  # 1 hour target, never done: late
    tags = _made(store, admin, monday + timedelta(days=7), "TAGS")
    _act(store, admin, tags, Action.DONE, monday + timedelta(days=8), outcome_code="REPARE")
    _act(store, admin, tags, Action.CLOSE, monday + timedelta(days=8, hours=1), text="Effacé")
    _act(store, admin, tags, Action.REOPEN, monday + timedelta(days=9), text="Revenu")
    original = _made(store, admin, monday + timedelta(days=10), "TAGS")
    twin = _made(store, admin, monday + timedelta(days=10), "TAGS", duplicate_of_id=original.id)
    assert late.intervention_due_at < NOW and twin.id
    figures = store.review(OCTOBER, now=NOW)
    voirie = figures.services["Voirie"]
    # Received counts by the service a request has now: the one sent back has none.
    assert (voirie.received, voirie.done, voirie.late, voirie.sent_back) == (2, 1, 1, 1)
    assert figures.services[""].received == 1
    assert voirie.to_done.median_hours == 30.0
    tables = review_tables(figures, store.review(OCTOBER.previous(), now=NOW))
    per_service = {row[0]: row for row in _table(tables, "services").rows}
    assert per_service["Voirie"][:6] == ("Voirie", 2, 1, 1, 30.0, 1)
    assert per_service["(aucun)"][1] == 1
    procedures = {row[0]: row[1:] for row in _table(tables, "procedures").rows}
    voirie_label = next(k for k in procedures if k.startswith("Voirie"))
    tags_label = next(k for k in procedures if k.startswith("Tags"))
    # late (the urgency-1 one and the one sent back, both never done), reopened, sent back,
    # duplicates, total
    assert procedures[voirie_label] == (2, 0, 1, 0, 3)
    late_tags, reopened, tags_sent_back, duplicates, total = procedures[tags_label]
    assert (reopened, tags_sent_back, duplicates) == (1, 0, 1)
    assert total == late_tags + 2


def test_backlog_over_time_counts_a_request_open_until_done_or_ended(store, admin) -> None:
    monday = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
    before = _made(store, admin, datetime(2026, 9, 20, 8, 0, tzinfo=UTC))  # open since Sept.
    done = _made(store, admin, monday)
    _act(store, admin, done, Action.DONE, monday + timedelta(days=8), outcome_code="REPARE")
    rejected = _made(store, admin, monday)
    _act(
        store,
        admin,
        rejected,
        Action.REJECT,
        monday + timedelta(days=1),
        reason_code="HORS_COMPETENCE",
    )
    _made(store, admin, monday + timedelta(days=14))
    figures = store.review(OCTOBER, now=NOW)
    open_at_end = {step.label: step.open_at_end for step in figures.series}
    assert before.id and open_at_end == {
        "S40 01/10": 1,
        "S41 05/10": 2,  # before + done (done on the 13th); rejected ended on the 6th
        "S42 12/10": 1,
        "S43 19/10": 2,
        "S44 26/10": 2,
    }
    stock = figures.backlog_ages  # at the end of October: both older than 10 days
    assert stock == {"< 48 h": 0, "48 h – 10 j": 0, "> 10 j": 2}
