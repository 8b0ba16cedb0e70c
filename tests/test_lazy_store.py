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
        lazy.search_callers("dupont")
        print(sorted(name for name in sys.modules if name.split(".")[0] == "sqlalchemy"))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
