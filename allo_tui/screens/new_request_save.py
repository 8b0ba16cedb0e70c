"""The new-request form's save (checked, then written by a thread worker), its confirmation,
and leaving the form (Esc, the next call, quitting)."""

from __future__ import annotations

import uuid

from textual import work
from textual.widgets import Select

from allo_tui.console import console_of
from allo_tui.data.errors import database_error
from allo_tui.domain import limits
from allo_tui.domain.errors import AlloError, ValidationError
from allo_tui.domain.records import (
    CallerMatch,
    Channel,
    Kind,
    NewCaller,
    NewRequest,
    RequestRecord,
)
from allo_tui.domain.request_form import thousands as _thousands
from allo_tui.domain.text import split_name
from allo_tui.screens.new_request_texts import (
    TEXTS,
)
from allo_tui.widgets.request_confirmation import RequestConfirmation
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.urgency import UrgencyPicker

RETRY_SECONDS = 5
"""Seconds between two tries of a save while the database server is away."""
UNREACHABLE_SECONDS = 15
"""How long the warning that a reply cannot reach the caller stays on screen."""
RETRY_KINDS = frozenset({"server"})
"""Database failures after which a save is tried again by itself (the server is away)."""


class SavePart:
    """The saving part of `NewRequestScreen`: checks, the Store's write in a thread worker, the
    confirmation; Esc, the next call, quitting."""

    def action_save(self) -> None:
        """Ctrl+S: validate beside each field, then save off the event loop."""
        self._after_typed_keys(self._submit, None)

    def _submit(self, original: RequestRecord | None) -> None:
        if self._saving or self._confirmed:
            return
        if not self._catalogue_ready:
            # Still loading (a draft being restored waits for the catalogue): save right after.
            self._submit_when_ready = (original,)
            return
        category_box = self._typeahead("category")
        if category_box.value is None and category_box.is_open:
            category_box.pick_highlighted(by_enter=False)
        service_box = self._typeahead("service")
        if service_box.value is None and service_box.is_open:
            service_box.pick_highlighted(by_enter=False)
        picker = self.caller_picker
        picker.close_lists()
        self._typeahead("street").close()
        errors: list[tuple[str, str]] = []
        caller_problem = picker.problem()
        if caller_problem is not None:
            errors.append(("caller", caller_problem))
        category = category_box.value if isinstance(category_box.value, int) else None
        if category is None:
            errors.append(("category", TEXTS["error_category"]))
        service_id = service_box.value if isinstance(service_box.value, int) else None
        if service_id is None and service_box.text.strip():
            errors.append(("service", TEXTS["error_service"]))
        description = self.query_one("#description", LimitedTextArea).text
        if original is not None and not description.strip():
            description = TEXTS["duplicate_description"].format(reference=original.reference)
        if not description.strip():
            errors.append(("description", TEXTS["error_description_empty"]))
        elif len(description) > limits.DESCRIPTION:
            errors.append(
                (
                    "description",
                    TEXTS["error_description_long"].format(
                        limit=_thousands(limits.DESCRIPTION), count=_thousands(len(description))
                    ),
                )
            )
        for field in ("category", "service", "description"):
            if self.query_one(f"#message-{field}").has_class("-error"):
                self._set_message(field, "")
        if errors:
            for field, message in errors:
                self._set_message(field, message)
            self._focus_field(errors[0][0])
            return
        assert category is not None
        if self._save_key is None:
            self._save_key = uuid.uuid4().hex
        phone = picker.phone_text.strip()
        name = picker.name_text.strip()
        new_caller = None
        if picker.choice.caller_id is None and not picker.choice.anonymous and (phone or name):
            surname, given_name = split_name(name)
            new_caller = NewCaller(
                surname=surname, given_name=given_name, phones=(phone,) if phone else ()
            )
        new = NewRequest(
            category_id=category,
            description=description,
            caller_id=picker.choice.caller_id,
            new_caller=new_caller,
            caller_match=CallerMatch.FORCE_NEW if picker.choice.force_new else CallerMatch.NUMBER,
            urgency=self.query_one("#urgency", UrgencyPicker).value,
            service_id=service_id,
            channel=Channel(self.query_one("#channel", Select).value),
            kind=Kind(self.query_one("#kind", Select).value),
            street_number=self.query_one("#street_number", SafeInput).value,
            street=self._typeahead("street").text,
            landmark=self.query_one("#landmark", SafeInput).value,
            duplicate_of_id=original.id if original else None,
            idempotency_key=f"console:{self._save_key}",
        )
        self._drafts.cancel_pending()
        self._drafts.paused = True
        self._saving = True
        self.refresh_bindings()
        self.save(new, console_of(self.app).call.info(phone), original)

    @work(thread=True, exit_on_error=False, group="save")
    def save(self, new: NewRequest, call, original: RequestRecord | None) -> None:
        """One transaction: request, first Event, Call, new caller, draft deleted."""
        store = self.app.store
        try:
            with self._drafts.finishing():
                record = store.create_request(
                    self.app.operator, new, call, draft_console=self.app.console_name
                )
            if original is not None:
                original = store.get_request(original.id)
            unreachable = ""
            if record.caller_id is not None:  # said now, not when the reply fails to go
                from allo_tui.domain.postal_address import reply_address_problem

                unreachable = reply_address_problem(store.get_caller(record.caller_id))
        except ValidationError as error:
            self.app.call_from_thread(self._field_error, error.field, error.message)
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            found = database_error(error)
            if found is not None and found.kind in RETRY_KINDS:
                self.app.call_from_thread(self._server_away, original, str(found))
            elif found is not None or isinstance(error, AlloError):
                self.app.call_from_thread(self._failed, str(found or error))
            else:
                self.app.call_from_thread(self._failed, repr(error))
        else:
            self.app.call_from_thread(self._saved, record, original, unreachable)

    def _field_error(self, field: str, message: str) -> None:
        self._saving = False
        self._drafts.paused = False
        self.refresh_bindings()
        target = field if field in ("category", "service", "description") else "description"
        if field == "caller":
            target = "caller"
        self._set_message(target, message)
        self._focus_field(target)

    def _failed(self, message: str) -> None:
        self._saving = False
        self._drafts.paused = False
        self.refresh_bindings()
        self.app.log.error(message)
        self.notify(TEXTS["error"].format(error=message), severity="error", markup=False)

    def _server_away(self, original: RequestRecord | None, message: str) -> None:
        """The server did not answer: keep everything here and try again in a while."""
        first = self._retry_timer is None
        self._saving = False
        self._drafts.paused = False
        self.refresh_bindings()
        self._drafts.keep_here(self.draft_fields())
        if first:
            self.app.log.error(message)
            self.notify(
                TEXTS["server_away"].format(seconds=RETRY_SECONDS),
                severity="error",
                markup=False,
                timeout=RETRY_SECONDS * 3,
            )
        self._retry_timer = self.set_timer(RETRY_SECONDS, lambda: self._retry_save(original))

    def _retry_save(self, original: RequestRecord | None) -> None:
        """Try the save again (with the same key), unless the call was saved or dropped."""
        if self._confirmed or self._saving or self._save_key is None or not self.has_input():
            return
        self._submit(original)

    def _stop_retrying(self) -> None:
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None

    def _saved(
        self, record: RequestRecord, original: RequestRecord | None, unreachable: str = ""
    ) -> None:
        if self._retry_timer is not None:
            self.app.clear_notifications()  # "the server does not answer" is over
        if unreachable:
            self.notify(
                TEXTS["unreachable"].format(problem=unreachable),
                severity="warning",
                markup=False,
                timeout=UNREACHABLE_SECONDS,
            )
        self._stop_retrying()
        self._save_key = None
        self._saving = False
        self._confirmed = True
        self._drafts.forget()
        console_of(self.app).call.end()
        self._show_confirmation(True)
        self.query_one(RequestConfirmation).show(record, original)
        self.refresh_bindings()
        self.set_focus(None)

    def _show_confirmation(self, shown: bool) -> None:
        """Swap the form and the confirmation (display of two containers, no screen restyle)."""
        self.query_one("#body").display = not shown
        self.query_one("#confirmation").display = shown

    @property
    def confirmed(self) -> bool:
        """True while the confirmation of a saved request is shown."""
        return self._confirmed

    def action_next_call(self) -> None:
        """Esc on the confirmation: an empty form, and the lookup for the next caller."""
        self._reset_form()
        self.app.switch_mode("lookup")

    def action_cancel(self) -> None:
        """Esc: ask before dropping typed text, then back to the lookup."""
        if not self.has_input():
            self.app.switch_mode("lookup")
            return
        from allo_tui.screens.confirm import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.discard()
                self.app.switch_mode("lookup")

        self.app.push_screen(
            ConfirmDialog(TEXTS["confirm_discard"], TEXTS["confirm_discard_detail"]), answered
        )

    def discard(self) -> None:
        """Drop what was typed and its draft."""
        self._reset_form()
        self._drafts.discard()

    def confirm_quit(self) -> None:
        """Ctrl+Q with typed text: ask, then keep the draft (written now) and quit."""
        from allo_tui.screens.confirm import ConfirmDialog

        def answered(leave: bool | None) -> None:
            if leave:
                self.flush_draft_and_exit(self.draft_fields())

        self.app.push_screen(
            ConfirmDialog(
                TEXTS["confirm_quit"],
                TEXTS["confirm_quit_detail"],
                yes=TEXTS["quit_yes"],
                no=TEXTS["quit_no"],
                default=True,
            ),
            answered,
        )
