"""Drafts through the Store: saved as typed, heartbeats, orphans and claims (DESIGN §3, §6, §7).

Each test names the behaviour it protects and checks what the database holds (read back with a
plain `sqlite3` connection) or what a console would be shown (the records the Store returns).
Timestamps are stored as UTC text by SQLAlchemy: "YYYY-MM-DD HH:MM:SS.ffffff".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ALL_BACKENDS
from store_helpers import (
    NOW,
    request_for,
    scalar,
)

from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import NewRequest

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

BACKENDS = ALL_BACKENDS


# -- drafts ------------------------------------------------------------------------------------


def test_a_draft_is_saved_loaded_and_overwritten_in_place(store: Store, operator, clock, db_path):
    store.save_draft(operator, "poste-1", {"description": "Nid de", "urgency": 3})
    clock.advance(seconds=5)

    store.save_draft(operator, "poste-1", {"description": "Nid de poule [bold]", "urgency": 2})

    draft = store.load_draft(operator, "poste-1")
    assert draft is not None
    assert draft.fields == {"description": "Nid de poule [bold]", "urgency": 2}
    assert draft.updated_at == NOW + timedelta(seconds=5)
    assert draft.console == "poste-1"
    assert (
        scalar(
            db_path,
            "SELECT count(*) FROM drafts WHERE operator_id = ? AND console = ?",
            (operator.id, "poste-1"),
        )
        == 1
    )


def test_each_console_keeps_its_own_draft(store: Store, operator, supervisor, db_path):
    store.save_draft(operator, "poste-1", {"description": "un"})
    store.save_draft(operator, "poste-2", {"description": "deux"})
    store.save_draft(supervisor, "poste-1", {"description": "trois"})

    assert store.load_draft(operator, "poste-1").fields == {"description": "un"}
    assert store.load_draft(operator, "poste-2").fields == {"description": "deux"}
    assert store.load_draft(supervisor, "poste-1").fields == {"description": "trois"}
    assert store.load_draft(operator, "poste-3") is None
    assert scalar(db_path, "SELECT count(*) FROM drafts") == 3


def test_a_heartbeat_keeps_a_draft_from_being_an_orphan(store: Store, operator, clock: FixedClock):
    store.save_draft(operator, "poste-1", {"description": "Nid de poule"})

    clock.advance(seconds=10)
    assert store.orphan_drafts(operator) == []

    clock.advance(seconds=21)  # 31 s without a beat
    orphans = store.orphan_drafts(operator)
    assert [(d.console, d.fields) for d in orphans] == [
        ("poste-1", {"description": "Nid de poule"})
    ]

    store.heartbeat(operator, "poste-1")
    assert store.load_draft(operator, "poste-1").heartbeat_at == NOW + timedelta(seconds=31)
    assert store.orphan_drafts(operator) == []
    clock.advance(minutes=5)
    assert store.orphan_drafts(operator, stale_after=timedelta(minutes=10)) == []
    assert len(store.orphan_drafts(operator, stale_after=timedelta(minutes=1))) == 1


def test_orphan_drafts_are_only_this_operators(
    store: Store, operator, supervisor, clock: FixedClock
):
    store.save_draft(supervisor, "poste-9", {"description": "chef"})
    clock.advance(minutes=2)

    assert store.orphan_drafts(operator) == []
    assert [d.console for d in store.orphan_drafts(supervisor)] == ["poste-9"]


def test_discarding_a_draft_deletes_it(store: Store, operator, db_path):
    store.save_draft(operator, "poste-1", {"description": "Nid de poule"})

    store.discard_draft(operator, "poste-1")

    assert store.load_draft(operator, "poste-1") is None
    assert scalar(db_path, "SELECT count(*) FROM drafts") == 0


def test_claiming_an_orphan_draft_moves_it_to_this_console(
    store: Store, operator, supervisor, clock: FixedClock, db_path
):
    store.save_draft(operator, "poste-crashed", {"description": "Arbre tombé"})
    clock.advance(minutes=1)
    orphan = store.orphan_drafts(operator)[0]

    assert store.claim_draft(supervisor, orphan.id, "poste-2") is None  # not theirs
    assert scalar(db_path, "SELECT count(*) FROM drafts") == 1

    claimed = store.claim_draft(operator, orphan.id, "poste-2")
    assert claimed is not None
    assert claimed.console == "poste-2"
    assert claimed.fields == {"description": "Arbre tombé"}
    assert store.load_draft(operator, "poste-crashed") is None
    assert store.orphan_drafts(operator) == []


def test_saving_the_request_deletes_the_form_draft_in_the_same_transaction(
    store: Store, operator, db_path
):
    store.save_draft(operator, "poste-1", {"description": "Nid de poule"})
    store.save_draft(operator, "poste-2", {"description": "autre appel"})

    store.create_request(operator, request_for(store), draft_console="poste-1")

    assert store.load_draft(operator, "poste-1") is None
    assert store.load_draft(operator, "poste-2") is not None


def test_a_refused_request_keeps_its_draft(store: Store, operator):
    store.save_draft(operator, "poste-1", {"description": ""})

    with pytest.raises(ValidationError):
        store.create_request(
            operator,
            NewRequest(category_id=999, description="Nid de poule"),
            draft_console="poste-1",
        )

    assert store.load_draft(operator, "poste-1") is not None
