"""The console reads a large paste in one piece (`BulkPasteParser`) and every other key as
Textual does. Fed the way the terminal driver feeds it: in reads of at most 4,096 characters."""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from textual import events
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver

from allo_tui.app import AlloApp
from allo_tui.terminal_input import BulkPasteLinuxDriver, BulkPasteParser, driver_class

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

START, END = "\x1b[200~", "\x1b[201~"
LINE = "Nid-de-poule devant le 12 rue du Temple\r"


def read_all(data: str, parser: BulkPasteParser | None = None, size: int = 4096) -> list:
    parser = parser or BulkPasteParser()
    found = []
    for index in range(0, len(data), size):
        found.extend(parser.feed(data[index : index + size]))
    return found


def one_megabyte() -> str:
    return (LINE * (1_000_000 // len(LINE) + 1))[:1_000_000]


def test_a_one_megabyte_paste_arrives_whole_as_one_paste_between_the_keys_around_it() -> None:
    pasted = one_megabyte()
    found = read_all("ab" + START + pasted + END + "c\x1b[A")
    assert [type(event) for event in found] == [
        events.Key,
        events.Key,
        events.Paste,
        events.Key,
        events.Key,
    ]
    assert [event.key for event in found if isinstance(event, events.Key)] == ["a", "b", "c", "up"]
    assert found[2].text == pasted


@pytest.mark.parametrize("cut", range(1, len(END)))
def test_an_end_marker_split_between_two_reads_still_ends_the_paste(cut: int) -> None:
    parser = BulkPasteParser()
    first = START + "rue du Temple" + END[:cut]
    found = list(parser.feed(first))
    assert found == [] and parser.in_paste
    found += list(parser.feed(END[cut:] + "x"))
    assert [type(event) for event in found] == [events.Paste, events.Key]
    assert found[0].text == "rue du Temple"
    assert not parser.in_paste


def test_text_that_only_looks_like_the_end_marker_stays_in_the_paste() -> None:
    found = read_all(START + "a\x1b[201b\x1b[20" + END)
    assert [event.text for event in found] == ["a\x1b[201b\x1b[20"]


def test_nul_is_removed_from_a_paste_as_textual_does() -> None:
    assert read_all(START + "a\x00b" + END)[0].text == "ab"


def test_a_paste_start_split_between_reads_is_still_read_correctly() -> None:
    """Left to Textual's own parser (slow but right)."""
    parser = BulkPasteParser()
    found = list(parser.feed("x" + START[:3])) + list(parser.feed(START[3:] + "rue" + END))
    assert [type(event) for event in found] == [events.Key, events.Paste]
    assert found[1].text == "rue"


def test_escape_arrows_and_function_keys_are_read_as_before() -> None:
    parser = BulkPasteParser()
    found = list(parser.feed("\x1b[A\x1bOR\x13"))
    found += list(parser.feed("\x1b"))
    found += list(parser.feed(""))  # end of input: the lone ESC is the Escape key
    assert [event.key for event in found] == ["up", "f3", "ctrl+s", "escape"]


def test_the_console_uses_the_bulk_paste_driver_in_place_of_textuals_linux_driver(
    store, admin
) -> None:
    assert driver_class(LinuxDriver) is BulkPasteLinuxDriver
    assert driver_class(HeadlessDriver) is HeadlessDriver
    app = AlloApp(store=store, operator=admin, console="test")
    textuals_choice = App.get_driver_class(app)
    assert app.driver_class is driver_class(textuals_choice)
    if textuals_choice is LinuxDriver:
        assert app.driver_class is BulkPasteLinuxDriver
