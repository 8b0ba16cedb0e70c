"""The workload, drawn with a fixed seed from the generated data so it cannot be flattered.

Lookup queries: one third phone fragments (4–10 consecutive digits of a random caller's
number), one third name prefixes (2–6 letters of a surname, optionally followed by a given-name
prefix, half with accents stripped), one third streets (with and without a number).
"""

from __future__ import annotations

import random
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 7


@dataclass(frozen=True)
class CallerSample:
    id: int
    surname: str
    given_name: str
    street_number: str
    street: str
    phone_digits: str


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.execute("PRAGMA busy_timeout = 10000")
    return connection


def random_callers(
    connection: sqlite3.Connection, rng: random.Random, count: int
) -> list[CallerSample]:
    """`count` random callers (with at least one phone number), drawn by id."""
    low, high = connection.execute("SELECT min(id), max(id) FROM callers").fetchone()
    samples: list[CallerSample] = []
    seen: set[int] = set()
    attempts = 0
    while len(samples) < count and attempts < count * 50:
        attempts += 1
        caller_id = rng.randint(low, high)
        if caller_id in seen:
            continue
        row = connection.execute(
            "SELECT c.id, c.surname, c.given_name, c.street_number, c.street, p.display, p.number"
            " FROM callers AS c JOIN caller_phones AS p ON p.caller_id = c.id"
            " WHERE c.id = ? ORDER BY p.position, p.id LIMIT 1",
            (caller_id,),
        ).fetchone()
        if row is None:
            continue
        digits = re.sub(r"\D", "", row[5] or "") or re.sub(r"\D", "", row[6] or "")
        if len(digits) < 4 or not row[1]:
            continue
        seen.add(caller_id)
        samples.append(CallerSample(row[0], row[1], row[2], row[3] or "", row[4] or "", digits))
    return samples


def phone_fragment(caller: CallerSample, rng: random.Random) -> str:
    length = min(rng.randint(4, 10), len(caller.phone_digits))
    start = rng.randint(0, len(caller.phone_digits) - length)
    return caller.phone_digits[start : start + length]


def name_prefix(caller: CallerSample, rng: random.Random, *, strip: bool | None = None) -> str:
    query = caller.surname[: rng.randint(2, 6)].rstrip(" -'")
    if caller.given_name and rng.random() < 0.5:
        query += " " + caller.given_name[: rng.randint(1, 4)]
    if strip if strip is not None else rng.random() < 0.5:
        query = strip_accents(query)
    return query.lower()


def street_query(caller: CallerSample, rng: random.Random) -> str:
    if caller.street_number and rng.random() < 0.5:
        return f"{caller.street_number} {caller.street}".lower()
    return caller.street.lower()


