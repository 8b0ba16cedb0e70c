"""What the random year of the default demo cannot show, added through the Store once it is built:

- **likely duplicate callers**: three callers entered twice (same name and address, another
  number; their latest request and its call on the second record), for the caller card's `m`
  and `allo callers merge`;
- **former callers**: callers whose last contact is four to five years old, every request
  closed, whom `allo gdpr purge` anonymises under the default retention period of 3 years.

Written by the Store itself (with a clock set in the past for the former callers), so references,
due dates, events, calls and the search index are what the console would have made.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from allo_tui.domain.clock import FixedClock
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import CallInfo, NewCaller, NewRequest
from allo_tui.domain.workflow import Action

DUPLICATES = (
    # (a caller with two requests or more, the number of their second record)
    (11, "06 31 42 58 07"),
    (27, "07 68 12 40 93"),
    (52, "06 72 05 19 84"),
)
FORMER = (
    ("Marchand", "Odette", "03 86 51 27 40", "Rue de Paris", "14", "VOIRIE"),
    ("Lebrun", "Gaston", "06 12 77 30 18", "Rue du Temple", "3", "ECLAIRAGE"),
    ("Faure", "Solange", "03 86 46 92 11", "Boulevard Vauban", "27", "PROPRETE"),
    ("Giraud", "Lucien", "06 98 41 20 65", "Rue de l'Égalité", "8", "ESPVERTS"),
    ("Perrin", "Madeleine", "03 86 52 14 73", "Avenue Jean Jaurès", "41", "SIGNAL"),
    ("Roussel", "Marcel", "06 45 18 66 02", "Rue Joubert", "5", "VOIRIE"),
)
FORMER_FROM = timedelta(days=4 * 365)
"""How old the former callers' last contact is, at least."""
EXAMPLE_CALLERS = len(DUPLICATES) + len(FORMER)
EXAMPLE_REQUESTS = len(FORMER)
EXAMPLE_CALLS = len(FORMER)


def add_examples(path: Path | str, now: datetime) -> None:
    """Add the duplicates and the former callers to the demo database at `path`."""
    from allo_tui.data.store import Store

    clock = FixedClock(now.astimezone(UTC))
    store = Store(path, clock=clock)
    try:
        admin = store.get_operator("admin")
        assert admin is not None, "the demo has its admin"
        categories = {category.code: category for category in store.categories()}
        calendar = store.calendar()

        def at(day: date, hour: int, minute: int) -> datetime:
            while not calendar.is_working_day(day):
                day += timedelta(days=1)
            return datetime.combine(day, time(hour, minute), calendar.zone).astimezone(UTC)

        for caller_id, number in DUPLICATES:
            first = store.get_caller(caller_id)
            twin = store.create_caller(
                admin,
                NewCaller(
                    surname=first.surname,
                    given_name=first.given_name,
                    phones=(number,),
                    street_number=first.street_number,
                    street=first.street,
                    postcode=first.postcode,
                    city=first.city,
                ),
            )
            _hand_over_latest_request(store, caller_id, twin.id, twin.phones[0].number)
        oldest_first = list(enumerate(FORMER))[::-1]  # references in the order of the calls
        for index, (surname, given, phone, street, number, code) in oldest_first:
            day = calendar.to_local(now - FORMER_FROM).date() - timedelta(days=61 * index)
            called = at(day, 9, 15 + 5 * index)
            clock.set(called)
            made = store.create_request(
                admin,
                NewRequest(
                    category_id=_category(categories, code).id,
                    description=f"Signalement devant le {number} {street}",
                    new_caller=NewCaller(
                        surname=surname,
                        given_name=given,
                        phones=(phone,),
                        street_number=number,
                        street=street,
                        postcode="89000",
                        city="Auxerre",
                    ),
                    street=street,
                    street_number=number,
                ),
                CallInfo(
                    started_at=called - timedelta(minutes=3),
                    console="accueil-1",
                    phone=parse_phone(phone).e164,
                ),
            )
            clock.set(at(calendar.add_working_days(calendar.to_local(called).date(), 3), 14, 30))
            store.apply(
                admin,
                made.id,
                Action.DONE,
                outcome_code="REPARE",
                expected_version=made.version,
                text="Intervention faite.",
            )
    finally:
        store.close()


def _category(categories: dict, code: str):
    return categories.get(code) or next(iter(categories.values()))


def _hand_over_latest_request(store, caller_id: int, twin_id: int, number: str) -> None:
    """Move the latest request of `caller_id`, and its call, to the second record (as if the
    hostess had created that record on the caller's later call, from another number)."""
    with store._write() as connection:
        row = connection.execute(
            "SELECT id FROM requests WHERE caller_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (caller_id,),
        ).fetchone()
        if row is None:
            return
        connection.execute("UPDATE requests SET caller_id = ? WHERE id = ?", (twin_id, row[0]))
        connection.execute(
            "UPDATE calls SET caller_id = ?, phone = ? WHERE request_id = ?",
            (twin_id, number, row[0]),
        )
