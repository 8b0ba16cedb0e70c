"""The caller card: who is on the line and every request they made.

Opened with Enter from F2. Open requests come first and stand out, then the others newest
first. F3 starts a new request for this caller, `e` edits the card, Enter opens the
highlighted request and `n` logs the call as a follow-up on it.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, get_current_worker

from allo_tui.console import console_of
from allo_tui.domain.display import format_date, format_datetime, local
from allo_tui.domain.labels import STATUS_LABELS
from allo_tui.domain.records import (
    CallerRecord,
    ContactPreference,
    RequestRecord,
    Role,
    Status,
)
from allo_tui.domain.status_detail import status_detail
from allo_tui.literal import fill, literal, printable
from allo_tui.screens.caller_merge import TEXTS as MERGE_TEXTS
from allo_tui.screens.request_view import FollowUpMixin, request_screen
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.columns import fit_columns
from allo_tui.widgets.key_footer import KeyFooter

TEXTS = {
    "loading": "Chargement de la fiche…",
    "phones": "Téléphone",
    "email": "Courriel",
    "address": "Adresse",
    "neighbourhood": "Quartier",
    "preference": "Accusé par",
    "notes": "Notes",
    "updated": "Fiche",
    "updated_value": "modifiée le {when} par {who}",
    "unchecked": " (numéro non vérifié)",
    "none": "—",
    "requests": "Demandes : {count}, dont {open} ouverte(s)",
    "requests_none": "Aucune demande pour ce demandeur. F3 : nouvelle demande",
    "columns": ("N°", "Date", "Catégorie", "Lieu", "Statut"),
    "error": "Fiche introuvable : {error}",
    "answer": "Réponse au demandeur : {answer}",
    "answer_previous": "Réponse précédente : {answer}",
    "status_line": "{reference} : {status}",
    "merges": "Fusions",
    "merge_line": "{name} (n° {id}) fusionnée le {when} par {who}",
    "views": "Consultée par",
    "view": "{who} le {when}",
    "views_more": " (et {count} autre(s) ouverture(s) : allo gdpr views)",
}
COLUMN_WIDTHS = (12, 10, 0.3, 0.35, 0.35)
"""The status column shares the room: it says what the service did ("Terminée — Réparé")."""
PREFERENCE_LABELS = {
    ContactPreference.PHONE: "téléphone",
    ContactPreference.LETTER: "courrier",
    ContactPreference.EMAIL: "courriel",
    ContactPreference.NONE: "pas d'accusé de réception",
}


class CallerCardScreen(FollowUpMixin, Screen[None]):
    """One caller: contact details, notes and their requests."""

    CSS_PATH = "caller_card.tcss"
    COMMANDS = Screen.COMMANDS | {BindingCommands}
    BINDINGS = [
        Binding("f3", "new_request", "Nouvelle demande", id="caller_card.new_request"),
        Binding("e", "edit", "Modifier", id="caller_card.edit"),
        Binding("enter", "open_request", "Ouvrir", id="caller_card.open", priority=True),
        Binding("n", "follow_up", "Noter un rappel", id="caller_card.follow_up"),
        Binding("m", "merge", "Fusionner les doublons", id="caller_card.merge"),
        Binding("escape", "back", "Retour", id="caller_card.back"),
    ]

    def __init__(self, caller_id: int, *, call_phone: str = "") -> None:
        super().__init__()
        self.caller_id = caller_id
        self.call_phone = call_phone
        self.caller: CallerRecord | None = None
        self.requests: list[RequestRecord] = []
        self.merges: list = []
        self.views: list | None = None  # who opened this card: shown to admins only
        self._call_started_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="card"):
            yield Static(TEXTS["loading"], id="caller-name", markup=False)
            yield Static("", id="caller-fields")
        yield Static("", id="requests-title")
        yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield Static("", id="request-answer")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._call_started_at = console_of(self.app).call.started_at
        self.query_one("#requests", DataTable).focus()
        self.load()
        self.record_view()

    @work(thread=True, exit_on_error=False, group="caller_card_view")
    def record_view(self) -> None:
        """Record who opened this card (personal data: kept for the retention period)."""
        try:
            self.app.store.record_card_view(self.app.operator, self.caller_id)
        except Exception:  # noqa: BLE001 - the card stays usable; the log shows it
            self.log.error("caller card view not recorded", caller=self.caller_id)

    def on_resize(self, event: Resize) -> None:
        if self.caller is not None:
            self._show(self.caller, self.requests)

    def on_screen_resume(self) -> None:
        started_at = console_of(self.app).call.started_at
        if self._call_started_at is not None and started_at != self._call_started_at:
            # The call this card was opened for is over: back to the lookup for the next one.
            self.call_later(self.action_back)
            return
        self.query_one("#requests", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller_card")
    def load(self) -> None:
        """Read the caller and their requests off the event loop."""
        worker = get_current_worker()
        try:
            caller = self.app.store.get_caller(self.caller_id)
            requests = self.app.store.caller_requests(self.caller_id)
            merges = self.app.store.caller_merges(self.caller_id)
            if console_of(self.app).operator.role.includes(Role.ADMIN):
                self.views = self.app.store.card_views(self.caller_id)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(
                self.notify,
                TEXTS["error"].format(error=printable(str(error))),
                severity="error",
                markup=False,
            )
            return
        self.app.call_from_thread(self._show, caller, requests, merges, worker)

    def _show(
        self,
        caller: CallerRecord,
        requests: list[RequestRecord],
        merges: list | None = None,
        worker: Worker | None = None,
    ) -> None:
        if worker is not None and worker.is_cancelled:
            return  # a newer load (after a merge, an edit) shows its own, newer data
        self.caller = caller
        self.requests = requests
        if merges is not None:
            self.merges = merges
        self.query_one("#caller-name", Static).update(literal(caller.display_name or "?", "bold"))
        self.query_one("#caller-fields", Static).update(
            caller_fields(caller, self.merges, self.views)
        )
        open_count = sum(1 for request in requests if request.is_open)
        title = (
            TEXTS["requests"].format(count=len(requests), open=open_count)
            if requests
            else TEXTS["requests_none"]
        )
        self.query_one("#requests-title", Static).update(Text(title))
        table = self.query_one("#requests", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        widths = fit_columns(self.size.width, COLUMN_WIDTHS)
        for label, width in zip(TEXTS["columns"], widths, strict=True):
            table.add_column(label, width=width)
        today = local(self.app.clock.now()).date()
        for request in requests:
            table.add_row(*_request_cells(request, today))
        if requests:
            table.move_cursor(row=min(max(cursor, 0), len(requests) - 1))
        self._show_answer()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#requests")
    def _show_answer(self) -> None:
        """Under the list, what the hostess tells the citizen about the highlighted request:
        the service's answer, or what its status says (planned for, waiting for…)."""
        widget = self.query_one("#request-answer", Static)
        request = self._highlighted()
        today = local(self.app.clock.now()).date()
        line = None if request is None else answer_line(request, today)
        widget.update(line or "")
        widget.display = line is not None

    # -- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_request", "edit"):
            return self.caller is not None or None
        if action in ("open_request", "follow_up"):
            return bool(self.requests) or None
        if action == "merge":  # supervisors and admins only: not shown to hostesses
            if not self.app.operator.role.includes(Role.SUPERVISOR):
                return False
            return self.caller is not None or None
        return True

    def action_new_request(self) -> None:
        """F3: a new request for this caller."""
        if self.caller is not None:
            console_of(self.app).start_request(self.caller)

    def action_edit(self) -> None:
        """`e`: edit the card; a duplicate phone may send us to the other caller."""
        from allo_tui.screens.caller_edit import CallerEditResult, CallerEditScreen

        if self.caller is None:
            return

        def done(result: CallerEditResult | None) -> None:
            if result is not None and result.open_caller_id is not None:
                other = CallerCardScreen(result.open_caller_id, call_phone=self.call_phone)
                self.app.switch_screen(other)

        self.app.push_screen(CallerEditScreen(caller=self.caller), done)

    def action_open_request(self) -> None:
        """Enter: open the highlighted request."""
        request = self._highlighted()
        if request is not None:
            self.app.push_screen(request_screen(request.id))

    def action_follow_up(self) -> None:
        """`n`: log this call as a follow-up on the highlighted request."""
        request = self._highlighted()
        if request is not None:
            self.ask_follow_up(request)

    def action_merge(self) -> None:
        """`m`: tick this caller's likely duplicates and merge them into this card."""
        if self.caller is not None and self.app.operator.role.includes(Role.SUPERVISOR):
            self.notify(MERGE_TEXTS["searching"], markup=False, timeout=2)
            self._find_duplicates(self.caller)

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller_merge")
    def _find_duplicates(self, caller: CallerRecord) -> None:
        try:
            found = self.app.store.likely_duplicates(caller.id)
            candidates = [self.app.store.get_caller(candidate.id) for candidate in found]
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._merge_failed, error)
            return
        self.app.call_from_thread(self._offer_merge, caller, candidates)

    def _offer_merge(self, caller: CallerRecord, candidates: list[CallerRecord]) -> None:
        from allo_tui.screens.caller_merge import MergeDialog
        from allo_tui.screens.confirm import ConfirmDialog

        if not candidates:
            self.notify(MERGE_TEXTS["no_duplicates"], markup=False)
            return

        def ticked(chosen: list[CallerRecord] | None) -> None:
            if not chosen:
                return
            name = caller.display_name or MERGE_TEXTS["no_name"]
            question = MERGE_TEXTS["confirm"].format(count=len(chosen), name=name)

            def answered(yes: bool | None) -> None:
                if yes:
                    self._merge(caller, chosen)

            self.app.push_screen(ConfirmDialog(question, MERGE_TEXTS["confirm_detail"]), answered)

        self.app.push_screen(MergeDialog(caller, candidates), ticked)

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller_merge")
    def _merge(self, caller: CallerRecord, chosen: list[CallerRecord]) -> None:
        try:
            self.app.store.merge_callers(
                self.app.operator,
                caller.id,
                caller.version,
                [(other.id, other.version) for other in chosen],
            )
        except Exception as error:  # noqa: BLE001 - shown to the user (stale, refused…)
            self.app.call_from_thread(self._merge_failed, error)
            return
        message = MERGE_TEXTS["merged"].format(count=len(chosen))
        self.app.call_from_thread(self.notify, message, markup=False)
        self.app.call_from_thread(self.load)  # workers are started from the event loop

    def _merge_failed(self, error: Exception) -> None:
        self.notify(
            MERGE_TEXTS["failed"].format(error=printable(str(error))),
            severity="error",
            markup=False,
        )
        self.load()

    def follow_up_done(self, request: RequestRecord) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()

    def call_context(self) -> tuple[str, int | None, bool]:
        """For F10: the call's phone and this caller; nothing typed is lost."""
        return self.call_phone, self.caller_id, False

    def call_ended(self) -> None:
        """F10 ended the call: back to the lookup for the next one."""
        self.dismiss()

    @on(DataTable.RowSelected, "#requests")
    def _row_selected(self) -> None:
        self.action_open_request()

    def _highlighted(self) -> RequestRecord | None:
        table = self.query_one("#requests", DataTable)
        if self.requests and 0 <= table.cursor_row < len(self.requests):
            return self.requests[table.cursor_row]
        return None


