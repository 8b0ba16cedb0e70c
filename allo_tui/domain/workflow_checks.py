"""The checks of the workflow that do not depend on its table: the refusal raised
(`WorkflowError`), a service agent's reach (their own services' requests only) and who may
wait for whom. `allo_tui.domain.workflow` re-exports them."""

from __future__ import annotations

from collections.abc import Collection

from allo_tui.domain.enums import Role

WAITING_KINDS = ("citizen", "third_party")
"""Who a waiting request waits for: the citizen, or a third party."""


class WorkflowError(Exception):
    """An action refused by the workflow; `reason` is a French sentence for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def waiting_kind_refusal(role: Role, kind: str) -> str | None:
    """Why `role` may not put a request on hold waiting for `kind`, or None.

    Operators (the hostesses) wait for the citizen only; a third party is the service's
    business (or a supervisor's)."""
    if kind not in WAITING_KINDS:
        return "Précisez qui est attendu : le demandeur ou un tiers."
    if kind == "third_party" and Role(role) is Role.OPERATOR:
        return "Attente d'un tiers réservée aux services et aux superviseurs."
    return None


def service_refusal(
    role: Role,
    request_service_id: int | None,
    request_service_name: str,
    service_ids: Collection[int],
) -> str | None:
    """Why a service agent may not act on this request (not one of their services), or None.

    Other roles act on every service's requests: always None for them.
    """
    if Role(role) is not Role.SERVICE:
        return None
    if request_service_id is None:
        return (
            "Cette demande n'est affectée à aucun service : vous n'agissez que sur les demandes"
            " de vos services."
        )
    if request_service_id not in service_ids:
        return (
            f"Cette demande relève du service « {request_service_name} » : vous n'agissez que"
            " sur les demandes de vos services."
        )
    return None


def check_service(
    role: Role,
    request_service_id: int | None,
    request_service_name: str,
    service_ids: Collection[int],
) -> None:
    """Raise WorkflowError (French reason) when a service agent's request is not theirs."""
    reason = service_refusal(role, request_service_id, request_service_name, service_ids)
    if reason is not None:
        raise WorkflowError(reason)
