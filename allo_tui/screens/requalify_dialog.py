"""Requalify a request: its category, service and urgency (`q` on the request detail).

Picking another category presets its service and urgency, as the new-request form does; both
stay changeable. The line under the fields says when the intervention will be due: a raised
urgency counts from now, a lowered one from the call (`requalified_intervention_due`).
Ctrl+S validates, Esc goes back without changing anything. The dialog returns a
`Requalification`, or None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.display import format_long
from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.domain.records import CategoryRecord, RequestRecord, ServiceRecord
from allo_tui.domain.requalification import requalified_intervention_due
from allo_tui.literal import printable
from allo_tui.screens.action_dialogs import label_content
from allo_tui.widgets.text_fields import SafeInput

TEXTS = {
    "title": "Requalifier la demande {reference}",
    "category": "Catégorie",
    "service": "Service",
    "urgency": "Urgence",
    "reason": "Motif",
    "reason_placeholder": "facultatif",
    "due_raised": "Intervention due le {when} (urgence relevée : comptée à partir de maintenant)",
    "due_lowered": "Intervention due le {when} (urgence baissée : comptée depuis l'appel)",
    "due_same": "Intervention due le {when} (inchangée)",
    "due_none": "Sans intervention : pas de date d'intervention",
    "ack_kept": "L'accusé de réception reste dû à la même date.",
    "unchanged": "Rien à changer : choisissez une autre catégorie, un autre service ou une "
    "autre urgence.",
    "hint": "Tab champ suivant · Entrée ouvrir la liste · Ctrl+S valider · Échap retour sans "
    "rien changer",
    "validate": "Valider",
    "back": "Retour",
}


@dataclass(frozen=True, slots=True)
class Requalification:
    """What the dialog returns: the new category, service and urgency, and an optional reason."""

    category_id: int
    service_id: int
    urgency: int
    text: str = ""


class RequalifyDialog(ModalScreen[Requalification | None]):
    """Category, service and urgency of one request, with the due date they imply."""

    CSS_PATH = "requalify_dialog.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", TEXTS["validate"], id="requalify.submit", priority=True),
        Binding("escape", "cancel", TEXTS["back"], id="requalify.cancel"),
    ]

    def __init__(
        self,
        request: RequestRecord,
        categories: Sequence[CategoryRecord],
        services: Sequence[ServiceRecord],
        calendar: SiteCalendar,
        now: datetime,
        *,
        initial: Requalification | None = None,
        notice: str = "",
    ) -> None:
        super().__init__(classes="action-dialog")
        self.request = request
        self.categories = [c for c in categories if c.active or c.id == request.category_id]
        self.services = [s for s in services if s.active or s.id == request.service_id]
        # The request's own category and service stay choosable even when no longer offered.
        self.category_options = [(c.label, c.id) for c in self.categories]
        if all(c.id != request.category_id for c in self.categories):
            self.category_options.insert(0, (request.category_label, request.category_id))
        self.service_options = [(s.name, s.id) for s in self.services]
        if request.service_id is not None and all(
            s.id != request.service_id for s in self.services
        ):
            self.service_options.insert(0, (request.service_name, request.service_id))
        self.calendar = calendar
        self.now = now
        self.initial = initial
        self.notice = notice
        self._category_id: int | None = initial.category_id if initial else request.category_id
        """The category shown: only a different one presets the service and urgency."""

    def compose(self) -> ComposeResult:
        request, initial = self.request, self.initial
        category_id = initial.category_id if initial else request.category_id
        service_id = initial.service_id if initial else request.service_id
        urgency = initial.urgency if initial else request.urgency
        with Vertical(id="dialog-box"):
            title = TEXTS["title"].format(reference=printable(request.reference, one_line=True))
            yield Label(label_content(title), id="dialog-title")
            if self.notice:
                yield Static(Text(printable(self.notice)), id="dialog-notice")
            with Horizontal(classes="requalify-field"):
                yield Label(TEXTS["category"], classes="requalify-label")
                yield Select(
                    [(label_content(label), value) for label, value in self.category_options],
                    value=category_id,
                    allow_blank=False,
                    compact=True,
                    id="requalify-category",
                )
            with Horizontal(classes="requalify-field"):
                yield Label(TEXTS["service"], classes="requalify-label")
                yield Select(
                    [(label_content(label), value) for label, value in self.service_options],
                    value=service_id if service_id is not None else Select.NULL,
                    allow_blank=service_id is None,
                    compact=True,
                    id="requalify-service",
                )
            with Horizontal(classes="requalify-field"):
                yield Label(TEXTS["urgency"], classes="requalify-label")
                yield Select(
                    [(f"{level} — {label}", level) for level, label in URGENCY_LABELS.items()],
                    value=urgency,
                    allow_blank=False,
                    compact=True,
                    id="requalify-urgency",
                )
            with Horizontal(classes="requalify-field"):
                yield Label(TEXTS["reason"], classes="requalify-label")
                yield SafeInput(
                    initial.text if initial else "",
                    placeholder=TEXTS["reason_placeholder"],
                    id="requalify-reason",
                    compact=True,
                    max_length=400,
                )
            yield Static("", id="requalify-due")
            yield Static("", id="dialog-error", markup=False)
            yield Static(TEXTS["hint"], id="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self._show_due()
        self.query_one("#requalify-category", Select).focus()

    # -- reading the fields -----------------------------------------------------------------

    def _value(self, name: str) -> int | None:
        value = self.query_one(f"#requalify-{name}", Select).value
        return value if isinstance(value, int) else None

    @property
    def choice(self) -> Requalification | None:
        """What the fields say now (None while a field is blank)."""
        category, service, urgency = (
            self._value("category"),
            self._value("service"),
            self._value("urgency"),
        )
        if category is None or service is None or urgency is None:
            return None
        reason = self.query_one("#requalify-reason", Input).value
        return Requalification(category, service, urgency, reason)

    @on(Select.Changed, "#requalify-category")
    def _category_changed(self, event: Select.Changed) -> None:
        """Another category picked brings its service and urgency, as in the new-request form."""
        if event.value == self._category_id:
            return  # the value set at start, announced once mounted
        self._category_id = event.value if isinstance(event.value, int) else None
        category = next((c for c in self.categories if c.id == event.value), None)
        if category is not None:
            if any(s.id == category.service_id for s in self.services):
                self.query_one("#requalify-service", Select).value = category.service_id
            self.query_one("#requalify-urgency", Select).value = category.default_urgency
        self._show_due()

    @on(Select.Changed, "#requalify-service")
    @on(Select.Changed, "#requalify-urgency")
    def _changed(self) -> None:
        self._show_due()

    def _show_due(self) -> None:
        """The intervention due date the chosen urgency implies, and from when it counts."""
        self.query_one("#dialog-error", Static).update("")
        urgency = self._value("urgency")
        if urgency is None:
            return
        request = self.request
        due = requalified_intervention_due(
            self.calendar,
            called_at=request.created_at,
            requalified_at=self.now,
            old_urgency=request.urgency,
            new_urgency=urgency,
            current_due=request.intervention_due_at,
        )
        if due is None:
            line = TEXTS["due_none"]
        else:
            when = format_long(due, self.calendar.zone)
            key = (
                "due_same"
                if urgency == request.urgency
                else "due_raised"
                if urgency < request.urgency
                else "due_lowered"
            )
            line = TEXTS[key].format(when=when)
        self.query_one("#requalify-due", Static).update(Text(f"{line}\n{TEXTS['ack_kept']}"))

    # -- keys -------------------------------------------------------------------------------

    def action_submit(self) -> None:
        """Return the new qualification, unless nothing changed."""
        choice = self.choice
        request = self.request
        if choice is None or (choice.category_id, choice.service_id, choice.urgency) == (
            request.category_id,
            request.service_id,
            request.urgency,
        ):
            self.query_one("#dialog-error", Static).update(TEXTS["unchanged"])
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
        self.dismiss(None)
