"""What a request's status says beyond its name, as the hostess reads it out to the citizen:
"Programmée le 12/01", "En attente du demandeur : photo du trou", "Transmise à Enedis",
"Terminée — Réparé", "Sans suite — Domaine privé", "renvoyée au centre d'appels".

One source for the caller card, the history, the queue, the board and the request detail; a
short form (`status_short`) fits the board's and the queue's narrow columns. Stored text (what
is awaited, the third party's name) is returned as typed: the screens show it literally.
"""

from __future__ import annotations

from datetime import date

from allo_tui.domain.labels import STATUS_LABELS
from allo_tui.domain.planned_date import format_planned
from allo_tui.domain.records import RequestRecord, Status

TEXTS = {
    "planned": "Programmée le {day}",
    "waiting_citizen": "En attente du demandeur",
    "waiting_third_party": "En attente d'un tiers",
    "waiting_what": "{who} : {what}",
    "transferred": "Transmise à {whom}",
    "outcome": "{status} — {outcome}",
    "sent_back": "renvoyée au centre d'appels",
    "short_planned": "prog. {day}",
    "short_waiting_citizen": "att. dem.",
    "short_waiting_third_party": "att. tiers",
    "short_sent_back": "renvoyée",
}
WAITING_LABELS = {
    "citizen": TEXTS["waiting_citizen"],
    "third_party": TEXTS["waiting_third_party"],
}
"""Who a waiting request waits for, in French."""


def waiting_label(kind: str) -> str:
    """ "En attente du demandeur" / "En attente d'un tiers" ("En attente" for another kind)."""
    return WAITING_LABELS.get(kind, STATUS_LABELS[Status.WAITING])


def status_detail(request: RequestRecord, today: date | None = None) -> str:
    """The status with what it says more (one line; stored text as typed)."""
    status = request.status
    label = STATUS_LABELS[status]
    if status is Status.PLANNED and request.planned_for is not None:
        text = TEXTS["planned"].format(day=format_planned(request.planned_for, today))
    elif status is Status.WAITING:
        who = waiting_label(request.waiting_kind)
        what = " ".join(request.waiting_for.split())
        text = TEXTS["waiting_what"].format(who=who, what=what) if what else who
    elif status is Status.TRANSFERRED and request.transferred_to:
        text = TEXTS["transferred"].format(whom=" ".join(request.transferred_to.split()))
    elif status in (Status.DONE, Status.CLOSED) and request.outcome_label:
        text = TEXTS["outcome"].format(status=label, outcome=request.outcome_label)
    elif status is Status.REJECTED and request.rejection_reason_label:
        text = TEXTS["outcome"].format(status=label, outcome=request.rejection_reason_label)
    else:
        text = label
    if request.sent_back and status.is_open:
        text = f"{text}, {TEXTS['sent_back']}"
    return text


def status_short(request: RequestRecord, today: date | None = None) -> str:
    """The status in a narrow column: "prog. 12/01", "att. dem.", "renvoyée", else its name."""
    status = request.status
    if status is Status.PLANNED and request.planned_for is not None:
        # Day and month only: a narrow column, and a plan is rarely a year ahead.
        return TEXTS["short_planned"].format(day=format_planned(request.planned_for))
    if status is Status.WAITING:
        if request.waiting_kind == "citizen":
            return TEXTS["short_waiting_citizen"]
        if request.waiting_kind == "third_party":
            return TEXTS["short_waiting_third_party"]
    if request.sent_back and status.is_open:
        return TEXTS["short_sent_back"]
    return STATUS_LABELS[status]
