"""PostgreSQL's `caller_prefixes` (migration 0026): every prefix of 2 to PREFIX_MAX letters of
each caller's words, kept by triggers through every change of the callers (creation, edit,
merge, erasure, deletion, TRUNCATE, an upgrade of an older database), and the lookup reading it
finds exactly the callers the word table alone finds.

Every test here needs the PostgreSQL server of `tests/backends.py`.
"""

from __future__ import annotations

import itertools
import time

import pytest
from backends import drop_database, server_url
from store_helpers import execute, query, scalar

from allo_tui.data.backend.postgresql import PgConnection, connect, search, translate
from allo_tui.data.backend.urls import with_database
from allo_tui.data.schema import check_schema, prepare_database
from allo_tui.domain.records import NewCaller
from allo_tui.domain.search import STREET_NUMBER_DIGITS, SearchToken

pytestmark = pytest.mark.skipif(
    "postgresql" not in __import__("backends").enabled_backends(),
    reason="ALLO_TEST_BACKENDS leaves PostgreSQL out",
)
BACKENDS = ("postgresql",)
"""`store` and `db_path` are PostgreSQL's (the table is the server's alone)."""


def expected_prefixes(url: str) -> set[tuple[str, int]]:
    """What `caller_prefixes` must hold, computed here from the callers' search columns."""
    held = set()
    for caller_id, names, address in query(
        url, "SELECT id, search_names, search_address FROM callers"
    ):
        words = set(f"{names or ''} {address or ''}".split())
        for word in words:
            for length in range(2, min(len(word), search.PREFIX_MAX) + 1):
                held.add((word[:length], caller_id))
        for number in words:
            if number.isdigit() and len(number) <= STREET_NUMBER_DIGITS:
                held.update(
                    (f"{number} {word}", caller_id)
                    for word in words
                    if len(word) >= 2 and not word.isdigit()
                )
    return held


def held_prefixes(url: str) -> set[tuple[str, int]]:
    rows = query(url, "SELECT prefix, caller_id FROM caller_prefixes")
    assert len(rows) == len(set(rows))
    return set(rows)


def expected_suffixes(url: str) -> set[tuple[str, int]]:
    """What `phone_suffixes` must hold: every suffix of 3 digits or more of each digit form."""
    return {
        (form[start:], phone_id)
        for phone_id, digits in query(url, "SELECT id, search_digits FROM caller_phones")
        for form in (digits or "").split()
        for start in range(len(form) - 2)
    }


def held_suffixes(url: str) -> set[tuple[str, int]]:
    rows = query(url, "SELECT suffix, phone_id FROM phone_suffixes")
    assert len(rows) == len(set(rows))
    return set(rows)


def in_step(url: str) -> bool:
    return held_prefixes(url) == expected_prefixes(url) and held_suffixes(url) == expected_suffixes(
        url
    )


