"""Whole calls written as one byte string into a real `allo` under a pseudo-terminal.

A paste of keystrokes, a keyboard macro or a caller-ID feed sends keys with no gap; Pilot's
`press()` waits for idle after each key and cannot. Every stored field must be what was typed
("62⇥piton⏎" once became "2piton" in the N° box), the Enters miscounted by one included.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import ALL_BACKENDS
from pty_console import CTRL_N, CTRL_Q, CTRL_S, ENTER, F3, PATIENCE, TAB, Console, wait_for

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.records import NewCaller

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses a Linux pseudo-terminal")

REQUESTS = (
    "SELECT r.caller_id, c.code, r.street_number, r.street, r.landmark, r.urgency, s.name,"
    " r.description, r.channel, r.kind FROM requests r JOIN categories c ON c.id = r.category_id"
    " LEFT JOIN services s ON s.id = r.service_id ORDER BY r.id"
)


def test_whole_calls_sent_as_one_burst_are_stored_exactly(tmp_path: Path) -> None:
    db = tmp_path / "allo.sqlite3"
    prepare_database(db)
    store = Store(db)
    alice = store.resolve_operator("alice")
    known = store.create_caller(
        alice, NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
    )
    store.close()

    terminal = Console(db, tmp_path, columns=80, lines=24)
    try:
        terminal.wait_for_output("Tapez un")  # the lookup is up
        # The reference call (DESIGN §4): a unique fragment of the number on F2, F3, "nid"
        # Enter, the N° then Tab, a street fragment Enter, Enter on the landmark, Ctrl+S.
        terminal.burst(
            "123456"
            + F3
            + "nid"
            + ENTER
            + "12"
            + TAB
            + "temple"
            + ENTER
            + ENTER
            + "sac renversé"
            + CTRL_S
        )
        reference = wait_for(REQUESTS, db, lambda found: len(found) >= 1)[0]
        assert reference == (
            known.id,
            "VOIRIE",
            "12",
            "Rue du Temple",
            "",
            3,
            "Voirie",
            "sac renversé",
            "phone",
            "intervention",
        )
        # A known caller's whole number then Tab, the N° then Tab, a street, Enter on the
        # landmark, a description with markup in it, Ctrl+S: all in one write.
        terminal.burst(
            F3
            + "0386123456"
            + TAB
            + "nid"
            + ENTER
            + "62"
            + TAB
            + "piton"
            + ENTER
            + ENTER
            + "2 poubelles renversées [b]vite[/b]"
            + CTRL_S
        )
        first = wait_for(REQUESTS, db, lambda found: len(found) >= 2)[1]
        assert first == (
            known.id,
            "VOIRIE",
            "62",
            "Ruelle Piton",
            "",
            3,
            "Voirie",
            "2 poubelles renversées [b]vite[/b]",
            "phone",
            "intervention",
        )
        # The next call (F3 after a save): a new caller (Ctrl+N), the Enters of the old habit
        # (landmark, urgency, service: two too many), then the description.
        before_third = len(terminal.output)
        terminal.burst(
            F3
            + "0611223344"
            + CTRL_N
            + "MARTIN Paul"
            + TAB
            + "arbre tombe"
            + ENTER
            + "5"
            + TAB
            + "temple"
            + ENTER
            + ENTER
            + ENTER
            + ENTER
            + "branche en travers"
            + CTRL_S
        )
        second = wait_for(REQUESTS, db, lambda found: len(found) >= 3)[2]
        assert second[1:] == (
            "ARBRE",
            "5",
            "Rue du Temple",
            "",
            1,
            "Équipe mobile d'intervention",
            "branche en travers",
            "phone",
            "intervention",
        )
        callers = wait_for(
            "SELECT id, surname, given_name FROM callers ORDER BY id",
            db,
            lambda found: len(found) >= 2,
        )
        assert len(callers) == 2, "the known number attached its caller: no duplicate"
        assert callers[1][0] == second[0] and callers[1][1:] == ("Martin", "Paul")
        # Ctrl+Q once the confirmation shows the reference: sent while the saved form is
        # still up (the row committed, the screen not yet told), it asks first, as it should.
        third = wait_for("SELECT reference FROM requests ORDER BY id", db, lambda f: len(f) >= 3)
        terminal.wait_for_output(third[2][0], since=before_third)
        terminal.burst(CTRL_Q)
        terminal.process.wait(timeout=PATIENCE)
    finally:
        terminal.kill()
