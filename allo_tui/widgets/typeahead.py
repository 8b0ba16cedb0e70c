"""A one-line box with suggestions found as you type (caller, category, street, service).

The box does not search by itself: it posts `TypeAhead.Changed` with what was typed, and the
screen answers with `show_suggestions(text, suggestions)` (from memory or from a thread worker)
— always, with an empty list when it does not search; an answer for an older text is ignored.
Keys, with the box focused:

- ↓ / ↑ move in the list (↓ re-opens it when it was closed);
- Enter picks the highlighted suggestion (`TypeAhead.Picked`), else moves on (`Input.Submitted`);
  Enter pressed before the answer for the text typed has arrived waits for that answer, so a
  number typed and confirmed in one go still picks the caller it finds (at most `ENTER_WAIT`
  seconds, unless the screen marks the box `loading`: then until it answers);
- Esc closes the list (the screen's Esc acts only when the list is closed).

A suggestion is highlighted from the start only when the screen says so (`highlight=0`), so
Enter never replaces free text with a guess the screen did not vouch for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from allo_tui.widgets.text_fields import SafeInput


@dataclass(frozen=True)
class Suggestion:
    """One line of the list: what it shows, the text it puts in the box, the value it stands for."""

    prompt: Text
    text: str
    value: Any = None


class SuggestionList(OptionList, can_focus=False):
    """The drop-down under a `TypeAhead` box (never takes the focus from the box)."""


class TypeAheadInput(SafeInput):
    """The box of a `TypeAhead`: moves in the list and picks from it.

    ↓/↑/Esc are handled with the key itself (not as bindings) so they keep their order with the
    Enter typed after them.
    """

    ENTER_WAIT = 1.5
    """Seconds an Enter waits for the answer to the text typed before moving on without it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, enter_moves_on=True, **kwargs)
        self._held_keys: list[events.Key] = []
        self._enter_timer: Timer | None = None

    async def _on_key(self, event: events.Key) -> None:
        if self.typeahead.enter_pending:
            # Typed after an Enter still waiting for its answer: these keys belong to the field
            # that Enter leads to; they follow it once it is resolved.
            event.stop()
            event.prevent_default()
            self._held_keys.append(events.Key(event.key, event.character))

    def hold_key(self, key: events.Key) -> None:
        """Keep `key` for after the waiting Enter (a key the screen acted on ahead of it)."""
        self._held_keys.append(key)

    @property
    def typeahead(self) -> TypeAhead:
        parent = self.parent
        assert isinstance(parent, TypeAhead)
        return parent

    async def handle_field_key(self, event) -> bool:
        typeahead = self.typeahead
        if event.key == "down":
            typeahead.move(1)
            return True
        if event.key == "up" and typeahead.is_open:
            typeahead.move(-1)
            return True
        if event.key == "escape" and typeahead.is_open:
            typeahead.close()
            return True
        return await super().handle_field_key(event)

    async def action_submit(self) -> None:
        typeahead = self.typeahead
        if typeahead.answered_text != self.value:
            typeahead.enter_pending = True  # acted on when the answer arrives
            self._enter_timer = self.set_timer(self.ENTER_WAIT, self._enter_waited)
        elif not typeahead.pick_highlighted(by_enter=True):
            await super().action_submit()

    async def _enter_waited(self) -> None:
        if self.typeahead.loading:
            # The screen is still loading what it answers from: no answer can be late yet.
            self._enter_timer = self.set_timer(self.ENTER_WAIT, self._enter_waited)
            return
        await self.resolve_enter()

    async def resolve_enter(self) -> None:
        """Act on a waiting Enter (pick or move on), then replay the keys typed after it."""
        typeahead = self.typeahead
        if not typeahead.enter_pending:
            return
        typeahead.enter_pending = False
        if self._enter_timer is not None:
            self._enter_timer.stop()
            self._enter_timer = None
        if not typeahead.pick_highlighted(by_enter=True):
            await super().action_submit()
        held, self._held_keys = self._held_keys, []
        target = self.screen.focused or self
        for key in held:
            target.post_message(key)

    async def _on_blur(self, event) -> None:
        self.typeahead.blurred()


