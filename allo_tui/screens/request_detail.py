"""The request detail: every field, the due dates, the timeline and the workflow actions.

Pushed on top of the history (F4), the caller card (F2) or the board (F5) with
`app.push_screen(RequestDetailScreen(request_id))`; Esc goes back. Every action goes
through the Store (`Store.apply`), which checks the workflow, the operator's role and the
version the screen was showing: a request changed by another console since it was opened
is refused with who changed it and when; the detail reloads and asks again with what was
typed or chosen kept and what changed shown, so it can be saved on the new version. The
detail also reloads by itself when the change feed says requests changed elsewhere.

Only the actions this operator may take on this status are listed (key line, footer,
palette); a key of another action says why it is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from allo_tui.data.errors import user_message
from allo_tui.domain import access
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.display import format_datetime
from allo_tui.domain.errors import NotFoundError
from allo_tui.domain.labels import STATUS_LABELS, URGENCY_LABELS
from allo_tui.domain.records import (
    CategoryRecord,
    CodedItem,
    ContactPreference,
    RequestDetail,
    RequestRecord,
    ServiceRecord,
)
from allo_tui.domain.request_detail import acknowledgement_how
from allo_tui.domain.request_detail import format_span as format_span  # re-exported
from allo_tui.domain.workflow import Action
from allo_tui.literal import fill, printable
from allo_tui.requests_watch import RequestsChanged, RequestsWatch, WatchEvent
from allo_tui.screens.request_detail_actions import ActionsPart, may
from allo_tui.screens.request_detail_content import (  # noqa: F401 (re-exported)
    event_detail,
    last_send_back,
    request_changes,
    request_fields,
    timeline_table,
)
from allo_tui.screens.request_detail_questions import QuestionsPart
from allo_tui.screens.request_detail_texts import TEXTS
from allo_tui.widgets.action_keys import ActionKeys
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.key_footer import KeyFooter


class RequestDetailScreen(ActionsPart, QuestionsPart, Screen[None]):
    """One request: its fields, due dates, timeline, links, and the actions on it."""

    CSS_PATH = "request_detail.tcss"
    COMMANDS = Screen.COMMANDS | {BindingCommands}
    AUTO_FOCUS = "#detail-body"
    BINDINGS = [
        Binding("a", "workflow('acknowledge')", "Accuser", id="request_detail.acknowledge"),
        Binding("g", "workflow('assign')", "Affecter", id="request_detail.assign"),
        Binding("s", "workflow('start')", "Démarrer", id="request_detail.start"),
        Binding("d", "workflow('done')", "Terminer", id="request_detail.done"),
        Binding("c", "workflow('close')", "Clôturer", id="request_detail.close"),
        Binding("r", "workflow('reject')", "Rejeter", id="request_detail.reject"),
        Binding("u", "workflow('duplicate')", "Doublon", id="request_detail.duplicate"),
        Binding("x", "workflow('cancel')", "Annuler", id="request_detail.cancel"),
        Binding("n", "workflow('note')", "Note", id="request_detail.note"),
        Binding("o", "workflow('reopen')", "Rouvrir", id="request_detail.reopen"),
        Binding("q", "workflow('requalify')", "Requalifier", id="request_detail.requalify"),
        Binding("p", "workflow('plan')", "Programmer", id="request_detail.plan"),
        # `w` puts a request on hold, and on a waiting request resumes it (one of the two is
        # offered at a time: `check_action` hides the other).
        Binding("w", "workflow('resume')", "Reprendre", id="request_detail.resume"),
        Binding("w", "workflow('wait')", "Attente", id="request_detail.wait"),
        Binding("b", "workflow('send_back')", "Renvoyer", id="request_detail.send_back"),
        Binding("t", "workflow('transfer')", "Transmettre", id="request_detail.transfer"),
        Binding("enter", "open_caller", "Fiche", id="request_detail.caller"),
        Binding("escape", "back", "Retour", id="request_detail.back"),
        Binding("ctrl+r", "reload", "Actualiser", show=False, id="request_detail.reload"),
    ]

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id
        self.detail: RequestDetail | None = None
        self._services: list[ServiceRecord] = []
        self._categories: list[CategoryRecord] = []
        self._outcomes: list[CodedItem] = []
        """The coded outcomes a done request is given (read once, in the load worker)."""
        self._rejection_reasons: list[CodedItem] = []
        self._calendar: SiteCalendar | None = None
        self._ack_default = "phone"
        self._ack_sent_by = ""
        """"letter" or "email" when the caller's acknowledgement goes by that channel by itself
        (a letter batch, the e-mail sender): choosing it queues, recording is theirs."""
        self._busy = False
        self._dirty = False
        """The change feed spoke while another screen (a dialog) was on top."""
        self._own_version: int | None = None
        """The version our own last action wrote: its reload is no news to announce."""
        self._after_load: Callable[[], None] | None = None
        """Run once the next load is shown (asking again after a refused stale save)."""

    @property
    def request(self) -> RequestRecord | None:
        """The request as last loaded (None until the first load)."""
        return self.detail.request if self.detail else None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Static(TEXTS["loading"], id="detail-title", markup=False)
            yield ActionKeys(id="detail-keys")
            yield Static("", id="detail-fields")
            yield OptionList(id="detail-links")
            yield Static(TEXTS["timeline"], id="detail-timeline-title", markup=False)
            yield Static("", id="detail-timeline")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-links", OptionList).display = False
        RequestsWatch.attach(self.app).signal.subscribe(self, self.on_watch_event)
        self.load()

    def on_watch_event(self, event: WatchEvent) -> None:
        """Requests changed somewhere (another console, a script): show this one as it is now."""
        if not isinstance(event, RequestsChanged):
            return
        if self.is_current and not self._busy:
            self.load()
        else:
            self._dirty = True

    def on_screen_resume(self) -> None:
        # After the answer of the dialog that was on top has been acted on: a save under way
        # reloads when it is done.
        self.call_after_refresh(self._reload_if_dirty)

    def _reload_if_dirty(self) -> None:
        if self._dirty and not self._busy:
            self._dirty = False
            self.load()

    # -- loading --------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="request-detail")
    def load(self) -> None:
        """Read the request, its timeline and its duplicates off the event loop."""
        store = self.app.store
        try:
            detail = store.request_detail(self.request_id)
            services = self._services or store.services()
            if not self._categories:
                self._categories = store.categories()
            if not self._outcomes:
                self._outcomes = store.outcomes()
            if not self._rejection_reasons:
                self._rejection_reasons = store.rejection_reasons()
            if self._calendar is None:
                self._calendar = store.calendar()
            self._ack_default = self._acknowledgement_default(detail.request)
        except NotFoundError:
            self.app.call_from_thread(self._show_missing)
            return
        except Exception as error:  # noqa: BLE001 - shown to the user, not swallowed
            self.app.call_from_thread(self._show_error, error)
            return
        self.app.call_from_thread(self._show, detail, services)

    def _acknowledgement_default(self, request: RequestRecord) -> str:
        """How the acknowledgement is most likely given: the caller's contact preference,
        else the way the request came (courriel, courrier), else the phone. In a worker."""
        from allo_tui.domain.postal_address import reply_address_problem

        preference = ContactPreference.NONE
        self._ack_sent_by = ""
        if request.caller_id is not None:
            try:
                caller = self.app.store.get_caller(request.caller_id)
            except NotFoundError:
                caller = None
            if caller is not None:
                preference = caller.contact_preference
                reachable = not reply_address_problem(caller)
                if reachable and preference in (ContactPreference.LETTER, ContactPreference.EMAIL):
                    # The letter batch or `allo replies send` acknowledges it when it goes.
                    self._ack_sent_by = preference.value
        return acknowledgement_how(preference, request.channel)

    def _show(self, detail: RequestDetail, services: list[ServiceRecord]) -> None:
        previous = self.request
        self.detail = detail
        self._services = services
        request = detail.request
        now = self.app.clock.now()
        reference = printable(request.reference, one_line=True)
        self.sub_title = TEXTS["title"].format(reference=reference)
        title = Text(TEXTS["title"].format(reference=reference), "bold")
        title.append("  ")
        title.append(STATUS_LABELS[request.status], "reverse")
        title.append("  ")
        title.append(URGENCY_LABELS.get(request.urgency, ""))
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-keys", ActionKeys).show(self._action_keys(request))
        self.query_one("#detail-fields", Static).update(
            request_fields(request, now, last_send_back(detail.events), detail.replies)
        )
        self._show_links(detail)
        self.query_one("#detail-timeline-title", Static).update(
            f"{TEXTS['timeline']} ({len(detail.events)})"
        )
        self.query_one("#detail-timeline", Static).update(Group(timeline_table(detail.events)))
        self.refresh_bindings()
        after_load, self._after_load = self._after_load, None
        if after_load is not None:
            after_load()
        elif previous is not None and request.version not in (
            previous.version,
            self._own_version,
        ):
            self._announce_change(previous, request)

    def _announce_change(self, previous: RequestRecord, request: RequestRecord) -> None:
        """Say what another console changed on the request shown."""
        changes = request_changes(previous, request)
        if changes:
            message = TEXTS["changed_elsewhere"].format(
                reference=request.reference, who=request.updated_by, changes="; ".join(changes)
            )
            self.notify(printable(message), markup=False)

    def _action_keys(self, request: RequestRecord) -> list[tuple[str, str]]:
        """The workflow keys this operator may use on this request now, with their action.

        The footer may be too narrow for all of them (80 columns); this line wraps between
        two actions.
        """
        role = self.app.operator.role
        keys: list[tuple[str, str]] = []
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or not binding.action.startswith("workflow("):
                continue
            action = Action(binding.action.removeprefix("workflow(").strip("')\""))
            if not may(action, request, role):
                continue
            keys.append((self.app.get_key_display(binding), binding.description))
        return keys

    def _show_links(self, detail: RequestDetail) -> None:
        links = self.query_one("#detail-links", OptionList)
        links.clear_options()
        request = detail.request
        options: list[Option] = []
        if request.caller_id is not None and access.may_open(
            access.Screen.CALLER_CARD, self.app.operator.role
        ):
            options.append(
                Option(
                    fill(TEXTS["caller_link"], name=request.caller_name),
                    id=f"caller:{request.caller_id}",
                )
            )
        if request.duplicate_of_id is not None:
            options.append(
                Option(
                    fill(
                        TEXTS["original_link"].removesuffix(" — {summary}"),
                        reference=request.duplicate_of_reference,
                    ),
                    id=f"request:{request.duplicate_of_id}",
                )
            )
        for duplicate in detail.duplicates:
            summary = f"{format_datetime(duplicate.created_at)} {duplicate.caller_name}".strip()
            options.append(
                Option(
                    fill(TEXTS["duplicate_link"], reference=duplicate.reference, summary=summary),
                    id=f"request:{duplicate.id}",
                )
            )
        links.add_options(options)
        links.display = bool(options)

    def _show_missing(self) -> None:
        self.query_one("#detail-title", Static).update(TEXTS["not_found"])
        self.notify(TEXTS["not_found"], severity="error", markup=False)

    def _show_error(self, error: Exception) -> None:
        self.app.log.error(f"request detail failed: {error!r}")
        self.notify(
            TEXTS["error"].format(error=printable(user_message(error))),
            severity="error",
            markup=False,
        )

    # -- navigation -----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_open_caller(self) -> None:
        """Open the caller card of this request's caller."""
        request = self.request
        if request is None or request.caller_id is None:
            return
        self._open_caller(request.caller_id)

    def _open_caller(self, caller_id: int) -> None:
        opener = getattr(self.app, "open_caller_card", None)
        if opener is None:
            self.notify(TEXTS["no_caller_card"], markup=False)
            return
        opener(caller_id)

    @on(OptionList.OptionSelected, "#detail-links")
    def _link_chosen(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option_id or "").partition(":")
        if kind == "caller":
            self._open_caller(int(value))
        elif kind == "request":
            self.app.push_screen(RequestDetailScreen(int(value)))
