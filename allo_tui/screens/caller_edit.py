"""Create or edit a caller (Ctrl+N from F2, `e` on the caller card).

Phones are checked as they are typed: a number that does not parse is kept as typed and
flagged, never refused (DESIGN §3); a number another caller already has gives a warning that
offers to open that caller instead (Ctrl+O), and saving asks before giving two callers the
same number. A stale save (someone else saved the card first) is refused with who and when;
the form then reloads the card and keeps what was typed: a field only the other console changed
takes its new value, a field changed here keeps the typed value (both are named), and Ctrl+S
saves on the new version.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static, TextArea

from allo_tui.domain import limits
from allo_tui.domain.caller_edit import (  # noqa: F401 (re-exported)
    TEXT_FIELDS,
    CallerEditResult,
    PhoneOwner,
    filled_phones,
    merge_edit,
)
from allo_tui.domain.records import CallerRecord, ContactPreference, NewCaller
from allo_tui.domain.sanitize import clean_text
from allo_tui.literal import fill
from allo_tui.screens.caller_edit_dialogs import (  # noqa: F401 (re-exported)
    ConfirmDiscardDialog,
    DuplicatePhoneDialog,
)
from allo_tui.screens.caller_edit_phones import PhonesPart
from allo_tui.screens.caller_edit_save import SavePart
from allo_tui.screens.caller_edit_texts import (  # noqa: F401 (re-exported)
    FIELD_NAMES,
    PREFERENCES,
    TEXTS,
)
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput

MIN_PHONE_FIELDS = 2
PHONES_PER_ROW = 3
COMPACT_BELOW_ROWS = 32
"""Below this many terminal rows the form drops the blank line between fields."""
NOTES_LIMIT = limits.NOTES
# The domain's limits, which the Store enforces (phones: as typed when the number does not parse).
FIELD_LENGTHS = limits.LIMITS


class CallerEditScreen(PhonesPart, SavePart, Screen[CallerEditResult | None]):
    """The caller form; Ctrl+S saves, Esc leaves (asking when something was typed)."""

    CSS_PATH = "caller_edit.tcss"
    COMMANDS = Screen.COMMANDS | {BindingCommands}
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="caller_edit.save", priority=True),
        Binding("ctrl+o", "open_owner", "Ouvrir l'autre fiche", id="caller_edit.open_owner"),
        Binding("escape", "leave", "Annuler", id="caller_edit.cancel"),
    ]

    def __init__(
        self, *, caller: CallerRecord | None = None, prefill: NewCaller | None = None
    ) -> None:
        super().__init__()
        self.caller = caller
        self.prefill = prefill or NewCaller()
        self._initial: dict[str, object] = {}
        self._owners: dict[int, PhoneOwner] = {}
        self._saving = False
        self._removed_controls = 0
        """Control characters removed from the stored values put in the fields."""
        self._merged: dict[str, object] | None = None
        """Values to compose the form with instead of the card's (after a refused save)."""

    # -- layout -----------------------------------------------------------------------------

    def _start_values(self) -> dict[str, object]:
        source = self.caller or self.prefill
        values: dict[str, object] = {name: getattr(source, name) for name in TEXT_FIELDS}
        if self.caller is not None:
            phones = [p.display for p in self.caller.phones]
        else:
            phones = [p for p in self.prefill.phones if p.strip()]
        values["phones"] = phones
        values["contact_preference"] = ContactPreference(source.contact_preference).value
        values["notes"] = source.notes
        return self._cleaned(values)

    def _cleaned(self, values: dict[str, object]) -> dict[str, object]:
        """Stored values as the fields may hold them: without control characters (a text box
        would send an ESC to the terminal), one-line fields on one line; counted for a note."""
        removed = 0

        def clean(value: str, *, multiline: bool = False) -> str:
            nonlocal removed
            cleaned = clean_text(value, multiline=multiline)
            removed += cleaned.removed_controls
            return cleaned.text

        out = {name: clean(str(values[name])) for name in TEXT_FIELDS}
        out["phones"] = [clean(phone) for phone in values["phones"]]  # type: ignore[union-attr]
        out["contact_preference"] = values["contact_preference"]
        out["notes"] = clean(str(values["notes"]), multiline=True)
        self._removed_controls = removed
        return out

    def compose(self) -> ComposeResult:
        values = self._merged or self._start_values()
        phones: list[str] = list(values["phones"])  # type: ignore[arg-type]
        phones += [""] * max(MIN_PHONE_FIELDS - len(phones), 1 if len(phones) >= 2 else 0)
        if self.caller is None:
            title = Text(TEXTS["title_new"])
        else:
            title = fill(TEXTS["title_edit"], name=self.caller.display_name)
        yield Header()
        with VerticalScroll(id="caller-form"):
            yield Static(title, id="form-title")
            with Horizontal(classes="field"):
                yield Label(TEXTS["surname"], classes="label")
                yield self._field("surname", values)
                yield Label(TEXTS["given_name"], classes="sublabel")
                yield self._field("given_name", values)
            yield Static("", id="error-surname", classes="error")
            for row_start in range(0, len(phones), PHONES_PER_ROW):
                with Horizontal(classes="field"):
                    yield Label(TEXTS["phones"] if row_start == 0 else "", classes="label")
                    for index in range(row_start, min(row_start + PHONES_PER_ROW, len(phones))):
                        yield SafeInput(
                            value=phones[index],
                            placeholder=TEXTS["phone"].format(n=index + 1),
                            id=f"phone-{index}",
                            classes="phone",
                            compact=True,
                            max_length=FIELD_LENGTHS["phone"],
                            enter_moves_on=True,
                        )
            for index in range(len(phones)):
                yield Static("", id=f"phone-note-{index}", classes="phone-note")
            with Horizontal(classes="field"):
                yield Label(TEXTS["email"], classes="label")
                yield self._field("email", values)
            yield Static("", id="error-email", classes="error")
            with Horizontal(classes="field"):
                yield Label(TEXTS["address"], classes="label")
                yield self._field("street_number", values)
                yield self._field("street", values)
            with Horizontal(classes="field"):
                yield Label(TEXTS["address_extra"], classes="label")
                yield self._field("address_extra", values)
            with Horizontal(classes="field"):
                yield Label(TEXTS["city"], classes="label")
                yield self._field("postcode", values)
                yield self._field("city", values)
                yield Label(TEXTS["neighbourhood"], classes="sublabel")
                yield self._field("neighbourhood", values)
            with Horizontal(classes="field"):
                yield Label(TEXTS["preference"], classes="label")
                yield Select(
                    PREFERENCES,
                    value=values["contact_preference"],
                    allow_blank=False,
                    compact=True,
                    id="contact_preference",
                )
            with Horizontal(classes="field"):
                yield Label(TEXTS["notes"], classes="label")
                yield LimitedTextArea(
                    str(values["notes"]), limit=NOTES_LIMIT, id="notes", compact=True
                )
            yield Static("", id="form-status")
        yield KeyFooter()

    @staticmethod
    def _field(name: str, values: dict[str, object]) -> SafeInput:
        return SafeInput(
            value=str(values[name]),
            placeholder=TEXTS.get(f"{name}_placeholder", ""),
            id=name,
            compact=True,
            max_length=FIELD_LENGTHS[name],
            enter_moves_on=True,
        )

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.height < COMPACT_BELOW_ROWS, "-compact")

    def on_mount(self) -> None:
        self._initial = self._values()
        first_empty = "surname"
        if self.caller is None and self.prefill.surname and not self.prefill.phones:
            first_empty = "phone-0"
        self.query_one(f"#{first_empty}").focus()
        if self._removed_controls:
            self._status(
                Text(TEXTS["stored_controls"].format(count=self._removed_controls), "italic")
            )
        for index, phone_input in enumerate(self.query(".phone").results(Input)):
            if phone_input.value.strip():
                self._check_phone(index, phone_input.value)

    # -- reading the form -------------------------------------------------------------------

    def _values(self) -> dict[str, object]:
        values: dict[str, object] = {
            name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS
        }
        values["phones"] = [
            phone_input.value for phone_input in self.query(".phone").results(Input)
        ]
        values["contact_preference"] = self.query_one("#contact_preference", Select).value
        values["notes"] = self.query_one("#notes", TextArea).text
        return values

    def _phones(self) -> list[str]:
        return filled_phones(self._values()["phones"])  # type: ignore[arg-type]

    @property
    def dirty(self) -> bool:
        """True when something differs from what the form opened with."""
        current = self._values()
        current["phones"] = filled_phones(current["phones"])  # type: ignore[arg-type]
        initial = dict(self._initial)
        initial["phones"] = filled_phones(initial.get("phones", []))  # type: ignore[arg-type]
        return current != initial

    # -- phone checks -----------------------------------------------------------------------

    @on(Input.Changed, ".phone")
    def _phone_changed(self, event: Input.Changed) -> None:
        index = int((event.input.id or "phone-0").rsplit("-", 1)[1])
        self._check_phone(index, event.value)

    # -- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_owner":
            return bool(self._owners) or None
        return True

    def action_open_owner(self) -> None:
        """Ctrl+O: leave this form and open the caller who already has the number."""
        if not self._owners:
            return
        owner = self._owners[min(self._owners)]
        if self.dirty:

            def answered(discard: bool | None) -> None:
                if discard:
                    self.dismiss(CallerEditResult(open_caller_id=owner.caller.id))

            self.app.push_screen(ConfirmDiscardDialog(), answered)
        else:
            self.dismiss(CallerEditResult(open_caller_id=owner.caller.id))

    def action_leave(self) -> None:
        """Esc: leave, asking first when something was typed."""
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscardDialog(), answered)

    def _status(self, text: Text) -> None:
        self.query_one("#form-status", Static).update(text)
