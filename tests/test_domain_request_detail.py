"""The request detail's rules that need no screen (allo_tui.domain.request_detail)."""

from datetime import timedelta

from allo_tui.domain.records import Channel, ContactPreference
from allo_tui.domain.request_detail import acknowledgement_how, field_changes, format_span


def test_format_span_reads_days_hours_and_minutes_and_never_goes_negative():
    assert format_span(timedelta(minutes=12)) == "12 min"
    assert format_span(timedelta(hours=3, minutes=5)) == "3 h 05"
    assert format_span(timedelta(days=2, hours=4)) == "2 j 4 h"
    assert format_span(timedelta(days=10)) == "10 j"
    assert format_span(timedelta(seconds=-90)) == "0 min"


def test_field_changes_pair_each_edited_field_with_its_old_value():
    old = "Lieu : rue A · Repère : école"
    new = "Lieu : rue B · Repère : mairie"
    assert field_changes(old, new) == ["Lieu : rue A → rue B", "Repère : école → mairie"]


def test_field_changes_show_values_of_another_shape_as_they_are():
    assert field_changes("Lieu : rue A", "Lieu : rue B · Repère : x") == [
        "Lieu : rue A",
        "Lieu : rue B · Repère : x",
    ]
    assert field_changes("", "texte libre") == ["texte libre"]


def test_acknowledgement_follows_the_contact_preference_then_the_channel_then_the_phone():
    assert acknowledgement_how(ContactPreference.LETTER, Channel.EMAIL) == "letter"
    assert acknowledgement_how(ContactPreference.PHONE, Channel.LETTER) == "phone"
    assert acknowledgement_how(ContactPreference.NONE, Channel.EMAIL) == "email"
    assert acknowledgement_how(ContactPreference.NONE, Channel.LETTER) == "letter"
    assert acknowledgement_how(ContactPreference.NONE, Channel.COUNTER) == "phone"
