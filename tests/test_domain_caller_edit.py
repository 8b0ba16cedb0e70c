"""The caller form's rules that need no screen (allo_tui.domain.caller_edit)."""

from allo_tui.domain.caller_edit import FIELDS, comparable, filled_phones, merge_edit


def form(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {name: "" for name in FIELDS}
    values["phones"] = ["03 86 12 34 56"]
    values["contact_preference"] = "phone"
    return values | changes


def test_filled_phones_drop_empty_boxes_and_blanks_around_a_number():
    assert filled_phones([" 03 86 12 34 56 ", "", "  ", "06 11 22 33 44"]) == [
        "03 86 12 34 56",
        "06 11 22 33 44",
    ]


def test_comparable_ignores_what_saving_would_not_store():
    assert comparable("surname", " Dupont ") == comparable("surname", "Dupont")
    assert comparable("phones", ["03 86 12 34 56 ", ""]) == ("03 86 12 34 56",)
    assert comparable("notes", "note\n") != comparable("notes", "note"), "notes kept as typed"


def test_a_field_changed_only_by_the_other_console_takes_their_value():
    opened = form(street="rue A")
    theirs = form(street="rue B")
    typed = form(street="rue A", surname="Dupont")
    merged, taken, kept = merge_edit(opened, theirs, typed)
    assert merged["street"] == "rue B" and merged["surname"] == "Dupont"
    assert taken == ["street"] and kept == []


def test_a_field_changed_on_both_sides_keeps_the_typed_value_and_is_named():
    opened = form(city="Auxerre", email="a@b.fr")
    theirs = form(city="Sens", email="c@d.fr")
    typed = form(city="Joigny", email="c@d.fr ")
    merged, taken, kept = merge_edit(opened, theirs, typed)
    assert merged["city"] == "Joigny" and kept == ["city"]
    assert merged["email"] == "c@d.fr ", "the same change on both sides is no conflict"
    assert taken == []


def test_merge_names_fields_in_form_order():
    opened = form()
    theirs = form(notes="x", surname="y", phones=["06 11 22 33 44"])
    merged, taken, kept = merge_edit(opened, theirs, form())
    assert taken == ["surname", "phones", "notes"] and kept == []
    assert merged["phones"] == ["06 11 22 33 44"]
