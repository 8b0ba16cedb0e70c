"""Supervisors' bulk actions on a list (history, board): Space marks the highlighted request,
Ctrl+B asks which action to do on the marked ones, then its service, category or reason, does
it in one transaction (`Store.apply_bulk`) and lists what was done and what was skipped."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from allo_tui.data.errors import user_message
from allo_tui.domain.bulk import BULK_ACTIONS, MAX_MARKED, BulkResult, MarkedRequest, may_bulk
from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.domain.records import RequestRecord
from allo_tui.domain.workflow import Action, WorkflowError
from allo_tui.literal import printable
from allo_tui.screens.action_dialogs import ChoiceDialog, SearchChoiceDialog, TextPromptDialog
from allo_tui.screens.bulk_texts import ACTION_LABELS, TEXTS
from allo_tui.screens.confirm import ConfirmDialog

MARK_BINDINGS = [
    Binding("space", "toggle_mark", TEXTS["mark"], show=False, id="bulk.mark"),
    Binding("ctrl+b", "bulk", TEXTS["bulk"], id="bulk.actions"),
]
"""The keys a list screen adds for bulk actions (shown to supervisors only)."""


class BulkResultDialog(ModalScreen[None]):
    """What a bulk action did: the references done, and those skipped with the reason."""

    DEFAULT_CSS = """
    BulkResultDialog { align: center middle; }
    BulkResultDialog > VerticalScroll {
        width: 76; max-width: 95%; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    BulkResultDialog #bulk-result-title { text-style: bold; margin-bottom: 1; }
    BulkResultDialog #bulk-result-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Fermer", id="bulk.result_close")]

    def __init__(self, label: str, result: BulkResult) -> None:
        super().__init__()
        self.label = label
        self.result = result

    def compose(self) -> ComposeResult:
        result = self.result
        title = TEXTS["result_title"].format(
            label=self.label, done=len(result.done), skipped=len(result.skipped)
        )
        lines = []
        if result.done:
            lines.append(TEXTS["result_done"].format(references=", ".join(result.done)))
        if result.skipped:
            lines.append(TEXTS["result_skipped"])
            lines += [
                TEXTS["result_line"].format(reference=reference, reason=reason)
                for reference, reason in result.skipped
            ]
        with VerticalScroll():
            yield Static(Text(printable(title)), id="bulk-result-title")
            yield Static(Text(printable("\n".join(lines))), id="bulk-result-body")
            yield Static(TEXTS["result_hint"], id="bulk-result-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


class MarksPart:
    """Marks and bulk actions for a list screen.

    The screen provides `marked_request()` (the highlighted request, or None), `marks_list()`
    (its list, which has `set_marked(ids)`), `MARKS_LINE` (the selector of a Static saying how
    many are marked) and `bulk_done()` (read its rows again); it adds `MARK_BINDINGS` to its
    BINDINGS.
    """

    MARKS_LINE = ""

    def init_marks(self) -> None:
        self.marks: dict[int, MarkedRequest] = {}

    def marked_request(self) -> RequestRecord | None:  # pragma: no cover - screens override
        raise NotImplementedError

    def marks_list(self):  # pragma: no cover - screens override
        raise NotImplementedError

    def show_marks(self, ids: frozenset[int]) -> None:
        """Draw the marks in the list and say how many there are."""
        self.marks_list().set_marked(ids)
        line = self.query_one(self.MARKS_LINE, Static)
        line.update(self.marks_line())
        line.display = bool(ids)

    def bulk_done(self) -> None:  # pragma: no cover - screens override
        raise NotImplementedError

    def marks_allowed(self) -> bool:
        return may_bulk(self.app.operator.role)

    def check_mark_action(self, action: str) -> bool | None:
        """For the screen's `check_action`: None when `action` is not ours, else whether the
        key is offered (supervisors and admins only)."""
        if action not in ("toggle_mark", "bulk"):
            return None
        return self.marks_allowed()

    def marks_line(self) -> str:
        """The line saying how many requests are marked ("" when none)."""
        if not self.marks:
            return ""
        return TEXTS["marked"].format(count=len(self.marks))

    def action_toggle_mark(self) -> None:
        if not self.marks_allowed():
            return
        request = self.marked_request()
        if request is None:
            return
        if request.id in self.marks:
            del self.marks[request.id]
        elif len(self.marks) >= MAX_MARKED:
            self.notify(TEXTS["too_many"].format(limit=MAX_MARKED), severity="warning")
            return
        else:
            self.marks[request.id] = MarkedRequest(request.id, request.reference, request.version)
        self.show_marks(frozenset(self.marks))

    def clear_marks(self) -> None:
        self.marks.clear()
        self.show_marks(frozenset())

    def action_bulk(self) -> None:
        if not self.marks_allowed():
            return
        if not self.marks:
            self.notify(TEXTS["nothing_marked"], severity="warning")
            return
        marked = tuple(self.marks.values())
        count = len(marked)

        def chosen(action: Action | None) -> None:
            if action is Action.ASSIGN:
                self._bulk_read(marked, action, "services")
            elif action is Action.REQUALIFY:
                self._bulk_read(marked, action, "categories")
            elif action is Action.REJECT:
                self._bulk_read(marked, action, "rejection_reasons")
            elif action is Action.CLOSE:
                references = ", ".join(item.reference for item in marked)
                self.app.push_screen(
                    ConfirmDialog(
                        TEXTS["confirm_close"].format(count=count),
                        TEXTS["confirm_detail"].format(references=references),
                    ),
                    lambda yes: self._bulk_run(marked, action) if yes else None,
                )

        self.app.push_screen(
            ChoiceDialog(
                TEXTS["title"].format(count=count),
                [(ACTION_LABELS[action], action) for action in BULK_ACTIONS],
            ),
            chosen,
        )

    @work(thread=True, exit_on_error=False, group="bulk")
    def _bulk_read(self, marked: tuple[MarkedRequest, ...], action: Action, reader: str) -> None:
        """Read a list the action needs (services, categories, reasons), off the event loop."""
        try:
            items = getattr(self.app.store, reader)()
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._bulk_failed, TEXTS["read_failed"], error)
            return
        self.app.call_from_thread(self._bulk_ask, marked, action, items)

    def _bulk_ask(self, marked: tuple[MarkedRequest, ...], action: Action, items: list) -> None:
        """The questions of `action`, then the write."""
        count = len(marked)
        push = self.app.push_screen
        if action is Action.ASSIGN:
            push(
                ChoiceDialog(
                    TEXTS["pick_service"].format(count=count),
                    [(service.name, service.id) for service in items if service.active],
                ),
                lambda service_id: (
                    self._bulk_run(marked, action, service_id=service_id)
                    if service_id is not None
                    else None
                ),
            )
        elif action is Action.REQUALIFY:

            def category_chosen(category) -> None:
                if category is None or isinstance(category, str):
                    return
                push(
                    ChoiceDialog(
                        TEXTS["pick_urgency"].format(count=count),
                        [(f"{level}. {URGENCY_LABELS[level]}", level) for level in (1, 2, 3, 4)],
                        selected=category.default_urgency,
                    ),
                    lambda urgency: (
                        self._bulk_run(marked, action, category_id=category.id, urgency=urgency)
                        if urgency is not None
                        else None
                    ),
                )

            push(
                SearchChoiceDialog(
                    TEXTS["pick_category"].format(count=count),
                    [(category.label, category) for category in items],
                ),
                category_chosen,
            )
        elif action is Action.REJECT:

            def reason_chosen(code: str | None) -> None:
                if code is None:
                    return
                push(
                    TextPromptDialog(
                        TEXTS["pick_reason"].format(count=count),
                        TEXTS["complement"],
                        required=False,
                        multiline=False,
                    ),
                    lambda text: (
                        self._bulk_run(marked, action, reason_code=code, text=text)
                        if text is not None
                        else None
                    ),
                )

            push(
                ChoiceDialog(
                    TEXTS["pick_reason"].format(count=count),
                    [(item.label, item.code) for item in items],
                ),
                reason_chosen,
            )

    @work(thread=True, exit_on_error=False, group="bulk")
    def _bulk_run(self, marked: tuple[MarkedRequest, ...], action: Action, **options) -> None:
        """The write (`Store.apply_bulk`, one transaction), off the event loop."""
        try:
            result = self.app.store.apply_bulk(self.app.operator, marked, action, **options)
        except WorkflowError as error:
            self.app.call_from_thread(self._bulk_failed, TEXTS["failed"], error.reason)
            return
        except Exception as error:  # noqa: BLE001 - the database said no: shown, not raised
            self.app.call_from_thread(self._bulk_failed, TEXTS["failed"], error)
            return
        self.app.call_from_thread(self._bulk_finished, marked, action, result)

    def _bulk_failed(self, text: str, error: Exception | str) -> None:
        message = error if isinstance(error, str) else user_message(error)
        self.notify(printable(text.format(error=message)), severity="error", markup=False)

    def _bulk_finished(
        self, marked: tuple[MarkedRequest, ...], action: Action, result: BulkResult
    ) -> None:
        done = set(result.done)
        for item in marked:
            if item.reference in done:
                self.marks.pop(item.request_id, None)
        self.show_marks(frozenset(self.marks))
        self.bulk_done()
        self.app.push_screen(BulkResultDialog(ACTION_LABELS[action], result))
