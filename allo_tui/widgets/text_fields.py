"""Text boxes that treat what is typed or pasted as data (see `allo_tui.domain.sanitize`).

`SafeInput` is a one-line box: a multi-line paste arrives as one line (lines joined with
spaces, not only the first line as Textual's `Input` does) and control characters are removed.
`LimitedTextArea` (in `allo_tui.widgets.text_area_field`, apart so that the screens without a
multi-line box do not load Textual's `TextArea`) is a multi-line box with a length limit: a paste
is cut to the room left *before* it reaches the text area (a 1 MB paste never reaches the
document) and control characters but tab and newline are removed. Both post `TextCleaned` so the
screen can say, beside the field, what was changed.

Typing ahead of a busy app: Textual queues each key on the widget focused when the app reads
the key, so keys typed right after an Enter that moves the focus are already queued on the old
field. These boxes move the focus while handling Enter itself (not through a bubbling binding),
note when (`moved_on`), and hand the keys typed after that Enter to the widget that has the focus
(`forward_if_stray`), so fast typing lands where the hostess sees it. On a screen whose Tab is a
priority key (`FOCUS_MOVES_IN_ORDER`: acted on in the order typed, like the F-keys), the keys
queued here before a focus move made elsewhere were typed into this box and stay here; on other
screens (Tab a bubbling binding) any key reaching a box that lost the focus goes on.
"""

from __future__ import annotations

from textual import events
from textual.dom import NoScreen
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from allo_tui.domain.sanitize import CleanText, clean_text, typed_character
from allo_tui.widgets.key_queue import QueuedKeys


class TextCleaned(Message):
    """Pasted or set text had to be changed before it reached the field."""

    def __init__(self, field: Widget, cleaned: CleanText, limit: int | None = None) -> None:
        super().__init__()
        self.field = field
        self.cleaned = cleaned
        self.limit = limit
        """The field's length limit (what a cut paste was cut to)."""

    @property
    def control(self) -> Widget:
        return self.field


def moved_on(widget: Widget, key: events.Key) -> None:
    """`widget` moves the focus on as it handles `key` (see `forward_if_stray`)."""
    widget._moved_on_at = key.time  # type: ignore[attr-defined]


def forward_if_stray(widget: Widget, event: events.Key) -> bool:
    """Send `event` on to the focused widget when `widget` lost the focus since it was queued;
    on a screen with `FOCUS_MOVES_IN_ORDER`, only when it was typed after the key with which
    `widget` moved the focus on itself."""
    try:
        screen = widget.screen
    except NoScreen:
        return False
    if getattr(screen, "FOCUS_MOVES_IN_ORDER", False):
        moved_at = getattr(widget, "_moved_on_at", None)
        if moved_at is None or event.time <= moved_at:
            return False
    focused = screen.focused
    if focused is None or focused is widget:
        return False
    event.stop()
    event.prevent_default()
    focused.post_message(events.Key(event.key, event.character))
    return True


class SafeInput(QueuedKeys, Input):
    """A one-line `Input` for people's text: pastes are joined and cleaned, never lost.

    `enter_moves_on`: Enter submits and moves the focus to the next field, or to the field
    `next_field` (a selector) names.
    """

    def __init__(
        self, *args, enter_moves_on: bool = False, next_field: str | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.enter_moves_on = enter_moves_on
        self.next_field = next_field

    async def _on_key(self, event: events.Key) -> None:
        if forward_if_stray(self, event):
            return
        if await self.handle_field_key(event):
            event.stop()
            event.prevent_default()
        elif (typed := typed_character(event.character)) is not None:
            # An invisible character typed (a joiner, a soft hyphen) is text: kept as typed.
            event.stop()
            event.prevent_default()
            self._insert_clean(typed)

    async def handle_field_key(self, event: events.Key) -> bool:
        """Keys this box acts on itself, at once; True when handled."""
        if event.key == "enter" and self.enter_moves_on:
            moved_on(self, event)
            await self.action_submit()
            return True
        return False

    def _on_focus(self, event: events.Focus) -> None:
        self._moved_on_at = None  # the keys typed from now on are for this box

    def _on_blur(self, event: events.Blur) -> None:
        self.show_start()

    def show_start(self) -> None:
        """Scroll back to the first character (a value longer than the box reads from its
        start once the box is left, not from where the cursor was)."""
        self.scroll_to(x=0, animate=False, force=True)

    async def action_submit(self) -> None:
        await super().action_submit()
        if self.enter_moves_on:
            screen = self.screen
            target = screen.query_one(self.next_field) if self.next_field else None
            if target is not None and target.focusable:
                screen.set_focus(target)
            else:
                screen.focus_next()

    def _insert_clean(self, raw: str) -> None:
        room = None
        if self.max_length:
            start, end = sorted(self.selection)
            room = self.max_length - (len(self.value) - (end - start))
        cleaned = clean_text(raw, multiline=False, room=room)
        if cleaned.text:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(cleaned.text)
            else:
                self.replace(cleaned.text, *selection)
        if cleaned.changed:
            self.post_message(TextCleaned(self, cleaned, self.max_length or None))

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if event.text:
            self._insert_clean(event.text)

    def action_paste(self) -> None:
        """Paste from the local clipboard, cleaned like a terminal paste."""
        if self.app.clipboard:
            self._insert_clean(self.app.clipboard)