VIEWS_SHOWN = 3
"""The latest openings of the card an admin sees on it (all of them: `allo gdpr views`)."""


def caller_fields(
    caller: CallerRecord, merges: list | tuple = (), views: list | None = None
) -> Text:
    """The caller's details, one per line, user text shown literally; then the records merged
    into it (`Store.caller_merges`); then, for an admin, who opened the card lately."""
    phones = Text()
    for index, phone in enumerate(caller.phones):
        if index:
            phones.append(" · ")
        phones.append_text(literal(phone.display))
        if not phone.valid:
            phones.append(TEXTS["unchecked"], style="italic")
    address = ", ".join(
        p
        for p in (
            caller.address,
            caller.address_extra,
            " ".join(x for x in (caller.postcode, caller.city) if x),
        )
        if p
    )
    lines: list[tuple[str, Text]] = [
        (TEXTS["phones"], phones if caller.phones else Text(TEXTS["none"])),
        (TEXTS["email"], literal(caller.email or TEXTS["none"])),
        (TEXTS["address"], literal(address or TEXTS["none"])),
        (TEXTS["neighbourhood"], literal(caller.neighbourhood or TEXTS["none"])),
        (TEXTS["preference"], Text(PREFERENCE_LABELS[caller.contact_preference])),
    ]
    if caller.notes.strip():
        lines.append((TEXTS["notes"], literal(caller.notes.strip(), one_line=False)))
    if caller.updated_at is not None:
        updated = fill(
            TEXTS["updated_value"],
            when=format_datetime(caller.updated_at),
            who=caller.updated_by or "?",
        )
        lines.append((TEXTS["updated"], updated))
    for index, merge in enumerate(merges):
        merged = fill(
            TEXTS["merge_line"],
            name=merge.name or MERGE_TEXTS["no_name"],
            id=str(merge.merged_id),
            when=format_datetime(merge.merged_at),
            who=merge.operator,
        )
        lines.append((TEXTS["merges"] if index == 0 else "", merged))
    if views:
        shown = Text(" · ").join(
            fill(TEXTS["view"], who=view.login, when=format_datetime(view.viewed_at))
            for view in views[:VIEWS_SHOWN]
        )
        if len(views) > VIEWS_SHOWN:
            shown.append(TEXTS["views_more"].format(count=len(views) - VIEWS_SHOWN))
        lines.append((TEXTS["views"], shown))
    width = max(len(label) for label, _ in lines)
    out = Text()
    for index, (label, value) in enumerate(lines):
        if index:
            out.append("\n")
        out.append(f"{label:<{width}}  ", style="bold")
        if "\n" in value.plain:
            # Indent the following lines of a multi-line note under the first one.
            value = Text("\n" + " " * (width + 2)).join(value.split("\n", allow_blank=True))
        out.append_text(value)
    return out


def _request_cells(request: RequestRecord, today: date) -> tuple[Text, ...]:
    style = "bold" if request.is_open else "dim"
    marker = "● " if request.is_open else "  "
    status = status_detail(request, today)  # may quote stored text (a third party's name)
    return (
        literal(marker + request.reference, style),
        Text(format_date(request.created_at), style=style),
        literal(request.category_label, style),
        literal(request.location, style),
        literal(status, "bold" if request.is_open else ""),
    )


def answer_line(request: RequestRecord, today: date) -> Text | None:
    """What the hostess tells the citizen: on an open request what its status says beyond
    its name ("Programmée le 12/01"), else the answer given ("Réponse au demandeur : Réparé
    — lampe changée"); None when there is nothing more than the status."""
    status = status_detail(request, today)
    if request.is_open and status != STATUS_LABELS[request.status]:
        return fill(TEXTS["status_line"], reference=request.reference, status=status)
    coded = request.outcome_label
    if request.status is Status.REJECTED:
        coded = request.rejection_reason_label
    answer = " — ".join(part for part in (coded, request.answer) if part)
    if not answer:
        return None
    return fill(TEXTS["answer_previous" if request.is_open else "answer"], answer=answer)
