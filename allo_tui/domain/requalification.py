"""Requalifying a request (category, service, urgency): its new intervention due date and the
old and new values its event records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from allo_tui.domain.labels import URGENCY_LABELS

if TYPE_CHECKING:
    from allo_tui.domain.calendar import SiteCalendar


def requalified_intervention_due(
    calendar: SiteCalendar,
    *,
    called_at: datetime,
    requalified_at: datetime,
    old_urgency: int,
    new_urgency: int,
    current_due: datetime | None,
) -> datetime | None:
    """The intervention due date after the urgency went from `old_urgency` to `new_urgency`.

    A raised urgency (a smaller number) counts its target from the requalification: the
    service could not know before; but it never moves the due date later than it was (a
    request nearly due at urgency 3 raised to 2 keeps its nearer date). A lowered one counts
    from the call, as if it had been taken so. The same urgency keeps `current_due` (which
    may have been moved by a wait). The acknowledgement due date never changes: it depends
    on the call alone.
    """
    if new_urgency == old_urgency:
        return current_due
    if new_urgency > old_urgency:
        return calendar.intervention_due(called_at, new_urgency)
    due = calendar.intervention_due(requalified_at, new_urgency)
    if due is not None and current_due is not None:
        return min(due, current_due)
    return due


@dataclass(frozen=True)
class Qualification:
    """What a requalification changes: category, service, urgency, and the due date they imply."""

    category: str
    """The category's label."""
    service: str
    """The service's name ("" when none)."""
    urgency: int
    intervention_due_at: datetime | None


def requalification_texts(
    old: Qualification, new: Qualification, calendar: SiteCalendar
) -> tuple[str, str]:
    """The old and new values of a requalification Event, in French, changed parts only.

    "Catégorie : Voirie · Urgence : 3 (Normale) · Intervention : 04/12/2026 10:00" (site time);
    an urgency with no target reads "Intervention : aucune".
    """

    def due(at: datetime | None) -> str:
        return calendar.to_local(at).strftime("%d/%m/%Y %H:%M") if at else "aucune"

    parts: tuple[list[str], list[str]] = ([], [])
    fields = (
        ("Catégorie", old.category, new.category),
        ("Service", old.service or "—", new.service or "—"),
        (
            "Urgence",
            f"{old.urgency} ({URGENCY_LABELS.get(old.urgency, '?')})",
            f"{new.urgency} ({URGENCY_LABELS.get(new.urgency, '?')})",
        ),
        ("Intervention", due(old.intervention_due_at), due(new.intervention_due_at)),
    )
    for label, before, after in fields:
        if before != after:
            parts[0].append(f"{label} : {before}")
            parts[1].append(f"{label} : {after}")
    return " · ".join(parts[0]), " · ".join(parts[1])