def test_prefixes_follow_creation_edit_merge_erasure_and_deletion(
    store, operator, supervisor, admin, db_path
):
    pg_url = db_path
    first = store.create_caller(
        operator,
        NewCaller(
            surname="Mézières",
            given_name="Léa",
            phones=("03 86 12 34 56",),
            street_number="12",
            street="Rue du Temple",
            postcode="89000",
            city="Auxerre",
        ),
    )
    second = store.create_caller(
        operator, NewCaller(surname="MEZIERES", given_name="", phones=("06 12 34 56 78",))
    )
    third = store.create_caller(operator, NewCaller(surname="N'Diaye", given_name="Awa"))
    assert ("mez", first.id) in held_prefixes(pg_url)
    assert ("nd", third.id) in held_prefixes(pg_url)  # the elided form "ndiaye"
    assert ("l", first.id) not in held_prefixes(pg_url)  # one letter: never looked up
    assert ("12 temple", first.id) in held_prefixes(pg_url)  # the street number and a word
    assert ("12 89000", first.id) not in held_prefixes(pg_url)
    phone_id = scalar(pg_url, "SELECT id FROM caller_phones WHERE caller_id = ?", (first.id,))
    assert ("3456", phone_id) in held_suffixes(pg_url)  # of 0386123456
    assert ("33386123456", phone_id) in held_suffixes(pg_url)
    assert in_step(pg_url)

    store.update_caller(
        operator,
        first.id,
        first.version,
        surname="Rousseau",
        street="Allée Verte",
        phones=("03 86 99 88 77",),
    )
    assert ("3456", phone_id) not in held_suffixes(pg_url)
    held = held_prefixes(pg_url)
    assert ("rous", first.id) in held and ("mez", first.id) not in held
    assert ("tem", first.id) not in held and ("ver", first.id) in held
    assert held == expected_prefixes(pg_url) and in_step(pg_url)

    kept = store.get_caller(second.id)
    merged = store.merge_callers(
        supervisor, kept.id, kept.version, [(first.id, store.get_caller(first.id).version)]
    )
    assert not [row for row in held_prefixes(pg_url) if row[1] == first.id]
    assert ("mezi", merged.id) in held_prefixes(pg_url)
    assert in_step(pg_url)

    store.erase_caller(admin, third.id, "Demande écrite")
    assert ("nd", third.id) not in held_prefixes(pg_url)
    assert in_step(pg_url)

    execute(pg_url, "DELETE FROM callers WHERE id = ?", (second.id,))
    assert not [row for row in held_prefixes(pg_url) if row[1] == second.id]
    assert in_step(pg_url)

    execute(pg_url, "TRUNCATE callers CASCADE")
    assert held_prefixes(pg_url) == set() and held_suffixes(pg_url) == set()


def test_an_edit_that_leaves_the_search_columns_alone_rewrites_no_prefix(store, operator, db_path):
    pg_url = db_path
    caller = store.create_caller(operator, NewCaller(surname="Lemaire", given_name="Paul"))
    before = query(pg_url, "SELECT xmin::text, prefix FROM caller_prefixes ORDER BY prefix")

    store.update_caller(operator, caller.id, caller.version, notes="Appelle le matin.")

    assert query(pg_url, "SELECT xmin::text, prefix FROM caller_prefixes ORDER BY prefix") == before


SURNAMES = ("Le Gall", "Lebrun", "Leclerc", "Lemaire", "Meunier", "Mercier", "Meyer", "Martin")
GIVEN = ("Léa", "Leo", "Marc", "Martine", "")
STREETS = ("Rue du Temple", "Rue de la Mairie", "Chemin du Paty", "Avenue de Lerville", "")


@pytest.fixture
def crowd(store, operator):
    """300 callers sharing a few surnames, given names, streets, street numbers and digits."""
    combinations = itertools.cycle(itertools.product(SURNAMES, GIVEN, STREETS, ("", "12", "3")))
    for n in range(300):
        surname, given, street, number = next(combinations)
        store.create_caller(
            operator,
            NewCaller(
                surname=surname,
                given_name=given,
                phones=(f"03 86 {n % 7:02d} {n % 13:02d} {n % 100:02d}",),
                street=street,
                street_number=number if street else "",
                city="Auxerre",
            ),
        )
    return store


WORDS = ("le", "me", "mer", "mart", "marti", "martin", "lemai", "lerville", "temple", "tem")
"""Words of 2 to PREFIX_MAX letters, longer ones held by many or by few, and one not held."""


READS = [(16, 5_000), (0, 5_000), (0, 1)]
"""(MERGED, DENSE): longer words merged; else read whole; else walking the prefix range."""


