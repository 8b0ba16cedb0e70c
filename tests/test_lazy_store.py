"""The console's first screens answer from a `LazyStore` (plain sqlite3, no SQLAlchemy): its
answers must be the Store's, and it must not import SQLAlchemy to give them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from allo_tui.data.lazy import LazyStore
from allo_tui.domain.records import NewCaller, NewRequest

ZEBULON = NewCaller(
    surname="Zébulon",
    given_name="Éléonore",
    phones=("03 86 12 34 56",),
    street_number="12",
    street="Rue du Temple",
)


def test_lazy_reads_answer_exactly_what_the_store_answers(store, admin, db_path, clock) -> None:
    caller = store.create_caller(admin, ZEBULON)
    voirie = next(c for c in store.categories() if c.code == "VOIRIE")
    store.create_request(
        admin,
        NewRequest(
            category_id=voirie.id,
            description="trou",
            caller_id=caller.id,
            street="Avenue Jean Jaurès",
        ),
    )
    lazy = LazyStore(db_path, clock=clock)
    try:
        assert lazy.categories() == store.categories()
        assert lazy.services() == store.services()
        assert lazy.calendar() == store.calendar()
        assert lazy.known_streets() == ["Avenue Jean Jaurès", "Rue du Temple"]
        assert lazy.get_caller(caller.id) == store.get_caller(caller.id)
        assert lazy.search_callers("zebu") == store.search_callers("zebu")
        for typed in ("03 86 12 34 56", "+33386123456", "0386", "dupont"):
            assert lazy.callers_holding(typed) == store.callers_holding(typed), typed
        assert [c.id for c in lazy.callers_holding("0386123456")] == [caller.id]
        assert not lazy.loaded, "none of these reads needed the ORM"
    finally:
        lazy.close()


def test_what_the_console_asks_as_it_starts_is_answered_without_the_orm(
    store, admin, db_path, clock
) -> None:
    """The lookup's reference check on every keystroke, the urgent-arrivals watch and the
    restore offer run at start: they answer what the Store answers, without loading it."""
    voirie = next(c for c in store.categories() if c.code == "VOIRIE")
    original = store.create_request(admin, NewRequest(category_id=voirie.id, description="trou"))
    again = store.create_request(
        admin,
        NewRequest(
            category_id=voirie.id,
            description="encore",
            new_caller=ZEBULON,
            duplicate_of_id=original.id,
        ),
    )
    store.save_draft(admin, "poste-1", {"description": "Lampadaire éteint"})
    store.save_draft(admin, "poste-2", {})
    lazy = LazyStore(db_path, clock=clock)
    try:
        for typed in (again.reference, again.reference[5:], "2026-00999", "0612", "dupont"):
            assert lazy.get_request_by_reference(typed) == store.get_request_by_reference(typed)
        assert lazy.get_request_by_reference(again.reference) == again
        assert lazy.last_request_id() == store.last_request_id() == again.id
        assert lazy.operator_drafts(admin) == store.operator_drafts(admin)
        assert [d.console for d in lazy.operator_drafts(admin)] == ["poste-2", "poste-1"]
        assert lazy.now() == store.now()
        assert not lazy.loaded, "none of these reads needed the ORM"
    finally:
        lazy.close()


def test_the_first_screens_reads_do_not_import_sqlalchemy(db_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from allo_tui.data.lazy import LazyStore
        lazy = LazyStore({str(db_path)!r})
        lazy.categories(); lazy.services(); lazy.calendar(); lazy.known_streets()
        lazy.search_callers("dupont"); lazy.callers_holding("03 86 12 34 56")
        lazy.get_request_by_reference("00042"); lazy.last_request_id(); lazy.now()
        print(sorted(name for name in sys.modules if name.split(".")[0] == "sqlalchemy"))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
