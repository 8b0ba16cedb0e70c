"""Supervisors' bulk actions (`allo_tui.domain.bulk`): one action on many requests, in one
write transaction, each request checked and written as `apply` would, skipped when refused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from allo_tui.data.store.request_changes import RequestChangeStore
from allo_tui.domain.errors import NotFoundError, StaleWriteError, ValidationError
from allo_tui.domain.records import OperatorRecord
from allo_tui.domain.workflow import Action, WorkflowError

if TYPE_CHECKING:  # the bulk rules load with the first bulk action, not at start-up
    from allo_tui.domain.bulk import BulkResult, MarkedRequest

BULK_TEXTS = {
    "supervisors_only": "Actions groupées réservées aux superviseurs.",
    "not_offered": "Action non proposée en groupe.",
    "too_many": "Au plus {limit} demandes marquées à la fois.",
    "changed": "modifiée entre-temps",
    "not_found": "introuvable",
}
"""French messages of bulk actions."""

_SKIPPED = (WorkflowError, StaleWriteError, ValidationError, NotFoundError)
"""What skips one request: every check is made before that request is written."""


class BulkStore(RequestChangeStore):
    """Bulk actions, for `Store`."""

    def apply_bulk(
        self,
        operator: OperatorRecord,
        marked: Sequence[MarkedRequest],
        action: Action,
        *,
        text: str = "",
        service_id: int | None = None,
        reason_code: str = "",
        category_id: int | None = None,
        urgency: int | None = None,
    ) -> BulkResult:
        """Do `action` on every marked request, in one write transaction.

        ASSIGN needs `service_id`; REJECT `reason_code` (and an optional `text`); REQUALIFY
        `category_id` and `urgency` (the category's service); CLOSE nothing. A request whose
        status or role does not allow it, or whose version is not the one it was marked with,
        is skipped and listed with the reason; the others get one Event each.
        """
        from allo_tui.domain.bulk import MAX_MARKED, BulkResult, may_bulk

        action = Action(action)
        if action not in (Action.ASSIGN, Action.REQUALIFY, Action.CLOSE, Action.REJECT):
            raise WorkflowError(BULK_TEXTS["not_offered"])
        if len(marked) > MAX_MARKED:
            raise ValidationError("marked", BULK_TEXTS["too_many"].format(limit=MAX_MARKED))
        at = self.now()
        done: list[str] = []
        skipped: list[tuple[str, str]] = []
        with self._write() as connection:
            role = self._role_of(connection, operator)
            if not may_bulk(role):
                raise WorkflowError(BULK_TEXTS["supervisors_only"])
            for item in marked:
                try:
                    if action is Action.REQUALIFY:
                        if category_id is None or urgency is None:
                            raise ValidationError("category", "Choisissez une catégorie.")
                        self.requalify_in(
                            connection,
                            operator,
                            role,
                            item.request_id,
                            expected_version=item.version,
                            at=at,
                            category_id=category_id,
                            service_id=None,
                            urgency=urgency,
                            text=text,
                        )
                    else:
                        self.apply_in(
                            connection,
                            operator,
                            role,
                            item.request_id,
                            action,
                            expected_version=item.version,
                            at=at,
                            text=text,
                            service_id=service_id,
                            reason_code=reason_code,
                        )
                except StaleWriteError:
                    skipped.append((item.reference, BULK_TEXTS["changed"]))
                except NotFoundError:
                    skipped.append((item.reference, BULK_TEXTS["not_found"]))
                except _SKIPPED as error:
                    skipped.append((item.reference, _reason(error)))
                else:
                    done.append(item.reference)
        return BulkResult(tuple(done), tuple(skipped))


def _reason(error: Exception) -> str:
    """The French sentence of a refusal, without its trailing full stop."""
    text = getattr(error, "reason", None) or getattr(error, "message", None) or str(error)
    return str(text).rstrip(".")
