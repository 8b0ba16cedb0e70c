"""A request put on hold (status `waiting`) and resumed: how its intervention due date moves and
what its timeline says.

Waiting for the citizen (a photo, an access, a callback) stops the clock: on resuming, the
intervention due date moves later by the time spent waiting. Waiting for a third party (a
utility company, another authority) does not: the service still owes the citizen its answer
in time. Texts here are the notes of the timeline's events, in French; what was typed is kept
as typed (the screens show it literally).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.countdown import format_duration

WAITING_FOR = {"citizen": "du demandeur", "third_party": "d'un tiers"}
"""Who is awaited, after "En attente" / "attente"."""


def waited(since: datetime | None, now: datetime) -> timedelta:
    """The time spent waiting (never negative; nothing when `since` is unknown)."""
    if since is None:
        return timedelta(0)
    return max(now - since, timedelta(0))


def resumed_due(
    due: datetime | None, kind: str, since: datetime | None, now: datetime
) -> datetime | None:
    """The intervention due date after resuming: moved by the time waited for the citizen,
    unchanged for a third party (and None stays None: urgency 4 has no due date)."""
    if due is None or kind != "citizen":
        return due
    return due + waited(since, now)


def wait_note(kind: str, what: str) -> str:
    """ "En attente du demandeur : photo du trou" (what is awaited as typed)."""
    return f"En attente {WAITING_FOR.get(kind, '')} : {what}".replace("  ", " ")


def resume_note(
    kind: str,
    since: datetime | None,
    now: datetime,
    old_due: datetime | None,
    new_due: datetime | None,
    calendar: SiteCalendar,
) -> str:
    """What the timeline says on resuming: how long it waited, and where the due date went.

    "Reprise après 2 j 3 h d'attente du demandeur ; intervention due le 14/01/2027 10:00
    (au lieu du 12/01/2027 07:00)"; for a third party: "…, échéance inchangée"."""
    duration = format_duration(int(waited(since, now).total_seconds()))
    text = f"Reprise après {duration} d'attente {WAITING_FOR.get(kind, '')}".replace("  ", " ")
    if old_due is None or new_due is None:
        return text
    if new_due == old_due:
        return f"{text} ; échéance inchangée"
    new_local = calendar.to_local(new_due).strftime("%d/%m/%Y %H:%M")
    old_local = calendar.to_local(old_due).strftime("%d/%m/%Y %H:%M")
    return f"{text} ; intervention due le {new_local} (au lieu du {old_local})"
