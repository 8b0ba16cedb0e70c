"""The board's service filter (`f`) and assignment (`g`): the services read by a thread
worker once, a picker, the assignment written by a thread worker."""

from __future__ import annotations

from textual import work

from allo_tui.data.errors import user_message
from allo_tui.domain.errors import AlloError
from allo_tui.domain.records import RequestRecord
from allo_tui.domain.workflow import Action, WorkflowError
from allo_tui.literal import printable
from allo_tui.screens.board_texts import TEXTS
from allo_tui.widgets.service_picker import ALL_SERVICES, ServicePicker


class ServicesPart:
    """The service filter and the assignment of `BoardScreen`."""

    def action_filter_service(self) -> None:
        self._with_services(self._pick_filter)

    def _pick_filter(self) -> None:
        current = self.services[0] if len(self.services) == 1 else None
        offered = [s for s in self._services if not self._scope or s.id in self._scope]
        picker = ServicePicker(offered, title=TEXTS["pick_filter"], allow_all=True, current=current)
        self.app.push_screen(picker, self._filter_chosen)

    def _filter_chosen(self, choice: int | None) -> None:
        if choice is None:
            return
        services = self._scope if choice == ALL_SERVICES else (choice,)
        self._set_filter(services=services, urgency=self.urgency)

    def action_assign(self) -> None:
        request = self.board_list.highlighted
        if request is None:
            return
        self._with_services(lambda: self._pick_assignee(request))

    def _pick_assignee(self, request: RequestRecord) -> None:
        picker = ServicePicker(
            self._services,
            title=TEXTS["pick_assign"].format(reference=request.reference),
            current=request.service_id,
        )

        def chosen(service_id: int | None) -> None:
            if service_id is not None and service_id != ALL_SERVICES:
                self._assign(request, service_id)

        self.app.push_screen(picker, chosen)

    def _with_services(self, then) -> None:
        if self._services:
            then()
        else:
            self._read_services(then)

    @work(thread=True, exit_on_error=False, group="board-services")
    def _read_services(self, then) -> None:
        try:
            services = self.app.store.services()
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(
                self.notify,
                printable(TEXTS["services_unreadable"].format(error=error)),
                severity="error",
                markup=False,
            )
            return

        def done() -> None:
            self._services = services
            self._service_names = {service.id: service.name for service in services}
            then()

        self.app.call_from_thread(done)

    @work(thread=True, exit_on_error=False, group="board-assign")
    def _assign(self, request: RequestRecord, service_id: int) -> None:
        store = self.app.store
        try:
            updated = store.apply(
                self.app.operator,
                request.id,
                Action.ASSIGN,
                expected_version=request.version,
                service_id=service_id,
            )
        except (AlloError, WorkflowError) as error:
            self.app.call_from_thread(
                self.notify,
                printable(TEXTS["refused"].format(reason=error)),
                severity="error",
                markup=False,
            )
            return
        except Exception as error:  # noqa: BLE001 - shown to the user, not swallowed
            self.app.call_from_thread(
                self.notify,
                printable(TEXTS["refused"].format(reason=user_message(error))),
                severity="error",
                markup=False,
            )
            return
        message = TEXTS["assigned"].format(
            reference=printable(updated.reference, one_line=True),
            service=printable(updated.service_name, one_line=True),
        )
        self.app.call_from_thread(self.notify, message, markup=False)
        self.app.call_from_thread(self.request_reload)
