"""The new-request form's draft fields (kept by `DraftKeeper`), the form emptied for the next
call, and what the form tells the end-of-call screen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import work
from textual.widgets import Select

from allo_tui.console import console_of
from allo_tui.domain.records import (
    Channel,
    Kind,
)
from allo_tui.screens.new_request_texts import (
    TEXTS,
)
from allo_tui.widgets.text_fields import LimitedTextArea, SafeInput
from allo_tui.widgets.urgency import UrgencyPicker


class DraftPart:
    """The draft part of `NewRequestScreen`: the fields `DraftKeeper` writes and a restored draft
    puts back, what the form holds, the form emptied for the next call."""

    def draft_fields(self) -> dict[str, Any]:
        """The form as typed, JSON-safe (the draft's content)."""
        started = console_of(self.app).call.started_at
        return {
            "version": 1,
            "phone": self._typeahead("phone").text,
            "name": self._typeahead("name").text,
            "caller_id": self._caller_id,
            "anonymous": self._anonymous,
            "force_new": self._force_new,
            "category_id": self._typeahead("category").value,
            "category_text": self._typeahead("category").text,
            "street_number": self.query_one("#street_number", SafeInput).value,
            "street": self._typeahead("street").text,
            "landmark": self.query_one("#landmark", SafeInput).value,
            "urgency": self.query_one("#urgency", UrgencyPicker).value,
            "service_id": self._typeahead("service").value,
            "service_text": self._typeahead("service").text,
            "description": self.query_one("#description", LimitedTextArea).text,
            "channel": self.query_one("#channel", Select).value,
            "kind": self.query_one("#kind", Select).value,
            "call_started_at": started.isoformat() if started else None,
        }

    def _touch(self) -> None:
        """Something changed: the draft follows (see `DraftKeeper`)."""
        if not self._confirmed and not self._saving and self.is_mounted:
            self._drafts.touch()

    def take_pending_draft(self) -> None:
        """Apply a draft the app was asked to restore (held by the call in progress)."""
        fields = console_of(self.app).call.take_draft()
        if fields is not None:
            self.apply_draft(fields)

    def apply_draft(self, fields: dict) -> None:
        """Put every field back as it was when the draft was written."""
        if not self._catalogue_ready:
            self._pending_draft = fields
            return
        self._reset_form()
        started = fields.get("call_started_at")
        if isinstance(started, str):
            call = console_of(self.app).call
            try:
                call.resume(datetime.fromisoformat(started))
            except ValueError:
                call.start()
        self._typeahead("phone").set_text(str(fields.get("phone") or ""))
        self._typeahead("name").set_text(str(fields.get("name") or ""))
        self._anonymous = bool(fields.get("anonymous"))
        self._force_new = bool(fields.get("force_new"))
        self._check_number(self._typeahead("phone").text)
        category_id = fields.get("category_id")
        self._typeahead("category").set_text(
            str(fields.get("category_text") or ""),
            category_id if category_id in self._categories else None,
        )
        self.query_one("#street_number", SafeInput).value = str(fields.get("street_number") or "")
        self._typeahead("street").set_text(str(fields.get("street") or ""))
        self.query_one("#landmark", SafeInput).value = str(fields.get("landmark") or "")
        urgency = fields.get("urgency")
        self.query_one("#urgency", UrgencyPicker).value = urgency if urgency in (1, 2, 3, 4) else 3
        service_id = fields.get("service_id")
        self._typeahead("service").set_text(
            str(fields.get("service_text") or ""),
            service_id if service_id in self._services else None,
        )
        description = str(fields.get("description") or "")
        self.query_one("#description", LimitedTextArea).load_text(description)
        self._update_counter(len(description))
        for widget_id, enum in (("channel", Channel), ("kind", Kind)):
            value = fields.get(widget_id)
            if value in {member.value for member in enum}:
                self.query_one(f"#{widget_id}", Select).value = value
        self._update_caller_status()
        self._update_street_status()
        self._schedule_duplicates()
        caller_id = fields.get("caller_id")
        if isinstance(caller_id, int):
            self._caller_id = caller_id  # linked at once; the record only feeds the status line
            self.reload_caller(caller_id)
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
        if self._confirmed:
            return False
        if self._caller_id is not None:
            return True
        texts = [self._typeahead(f).text for f in ("phone", "name", "category", "street")]
        texts += [
            self.query_one("#street_number", SafeInput).value,
            self.query_one("#landmark", SafeInput).value,
            self.query_one("#description", LimitedTextArea).text,
        ]
        return any(t.strip() for t in texts)

    def _reset_form(self) -> None:
        self._caller = None
        self._caller_id = None
        self._anonymous = False
        self._force_new = False
        self._by_number = False
        self._holders = None
        if self._tab_waiting is not None:
            self._tab_waiting.stop()
            self._tab_waiting = None
        self._confirmed = False
        self._saving = False
        self._drafts.forget()
        self._drafts.paused = False
        for field in ("phone", "name", "category", "street", "service"):
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
        self._update_caller_status()
        self._show_duplicates(None, [])
        self._show_confirmation(False)
        self.refresh_bindings()
        self._focus_now(self._typeahead("phone"))

    def call_context(self) -> tuple[str, int | None, bool]:
        """For F10: the phone typed, the caller chosen, and whether typed text would be lost."""
        phone = "" if self._confirmed else self._typeahead("phone").text.strip()
        caller_id = None if self._confirmed else self._caller_id
        return phone, caller_id, self.has_input()

    def call_ended(self) -> None:
        """F10 logged the call: the form is done with it."""
        self.discard()
        self.app.switch_mode("lookup")