@pytest.mark.parametrize(("merged", "dense"), READS)
def test_the_prefix_read_finds_the_callers_the_word_table_finds(
    crowd, db_path, monkeypatch, merged, dense
):
    pg_url = db_path
    monkeypatch.setattr(search, "MERGED", merged)
    monkeypatch.setattr(search, "DENSE", dense)
    with connect(pg_url) as connection:
        reader = search._Search(PgConnection(connection), SearchToken())
        for word, number, fetch in itertools.product(
            (*WORDS, "zzz", None), ("", "12", "3"), (1, 7, 101, 400)
        ):
            if word is None and not number:
                continue
            ids = reader.candidates(word, number, fetch)
            found = [] if ids is None else [row[0] for row in reader.rows(*ids)]
            reference = [
                row[0]
                for row in reader.rows(
                    "SELECT DISTINCT w.caller_id FROM caller_words AS w WHERE "
                    + ("w.word LIKE ?" if word else "w.word = ?")
                    + (
                        " AND EXISTS (SELECT 1 FROM caller_words AS n"
                        " WHERE n.caller_id = w.caller_id AND n.word = ?)"
                        if word and number
                        else ""
                    )
                    + " ORDER BY w.caller_id LIMIT ?",
                    (
                        f"{word}%" if word else number,
                        *((number,) if word and number else ()),
                        fetch,
                    ),
                )
            ]
            assert found == reference, (word, number, fetch)


def word_table_candidates(self, word, number, fetch):
    """The candidate read before `caller_prefixes` (`caller_words` alone), for comparison."""
    driver, value = ("w.word LIKE ?", f"{word}%") if word else ("w.word = ?", number)
    also, also_params = "", ()
    if word and number:
        also = (
            " AND EXISTS (SELECT 1 FROM caller_words AS n"
            " WHERE n.caller_id = w.caller_id AND n.word = ?)"
        )
        also_params = (number,)
    dense = (
        self.rows(
            f"SELECT count(*) FROM (SELECT 1 FROM caller_words AS w WHERE {driver} LIMIT ?) AS f",
            (value, search.DENSE),
        )[0][0]
        >= search.DENSE
    )
    if dense:
        where = (
            f"EXISTS (SELECT 1 FROM caller_words AS w WHERE w.caller_id = c.id AND {driver}{also})"
        )
        return (
            f"SELECT c.id AS caller_id FROM callers AS c WHERE {where} ORDER BY c.id LIMIT ?",
            (value, *also_params, fetch),
        )
    return (
        "SELECT DISTINCT w.caller_id FROM caller_words AS w"
        f" WHERE {driver}{also} ORDER BY w.caller_id LIMIT ?",
        (value, *also_params, fetch),
    )


@pytest.mark.parametrize("dense", [0, search.PHONE_DENSE, 10**9])
def test_the_suffix_read_finds_the_numbers_the_digits_pattern_finds(
    crowd, db_path, monkeypatch, dense
):
    monkeypatch.setattr(search, "PHONE_DENSE", dense)  # 0: always walk; 10**9: never
    assert in_step(db_path)
    with connect(db_path) as connection:
        reader = search._Search(PgConnection(connection), SearchToken())
        for digits, fetch in itertools.product(
            ("038", "0386", "386", "0012", "1212", "3338600", "0386061299", "999"),
            (1, 7, 400),
        ):
            found = [tuple(hit) for hit in reader.numbers_holding(digits, fetch)]
            reference = reader.rows(
                "SELECT caller_id, search_digits FROM caller_phones"
                " WHERE search_digits LIKE ? ORDER BY id LIMIT ?",
                (f"%{digits}%", fetch),
            )
            assert found == reference, (digits, fetch)


TYPED = (
    *("le", "me", "mart", "martin le", "12 temple", "le ma", "lerv", "rue 3", "12", "marti 12"),
    *("3 rue de la mairie", "12 le", "3 chemin du paty", "12 lerville", "3 martine"),
    *("0386", "386 0", "03 86 05 12", "0012", "+33 3 86 01 01 01", "86 04"),
)


