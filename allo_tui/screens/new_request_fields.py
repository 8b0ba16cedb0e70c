"""The new-request form's fields: the catalogue and streets loaded, what each box suggests, the
messages under the fields and the description counter."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Input, Static

from allo_tui.domain import limits
from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.domain.records import (
    CategoryRecord,
    RequestRecord,
    ServiceRecord,
)
from allo_tui.domain.request_form import (
    category_matches,
    service_matches,
    split_leading_number,
    target_phrase,
)
from allo_tui.domain.request_form import thousands as _thousands
from allo_tui.domain.sanitize import CleanText
from allo_tui.domain.streets import Street, match_streets
from allo_tui.domain.text import fold
from allo_tui.literal import printable
from allo_tui.screens.new_request_texts import (
    TEXTS,
)
from allo_tui.widgets.caller_picker import SUGGESTION_LIMIT, CallerPicker
from allo_tui.widgets.duplicates_panel import DuplicatesPanel
from allo_tui.widgets.text_fields import TextCleaned
from allo_tui.widgets.typeahead import Suggestion, TypeAhead
from allo_tui.widgets.urgency import UrgencyPicker

DESCRIPTION_LIMIT = limits.DESCRIPTION
"""As in Open311 (and the Store)."""
COUNTER_FROM = 3000
"""The counter stands out from this many characters."""


def _suggestion(label: str, value: Any) -> Suggestion:
    """A list line for a label from the database, shown (and put in the box) literally."""
    shown = printable(label, one_line=True)
    return Suggestion(Text(shown), shown, value)


class FieldsPart:
    """The fields part of `NewRequestScreen`: catalogue and streets loaded in thread workers,
    the suggestions of each type-ahead box, the messages under the fields, the counter."""

    @work(thread=True, exit_on_error=False, group="catalogue")
    def load_catalogue(self) -> None:
        store = self.app.store
        try:
            categories = store.categories()
            services = store.services()
            calendar = store.calendar()
            targets = {
                level: target_phrase(level, calendar.target_for(level)) for level in URGENCY_LABELS
            }
            calendar.due_dates(store.now(), 3)  # warms the holiday tables: the save is instant
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._load_failed, error)
            return
        self.app.call_from_thread(self._set_catalogue, categories, services, targets)

    def _set_catalogue(
        self,
        categories: list[CategoryRecord],
        services: list[ServiceRecord],
        targets: dict[int, str],
    ) -> None:
        self._categories = {c.id: c for c in categories}
        self._services = {s.id: s for s in services}
        self.query_one("#urgency", UrgencyPicker).set_targets(targets)
        self._catalogue_ready = True
        for field in ("category", "service"):
            box = self._typeahead(field)
            box.loading = False
            if box.input.has_focus or box.text:
                self._typeahead_changed(TypeAhead.Changed(box, box.text))
        if self._pending_draft is not None:
            fields, self._pending_draft = self._pending_draft, None
            self.apply_draft(fields)
        if self._submit_when_ready is not None:
            (original,), self._submit_when_ready = self._submit_when_ready, None
            self._submit(original)

    @work(thread=True, exit_on_error=False, group="streets")
    def load_streets(self) -> None:
        """The site's street register plus every street already used (off the loop)."""
        try:
            shipped = tuple(self.app.store.streets())
            known = self.app.store.known_streets()
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._load_failed, error)
            return
        keys = {fold(street.name) for street in shipped}
        extra = tuple(Street(name, "connue") for name in known if fold(name) not in keys)
        keys.update(fold(street.name) for street in extra)
        self.app.call_from_thread(self._set_streets, shipped + extra, keys)

    def _set_streets(self, streets: tuple[Street, ...], keys: set[str]) -> None:
        self._streets = streets
        self._street_keys = keys
        self._streets_ready = True
        self._update_street_status()
        box = self._typeahead("street")
        box.loading = False
        if box.text and box.value is None:
            self._typeahead_changed(TypeAhead.Changed(box, box.text))

    def _load_failed(self, error: Exception) -> None:
        for field in ("category", "service", "street"):
            self._typeahead(field).loading = False  # a waiting Enter moves on without a list
        self.app.log.error(f"new request: loading failed: {error!r}")
        self.notify(TEXTS["load_error"].format(error=error), severity="error", markup=False)

    def _typeahead(self, field: str) -> TypeAhead:
        return self.query_one(f"#{field}", TypeAhead)

    def _category_chosen(self, category_id: int) -> None:
        category = self._categories.get(category_id)
        if category is None:
            return
        self._set_message("category", "")
        procedure = self.query_one("#procedure", Static)
        procedure.update(Text(category.procedure))
        procedure.set_class(bool(category.procedure), "-shown")
        self.query_one("#urgency", UrgencyPicker).value = category.default_urgency
        service = self._services.get(category.service_id)
        self._typeahead("service").set_text(
            service.name if service else category.service_name, category.service_id
        )
        self._set_message("service", "")
        self._schedule_duplicates()

    def _update_street_status(self) -> None:
        street = self._typeahead("street").text.strip()
        if not street or not self._street_keys:
            message, kind = "", "-ok"
        elif fold(street) in self._street_keys:
            message, kind = TEXTS["street_known"], "-ok"
        else:
            message, kind = TEXTS["street_unknown"], "-warning"
        note = self._street_paste_note
        if note is not None and note[1].value == note[2]:
            # What a paste into the N° or street box lost stays said, before the street status.
            message, kind = " ".join(filter(None, (note[0], message))), "-warning"
        else:
            self._street_paste_note = None
        self._set_message("street", message, kind)

    def _field_of(self, widget) -> str:
        node = widget
        while node is not None and node is not self:
            if isinstance(node, CallerPicker):
                return "caller"
            if node.id in ("category", "street", "service", "landmark", "description"):
                return node.id
            if node.id == "street_number":
                return "street"
            node = node.parent
        return "description"

    def _set_message(self, field: str, message: str, kind: str = "-error") -> None:
        widget = self.query_one(f"#message-{field}", Static)
        widget.update(Text(message))
        widget.set_classes(f"message {kind}" if message else "message")

    def _update_counter(self, length: int) -> None:
        counter = self.query_one("#counter", Static)
        counter.update(
            TEXTS["counter"].format(count=_thousands(length), limit=_thousands(DESCRIPTION_LIMIT))
        )
        counter.set_class(COUNTER_FROM <= length <= DESCRIPTION_LIMIT, "-near")
        counter.set_class(length > DESCRIPTION_LIMIT, "-over")

    def _answer_typed(self, event: TypeAhead.Changed) -> None:
        field = event.typeahead.id or ""
        text = event.text
        if field in ("category", "service") and not self._catalogue_ready:
            event.typeahead.loading = True
            return  # answered when the catalogue arrives (an Enter typed meanwhile waits for it)
        elif field == "category":
            categories = category_matches(text, list(self._categories.values()))
            suggestions = [_suggestion(c.label, c.id) for c in categories]
            event.typeahead.show_suggestions(text, suggestions, 0 if text.strip() else None)
            self._schedule_duplicates()
        elif field == "street" and not self._streets_ready:
            event.typeahead.loading = True
            self._update_street_status()
            return  # answered when the streets arrive (an Enter typed meanwhile waits for them)
        elif field == "street":
            # "12 rue du temple": the number goes to the N° box when a street is picked.
            number, rest = split_leading_number(text)
            names = match_streets(rest, self._streets, SUGGESTION_LIMIT) if number else []
            if not names:
                number, names = "", match_streets(text, self._streets, SUGGESTION_LIMIT)
            suggestions = [_suggestion(name, (name, number)) for name in names]
            event.typeahead.show_suggestions(text, suggestions, 0 if names else None)
            self._update_street_status()
            self._schedule_duplicates()
        elif field == "service":
            services = service_matches(text, list(self._services.values()))
            suggestions = [_suggestion(s.name, s.id) for s in services]
            event.typeahead.show_suggestions(text, suggestions, 0 if text.strip() else None)

    def _say_cleaned(self, event: TextCleaned) -> None:
        cleaned: CleanText = event.cleaned
        parts = []
        if cleaned.truncated:
            parts.append(
                TEXTS["cleaned_truncated"].format(
                    received=_thousands(cleaned.received),
                    kept=_thousands(len(cleaned.text)),
                    limit=_thousands(event.limit or 0),
                )
            )
        if cleaned.joined_lines:
            parts.append(TEXTS["cleaned_lines"])
        if cleaned.removed_controls:
            parts.append(TEXTS["cleaned_controls"].format(count=cleaned.removed_controls))
        field = self._field_of(event.field)
        message = " ".join(parts)
        if field == "street" and isinstance(event.field, Input):
            # The street status shares the line and is redrawn as the street changes.
            self._street_paste_note = (message, event.field, event.field.value)
            self._update_street_status()
            return
        self._set_message(field, message, "-warning")

    @work(thread=True, exclusive=True, exit_on_error=False, group="duplicates")
    def find_duplicates(self, category_id: int, street: str) -> None:
        try:
            rows = self.app.store.possible_duplicates(category_id, street)
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._load_failed, error)
            return
        self.app.call_from_thread(self._show_duplicates, (category_id, street), rows)

    def _show_duplicates(self, key: tuple[int, str] | None, rows: list[RequestRecord]) -> None:
        current = self._typeahead("category").value, self._typeahead("street").text.strip()
        if key is not None and key != current:
            return  # typed on since: a newer search is coming
        self.query_one(DuplicatesPanel).show(key, rows)
        self.refresh_bindings()

    def _highlighted_duplicate(self) -> RequestRecord | None:
        return self.query_one(DuplicatesPanel).highlighted

    def action_link_duplicate(self) -> None:
        """Ctrl+D: record this call as a duplicate of the highlighted request."""
        original = self._highlighted_duplicate()
        if original is not None:
            self._after_typed_keys(self._submit, original)
