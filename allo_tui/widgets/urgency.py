"""The urgency of a request, chosen with 1–4 or ↑/↓, with the target it implies beside it."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.widgets.key_queue import QueuedKeys
from allo_tui.widgets.text_fields import forward_if_stray, moved_on

LEVELS = (1, 2, 3, 4)


class UrgencyPicker(QueuedKeys, Widget, can_focus=True):
    """Four levels on one line; the chosen one stands out, its target is shown after it."""

    DEFAULT_CSS = """
    UrgencyPicker {
        height: auto;
        width: 1fr;
        .urgency--chosen { text-style: bold reverse; }
        &:focus .urgency--chosen { color: $text-accent; }
        .urgency--key { color: $text-muted; }
        .urgency--target { color: $text-success; }
    }
    """
    COMPONENT_CLASSES = {"urgency--chosen", "urgency--key", "urgency--target"}

    KEYS = {
        "1": ("choose", 1),
        "2": ("choose", 2),
        "3": ("choose", 3),
        "4": ("choose", 4),
        "up": ("step", -1),
        "left": ("step", -1),
        "down": ("step", 1),
        "right": ("step", 1),
    }
    """1–4 choose a level, ↑/← more urgent, ↓/→ less urgent, Enter moves on. Handled with the
    key itself (not as bindings) so "3 Enter" typed fast keeps its order."""

    value: reactive[int] = reactive(3)

    class Changed(Message):
        """The urgency changed (by a key or by the category's default)."""

        def __init__(self, picker: UrgencyPicker, value: int) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> UrgencyPicker:
            return self.picker

    def __init__(self, value: int = 3, *, id: str | None = None, hint: str = "") -> None:
        super().__init__(id=id)
        self.set_reactive(UrgencyPicker.value, value)
        self._targets: dict[int, str] = {}
        self._hint = hint
        """Shown after the target: how to change the level from elsewhere ("Ctrl+G puis 1–4")."""

    def set_targets(self, targets: Mapping[int, str]) -> None:
        """What each level promises ("sur place sous 1 h"…), shown beside the chosen level."""
        self._targets = dict(targets)
        self.refresh(layout=True)

    @property
    def target(self) -> str:
        return self._targets.get(self.value, "")

    def validate_value(self, value: int) -> int:
        return value if value in LEVELS else 3

    def watch_value(self, value: int) -> None:
        self.post_message(self.Changed(self, value))

    async def _on_key(self, event: events.Key) -> None:
        if forward_if_stray(self, event):
            return
        if event.key == "enter":
            moved_on(self, event)
            self.screen.focus_next()
        elif event.key in self.KEYS:
            action, argument = self.KEYS[event.key]
            getattr(self, f"action_{action}")(argument)
        else:
            return
        event.stop()
        event.prevent_default()

    def _on_focus(self, event: events.Focus) -> None:
        self._moved_on_at = None  # the keys typed from now on are for this picker

    def action_choose(self, level: int) -> None:
        self.value = level

    def action_step(self, step: int) -> None:
        self.value = max(LEVELS[0], min(LEVELS[-1], self.value + step))

    def render(self) -> Text:
        chosen = self.get_component_rich_style("urgency--chosen", partial=True)
        key = self.get_component_rich_style("urgency--key", partial=True)
        target = self.get_component_rich_style("urgency--target", partial=True)
        text = Text(no_wrap=False)
        for level in LEVELS:
            text.append(
                f" {level} {URGENCY_LABELS[level]} ", chosen if level == self.value else key
            )
            text.append(" ")
        if self.target:
            text.append(f"\n→ {self.target}", target)
            if self._hint:
                text.append(f"   {self._hint}", key)
        return text
