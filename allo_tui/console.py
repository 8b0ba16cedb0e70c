"""What screens and widgets may ask of the operator's console, without importing the app.

The console's app (app.py) imports its screens, so a screen that imported it back would close an
import cycle (import-linter forbids it). Screens and widgets see the app as a `Console` instead,
through `console_of(self.app)`: its Store, its operator, its clock, the call in progress
(`console_of(self.app).call`) and the few things they ask the app to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from allo_tui.data.store import Store
    from allo_tui.domain.call import CallInProgress
    from allo_tui.domain.clock import Clock
    from allo_tui.domain.records import CallerRecord, OperatorRecord


class Console(Protocol):
    """The operator's console as its screens see it (the app of app.py is one)."""

    store: Store
    operator: OperatorRecord
    clock: Clock
    console_name: str
    call: CallInProgress

    def start_request(self, caller: CallerRecord | None) -> None:
        """Open the new-request form, pre-filled with `caller` when one was chosen."""
        ...

    def open_caller_card(self, caller_id: int) -> None:
        """Show the card of caller `caller_id` on top of the current screen."""
        ...

    def restore_draft(self, fields: dict[str, Any]) -> None:
        """Bring back a new-request draft left by a dead console."""
        ...


def console_of(app: App[Any]) -> Console:
    """`app` as the operator's console: the console's screens and widgets only run in one."""
    return cast("Console", app)
