"""The new-request form's draft fields (kept by `DraftKeeper`), the form emptied for the next
call, and what the form tells the end-of-call screen."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.widgets import Select

from allo_tui.console import console_of
from allo_tui.domain.draft_fields import RequestDraft
from allo_tui.domain.records import (
    Channel,
    Kind,
)
from allo_tui.screens.new_request_texts import (
    TEXTS,
)
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.urgency import UrgencyPicker


class DraftPart:
    """The draft part of `NewRequestScreen`: the fields `DraftKeeper` writes and a restored draft
    puts back (a `RequestDraft`), the caller or draft the call in progress holds for the form,
    what the form holds, the form emptied for the next call."""

    def request_draft(self) -> RequestDraft:
        """The form as typed (what `DraftKeeper` writes)."""
        picker = self.caller_picker
        return RequestDraft(
            phone=picker.phone_text,
            name=picker.name_text,
            caller_id=picker.choice.caller_id,
            anonymous=picker.choice.anonymous,
            force_new=picker.choice.force_new,
            category_id=self._typeahead("category").value,
            category_text=self._typeahead("category").text,
            street_number=self.query_one("#street_number", SafeInput).value,
            street=self._typeahead("street").text,
            landmark=self.query_one("#landmark", SafeInput).value,
            urgency=self.query_one("#urgency", UrgencyPicker).value,
            service_id=self._typeahead("service").value,
            service_text=self._typeahead("service").text,
            description=self.query_one("#description", LimitedTextArea).text,
            channel=self.query_one("#channel", Select).value,
            kind=self.query_one("#kind", Select).value,
            call_started_at=console_of(self.app).call.started_at,
        )

    def draft_fields(self) -> dict[str, Any]:
        """The form as typed, JSON-safe (the draft's content)."""
        return self.request_draft().to_fields()

    def _touch(self) -> None:
        """Something changed: the draft follows (see `DraftKeeper`)."""
        if not self._confirmed and not self._saving and self.is_mounted:
            self._drafts.touch()

    def take_pending_caller(self) -> None:
        """Apply the caller chosen on F2 (the app keeps it until this screen is shown)."""
        if self._confirmed:
            self._reset_form()  # F3 after a save: the next call
        caller = console_of(self.app).call.take_caller()
        if caller is not None:
            self.caller_picker.choose(caller)

    def take_pending_draft(self) -> None:
        """Apply a draft the app was asked to restore (held by the call in progress)."""
        fields = console_of(self.app).call.take_draft()
        if fields is not None:
            self.apply_draft(fields)

    def apply_draft(self, fields: dict[str, Any]) -> None:
        """Put every field back as it was when the draft was written."""
        if not self._catalogue_ready:
            self._pending_draft = fields
            return
        draft = RequestDraft.from_fields(fields)
        self._reset_form()
        call = console_of(self.app).call
        if draft.call_started_at is not None:
            call.resume(draft.call_started_at)
        elif draft.call_start_unreadable:
            call.start()
        self._typeahead("category").set_text(
            draft.category_text,
            draft.category_id if draft.category_id in self._categories else None,
        )
        self.query_one("#street_number", SafeInput).value = draft.street_number
        self._typeahead("street").set_text(draft.street)
        self.query_one("#landmark", SafeInput).value = draft.landmark
        self.query_one("#urgency", UrgencyPicker).value = draft.urgency
        self._typeahead("service").set_text(
            draft.service_text,
            draft.service_id if draft.service_id in self._services else None,
        )
        self.query_one("#description", LimitedTextArea).load_text(draft.description)
        self._update_counter(len(draft.description))
        self.query_one("#channel", Select).value = draft.channel
        self.query_one("#kind", Select).value = draft.kind
        self.caller_picker.restore(
            draft.phone,
            draft.name,
            draft.caller_id,
            anonymous=draft.anonymous,
            force_new=draft.force_new,
        )
        self._update_street_status()
        self._schedule_duplicates()
        self._drafts.restored()
        self._touch()
        self.notify(TEXTS["restored"], markup=False)
        self._focus_first_empty()

    @work(thread=True, exit_on_error=False, group="drafts")
    def flush_draft_and_exit(self, fields: dict) -> None:
        """Write the draft now, then quit (Ctrl+Q keeps the call for the next start)."""
        try:
            self._drafts.write_now(fields)
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._drafts.failed, error)
            return
        self.app.call_from_thread(self.app.exit)

    def has_input(self) -> bool:
        """True when the form holds something typed (worth a draft and a question)."""
        return not self._confirmed and self.request_draft().holds_input()

    def _reset_form(self) -> None:
        self.caller_picker.reset()
        self._confirmed = False
        self._saving = False
        self._stop_retrying()
        self._save_key = None
        self._drafts.forget()
        self._drafts.paused = False
        for field in ("category", "street", "service"):
            self._typeahead(field).set_text("")
        for widget_id in ("street_number", "landmark"):
            self.query_one(f"#{widget_id}", SafeInput).value = ""
        self.query_one("#description", LimitedTextArea).load_text("")
        self.query_one("#urgency", UrgencyPicker).value = 3
        self.query_one("#channel", Select).value = Channel.PHONE.value
        self.query_one("#kind", Select).value = Kind.INTERVENTION.value
        self._street_paste_note = None
        self._urgency_armed = False
        for field in (
            "caller",
            "category",
            "street",
            "landmark",
            "urgency",
            "service",
            "description",
        ):
            self._set_message(field, "")
        self._update_counter(0)
        self._show_duplicates(None, [])
        self._show_confirmation(False)
        self.refresh_bindings()
        self.caller_picker.focus_phone()

    def call_context(self) -> tuple[str, int | None, bool]:
        """For F10: the phone typed, the caller chosen, and whether typed text would be lost."""
        phone = "" if self._confirmed else self.caller_picker.phone_text.strip()
        caller_id = None if self._confirmed else self.caller_picker.choice.caller_id
        return phone, caller_id, self.has_input()

    def call_ended(self) -> None:
        """F10 logged the call: the form is done with it."""
        self.discard()
        self.app.switch_mode("lookup")
