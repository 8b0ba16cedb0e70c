"""Typed text is data: only control characters go, one-line fields get one line, limits cut."""

from __future__ import annotations

import pytest

from allo_tui.domain.sanitize import (
    clean_text,
    has_control_characters,
    join_lines,
    remove_control_characters,
)

LITERAL = "[bold]gras[/bold] [@click=app.quit]quitter[/] 🚧 שלום مرحبا\tfin"


def test_markup_emoji_rtl_and_tabs_are_kept_exactly() -> None:
    cleaned = clean_text(LITERAL, multiline=True)
    assert cleaned.text == LITERAL
    assert not cleaned.changed


def test_an_ansi_escape_loses_its_esc_and_reads_literally() -> None:
    cleaned = clean_text("\x1b[31mrouge\x1b[0m", multiline=True)
    assert cleaned.text == "[31mrouge[0m"
    assert cleaned.removed_controls == 2


def test_nul_and_other_c0_controls_go_but_tab_and_newline_stay() -> None:
    text = "a\x00b\x07c\td\ne\x08f\x7fg\x9bh"
    assert remove_control_characters(text) == ("abc\td\nefgh", 5)
    assert has_control_characters(text)
    assert not has_control_characters("a\tb\nc")


def test_windows_and_terminal_line_ends_become_newlines_in_a_description() -> None:
    """A terminal sends each line break of a paste as CR: the lines stay lines."""
    cleaned = clean_text("un\r\ndeux\rtrois\r", multiline=True)
    assert cleaned.text == "un\ndeux\ntrois\n"
    assert not cleaned.changed, "no warning: nothing was removed"


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("12 rue du Temple\n89000 Auxerre\n", "12 rue du Temple 89000 Auxerre"),
        ("devant\r\nl'école", "devant l'école"),
        ("a\n\n\nb", "a b"),
        ("une seule ligne", "une seule ligne"),
        ("x\u2028y", "x y"),
    ],
)
def test_a_multi_line_paste_into_a_one_line_field_joins_lines_with_spaces(
    pasted: str, expected: str
) -> None:
    assert clean_text(pasted, multiline=False).text == expected
    assert join_lines(pasted)[0] == expected


def test_a_paste_longer_than_the_room_left_is_cut_and_says_how_much() -> None:
    pasted = "x" * 1_048_576
    cleaned = clean_text(pasted, multiline=True, room=3_990)
    assert len(cleaned.text) == 3_990
    assert cleaned.received == 1_048_576
    assert cleaned.truncated == 1_048_576 - 3_990


def test_no_room_left_keeps_nothing() -> None:
    assert clean_text("abc", multiline=True, room=0).text == ""
