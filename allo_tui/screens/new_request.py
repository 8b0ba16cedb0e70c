"""F3 — new request: the form in call order, Ctrl+S saves and shows the reference."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static, TextArea

from allo_tui.domain.display import format_long
from allo_tui.domain.errors import AlloError, ValidationError
from allo_tui.domain.records import (
    CallerRecord,
    CategoryRecord,
    NewCaller,
    NewRequest,
    RequestRecord,
)
from allo_tui.domain.text import split_name
from allo_tui.domain.workflow import URGENCY_LABELS

TEXTS = {
    "caller_none": "Aucun demandeur choisi : saisissez un téléphone et un nom, ou laissez vide (anonyme).",
    "caller": "Demandeur : {name} — {phones}",
    "phone": "Téléphone",
    "name": "Nom du demandeur (NOM Prénom)",
    "category": "Catégorie",
    "street_number": "N°",
    "street": "Voie",
    "landmark": "Repère (devant l'école…)",
    "urgency": "Urgence",
    "description": "Description",
    "saved": "Demande n° {reference}",
    "saved_detail": (
        "Urgence : {urgency}\nAccusé de réception dû : {ack}\nIntervention due : {due}\n\n"
        "Échap ou F2 : appel suivant"
    ),
    "no_due": "sans intervention",
    "error": "Enregistrement impossible : {error}",
}


class NewRequestScreen(Screen[None]):
    """Take a request from the caller on the line."""

    CSS_PATH = "new_request.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="new_request.save", priority=True),
        Binding("escape", "reset", "Annuler", id="new_request.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._caller: CallerRecord | None = None
        self._categories: dict[int, CategoryRecord] = {}
        self._saving = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            yield Static(TEXTS["caller_none"], id="caller", markup=False)
            with Horizontal(classes="row"):
                yield Input(placeholder=TEXTS["phone"], id="phone")
                yield Input(placeholder=TEXTS["name"], id="name")
            yield Label(TEXTS["category"])
            yield Select[int]([], id="category", prompt=TEXTS["category"])
            yield Static("", id="error-category", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Input(placeholder=TEXTS["street_number"], id="street_number")
                yield Input(placeholder=TEXTS["street"], id="street")
            yield Input(placeholder=TEXTS["landmark"], id="landmark")
            yield Label(TEXTS["urgency"])
            yield Select[int](
                [(f"{level} — {label}", level) for level, label in URGENCY_LABELS.items()],
                id="urgency",
                allow_blank=False,
                value=3,
            )
            yield Label(TEXTS["description"])
            yield TextArea(id="description")
            yield Static("", id="error-description", classes="error", markup=False)
        with Vertical(id="confirmation"):
            yield Static("", id="reference", markup=False)
            yield Static("", id="promise", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#confirmation").display = False
        self.load_categories()

    def on_screen_resume(self) -> None:
        self.take_pending_caller()
        if not self.query_one("#confirmation").display and self._caller is None:
            self.query_one("#phone", Input).focus()

    def take_pending_caller(self) -> None:
        """Apply the caller chosen on F2 (the app keeps it until this screen is shown)."""
        caller = getattr(self.app, "pending_caller", None)
        if caller is not None:
            self.app.pending_caller = None
            self.set_caller(caller)

    @work(thread=True, exit_on_error=False)
    def load_categories(self) -> None:
        categories = self.app.store.categories()
        self.app.call_from_thread(self._set_categories, categories)

    def _set_categories(self, categories: list[CategoryRecord]) -> None:
        self._categories = {c.id: c for c in categories}
        self.query_one("#category", Select).set_options((c.label, c.id) for c in categories)

    def set_caller(self, caller: CallerRecord | None) -> None:
        """Pre-fill the form for `caller` (chosen on F2)."""
        self._reset_form()
        self._caller = caller
        label = self.query_one("#caller", Static)
        if caller is None:
            label.update(TEXTS["caller_none"])
            return
        phones = ", ".join(p.display for p in caller.phones) or "—"
        label.update(Text(TEXTS["caller"].format(name=caller.display_name, phones=phones)))
        self.query_one("#phone", Input).value = caller.phones[0].display if caller.phones else ""
        self.query_one("#name", Input).value = caller.display_name
        self.query_one("#category", Select).focus()

    @on(Select.Changed, "#category")
    def _category_changed(self, event: Select.Changed) -> None:
        category = self._categories.get(event.value) if isinstance(event.value, int) else None
        if category is not None:
            self.query_one("#urgency", Select).value = category.default_urgency
            self.query_one("#error-category", Static).update("")

    def action_save(self) -> None:
        if self._saving or self.query_one("#confirmation").display:
            return
        category = self.query_one("#category", Select).value
        if not isinstance(category, int):
            self._field_error("category", "Choisissez une catégorie.")
            return
        description = self.query_one("#description", TextArea).text
        new_caller = None
        phone = self.query_one("#phone", Input).value.strip()
        name = self.query_one("#name", Input).value.strip()
        if self._caller is None and (phone or name):
            surname, given_name = split_name(name)
            new_caller = NewCaller(
                surname=surname, given_name=given_name, phones=(phone,) if phone else ()
            )
        new = NewRequest(
            category_id=category,
            description=description,
            caller_id=self._caller.id if self._caller else None,
            new_caller=new_caller,
            urgency=self.query_one("#urgency", Select).value,
            street_number=self.query_one("#street_number", Input).value,
            street=self.query_one("#street", Input).value,
            landmark=self.query_one("#landmark", Input).value,
        )
        self._saving = True
        self.save(new, self.app.current_call(phone))

    @work(thread=True, exit_on_error=False, group="save")
    def save(self, new: NewRequest, call) -> None:
        try:
            record = self.app.store.create_request(self.app.operator, new, call)
        except ValidationError as error:
            self.app.call_from_thread(self._field_error, error.field, error.message)
        except AlloError as error:
            self.app.call_from_thread(self._failed, str(error))
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            self.app.call_from_thread(self._failed, repr(error))
        else:
            self.app.call_from_thread(self._saved, record)

    def _field_error(self, field: str, message: str) -> None:
        self._saving = False
        target = {"category": "category", "description": "description"}.get(field, "description")
        self.query_one(f"#error-{target}", Static).update(message)
        self.query_one(f"#{target}").focus()

    def _failed(self, message: str) -> None:
        self._saving = False
        self.app.log.error(message)
        self.notify(TEXTS["error"].format(error=message), severity="error", markup=False)

    def _saved(self, record: RequestRecord) -> None:
        self._saving = False
        self.app.end_call()
        self.query_one("#form").display = False
        confirmation = self.query_one("#confirmation")
        confirmation.display = True
        self.query_one("#reference", Static).update(
            TEXTS["saved"].format(reference=record.reference)
        )
        due = (
            format_long(record.intervention_due_at)
            if record.intervention_due_at
            else TEXTS["no_due"]
        )
        self.query_one("#promise", Static).update(
            TEXTS["saved_detail"].format(
                urgency=f"{record.urgency} — {URGENCY_LABELS[record.urgency]}",
                ack=format_long(record.ack_due_at),
                due=due,
            )
        )
        confirmation.focus()

    def action_reset(self) -> None:
        if self.query_one("#confirmation").display:
            self._reset_form()
            self.app.switch_mode("lookup")
            return
        self._reset_form()

    def _reset_form(self) -> None:
        self._caller = None
        for widget in self.query(Input):
            widget.value = ""
        self.query_one("#description", TextArea).text = ""
        self.query_one("#category", Select).clear()
        self.query_one("#urgency", Select).value = 3
        for error in self.query(".error"):
            error.update("")
        self.query_one("#caller", Static).update(TEXTS["caller_none"])
        self.query_one("#confirmation").display = False
        self.query_one("#form").display = True
