"""The caller form's phone checks: a number that does not parse is flagged, and one another
caller already has is named (looked up by a thread worker) with Ctrl+O to open that caller."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.widgets import Input, Static

from allo_tui.domain.caller_edit import PhoneOwner
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import CallerRecord
from allo_tui.literal import fill
from allo_tui.screens.caller_edit_texts import TEXTS


class PhonesPart:
    """The phone checks of `CallerEditScreen`, run as each number is typed."""

    def _check_phone(self, index: int, value: str) -> None:
        note = self.query_one(f"#phone-note-{index}", Static)
        if self._owners.pop(index, None) is not None:
            self.refresh_bindings()  # Ctrl+O may no longer apply
        value = value.strip()
        parsed = parse_phone(value) if value else None
        if parsed is None or parsed.valid:
            note.update("")
            note.remove_class("-shown")
        else:
            note.update(Text(TEXTS["phone_invalid"].format(n=index + 1), style="italic"))
            note.add_class("-shown")
        if value:
            self.find_owner(index, value)

    @work(thread=True, exclusive=False, exit_on_error=False, group="phone_owner")
    def find_owner(self, index: int, value: str) -> None:
        """Look for another caller with this number, off the event loop."""
        try:
            others = self.app.store.callers_with_phone(
                value, exclude_id=self.caller.id if self.caller else None
            )
        except Exception as error:  # noqa: BLE001 - logged; the save checks again
            self.app.log.error(f"phone owner lookup failed: {error!r}")
            return
        self.app.call_from_thread(self._show_owner, index, value, others)

    def _show_owner(self, index: int, value: str, others: list[CallerRecord]) -> None:
        phone_input = self.query_one(f"#phone-{index}", Input)
        if phone_input.value.strip() != value or not others:
            return
        owner = PhoneOwner(phone=value, caller=others[0])
        self._owners[index] = owner
        note = self.query_one(f"#phone-note-{index}", Static)
        note.update(fill(TEXTS["phone_taken"], n=str(index + 1), name=owner.caller.display_name))
        note.add_class("-shown")
        self.refresh_bindings()
