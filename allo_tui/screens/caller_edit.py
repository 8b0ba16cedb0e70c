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

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Label, Select, Static, TextArea

from allo_tui.data.errors import user_message
from allo_tui.domain import limits
from allo_tui.domain.display import format_datetime
from allo_tui.domain.errors import AlloError, StaleWriteError, ValidationError
from allo_tui.domain.phone import parse_phone
from allo_tui.domain.records import CallerRecord, ContactPreference, NewCaller
from allo_tui.domain.sanitize import clean_text
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.key_footer import KeyFooter
from allo_tui.widgets.literal import fill, literal, printable
from allo_tui.widgets.text_fields import LimitedTextArea, SafeInput

TEXTS = {
    "title_new": "Nouveau demandeur",
    "title_edit": "Modifier la fiche de {name}",
    "surname": "Nom",
    "given_name": "Prénom",
    "phones": "Téléphones",
    "phone": "Téléphone {n}",
    "email": "Courriel",
    "address": "Adresse",
    "street_number_placeholder": "N°",
    "street_placeholder": "Voie",
    "address_extra": "Complément",
    "address_extra_placeholder": "bâtiment, escalier…",
    "city": "Ville",
    "postcode_placeholder": "Code postal",
    "city_placeholder": "Ville",
    "neighbourhood": "Quartier",
    "preference": "Accusé par",
    "notes": "Notes",
    "phone_invalid": "Téléphone {n} : numéro non reconnu, gardé tel quel et signalé.",
    "phone_taken": "Téléphone {n} : déjà le numéro de {name} — Ctrl+O pour ouvrir sa fiche.",
    "need_identity": "Saisissez au moins un nom ou un téléphone.",
    "email_invalid": "Adresse de courriel incomplète (il manque « @ »).",
    "saving": "Enregistrement…",
    "saved_new": "Demandeur {name} créé.",
    "saved": "Fiche de {name} enregistrée.",
    "error": "Enregistrement impossible : {error}",
    "stored_controls": (
        "Cette fiche contenait {count} caractère(s) de contrôle (import ou ancienne version) : "
        "ils ont été retirés des champs et le seront de la fiche à l'enregistrement."
    ),
    "stale": "Fiche modifiée entre-temps par {who} le {when} ; rien n'a été écrasé.",
    "stale_taken": "Repris de sa version : {fields}.",
    "stale_kept": "Modifiés des deux côtés, votre saisie est gardée : {fields}.",
    "stale_theirs": "{field} (sa version : « {value} »)",
    "stale_again": "Vos saisies sont gardées : vérifiez, puis Ctrl+S enregistre sur la version "
    "à jour.",
    "discard": "Abandonner les modifications de cette fiche ?",
    "discard_keys": "o : abandonner · n ou Échap : continuer la saisie",
    "duplicate_title": "Ce numéro appartient déjà à un autre demandeur",
    "duplicate_line": "{phone} : {name}",
    "duplicate_keys": "o : ouvrir la fiche de {name} · Ctrl+S : enregistrer quand même · Échap : revenir",
}
PREFERENCES = (
    ("Téléphone", ContactPreference.PHONE.value),
    ("Courrier", ContactPreference.LETTER.value),
    ("Courriel", ContactPreference.EMAIL.value),
    ("Pas d'accusé de réception", ContactPreference.NONE.value),
)
TEXT_FIELDS = (
    "surname",
    "given_name",
    "email",
    "street_number",
    "street",
    "address_extra",
    "postcode",
    "city",
    "neighbourhood",
)
FIELD_NAMES = {
    "surname": "Nom",
    "given_name": "Prénom",
    "phones": "Téléphones",
    "email": "Courriel",
    "street_number": "N°",
    "street": "Voie",
    "address_extra": "Complément",
    "postcode": "Code postal",
    "city": "Ville",
    "neighbourhood": "Quartier",
    "contact_preference": "Accusé par",
    "notes": "Notes",
}
"""Every field of the form, in form order, as named when saying what changed."""
MIN_PHONE_FIELDS = 2
PHONES_PER_ROW = 3
COMPACT_BELOW_ROWS = 32
"""Below this many terminal rows the form drops the blank line between fields."""
NOTES_LIMIT = limits.NOTES
# The domain's limits, which the Store enforces (phones: as typed when the number does not parse).
FIELD_LENGTHS = limits.LIMITS


