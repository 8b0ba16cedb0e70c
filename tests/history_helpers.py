"""The history the Store tests read: a database of requests drawn with a fixed seed
(`build_history`, several created in the same instant to exercise the keyset tie-break) and an
oracle in plain Python that says which requests a filter must list. The built database is the
`built` fixture in conftest.py."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import (
    ENDED_WITHOUT_INTERVENTION,
    OPEN_STATUSES,
    HistoryFilter,
    NewCaller,
    NewRequest,
    RequestRecord,
    Role,
    Status,
)
from allo_tui.domain.text import fold
from allo_tui.domain.workflow import Action

START = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
STREETS = ("Rue du Temple", "Boulevard Vaulabelle", "Place de l'Hôtel de Ville", "Rue d'Égleny")
DESCRIPTIONS = (
    "Lampadaire éteint",
    "Nid-de-poule profond",
    "Tags sur la façade",
    "Dépôt sauvage de matelas",
    "Plaque d'égout soulevée",
    "Corbeille pleine",
)
LANDMARKS = ("", "", "devant l'école", "face à la mairie")
CALLERS = (("Zébulon", "Éléonore"), ("Martin", "Paul"), ("N'Diaye", "Aïssa"))


def build_history(store: Store, clock: FixedClock) -> None:
    """About 150 requests over three months, statuses moved along the workflow."""
    admin = store.resolve_operator("admin")
    supervisor = store.add_operator("chief", Role.SUPERVISOR, "Chef")
    callers = [
        store.create_caller(admin, NewCaller(surname=surname, given_name=given)).id
        for surname, given in CALLERS
    ]
    categories = store.categories()
    services = store.services()
    draw = random.Random(2026)
    at = START
    for index in range(150):
        # Every fifth request shares the instant of the one before (a keyset tie).
        if index % 5:
            at += timedelta(minutes=draw.randint(10, 1200))
        clock.set(at)
        category = draw.choice(categories)
        request = store.create_request(
            admin,
            NewRequest(
                category_id=category.id,
                description=draw.choice(DESCRIPTIONS),
                caller_id=draw.choice([*callers, None]),
                urgency=draw.choice([None, None, 1, 2, 4]),
                street_number=str(draw.randint(1, 40)),
                street=draw.choice(STREETS),
                landmark=draw.choice(LANDMARKS),
            ),
        )
        fate = draw.random()
        if fate < 0.15:
            continue
        request = store.apply(
            admin, request.id, Action.ACKNOWLEDGE, expected_version=request.version, how="phone"
        )
        if fate < 0.3:
            continue
        request = store.apply(
            admin,
            request.id,
            Action.ASSIGN,
            expected_version=request.version,
            service_id=draw.choice(services).id,
        )
        if fate < 0.45:
            continue
        if fate < 0.55:
            store.apply(
                supervisor,
                request.id,
                Action.REJECT,
                reason_code="NON_FONDE",
                expected_version=request.version,
                text="non",
            )
            continue
        if fate < 0.6:
            store.apply(supervisor, request.id, Action.CANCEL, expected_version=request.version)
            continue
        request = store.apply(
            admin,
            request.id,
            Action.DONE,
            outcome_code="REPARE",
            expected_version=request.version,
            text="Fait",
        )
        if fate < 0.8:
            store.apply(supervisor, request.id, Action.CLOSE, expected_version=request.version)
    clock.set(NOW)


# -- the oracle -----------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _has_words(query: str, text: str) -> bool:
    """Every word typed starts a word of the text; a one-letter word must be a whole word
    (a one-letter prefix would match nearly everything)."""
    tokens = _tokens(text)
    return all(
        any(token == word if len(word) == 1 else token.startswith(word) for token in tokens)
        for word in _tokens(query)
    )


def matches(request: RequestRecord, filters: HistoryFilter, now: datetime) -> bool:
    """What the history filter means, written plainly."""
    if filters.statuses and request.status not in filters.statuses:
        return False
    if filters.urgency is not None and request.urgency != filters.urgency:
        return False
    if filters.category_id is not None and request.category_id != filters.category_id:
        return False
    if filters.service_id is not None and request.service_id != filters.service_id:
        return False
    if filters.caller_id is not None and request.caller_id != filters.caller_id:
        return False
    if filters.street and request.street.lower() != filters.street.lower():
        return False
    if filters.created_from and request.created_at < filters.created_from:
        return False
    if filters.created_to and request.created_at >= filters.created_to:
        return False
    if filters.late_only and not (
        request.is_open
        and request.intervention_due_at is not None
        and request.intervention_due_at < now
    ):
        return False
    if filters.text:
        own = " ".join(
            (request.reference, request.description, request.street_number, request.street)
        )
        own += " " + request.landmark
        if not (_has_words(filters.text, own) or _has_words(filters.text, request.caller_name)):
            return False
    return True


def expected_ids(everything, filters: HistoryFilter) -> list[int]:
    return [request.id for request in everything if matches(request, filters, NOW)]


def single_filters(everything) -> dict[str, HistoryFilter]:
    """One filter of each kind (and each status grouping), with values present in the data."""
    sample = everything[len(everything) // 2]
    return {
        "open": HistoryFilter(statuses=OPEN_STATUSES),
        "closed": HistoryFilter(statuses=frozenset({Status.DONE, Status.CLOSED})),
        "ended": HistoryFilter(statuses=ENDED_WITHOUT_INTERVENTION),
        "one status": HistoryFilter(statuses=frozenset({Status.ASSIGNED})),
        "new or acknowledged": HistoryFilter(statuses=frozenset({Status.NEW, Status.ACKNOWLEDGED})),
        "urgency": HistoryFilter(urgency=1),
        "category": HistoryFilter(category_id=sample.category_id),
        "service": HistoryFilter(service_id=sample.service_id),
        "caller": HistoryFilter(caller_id=sample.caller_id or everything[0].caller_id),
        "street": HistoryFilter(street="rue du temple"),
        "from": HistoryFilter(created_from=datetime(2026, 10, 15, tzinfo=UTC)),
        "range": HistoryFilter(
            created_from=datetime(2026, 10, 1, tzinfo=UTC),
            created_to=datetime(2026, 10, 20, tzinfo=UTC),
        ),
        "late": HistoryFilter(late_only=True),
        "text": HistoryFilter(text="lampadaire"),
        "text prefix unaccented": HistoryFilter(text="egou"),
        "text landmark": HistoryFilter(text="ecole"),
        "text caller": HistoryFilter(text="zebul"),
        "text two words": HistoryFilter(text="plaque soulevee"),
    }


def walk_down(store: Store, filters: HistoryFilter, limit: int) -> list[int]:
    """Every id the history lists for `filters`, read window by window from the newest."""
    ids: list[int] = []
    page = store.history(filters, limit=limit)
    ids.extend(request.id for request in page.rows)
    while page.has_more:
        page = store.history(filters, after=page.next_cursor, limit=limit)
        ids.extend(request.id for request in page.rows)
    return ids