class TypeAhead(Widget):
    """A `SafeInput` with a list of suggestions under it."""

    DEFAULT_CSS = """
    TypeAhead {
        height: auto;
        width: 1fr;
        & > TypeAheadInput { width: 1fr; }
        & > SuggestionList {
            display: none;
            overlay: screen;
            constrain: none inside;
            width: 1fr;
            height: auto;
            max-height: 10;
            border: tall $border-blurred;
            background: $surface;
            padding: 0;
        }
        &.-open > SuggestionList { display: block; }
    }
    """

    class Changed(Message):
        """The user typed: the screen should answer with `show_suggestions`."""

        def __init__(self, typeahead: TypeAhead, text: str) -> None:
            super().__init__()
            self.typeahead = typeahead
            self.text = text

        @property
        def control(self) -> TypeAhead:
            return self.typeahead

    class Picked(Message):
        """A suggestion was chosen (Enter, click, or leaving a field that accepts on blur)."""

        def __init__(self, typeahead: TypeAhead, suggestion: Suggestion, by_enter: bool) -> None:
            super().__init__()
            self.typeahead = typeahead
            self.suggestion = suggestion
            self.by_enter = by_enter

        @property
        def control(self) -> TypeAhead:
            return self.typeahead

    def __init__(
        self,
        placeholder: str = "",
        *,
        id: str,
        jump_to: str | None = None,
        open_on_focus: bool = False,
        accept_on_blur: bool = False,
        max_length: int = 0,
    ) -> None:
        super().__init__(id=id)
        self._placeholder = placeholder
        self._max_length = max_length
        self.jump_to = jump_to
        """Selector of the field Enter goes to after a pick (else the next field on screen —
        an order computed from positions, which an open list can upset: forms name it)."""
        self.open_on_focus = open_on_focus
        """Ask for suggestions when the box gets the focus empty (short lists: categories)."""
        self.accept_on_blur = accept_on_blur
        """Leaving the box with a highlighted suggestion picks it (lists one must choose from)."""
        self.value: Any = None
        """The value of the suggestion picked, None once the text is edited."""
        self._suggestions: list[Suggestion] = []
        self._programmatic: str | None = None
        self.answered_text: str = ""
        """The text the last answer was for (the box waits for an answer to its text)."""
        self.enter_pending = False
        """Enter was pressed before the answer for the current text arrived."""
        self.loading = False
        """The screen cannot answer yet (its list is still loading): a waiting Enter keeps
        waiting past `ENTER_WAIT` until the screen answers."""

    def compose(self) -> ComposeResult:
        yield TypeAheadInput(
            placeholder=self._placeholder,
            compact=True,
            id=f"{self.id}-input",
            max_length=self._max_length,
        )
        yield SuggestionList(id=f"{self.id}-suggestions")

    # -- state ------------------------------------------------------------------------------

    @property
    def input(self) -> TypeAheadInput:
        return self.query_one(TypeAheadInput)

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def suggestions(self) -> list[Suggestion]:
        return list(self._suggestions)

    @property
    def highlighted(self) -> Suggestion | None:
        index = self.query_one(SuggestionList).highlighted
        if self.is_open and index is not None and 0 <= index < len(self._suggestions):
            return self._suggestions[index]
        return None

    def focus(self, scroll_visible: bool = True) -> TypeAhead:
        self.input.focus(scroll_visible)
        return self

    def set_text(self, text: str, value: Any = None) -> None:
        """Put `text` in the box (and the value it stands for) without asking for suggestions."""
        self.close()
        self.value = value
        self.answered_text = text
        if self.enter_pending:
            self.call_later(self.input.resolve_enter)
        if self.input.value != text:
            self._programmatic = text
            self.input.value = text
            self.input.cursor_position = len(text)
        if not self.input.has_focus:
            self.input.show_start()

    # -- the list ---------------------------------------------------------------------------

    def show_suggestions(
        self, for_text: str, suggestions: list[Suggestion], highlight: int | None = None
    ) -> None:
        """Show `suggestions` for `for_text` (ignored when the box no longer holds that text)."""
        if for_text != self.input.value:
            return
        self.answered_text = for_text
        if not self.input.has_focus:
            return
        self._suggestions = list(suggestions)
        option_list = self.query_one(SuggestionList)
        option_list.clear_options()
        if suggestions:
            option_list.add_options(Option(s.prompt) for s in suggestions)
            option_list.highlighted = highlight
            self.add_class("-open")
        else:
            self.close()
        if self.enter_pending:
            self.call_later(self.input.resolve_enter)

    def close(self) -> None:
        self.remove_class("-open")

    def move(self, step: int) -> None:
        """Move the highlight; ↓ on a closed list asks for suggestions again."""
        if not self.is_open:
            self.post_message(self.Changed(self, self.input.value))
            return
        option_list = self.query_one(SuggestionList)
        count = len(self._suggestions)
        if option_list.highlighted is None:
            option_list.highlighted = 0 if step > 0 else count - 1
        else:
            option_list.highlighted = max(0, min(count - 1, option_list.highlighted + step))

    def pick_highlighted(self, *, by_enter: bool) -> bool:
        """Pick the highlighted suggestion; False when there is none."""
        suggestion = self.highlighted
        if suggestion is None:
            return False
        self.pick(suggestion, by_enter=by_enter)
        return True

    def pick(self, suggestion: Suggestion, *, by_enter: bool) -> None:
        """Take `suggestion`; by Enter (or a click) the focus moves on at once."""
        self.set_text(suggestion.text, suggestion.value)
        self.post_message(self.Picked(self, suggestion, by_enter))
        if by_enter:
            screen = self.screen
            target = screen.query_one(self.jump_to) if self.jump_to else None
            if target is not None and target.focusable:
                screen.set_focus(target)
            else:
                screen.focus_next()

    def blurred(self) -> None:
        if self.accept_on_blur and self.value is None:
            self.pick_highlighted(by_enter=False)
        self.close()

    # -- events -----------------------------------------------------------------------------

    @on(SafeInput.Changed)
    def _typed(self, event: SafeInput.Changed) -> None:
        if self._programmatic is not None and event.value == self._programmatic:
            self._programmatic = None
            return
        self._programmatic = None
        self.value = None
        self.post_message(self.Changed(self, event.value))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._suggestions):
            self.pick(self._suggestions[event.option_index], by_enter=True)

    def on_descendant_focus(self) -> None:
        if self.open_on_focus and not self.input.value:
            self.post_message(self.Changed(self, ""))
