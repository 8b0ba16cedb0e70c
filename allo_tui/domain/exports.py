"""Exports (`allo export`): what may be exported, by whom, and the filters as typed.

Pure rules, no database: the four tables an export reads, who may export each (callers carry
personal data: administrators only, and every such export is recorded in the audit), which
requests a service agent's export holds (their services' only), and the filters read from
the command line (Paris days, statuses by value or French label, service codes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from allo_tui.domain.errors import AlloError
from allo_tui.domain.labels import STATUS_LABELS
from allo_tui.domain.records import OPEN_STATUSES, Role, Status
from allo_tui.domain.text import fold


class ExportKind(StrEnum):
    """The tables `allo export` writes."""

    REQUESTS = "requests"
    CALLERS = "callers"
    CALLS = "calls"
    EVENTS = "events"


class ExportRefusedError(AlloError):
    """This operator may not export this table: nothing is written."""


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """The rows an export holds; every field narrows, empty means "any".

    Dates are Paris days, both included: requests by their call's date, calls by their
    start, events by their date, callers by the creation of their record. `statuses` and
    `service_ids` select requests (and the calls and events of those requests); they do not
    apply to callers. `own_service_ids` is the reach of a service agent, set from their
    record, never from the command line.
    """

    date_from: date | None = None
    date_to: date | None = None
    statuses: frozenset[Status] = frozenset()
    service_ids: tuple[int, ...] = ()
    own_service_ids: tuple[int, ...] = ()


def check_may_export(role: Role, kind: ExportKind) -> None:
    """Refuse an export this role may not make (callers: administrators only)."""
    if kind is ExportKind.CALLERS and role is not Role.ADMIN:
        raise ExportRefusedError(
            "l'export des demandeurs (données personnelles) est réservé aux administrateurs"
            " ; rien n'a été écrit"
        )


def reach_of(role: Role, service_ids: tuple[int, ...]) -> tuple[int, ...]:
    """The services an operator's export is kept to: a service agent's own, else none (all)."""
    if role is Role.SERVICE:
        # An agent attached to no service sees nothing: -1 matches no service.
        return tuple(service_ids) or (-1,)
    return ()


_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_day(option: str, text: str) -> date:
    """A day typed as dd/mm/yyyy or yyyy-mm-dd; anything else is refused in one French line."""
    match = _DAY.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        if match.group(1):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
    except ValueError:
        raise ExportRefusedError(
            f"{option} : date « {text} » invalide ; écrire jj/mm/aaaa ou aaaa-mm-jj"
            " (par exemple 01/03/2026)"
        ) from None


def parse_statuses(values: tuple[str, ...] | list[str]) -> frozenset[Status]:
    """Statuses typed as values (`in_progress`), French labels (« En cours », any case or
    accent) or `open` (every open status); an unknown one is refused naming the known ones."""
    by_name: dict[str, frozenset[Status]] = {"open": OPEN_STATUSES, "ouvertes": OPEN_STATUSES}
    for status in Status:
        by_name[fold(status.value)] = frozenset({status})
        by_name[fold(STATUS_LABELS[status])] = frozenset({status})
    chosen: set[Status] = set()
    for value in values:
        found = by_name.get(fold(value))
        if found is None:
            known = ", ".join(["open", *(status.value for status in Status)])
            raise ExportRefusedError(f"--status : statut « {value} » inconnu ; valeurs : {known}")
        chosen |= found
    return frozenset(chosen)


def check_period(date_from: date | None, date_to: date | None) -> None:
    """Refuse a period that ends before it starts."""
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ExportRefusedError(
            f"--to ({date_to:%d/%m/%Y}) est avant --from ({date_from:%d/%m/%Y}) ; rien n'a été"
            " écrit"
        )


def check_filters_apply(kind: ExportKind, filters: ExportFilter) -> None:
    """Statuses and services select requests: refused on the callers export."""
    if kind is ExportKind.CALLERS and (filters.statuses or filters.service_ids):
        raise ExportRefusedError(
            "--status et --service ne s'appliquent pas à l'export des demandeurs"
        )
