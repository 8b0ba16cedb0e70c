"""Text is found however it was written: ligatures, full-width letters, Ǆ/Ǉ/ǋ, ß (migration 0005).

The FTS5 tokenizer lowers case and drops Latin accents but leaves compatibility characters as
they are, while every query is folded (NFKD): "câble ﬁbre arraché" was never found by "fibre"
on F4, nor the caller "ﬁlou" by "filou" on F2. Index and query now go through the one `fold`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from allo_tui.data.backend.sqlite.fts_text import index_text
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import HistoryFilter, NewCaller, NewRequest
from allo_tui.domain.text import fold

# (as stored, what a hostess may type to find it)
UNICODE_TABLE = [
    ("câble ﬁbre arraché", ("fibre", "ﬁbre", "FIBRE", "ﬁb", "arrache")),
    ("ﬂeur ﬀ", ("fleur", "ﬂeur")),
    ("ＦＵＬＬＷＩＤＴＨ", ("fullwidth", "ＦＵＬＬＷＩＤＴＨ", "full", "ｆｕｌｌ")),
    ("Ǆokić", ("dzokic", "Ǆokić", "ǅokic", "dzok")),
    ("Ǉubljana", ("ljubljana", "Ǉubljana", "ǈubljana")),
    ("ǋegoš", ("njegos", "ǋegoš", "NJEGOS")),
    ("Straße", ("strasse", "Straße", "STRASSE", "stras")),
    ("Ĳsselmeer", ("ijsselmeer", "Ĳsselmeer")),
    ("Éléonore", ("eleonore", "ÉLÉONORE", "e\u0301le\u0301onore")),
]
CASES = [(stored, typed) for stored, queries in UNICODE_TABLE for typed in queries]


def request_ids(store: Store, text: str) -> list[int]:
    return [row.id for row in store.history(HistoryFilter(text=text), limit=100).rows]


def caller_ids(store: Store, text: str) -> list[int]:
    return [row.id for row in store.search_callers(text).rows]


@pytest.fixture
def filled(store: Store, operator) -> dict[str, tuple[int, int]]:
    """Each stored text as a request description and as a caller's surname: (request, caller)."""
    category = store.find_category("VOIRIE")
    ids = {}
    for stored, _queries in UNICODE_TABLE:
        caller = store.create_caller(operator, NewCaller(surname=stored, given_name="Test"))
        request = store.create_request(
            operator, NewRequest(category_id=category.id, description=f"signalé : {stored}")
        )
        ids[stored] = (request.id, caller.id)
    return ids


@pytest.mark.parametrize(("stored", "typed"), CASES)
def test_history_finds_a_description_however_it_was_written(store, filled, stored, typed):
    assert filled[stored][0] in request_ids(store, typed)
    count, _capped = store.count_requests(HistoryFilter(text=typed))
    assert count >= 1


@pytest.mark.parametrize(("stored", "typed"), CASES)
def test_lookup_finds_a_caller_however_the_name_was_written(store, filled, stored, typed):
    assert filled[stored][1] in caller_ids(store, typed)


def test_only_text_the_tokenizer_does_not_fold_is_stored_twice(store, filled, db_path):
    connection = sqlite3.connect(db_path)
    try:
        folded = dict(connection.execute("SELECT surname, search_names FROM callers").fetchall())
    finally:
        connection.close()
    assert folded["Éléonore"] is None  # accents: the tokenizer drops them itself
    assert folded["ﬂeur ﬀ"] == "fleur ff test"
    assert folded["Straße"] == "strasse test"
    assert index_text("Rue de l’Église « Saint-Pierre » – 3 €") is None


def test_a_caller_renamed_with_a_ligature_is_found_by_plain_letters(store, operator):
    caller = store.create_caller(operator, NewCaller(surname="Martin"))
    store.update_caller(operator, caller.id, caller.version, surname="ﬁlou")

    assert caller_ids(store, "filou") == [caller.id]
    assert caller_ids(store, "martin") == []


def migrate(path: Path, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from allo_tui.data.backend.sqlite.connect import create_engine_for
    from allo_tui.data.schema import alembic_config

    engine = create_engine_for(path)
    try:
        with engine.begin() as connection:
            config = alembic_config(path, connection)
            (command.downgrade if down else command.upgrade)(config, revision)
    finally:
        engine.dispose()


def test_migration_0005_folds_the_index_of_rows_already_there(
    db_path: Path, clock: FixedClock, filled
):
    migrate(db_path, "0004", down=True)  # the index as allo left it before 0005: text as typed
    connection = sqlite3.connect(db_path)
    try:
        before = connection.execute(
            "SELECT count(*) FROM request_search WHERE request_search MATCH '\"fibre\"'"
        ).fetchone()
    finally:
        connection.close()
    assert before == (0,)

    migrate(db_path, "head")

    store = Store(db_path, clock=clock)
    try:
        for stored, queries in UNICODE_TABLE:
            for typed in queries:
                assert filled[stored][0] in request_ids(store, typed), (stored, typed)
                assert filled[stored][1] in caller_ids(store, typed), (stored, typed)
    finally:
        store.close()
    connection = sqlite3.connect(db_path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # The FTS5 index agrees with its rows (a wrong 'delete' would leave stale terms).
        assert (
            connection.execute(
                "INSERT INTO request_search(request_search, rank) VALUES ('integrity-check', 0)"
            ).fetchall()
            == []
        )
    finally:
        connection.close()


def test_fold_is_the_one_folding_of_streets_and_search():
    from allo_tui.domain import streets

    assert streets.fold is fold
    assert fold("ﬁbre ＡＢ Ǆ İstanbul ℌ") == "fibre ab dz istanbul h"


async def test_f2_finds_a_ligature_name_typed_with_plain_letters(store, operator):
    from textual.widgets import Input

    from allo_tui.app import AlloApp
    from allo_tui.widgets.result_list import ResultList

    store.create_caller(operator, NewCaller(surname="ﬁlou", given_name="Ｊｅａｎ"))
    store.create_caller(operator, NewCaller(surname="Filoche", given_name="Paul"))
    app = AlloApp(store=store, operator=operator, console="test")
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("#query", Input).value = ""
        await pilot.press(*"filou jean")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.screen.query_one("#results", ResultList)
        shown = [str(results.get_row_at(i)[0]) for i in range(results.row_count)]
    assert len(shown) == 1
    assert "Ｊｅａｎ" in shown[0]