@pytest.mark.parametrize(("merged", "dense"), READS)
def test_the_lookup_returns_what_the_word_table_alone_returned(crowd, monkeypatch, merged, dense):
    monkeypatch.setattr(search, "MERGED", merged)
    monkeypatch.setattr(search, "DENSE", dense)
    found = {typed: crowd.search_callers(typed) for typed in TYPED}
    for limit in (1, 5):
        found.update({(typed, limit): crowd.search_callers(typed, limit=limit) for typed in TYPED})

    monkeypatch.setattr(search._Search, "candidates", word_table_candidates)

    before = {typed: crowd.search_callers(typed) for typed in TYPED}
    for limit in (1, 5):
        before.update({(typed, limit): crowd.search_callers(typed, limit=limit) for typed in TYPED})
    assert found == before
    assert all(found[typed].rows for typed in ("le", "mart", "martin le", "12 temple", "le ma"))


def test_an_older_database_is_given_its_prefixes_on_upgrade():
    from alembic import command

    from allo_tui.data.backend.postgresql.schema import create_engine_for
    from allo_tui.data.schema import alembic_config

    name = f"allo_test_upgrade_{time.monotonic_ns()}"
    url = with_database(server_url(), name)
    with connect(server_url()) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with connect(url) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        engine = create_engine_for(url)
        try:
            with engine.begin() as connection:
                command.upgrade(alembic_config(url, connection), "0025")
        finally:
            engine.dispose()
        execute(
            url,
            "INSERT INTO callers (surname, given_name, email, street_number, street,"
            " address_extra, postcode, city, neighbourhood, notes, contact_preference,"
            " created_at, updated_at, version, search_names, search_address) VALUES"
            " ('Meunier', 'Léa', '', '12', 'Rue du Temple', '', '', '', '', '', 'phone',"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, ' meunier lea ',"
            " ' 12 rue du temple ')",
        )
        assert scalar(url, "SELECT to_regclass('caller_prefixes') IS NULL") is True

        prepare_database(url)

        assert held_prefixes(url) == expected_prefixes(url)
        assert ("meu", 1) in held_prefixes(url)
        assert check_schema(url) == []
    finally:
        drop_database(name)


def test_a_prepared_checked_read_looks_the_candidates_up_by_id(crowd, db_path):
    """The words checked on the candidates ("rue de l'orléanais": rue, de, l) never lead a
    generic plan (psycopg prepares a statement from its 5th run) to a trigram index of the
    callers, which read a million callers for such a lookup: each candidate is fetched by its
    key, then checked."""
    with connect(db_path) as connection:
        reader = search._Search(PgConnection(connection), SearchToken())
        ids = reader.candidates("mairie", "", 402)
        sql, parameters = search._checked(ids, ["rue", "de", "l"], 201)
        numbered = translate(sql).replace("%s", "{}")
        numbered = numbered.format(*(f"${n}" for n in range(1, len(parameters) + 1)))
        connection.execute("SET plan_cache_mode = force_generic_plan")
        connection.execute(f"PREPARE checked AS {numbered}")
        literals = ", ".join(
            str(value) if isinstance(value, int) else f"'{value}'" for value in parameters
        )
        plan = "\n".join(
            row[0] for row in connection.execute(f"EXPLAIN EXECUTE checked({literals})")
        )
        found = [row[0] for row in connection.execute(f"EXECUTE checked({literals})")]
    assert "trgm" not in plan and "Seq Scan on callers" not in plan, plan
    assert "Index Scan using pk_callers" in plan, plan
    expected = [
        row[0]
        for row in query(
            db_path,
            "SELECT c.id FROM callers AS c WHERE c.search_names || c.search_address LIKE"
            " '% mairie%' AND c.search_names || c.search_address LIKE '% rue%'"
            " AND c.search_names || c.search_address LIKE '% de%'"
            " AND c.search_names || c.search_address LIKE '% l%' ORDER BY c.id",
        )
    ]
    assert found == expected and len(found) == 60, (found, expected)
