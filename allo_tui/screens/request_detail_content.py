"""What the request detail shows, as Rich renderables: the fields grid, the due dates, the
timeline, and what changed between two versions of a request. Typed text is shown literally."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.table import Table
from rich.text import Text

from allo_tui.domain.display import format_datetime, format_long, local
from allo_tui.domain.labels import ACKNOWLEDGEMENT_LABELS as HOW_LABELS
from allo_tui.domain.labels import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
)
from allo_tui.domain.planned_date import format_planned
from allo_tui.domain.records import EventKind, EventRecord, ReplySent, RequestRecord, Status
from allo_tui.domain.request_detail import field_changes, format_span
from allo_tui.domain.status_detail import status_detail, waiting_label
from allo_tui.literal import fill, literal, printable
from allo_tui.screens.request_detail_texts import (
    CHANGE_LABELS,
    FIELD_LABELS,
    REPLY_STATES,
    TEXTS,
    TIMELINE_COLUMNS,
)


def request_changes(old: RequestRecord, new: RequestRecord) -> list[str]:
    """What differs between two versions of a request, in French ("Statut : A → B")."""
    changes: list[str] = []

    def add(name: str, before: str, after: str) -> None:
        if before != after:
            short = [printable(v, one_line=True)[:60] or "—" for v in (before, after)]
            changes.append(f"{CHANGE_LABELS[name]} : {short[0]} → {short[1]}")

    add("status", STATUS_LABELS[old.status], STATUS_LABELS[new.status])
    add("category", old.category_label, new.category_label)
    add("service", old.service_name, new.service_name)
    add("urgency", str(old.urgency), str(new.urgency))
    add(
        "acknowledged",
        HOW_LABELS.get(old.acknowledged_how, "") if old.acknowledged_at else "",
        HOW_LABELS.get(new.acknowledged_how, "") if new.acknowledged_at else "",
    )
    add("answer", old.answer, new.answer)
    add("outcome", old.outcome_label, new.outcome_label)
    add(
        "planned",
        format_planned(old.planned_for) if old.planned_for else "",
        format_planned(new.planned_for) if new.planned_for else "",
    )
    add("waiting", old.waiting_for, new.waiting_for)
    add("original", old.duplicate_of_reference, new.duplicate_of_reference)
    add(
        "due",
        format_datetime(old.intervention_due_at),
        format_datetime(new.intervention_due_at),
    )
    return changes


def due_text(due: datetime | None, now: datetime, *, running: bool) -> Text:
    """A due date with the time left, or how late it is (in the error colour)."""
    if due is None:
        return Text(TEXTS["due_none"])
    when = format_long(due)
    if not running:
        return Text(when)
    if due < now:
        return Text(TEXTS["due_late"].format(when=when, late=format_span(now - due)), "bold red")
    left = TEXTS["left"].format(span=format_span(due - now))
    return Text(TEXTS["due"].format(when=when, left=left))


def event_detail(event: EventRecord) -> Text:
    """What an Event changed (old → new, in French) and its note, shown literally."""
    parts: list[str] = []
    old, new = event.old_value, event.new_value
    if event.kind is EventKind.EDIT:
        parts.extend(field_changes(old, new))
    else:
        if event.kind not in (EventKind.NOTE, EventKind.MERGE, EventKind.REPORTED_AGAIN):
            # Statuses and channels in French (other tools may write them in any event).
            old, new = _value_label(old), _value_label(new)
        if old and new and old != new:
            parts.append(f"{old} → {new}")
        elif new:
            parts.append(new)
    if event.note:
        parts.append(event.note)
    return literal("\n".join(parts), one_line=False)


def _value_label(value: str) -> str:
    """A status or an acknowledgement channel in French; anything else as it is."""
    if value in HOW_LABELS:
        return f"par {HOW_LABELS[value]}"
    return _status_label(value)


def _status_label(value: str) -> str:
    try:
        return STATUS_LABELS[Status(value)]
    except ValueError:
        return value


def request_fields(
    request: RequestRecord,
    now: datetime,
    sent_back: EventRecord | None = None,
    replies: tuple[ReplySent, ...] = (),
) -> Table:
    """Every field of a request as a two-column grid, typed text shown literally.

    `sent_back`: the Event of its last send-back to the call centre (its reason, who, when),
    shown while the request is flagged "renvoyée".

    Strings are people's text (or stored values): `literal()` shows them as typed, one line
    unless it is the description or the answer; our own texts come as `Text`.
    """
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    running = request.is_open

    def row(label: str, value: str | Text, *, one_line: bool = True) -> None:
        shown = value if isinstance(value, Text) else literal(value, one_line=one_line)
        shown.no_wrap = False
        grid.add_row(Text(FIELD_LABELS[label]), shown)

    row(
        "received",
        fill(
            TEXTS["received"],
            when=format_datetime(request.created_at),
            who=request.created_by,
            channel=CHANNEL_LABELS.get(request.channel, request.channel),
        ),
    )
    row("kind", KIND_LABELS.get(request.kind, request.kind))
    row("category", request.category_label)
    row("service", request.service_name or "—")
    urgency = Text(f"{request.urgency} — {URGENCY_LABELS.get(request.urgency, '')}")
    if request.urgency == 1:
        urgency.stylize("bold")
    row("urgency", urgency)
    today = local(now).date()
    status = status_detail(request, today)
    if request.closed_at is not None and not running:
        status += " — " + TEXTS["closed_at"].format(when=format_datetime(request.closed_at))
    row("status", status)  # may quote stored text (what is awaited, a third party)
    row("location", request.location or "—")
    if request.neighbourhood:
        row("neighbourhood", request.neighbourhood)
    row("caller", request.caller_name or TEXTS["anonymous"])
    row("description", request.description, one_line=False)
    _service_rows(request, row, sent_back)
    answer = request.answer
    if request.status is not Status.REJECTED and request.outcome_label:
        # "Réparé — the lamp post was replaced": the coded outcome, then the free answer.
        answer = f"{request.outcome_label} — {answer}" if answer else request.outcome_label
    if request.status is Status.REJECTED and request.rejection_reason_label:
        row("reason", request.rejection_reason_label)
    if answer:
        # Reopened: the answer given before is history, not what the citizen will be told.
        if running:
            previous = literal(answer, one_line=False)
            previous.stylize("dim italic")
            row("answer_previous", previous)
        else:
            row("answer", answer, one_line=False)
    if request.duplicate_of_reference:
        row("original", request.duplicate_of_reference)
    if request.acknowledged_at is not None:
        how = HOW_LABELS.get(request.acknowledged_how, request.acknowledged_how)
        when = format_datetime(request.acknowledged_at)
        template = TEXTS["ack_done"] if how else TEXTS["ack_done"].removesuffix(" ({how})")
        row("ack_due", fill(template, when=when, how=how))
    else:
        due = due_text(request.ack_due_at, now, running=running)
        if running and request.ack_due_at is not None and request.caller_preference == "phone":
            due.append(TEXTS["call_back"])  # shown "Tél" on the board until the call is made
        row("ack_due", due)
    for index, reply in enumerate(replies):
        row("replies" if index == 0 else "blank", reply_line(reply))
    row("intervention_due", due_text(request.intervention_due_at, now, running=running))
    row(
        "updated",
        fill(
            TEXTS["version"],
            when=format_datetime(request.updated_at),
            who=request.updated_by,
        ),
    )
    return grid


def reply_line(reply: ReplySent) -> Text:
    """One reply to the caller: what, how, when, and how it stands (an e-mail's failure)."""
    what = TEXTS["reply_ack"] if reply.kind == "ack" else TEXTS["reply_final"]
    if reply.channel == "letter":
        return fill(
            TEXTS["reply_letter"],
            what=what,
            batch=str(reply.batch),
            when=format_datetime(reply.at) if reply.at else "?",
        )
    state = REPLY_STATES.get(reply.state, reply.state)
    line = fill(TEXTS["reply_email"], what=what, to=reply.to or "?", state=state)
    if reply.at is not None:
        line.append_text(fill(TEXTS["reply_when"], when=format_datetime(reply.at)))
    if reply.error and reply.state != "sent":
        line.append_text(fill(TEXTS["reply_error"], error=reply.error))
        line.stylize("bold")
    return line


def last_send_back(events_: tuple[EventRecord, ...]) -> EventRecord | None:
    """The Event of the last send-back to the call centre (its service cleared, its reason in
    the note), or None."""
    for event in reversed(events_):
        if event.kind is EventKind.ASSIGNMENT and event.old_value and not event.new_value:
            return event
    return None


def _service_rows(
    request: RequestRecord,
    row: Callable[..., None],
    sent_back: EventRecord | None,
) -> None:
    """What the service did that is still true: planned for a day, waiting for something,
    transferred to a third party, sent back to the call centre."""
    if request.status is Status.WAITING:
        since = format_datetime(request.waiting_since) if request.waiting_since else "—"
        row(
            "waiting",
            fill(TEXTS["waiting_since"], who=waiting_label(request.waiting_kind), when=since),
        )
        if request.waiting_for:
            row("waiting_for", request.waiting_for, one_line=False)
    if request.status is Status.TRANSFERRED and request.transferred_to:
        row("transferred", request.transferred_to)
    if request.sent_back and request.is_open:
        if sent_back is None:
            row("sent_back", Text(TEXTS["sent_back_plain"]))
        else:
            # The Event's note says "Renvoyée au centre d'appels : <reason>".
            head, colon, reason = sent_back.note.partition(" : ")
            if not colon or not head.startswith(TEXTS["sent_back_note"]):
                reason = sent_back.note
            template = TEXTS["sent_back_reason" if reason else "sent_back"]
            row(
                "sent_back",
                fill(
                    template,
                    when=format_datetime(sent_back.at),
                    who=sent_back.operator,
                    reason=reason,
                ),
            )


def timeline_table(events_: tuple[EventRecord, ...]) -> Table:
    """The timeline, oldest first (newest last), every cell plain text."""
    table = Table(expand=True, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(TIMELINE_COLUMNS[0], no_wrap=True)
    table.add_column(TIMELINE_COLUMNS[1], no_wrap=True, max_width=20)
    table.add_column(TIMELINE_COLUMNS[2], no_wrap=True)
    table.add_column(TIMELINE_COLUMNS[3], ratio=1)
    for event in events_:
        table.add_row(
            Text(format_datetime(event.at)),
            literal(event.operator),
            literal(EVENT_LABELS.get(event.kind, event.kind)),
            event_detail(event),
        )
    return table
