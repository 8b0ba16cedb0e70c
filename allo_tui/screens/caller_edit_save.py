"""The caller form's save: checked, every number looked up once more and written by a thread
worker; a stale save reloads the card and keeps what was typed (see `merge_edit`)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.widgets import Input, Static

from allo_tui.data.errors import user_message
from allo_tui.domain.caller_edit import TEXT_FIELDS, CallerEditResult, PhoneOwner, merge_edit
from allo_tui.domain.display import format_datetime
from allo_tui.domain.errors import AlloError, StaleWriteError, ValidationError
from allo_tui.domain.records import CallerRecord, NewCaller
from allo_tui.literal import fill, literal, printable
from allo_tui.screens.caller_edit_dialogs import DuplicatePhoneDialog
from allo_tui.screens.caller_edit_texts import FIELD_NAMES, PREFERENCES, TEXTS


class SavePart:
    """The saving part of `CallerEditScreen`: checks, the Store's write in a thread worker, a
    refused (stale) save merged with what was typed."""

    def action_save(self) -> None:
        """Ctrl+S: check, then save (asking first if a number belongs to someone else)."""
        if self._saving:
            return
        for name in ("surname", "email"):
            error_line = self.query_one(f"#error-{name}", Static)
            error_line.update("")
            error_line.remove_class("-shown")
        values = self._values()
        phones = self._phones()
        surname = str(values["surname"]).strip()
        given_name = str(values["given_name"]).strip()
        if not (surname or given_name or phones):
            self._field_error("surname", TEXTS["need_identity"])
            return
        email = str(values["email"]).strip()
        if email and "@" not in email:
            self._field_error("email", TEXTS["email_invalid"])
            return
        self._saving = True
        self._status(Text(TEXTS["saving"]))
        self.check_owners_then_save(values, phones)

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller_save")
    def check_owners_then_save(self, values: dict[str, object], phones: list[str]) -> None:
        """Look up every number once more (off the event loop) before saving."""
        exclude = self.caller.id if self.caller else None
        owners: list[PhoneOwner] = []
        try:
            for phone in phones:
                for other in self.app.store.callers_with_phone(phone, exclude_id=exclude):
                    owners.append(PhoneOwner(phone=phone, caller=other))
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._failed, user_message(error))
            return
        if owners:
            self.app.call_from_thread(self._ask_about_owners, values, phones, owners)
        else:
            self._save(values, phones)

    def _ask_about_owners(
        self, values: dict[str, object], phones: list[str], owners: list[PhoneOwner]
    ) -> None:
        def answered(answer: str | None) -> None:
            if answer == "save":
                self.save_anyway(values, phones)
                return
            self._saving = False
            self._status(Text(""))
            if answer == "open":
                self.dismiss(CallerEditResult(open_caller_id=owners[0].caller.id))

        self.app.push_screen(DuplicatePhoneDialog(owners), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller_save")
    def save_anyway(self, values: dict[str, object], phones: list[str]) -> None:
        """Save although a number is shared with another caller."""
        self._save(values, phones)

    def _save(self, values: dict[str, object], phones: list[str]) -> None:
        # Runs in a worker thread.
        store, operator = self.app.store, self.app.operator
        fields = {name: str(values[name]).strip() for name in TEXT_FIELDS}
        fields["contact_preference"] = str(values["contact_preference"])
        fields["notes"] = str(values["notes"])
        try:
            if self.caller is None:
                saved = store.create_caller(operator, NewCaller(phones=tuple(phones), **fields))
            else:
                saved = store.update_caller(
                    operator, self.caller.id, self.caller.version, phones=phones, **fields
                )
        except ValidationError as error:
            self.app.call_from_thread(self._field_error, error.field, error.message)
        except StaleWriteError as error:
            assert self.caller is not None
            try:
                fresh = store.get_caller(self.caller.id)
            except Exception as reload_error:  # noqa: BLE001 - shown to the user and logged
                self.app.call_from_thread(self._failed, f"{error} ; {reload_error}")
                return
            self.app.call_from_thread(self._reload_after_refusal, fresh)
        except AlloError as error:
            self.app.call_from_thread(self._failed, str(error))
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._failed, user_message(error))
        else:
            self.app.call_from_thread(self._saved, saved)

    def _saved(self, caller: CallerRecord) -> None:
        self._saving = False
        template = TEXTS["saved_new"] if self.caller is None else TEXTS["saved"]
        self.notify(fill(template, name=caller.display_name).plain, markup=False)
        self.dismiss(CallerEditResult(caller_id=caller.id))

    async def _reload_after_refusal(self, fresh: CallerRecord) -> None:
        """Someone saved the card first: show their version with what was typed kept on top,
        say what changed, and let Ctrl+S save on their version."""
        typed = self._values()
        self.caller = fresh
        theirs = self._start_values()
        merged, taken, kept = merge_edit(self._initial, theirs, typed)
        # Blank boxes are laid out again by compose (one spare box, as when opened).
        merged["phones"] = [p for p in merged["phones"] if p.strip()]  # type: ignore[union-attr]
        focused = self.focused.id if self.focused is not None else None
        self._merged = merged
        self._owners.clear()
        try:
            await self.recompose()
        finally:
            self._merged = None
        self._initial = theirs  # what is stored now: Esc asks when the form differs from it
        if focused is not None:
            try:
                self.query_one(f"#{focused}").focus()
            except Exception:  # noqa: BLE001 - that field is gone (fewer phone boxes)
                self.query_one("#surname").focus()
        for index, phone_input in enumerate(self.query(".phone").results(Input)):
            if phone_input.value.strip():
                self._check_phone(index, phone_input.value)
        self._saving = False
        lines = [
            TEXTS["stale"].format(
                who=printable(fresh.updated_by or "?", one_line=True),
                when=format_datetime(fresh.updated_at),
            )
        ]
        if taken:
            lines.append(
                TEXTS["stale_taken"].format(fields=", ".join(FIELD_NAMES[n] for n in taken))
            )
        if kept:
            shown = [
                TEXTS["stale_theirs"].format(
                    field=FIELD_NAMES[name], value=_short(theirs[name], name)
                )
                for name in kept
            ]
            lines.append(TEXTS["stale_kept"].format(fields=", ".join(shown)))
        lines.append(TEXTS["stale_again"])
        self._status(Text("\n".join(lines), "bold"))
        self.query_one("#form-status").scroll_visible(animate=False)
        self.notify(lines[0], severity="warning", markup=False)

    def _field_error(self, field: str, message: str) -> None:
        self._saving = False
        self._status(Text(""))
        target = field if field in ("surname", "email") else None
        if target is None:
            self._failed(message)
            return
        error_line = self.query_one(f"#error-{target}", Static)
        error_line.update(literal(message))
        error_line.add_class("-shown")
        self.query_one(f"#{target}").focus()

    def _failed(self, message: str) -> None:
        self._saving = False
        self.app.log.error(f"caller save failed: {message}")
        self._status(fill(TEXTS["error"], error=message))
        self.notify(TEXTS["error"].format(error=printable(message)), severity="error", markup=False)


def _short(value: object, name: str) -> str:
    """A stored value quoted in a message: printable, one line, at most 40 characters."""
    if name == "phones":
        value = ", ".join(value)  # type: ignore[arg-type]
    elif name == "contact_preference":
        value = dict((v, label) for label, v in PREFERENCES).get(str(value), str(value))
    text = printable(str(value), one_line=True)
    return text if len(text) <= 40 else text[:39] + "…"