def _comparable(name: str, value: object) -> object:
    """A field's value as saving would store it (blanks around a line and blank phones do not
    count)."""
    if name == "phones":
        return tuple(phone.strip() for phone in value if phone.strip())  # type: ignore[attr-defined]
    if name == "notes":
        return str(value)
    return str(value).strip()


def merge_edit(
    opened: dict[str, object], theirs: dict[str, object], typed: dict[str, object]
) -> tuple[dict[str, object], list[str], list[str]]:
    """Merge what was typed with a version saved meanwhile by another console.

    `opened`: the values the form started from; `theirs`: the card as now stored; `typed`:
    the form now. Returns the values to show, the fields taken from their version (changed
    there only) and the fields changed on both sides where the typed value is kept.
    """
    merged: dict[str, object] = {}
    taken: list[str] = []
    kept: list[str] = []
    for name in FIELD_NAMES:
        before, stored, here = (
            _comparable(name, values[name]) for values in (opened, theirs, typed)
        )
        if stored == before or stored == here:
            merged[name] = typed[name]
        elif here == before:
            merged[name] = theirs[name]
            taken.append(name)
        else:
            merged[name] = typed[name]
            kept.append(name)
    return merged, taken, kept


@dataclass(frozen=True, slots=True)
class CallerEditResult:
    """How the form was left: the caller saved, or another caller to open instead."""

    caller_id: int | None = None
    open_caller_id: int | None = None


@dataclass(frozen=True, slots=True)
class PhoneOwner:
    """A number typed in the form that another caller already has."""

    phone: str
    caller: CallerRecord


class ConfirmDiscardDialog(ModalScreen[bool]):
    """Ask before dropping what was typed."""

    CSS_PATH = "caller_edit.tcss"
    BINDINGS = [
        Binding("o,y", "answer(True)", "Abandonner", id="caller_edit.discard_yes"),
        Binding("n,escape", "answer(False)", "Continuer", id="caller_edit.discard_no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(TEXTS["discard"], classes="dialog-title", markup=False)
            yield Static(TEXTS["discard_keys"], classes="dialog-keys", markup=False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class DuplicatePhoneDialog(ModalScreen[str | None]):
    """A typed number belongs to another caller: open them, save anyway, or go back.

    Dismissed with "open", "save" or None.
    """

    CSS_PATH = "caller_edit.tcss"
    BINDINGS = [
        Binding("o", "answer('open')", "Ouvrir l'autre fiche", id="caller_edit.duplicate_open"),
        Binding(
            "ctrl+s", "answer('save')", "Enregistrer quand même", id="caller_edit.duplicate_save"
        ),
        Binding("escape", "answer(None)", "Revenir", id="caller_edit.duplicate_back"),
    ]

    def __init__(self, owners: list[PhoneOwner]) -> None:
        super().__init__()
        self.owners = owners

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(TEXTS["duplicate_title"], classes="dialog-title", markup=False)
            lines = Text("\n").join(
                fill(TEXTS["duplicate_line"], phone=o.phone, name=o.caller.display_name)
                for o in self.owners
            )
            yield Static(lines)
            yield Static(
                fill(TEXTS["duplicate_keys"], name=self.owners[0].caller.display_name),
                classes="dialog-keys",
            )

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)


class CallerEditScreen(Screen[CallerEditResult | None]):
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
        return [p.strip() for p in self._values()["phones"] if p.strip()]  # type: ignore[union-attr]

    @property
    def dirty(self) -> bool:
        """True when something differs from what the form opened with."""
        current = self._values()
        current["phones"] = [p.strip() for p in current["phones"] if p.strip()]  # type: ignore[union-attr]
        initial = dict(self._initial)
        initial["phones"] = [p.strip() for p in initial.get("phones", []) if p.strip()]  # type: ignore[union-attr]
        return current != initial

    # -- phone checks -----------------------------------------------------------------------

    @on(Input.Changed, ".phone")
    def _phone_changed(self, event: Input.Changed) -> None:
        index = int((event.input.id or "phone-0").rsplit("-", 1)[1])
        self._check_phone(index, event.value)

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

    def _status(self, text: Text) -> None:
        self.query_one("#form-status", Static).update(text)


def _short(value: object, name: str) -> str:
    """A stored value quoted in a message: printable, one line, at most 40 characters."""
    if name == "phones":
        value = ", ".join(value)  # type: ignore[arg-type]
    elif name == "contact_preference":
        value = dict((v, label) for label, v in PREFERENCES).get(str(value), str(value))
    text = printable(str(value), one_line=True)
    return text if len(text) <= 40 else text[:39] + "…"
