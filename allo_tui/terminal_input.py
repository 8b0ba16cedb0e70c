"""Terminal input that takes a large paste in one piece.

Textual's `XTermParser` reads the terminal one character at a time through a generator, pasted
text included: a 1 MB bracketed paste costs about 2.5 s of CPU in the input thread (which also
holds the GIL the event loop needs) before the app sees a single `Paste` event. A hostess who
pastes a whole document by mistake would wait with the caller on the line.

`BulkPasteParser` finds the bracketed-paste markers with `str.find` and hands the text between
them to the app as one `events.Paste`, the way Textual does (NUL removed), in a few
milliseconds; everything else (keys, mouse, terminal replies) goes through Textual's parser as
before. `BulkPasteLinuxDriver` is Textual's Linux driver using that parser; `driver_class`
picks it only where Textual would have used its Linux driver.

Edge kept simple: a paste-start marker split across two reads of the terminal (possible only
when it is not at the start of what the terminal wrote) is left to Textual's parser, which
handles it correctly, only slowly. A split end marker is common and handled here.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterable

from textual import events
from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

READ_SIZE = 1024 * 4
"""Bytes read from the terminal at a time (as Textual does)."""


def _partial_marker(text: str, marker: str) -> int:
    """Length of the longest end of `text` that is a proper start of `marker` (0 if none)."""
    for length in range(min(len(marker) - 1, len(text)), 0, -1):
        if text.endswith(marker[:length]):
            return length
    return 0


class BulkPasteParser(XTermParser):
    """`XTermParser` that reads a bracketed paste in bulk instead of character by character."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._paste: list[str] | None = None
        """The pieces of the paste being received (None outside a paste)."""
        self._held = ""
        """The end of the last read when it may be the start of the paste-end marker."""

    @property
    def in_paste(self) -> bool:
        """True between a paste-start marker and its end marker."""
        return self._paste is not None

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input: whatever was held goes to Textual's parser
            held, self._held, self._paste = self._held, "", None
            if held:
                yield from super().feed(held)
            yield from super().feed(data)
            return
        data, self._held = self._held + data, ""
        while data:
            if self._paste is None:
                start = data.find(BRACKETED_PASTE_START)
                if start == -1:
                    yield from super().feed(data)
                    return
                if start:
                    yield from super().feed(data[:start])
                self._paste = []
                data = data[start + len(BRACKETED_PASTE_START) :]
                continue
            end = data.find(BRACKETED_PASTE_END)
            if end == -1:
                keep = _partial_marker(data, BRACKETED_PASTE_END)
                if keep:
                    data, self._held = data[:-keep], data[-keep:]
                self._paste.append(data)
                return
            self._paste.append(data[:end])
            pasted, self._paste = "".join(self._paste), None
            yield events.Paste(pasted.replace("\x00", ""))
            data = data[end + len(BRACKETED_PASTE_END) :]


class BulkPasteLinuxDriver(LinuxDriver):
    """Textual's Linux driver, reading the terminal through `BulkPasteParser`."""

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop with the bulk-paste parser)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = BulkPasteParser(self._debug)
        feed = parser.feed
        tick = parser.tick
        decode = getincrementaldecoder("utf-8")().decode

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for last, (_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    unicode_data = decode(os.read(fileno, READ_SIZE), final=final and last)
                    if not unicode_data:
                        break  # stdin is a pipe
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def driver_class(default: type[Driver]) -> type[Driver]:
    """The driver to use instead of `default`: the bulk-paste one in place of Textual's Linux
    driver; anything else (Windows, a driver named in TEXTUAL_DRIVER) is kept."""
    return BulkPasteLinuxDriver if default is LinuxDriver else default


__all__ = ["BulkPasteLinuxDriver", "BulkPasteParser", "driver_class"]
