"""The street register lives in the database (migration 0007): every console reads the same
list, and a street added to the table (by an import, an administrator) is offered."""

from __future__ import annotations

from pathlib import Path

from conftest import ALL_BACKENDS
from pilot_helpers import settle, type_text
from store_helpers import query

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.streets import shipped_streets
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.widgets.typeahead import TypeAhead

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def test_a_new_database_holds_the_shipped_register(db_path: Path) -> None:
    names = [row[0] for row in query(db_path, "SELECT name FROM streets")]
    assert "Rue du Temple" in names
    assert len(names) == len({street.name for street in shipped_streets()}) > 500


def test_the_store_reads_the_register_from_the_database(store: Store) -> None:
    with store.backend.write() as connection:
        connection.execute("UPDATE streets SET active = FALSE WHERE name = 'Rue du Temple'")
        connection.execute(
            "INSERT INTO streets (name, kind, active) VALUES ('Allée des Nouveaux Quartiers',"
            " 'voie', TRUE)"
        )
    names = [street.name for street in store.streets()]
    assert "Allée des Nouveaux Quartiers" in names
    assert "Rue du Temple" not in names, "a retired street is no longer offered"


async def test_a_street_added_to_the_table_is_offered_by_the_form(store, admin, db_path) -> None:
    with store.backend.write() as connection:
        connection.execute(
            "INSERT INTO streets (name, kind, active) VALUES ('Allée des Nouveaux Quartiers',"
            " 'voie', TRUE)"
        )
    console_store = Store(db_path, clock=store.clock)  # a console started after the import
    app = AlloApp(store=console_store, operator=admin, console="test")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f3")
            await settle(app, pilot, rounds=3, pause=0.05)
            assert isinstance(app.screen, NewRequestScreen)
            street = app.screen.query_one("#street", TypeAhead)
            street.focus()
            await type_text(pilot, "nouveaux quart")
            await settle(app, pilot, rounds=3, pause=0.05)
            assert "Allée des Nouveaux Quartiers" in [s.text for s in street.suggestions]
    finally:
        console_store.close()
