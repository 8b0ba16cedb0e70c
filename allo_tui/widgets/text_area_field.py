"""`LimitedTextArea`: the multi-line text box of `allo_tui.widgets.text_fields` (see there)."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from allo_tui.domain.sanitize import clean_text, typed_character
from allo_tui.widgets.key_queue import QueuedKeys
from allo_tui.widgets.text_fields import TextCleaned, forward_if_stray


class LimitedTextArea(QueuedKeys, TextArea):
    """A multi-line text box holding at most `limit` characters of pasted text."""

    def __init__(self, text: str = "", *, limit: int, **kwargs) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("show_line_numbers", False)
        super().__init__(text, **kwargs)
        self.limit = limit

    async def _on_key(self, event: events.Key) -> None:
        if forward_if_stray(self, event) or self.read_only:
            return
        if (typed := typed_character(event.character)) is not None:
            # An invisible character typed (a joiner, a soft hyphen) is text: kept as typed.
            event.stop()
            event.prevent_default()
            self._insert_clean(typed)

    def room_left(self) -> int:
        """How many characters still fit, counting the selection as replaced."""
        selected = len(self.selected_text)
        return self.limit - (len(self.text) - selected)

    def _insert_clean(self, raw: str) -> None:
        cleaned = clean_text(raw, multiline=True, room=max(self.room_left(), 0))
        if cleaned.text and (result := self._replace_via_keyboard(cleaned.text, *self.selection)):
            self.move_cursor(result.end_location)
        if cleaned.changed:
            self.post_message(TextCleaned(self, cleaned, self.limit))

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if self.read_only or not event.text:
            return
        self._insert_clean(event.text)
        self.focus()

    def action_paste(self) -> None:
        """Paste from the local clipboard, cut to the room left and cleaned."""
        if not self.read_only and self.app.clipboard:
            self._insert_clean(self.app.clipboard)
