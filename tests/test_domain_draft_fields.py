"""The new-request form's draft fields: written as JSON, read back whatever a draft holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from allo_tui.domain.draft_fields import RequestDraft
from allo_tui.domain.records import Channel, Kind


def test_a_draft_reads_back_as_it_was_written_through_json():
    draft = RequestDraft(
        phone="06 12 34 56 78",
        name="DUPONT Jean",
        caller_id=7,
        force_new=True,
        category_id=3,
        category_text="Nid-de-poule",
        street_number="12",
        street="Rue du Temple",
        landmark="devant l'école",
        urgency=2,
        service_id=4,
        service_text="Voirie",
        description="Un trou",
        channel=Channel.EMAIL.value,
        kind=Kind.COMPLAINT.value,
        call_started_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    )
    fields = json.loads(json.dumps(draft.to_fields()))
    assert fields["version"] == 1
    assert RequestDraft.from_fields(fields) == draft


def test_bad_values_in_a_draft_read_as_the_form_defaults():
    draft = RequestDraft.from_fields(
        {
            "phone": None,
            "caller_id": "7",
            "category_id": [3],
            "urgency": 9,
            "channel": ["phone"],
            "kind": "nonsense",
            "call_started_at": "yesterday",
        }
    )
    assert draft.phone == ""
    assert draft.caller_id is None
    assert draft.category_id is None
    assert draft.urgency == 3
    assert draft.channel == Channel.PHONE.value
    assert draft.kind == Kind.INTERVENTION.value
    assert draft.call_started_at is None
    assert draft.call_start_unreadable, "the call then starts when the draft is restored"
    assert not RequestDraft.from_fields({}).call_start_unreadable


def test_a_draft_holds_input_once_something_is_typed_or_a_caller_chosen():
    assert not RequestDraft().holds_input()
    assert not RequestDraft(description="  ", service_text="Voirie").holds_input()
    assert RequestDraft(landmark="face au 8").holds_input()
    assert RequestDraft(caller_id=1).holds_input()