def lookup_queries(path: Path, count: int, seed: int = SEED) -> list[tuple[str, str]]:
    """`count` (kind, query) pairs, a third of each kind, in a shuffled fixed order."""
    rng = random.Random(seed)
    connection = connect(path)
    try:
        callers = random_callers(connection, rng, count)
    finally:
        connection.close()
    kinds = ["phone", "name", "street"] * (count // 3 + 1)
    queries: list[tuple[str, str]] = []
    for kind, caller in zip(kinds, callers, strict=False):
        if kind == "street" and not caller.street:
            kind = "name"
        if kind == "phone":
            queries.append((kind, phone_fragment(caller, rng)))
        elif kind == "name":
            queries.append((kind, name_prefix(caller, rng)))
        else:
            queries.append((kind, street_query(caller, rng)))
    rng.shuffle(queries)
    return queries[:count]


def typed_names(path: Path, count: int, seed: int = SEED + 1) -> list[str]:
    """Names a hostess would type letter by letter: 3–8 letters of a surname, sometimes a space
    and a given-name prefix; half without accents."""
    rng = random.Random(seed)
    connection = connect(path)
    try:
        callers = random_callers(connection, rng, count)
    finally:
        connection.close()
    names = []
    for caller in callers:
        text = caller.surname[: rng.randint(3, 8)].rstrip(" -'")
        if caller.given_name and rng.random() < 0.3:
            text += " " + caller.given_name[: rng.randint(1, 3)]
        if rng.random() < 0.5:
            text = strip_accents(text)
        names.append(re.sub(r"[^\w ]", " ", text.lower()))
    return names


def startup_caller(path: Path, seed: int = SEED + 2) -> CallerSample:
    """A caller whose whole phone number is typed at start-up (their surname is the result)."""
    rng = random.Random(seed)
    connection = connect(path)
    try:
        for caller in random_callers(connection, rng, 50):
            shared = connection.execute(
                "SELECT count(DISTINCT caller_id) FROM caller_phones WHERE search_digits LIKE ?",
                (f"%{caller.phone_digits}%",),
            ).fetchone()[0]
            if shared == 1 and len(caller.surname) >= 4:
                return caller
    finally:
        connection.close()
    raise RuntimeError("no caller with a unique phone number and a surname of 4+ letters")


# -- history and saves ---------------------------------------------------------------------


def _random_request_rows(connection, rng: random.Random, count: int, columns: str) -> list[tuple]:
    low, high = connection.execute("SELECT min(id), max(id) FROM requests").fetchone()
    rows = []
    for _ in range(count * 20):
        if len(rows) >= count:
            break
        row = connection.execute(
            f"SELECT {columns} FROM requests WHERE id = ?", (rng.randint(low, high),)
        ).fetchone()
        if row is not None:
            rows.append(row)
    return rows


def history_filters(path: Path, count: int, seed: int = SEED + 3) -> dict[str, list]:
    """For each history filter, `count` HistoryFilter values drawn from the data."""
    from allo_tui.domain.records import HistoryFilter, Status

    rng = random.Random(seed)
    connection = connect(path)
    try:
        rows = _random_request_rows(
            connection, rng, count, "description, street, created_at, caller_id"
        )
        categories = [r[0] for r in connection.execute("SELECT id FROM categories")]
        services = [r[0] for r in connection.execute("SELECT id FROM services")]
        callers = [
            r[0]
            for r in _random_request_rows(connection, rng, count * 3, "caller_id")
            if r[0] is not None
        ]
    finally:
        connection.close()

    def pick(values: list, index: int):
        return values[index % len(values)]

    words = []
    for description, *_ in rows:
        candidates = [w for w in re.findall(r"\w{4,}", description or "")]
        if candidates:
            word = rng.choice(candidates)
            words.append(word[: rng.randint(3, len(word))].lower())
    streets = [r[1] for r in rows if r[1]]
    times = [_parse_time(r[2]) for r in rows]
    statuses = list(Status)
    filters: dict[str, list] = {
        "none": [HistoryFilter() for _ in range(count)],
        "text": [HistoryFilter(text=pick(words, i)) for i in range(count)],
        "status": [HistoryFilter(statuses=frozenset({rng.choice(statuses)})) for _ in range(count)],
        "urgency": [HistoryFilter(urgency=rng.randint(1, 4)) for _ in range(count)],
        "category": [HistoryFilter(category_id=rng.choice(categories)) for _ in range(count)],
        "service": [HistoryFilter(service_id=rng.choice(services)) for _ in range(count)],
        "street": [HistoryFilter(street=pick(streets, i)) for i in range(count)],
        "dates": [
            HistoryFilter(
                created_from=pick(times, i) - timedelta(days=15),
                created_to=pick(times, i) + timedelta(days=15),
            )
            for i in range(count)
        ],
        "late": [HistoryFilter(late_only=True) for _ in range(count)],
        "caller": [HistoryFilter(caller_id=pick(callers, i)) for i in range(count)],
    }
    return filters


def _parse_time(value) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SaveSample:
    category_id: int
    caller_id: int | None
    street_number: str
    street: str
    description: str
    phone: str


def save_samples(path: Path, count: int, seed: int = SEED + 4) -> list[SaveSample]:
    """Requests as a hostess would save them: a known caller, a category, a street, a text."""
    rng = random.Random(seed)
    connection = connect(path)
    try:
        callers = random_callers(connection, rng, count)
        rows = _random_request_rows(
            connection, rng, count, "category_id, street_number, street, description"
        )
        categories = [r[0] for r in connection.execute("SELECT id FROM categories WHERE active")]
    finally:
        connection.close()
    samples = []
    for index in range(count):
        caller = callers[index % len(callers)]
        category, number, street, description = rows[index % len(rows)]
        if category not in categories:
            category = rng.choice(categories)
        samples.append(
            SaveSample(
                category_id=category,
                caller_id=caller.id if rng.random() < 0.9 else None,
                street_number=number or "",
                street=street or "",
                description=description or "Dépôt sauvage devant le n° 3.",
                phone=caller.phone_digits,
            )
        )
    return samples


DETAIL_EVENTS = 50
"""Events on each request of the detail figure (issue: "opening a detail with 50 events")."""


def detail_requests(path: Path, count: int, seed: int = SEED + 5) -> list[int]:
    """`count` random requests of the work copy, each given notes up to `DETAIL_EVENTS` events.

    The generated data has about five events per request; the notes are written with plain
    SQL in one transaction on the run's own copy of the database (never the cached one), dated
    after the request's last event and signed by an existing operator, as notes added over the
    request's life would be.
    """
    rng = random.Random(seed)
    connection = sqlite3.connect(path, timeout=30)
    try:
        ids = [row[0] for row in _random_request_rows(connection, rng, count, "id")]
        operators = [row[0] for row in connection.execute("SELECT id FROM operators")]
        with connection:
            for request_id in ids:
                have, last = connection.execute(
                    "SELECT count(*), max(at) FROM events WHERE request_id = ?", (request_id,)
                ).fetchone()
                connection.executemany(
                    "INSERT INTO events (request_id, at, operator_id, kind, old_value, "
                    "new_value, note) VALUES (?, ?, ?, 'note', '', '', ?)",
                    [
                        (request_id, last, rng.choice(operators), f"Note de suivi n° {n + 1}.")
                        for n in range(max(0, DETAIL_EVENTS - have))
                    ],
                )
    finally:
        connection.close()
    return ids
