"""The new-request form's keys, handled one at a time in the order typed (with `KeyQueue`), and
moving from field to field."""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input

from allo_tui.domain.request_form import street_typed_after_number
from allo_tui.literal import printable
from allo_tui.screens.new_request_texts import (
    CHOICE_FIELDS,
    TEXTS,
)
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.typeahead import TypeAhead, TypeAheadInput
from allo_tui.widgets.urgency import UrgencyPicker


class KeysPart:
    """The keys part of `NewRequestScreen`: each key routed in the order typed (with `KeyQueue`),
    Tab and Shift+Tab, Ctrl+G then 1–4, the service from the palette."""

    def _forward_event(self, event: events.Event) -> None:
        """A key for the screen itself (no field focused) takes its turn in the key queue."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.key_queue.put_key(event)
            return
        super()._forward_event(event)

    def _keys_wait(self) -> bool:
        """True while the next key must wait: an Enter waits for the suggestions it picks from,
        or a Tab for who holds the whole phone number typed."""
        if not self.is_mounted:
            return False
        if self.caller_picker.waiting_for_number:
            return True
        return any(box.enter_pending for box in self.query(TypeAhead))

    async def _route_key(self, event: events.Key) -> Widget | None:
        """Where the next key goes: the focused field, with the form's own rules:

        - after Ctrl+G, a key 1–4 sets the urgency (any other key is handled as usual);
        - Enter in a still empty description is an Enter too many: dropped;
        - Enter on the urgency goes to the description (the service is pre-set);
        - a printable key typed on a choice field (urgency, channel, kind) goes to the end of
          the description, with a notice: a description typed one Enter short is not lost.
        """
        app = self.app
        if app.screen is not self and self in app.screen_stack:
            # A dialog opened by a key typed before this one: the key answers it.
            return app.screen.focused or app.screen
        if self._urgency_armed:
            self._urgency_armed = False
            self._set_message("urgency", "")
            if event.character in ("1", "2", "3", "4"):
                self.set_urgency(int(event.character))
                return None
            if event.key == "escape":
                return None
        focused = self.focused
        if focused is None:
            return self
        if (
            event.key == "enter"
            and isinstance(focused, LimitedTextArea)
            and not focused.text.strip()
        ):
            return None  # an Enter too many before the description: no blank first lines
        if event.key == "enter" and focused.id == "urgency":
            # Urgency and service are pre-set: Enter on the urgency goes to the description.
            self._focus_now(self.query_one("#description", LimitedTextArea))
            return None
        if event.is_printable and focused.id in CHOICE_FIELDS:
            description = self.query_one("#description", LimitedTextArea)
            description.move_cursor(description.document.end)
            self._focus_now(description)
            self._set_message(
                "description",
                TEXTS["typed_on_choice"].format(field=TEXTS[CHOICE_FIELDS[focused.id]]),
                "-warning",
            )
            return description
        if event.is_printable and focused.id == "street_number":
            if self._street_typed_in_number(focused, event.character or ""):
                return None
        return focused

    def _street_typed_in_number(self, box: Widget, character: str) -> bool:
        """ "12 rue du temple" typed in the N° box without a Tab: the number stays, the street
        goes on in the street box (which then suggests as usual). True when moved."""
        if not isinstance(box, Input) or box.cursor_position != len(box.value):
            return False
        moved = street_typed_after_number(box.value + character)
        street = self._typeahead("street")
        if moved is None or street.text.strip():
            return False
        number, rest = moved
        box.value = number
        street_input = street.input
        street_input.value = rest
        street_input.cursor_position = len(rest)
        # The focus must not select what was moved (the next key would replace it).
        selects, street_input.select_on_focus = street_input.select_on_focus, False
        self._focus_now(street)
        street_input.call_later(setattr, street_input, "select_on_focus", selects)
        return True

    def action_new_caller(self) -> None:
        """Ctrl+N (a new caller, even on a known number), in the order typed."""
        self.key_queue.put_action(self.caller_picker.mark_new)

    def action_anonymous(self) -> None:
        """F6 (an anonymous call), in the order typed."""
        self.key_queue.put_action(self.caller_picker.mark_anonymous)

    def action_urgency_key(self) -> None:
        """Ctrl+G: the next key 1–4 sets the urgency, from any field."""
        self.key_queue.put_action(self._arm_urgency)

    def set_urgency(self, level: int) -> None:
        """Set the urgency (Ctrl+G then 1–4, or the palette)."""
        self.query_one("#urgency", UrgencyPicker).value = level

    def action_choose_service(self) -> None:
        """The palette's "Service de la demande…": pick the service in a list."""
        from allo_tui.widgets.service_picker import ServicePicker

        def chosen(service_id: int | None) -> None:
            service = self._services.get(service_id) if service_id is not None else None
            if service is not None:
                self._typeahead("service").set_text(
                    printable(service.name, one_line=True), service.id
                )
                self._set_message("service", "")
                self._touch()

        current = self._typeahead("service").value
        self.app.push_screen(
            ServicePicker(
                list(self._services.values()),
                title=TEXTS["service_title"],
                current=current if isinstance(current, int) else None,
            ),
            chosen,
        )

    def _arm_urgency(self) -> None:
        self._urgency_armed = True
        self._set_message("urgency", TEXTS["urgency_armed"], "-ok")

    def _after_typed_keys(self, callback, *args) -> None:
        """Run `callback` once the keys typed before Ctrl+S/D have been handled.

        Ctrl+S is a priority key, acted on when it arrives; keys typed just before it may still
        wait in the key queue. Queuing the save behind them saves what was typed.
        """
        self.key_queue.put_action(callback, *args)

    def action_next_field(self) -> None:
        """Tab, in the order typed: the keys typed after it go to the next field."""
        self.key_queue.put_action(self._step_focus, True)

    def action_previous_field(self) -> None:
        """Shift+Tab, in the order typed."""
        self.key_queue.put_action(self._step_focus, False)

    def _step_focus(self, forward: bool) -> None:
        if forward and self.caller_picker.tab_from_phone():
            return
        focused = self.focused
        if isinstance(focused, TypeAheadInput) and focused.typeahead.enter_pending:
            # An Enter waits for its answer: the Tab follows it, like the keys typed after it.
            focused.hold_key(events.Key("tab" if forward else "shift+tab", None))
        elif forward:
            self.focus_next()
        else:
            self.focus_previous()

    def _focus_now(self, widget: Widget) -> None:
        """Move the focus at once. (`Widget.focus` queues the move in the app, behind keys
        already typed, which would then reach the field being left.)"""
        if isinstance(widget, TypeAhead):
            widget = widget.input
        self.set_focus(widget)

    def _focus_first_empty(self) -> None:
        if self._confirmed:
            return
        if self.caller_picker.awaits_caller:
            self.caller_picker.focus_phone()
        elif self._categories and self._typeahead("category").value is None:
            self._focus_now(self._typeahead("category"))
        else:
            self._focus_now(self.query_one("#description", LimitedTextArea))

    def _focus_field(self, field: str) -> None:
        if field in ("category", "service", "street"):
            self._focus_now(self._typeahead(field))
        elif field == "caller":
            self.caller_picker.focus_problem()
        elif field in ("description", "landmark", "street_number"):
            self._focus_now(self.query_one(f"#{field}"))
