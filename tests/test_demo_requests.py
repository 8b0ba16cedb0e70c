"""The demo data generator: its requests (references, the board's urgencies and late rows, the
status mix, the catalogue, the calendar's due dates, opening hours) and their consistent
histories of events in working hours.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from demo_helpers import (
    NOW,
    NOW_TEXT,
    OPEN,
    PARIS,
    read_only,
)

from allo_tui.demo.examples import FORMER

# -- requests -----------------------------------------------------------------------------------


def test_references_unique_and_sequential_per_year(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        rows = connection.execute(
            "SELECT reference, ref_year, ref_seq, created_at FROM requests ORDER BY created_at, id"
        ).fetchall()
        counters = dict(connection.execute("SELECT year, last FROM reference_counters"))
    assert len({row[0] for row in rows}) == len(rows)
    last_seq: dict[int, int] = {}
    for reference, year, seq, created in rows:
        assert reference == f"{year}-{seq:05d}"
        local_year = datetime.fromisoformat(created).replace(tzinfo=UTC).astimezone(PARIS).year
        assert year == local_year
        assert seq == last_seq.get(year, 0) + 1, reference
        last_seq[year] = seq
    assert counters == last_seq


def test_board_has_open_requests_at_every_urgency_some_late(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        rows = connection.execute(
            "SELECT urgency, count(*), sum(intervention_due_at < ?) FROM requests"
            " WHERE status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
            " GROUP BY urgency",
            (NOW_TEXT,),
        ).fetchall()
        recent = connection.execute(
            "SELECT count(*) FROM requests WHERE status IN"
            " ('new', 'acknowledged', 'assigned', 'in_progress') AND created_at > ?",
            ((NOW - timedelta(days=21)).strftime("%Y-%m-%d %H:%M:%S"),),
        ).fetchone()[0]
    by_urgency = {urgency: (count, late or 0) for urgency, count, late in rows}
    assert set(by_urgency) == {1, 2, 3, 4}
    assert 2 <= by_urgency[1][0] <= 15
    assert by_urgency[1][1] >= 1  # an emergency not handled within the hour
    assert sum(late for _count, late in by_urgency.values()) >= 5
    assert recent >= 20


def test_status_mix(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        old = dict(
            connection.execute(
                "SELECT status, count(*) FROM requests WHERE created_at < ? GROUP BY status",
                ((NOW - timedelta(days=90)).strftime("%Y-%m-%d"),),
            )
        )
        duplicates = connection.execute(
            "SELECT r.id, o.id, r.category_id, o.category_id, r.street, o.street"
            " FROM requests r JOIN requests o ON o.id = r.duplicate_of_id"
        ).fetchall()
        undone = connection.execute(
            "SELECT count(*) FROM requests WHERE status IN ('done', 'closed') AND answer = ''"
        ).fetchone()[0]
    total = sum(old.values())
    assert (old.get("done", 0) + old.get("closed", 0)) / total > 0.85
    assert not set(OPEN) & {status for status, count in old.items() if count > total * 0.01}
    for status in ("rejected", "duplicate", "cancelled"):
        assert old.get(status, 0) > 0, status
    assert duplicates
    for rid, original, category, original_category, street, original_street in duplicates:
        assert original < rid
        assert (category, street) == (original_category, original_street)
    assert undone == 0


def test_requests_follow_the_catalogue(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        rows = connection.execute(
            "SELECT r.urgency, c.default_urgency, r.service_id, c.service_id, s.is_mobile_team"
            " FROM requests r JOIN categories c ON c.id = r.category_id"
            " JOIN services s ON s.id = r.service_id"
        ).fetchall()
        categories = connection.execute(
            "SELECT count(DISTINCT category_id) FROM requests"
        ).fetchone()[0]
        anonymous = connection.execute("SELECT avg(caller_id IS NULL) FROM requests").fetchone()[0]
    assert sum(urgency == default for urgency, default, *_ in rows) / len(rows) > 0.8
    for urgency, _default, service, category_service, mobile in rows:
        assert service == category_service or (urgency == 1 and mobile)
    assert categories == 13
    assert 0.03 < anonymous < 0.07


def test_due_dates_come_from_the_calendar(auxerre):
    from allo_tui.domain.calendar import SiteCalendar

    calendar = SiteCalendar()
    path, _summary = auxerre
    with read_only(path) as connection:
        rows = connection.execute(
            "SELECT created_at, urgency, ack_due_at, intervention_due_at FROM requests"
            " WHERE id % 37 = 0"
        ).fetchall()

    def aware(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    for created, urgency, ack_due, intervention_due in rows:
        at = aware(created)
        assert aware(ack_due) == calendar.ack_due(at)
        expected = calendar.intervention_due(at, urgency)
        assert (aware(intervention_due) if intervention_due else None) == expected


def test_calls_are_in_opening_hours(auxerre):
    from allo_tui.domain.calendar import SiteCalendar

    calendar = SiteCalendar()
    path, _summary = auxerre
    with read_only(path) as connection:
        starts = [
            row[0]
            for row in connection.execute(
                "SELECT started_at FROM calls WHERE outcome != 'request_created'"
            )
        ]
        created = [row[0] for row in connection.execute("SELECT created_at FROM requests")]
    for text in starts + created:
        at = datetime.fromisoformat(text).replace(tzinfo=UTC)
        assert calendar.is_working_day(calendar.to_local(at).date()), text
        assert calendar.is_open(at), text


# -- events -------------------------------------------------------------------------------------


def test_every_request_has_a_consistent_history(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        requests = {
            row[0]: row[1:]
            for row in connection.execute(
                "SELECT id, status, created_at, updated_at, updated_by_id, acknowledged_at,"
                " acknowledged_how, closed_at, duplicate_of_id, version, created_by_id"
                " FROM requests"
            )
        }
        # The former callers of `demo.examples` are written by the Store: one version per change.
        by_store = {
            row[0]
            for row in connection.execute(
                "SELECT id FROM requests WHERE caller_id > (SELECT max(id) FROM callers) - ?",
                (len(FORMER),),
            )
        }
        events: dict[int, list[tuple]] = {}
        for row in connection.execute(
            "SELECT request_id, id, at, operator_id, kind, old_value, new_value, note"
            " FROM events ORDER BY request_id, id"
        ):
            events.setdefault(row[0], []).append(row[1:])
    assert set(events) == set(requests)
    changes = ("created", "acknowledgement", "assignment", "status", "merge")
    for rid, (
        status,
        created,
        updated,
        updated_by,
        acked,
        how,
        closed,
        dup,
        version,
        by,
    ) in requests.items():
        history = events[rid]
        first = history[0]
        assert (first[1], first[2], first[3], first[5]) == (created, by, "created", "new")
        assert [event[1] for event in history] == sorted(event[1] for event in history)
        assert all(event[1] <= NOW_TEXT for event in history)
        state = "new"
        for _id, _at, _operator, kind, old, new, note in history[1:]:
            if kind in changes:
                assert old == state, (rid, kind, old, state)
                state = new
            if kind == "status" and new == "done":
                assert note
        assert state == status, rid
        assert (updated, updated_by) == (history[-1][1], history[-1][2])
        acks = [event for event in history if event[3] == "acknowledgement"]
        assert (acked, bool(how)) == ((acks[0][1], True) if acks else (None, False))
        ends = [
            event
            for event in history
            if event[5] in ("closed", "rejected", "cancelled", "duplicate")
        ]
        assert closed == (ends[-1][1] if ends else None)
        assert (dup is not None) == (status == "duplicate")
        assert version == (len(history) if rid in by_store else 1)


def test_service_steps_happen_in_working_hours(auxerre):
    path, _summary = auxerre
    with read_only(path) as connection:
        rows = connection.execute(
            "SELECT e.at, r.created_at FROM events e JOIN requests r ON r.id = e.request_id"
            " WHERE r.urgency > 1 AND e.kind != 'created'"
        ).fetchall()
    for at, created in rows:
        local = datetime.fromisoformat(at).replace(tzinfo=UTC).astimezone(PARIS)
        call = datetime.fromisoformat(created).replace(tzinfo=UTC).astimezone(PARIS)
        assert local.weekday() < 5, at
        if not 8 <= local.hour < 18:
            # the working clock keeps the UTC offset of the day of the call: an hour off
            # after a change of summer time, never more
            assert local.utcoffset() != call.utcoffset(), at
            assert 7 <= local.hour <= 18, at
