"""Life-cycle templates: what happens to a request, and when, relative to the call."""

from __future__ import annotations

import random

from allo_tui.demo.constants import _DAY, _POOL
from allo_tui.demo.sample_text import (
    _ACK_NOTES,
    _CANCEL_REASONS,
    _NOTES,
    _REJECT_REASONS,
    _REPORTED_AGAIN,
)

_HOW = ("", "phone", "letter", "email")  # index 0: no acknowledgement
_OPEN = ("new", "acknowledged", "assigned", "in_progress")
_HOUR = 3600


def _templates(rng: random.Random, working: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Rows of demo_steps, demo_prefix and demo_tpl.

    Template number ((urgency - 1) * 4 + how) * 3 + variant, times _POOL, plus 0.._POOL-1;
    variant 0 is a normal life, 1 a duplicate, 2 a request still open (kept for the board).
    Each step is (offset after the call, kind, old value, new value, note, role, clock),
    role being h (the hostess who took the call), s (a supervisor) or l (the service's lead),
    clock 1 when the offset is in working seconds (see `lookups._week`), 0 for wall-clock seconds;
    the notes "{service}", "{answer}" and "{dup}" are filled in by SQL.
    """
    steps_rows, prefix_rows, info_rows = [], [], []
    for urgency in (1, 2, 3, 4):
        for how in range(4):
            for variant in range(3):
                base = ((urgency - 1) * 4 + how) * 3 + variant
                for n in range(_POOL):
                    tpl = base * _POOL + n
                    plan = _life(rng, urgency, _HOW[how], variant)
                    steps = _walk(rng, plan, _HOW[how], urgency)
                    status, answered, dup, span = "new", 0, 0, 0
                    ack = closed = (None, 0)
                    for seq, (off, kind, old, new, note, role) in enumerate(steps):
                        # on the working clock, except the call and an emergency's response
                        snap = int(off > 0 and (urgency > 1 or role == "s"))
                        steps_rows.append((tpl, seq, off, kind, old, new, note, role, snap))
                        # wall-clock time by which the step has happened, whatever the day
                        span = max(span, off * 168 * _HOUR // working + 4 * _DAY if snap else off)
                        if kind in ("created", "acknowledgement", "assignment", "status", "merge"):
                            status = new
                        if kind == "acknowledgement":
                            ack = (off, snap)
                        if kind == "status" and new == "done":
                            answered = 1
                        if kind == "merge":
                            dup = 1
                        if new in ("closed", "rejected", "cancelled", "duplicate"):
                            closed = (off, snap)
                        prefix_rows.append(
                            (tpl, seq + 1, status, *ack, answered, dup, *closed, off, role, snap)
                        )
                    info_rows.append((tpl, len(steps), span))
    return steps_rows, prefix_rows, info_rows


_WORKING_DAY = 10 * _HOUR  # a day on the services' working clock


def _later(rng: random.Random, days: float, unit: int) -> int:
    """About `days` whole days later (`unit`: a wall-clock or a working day), give or take an
    hour: the time of day is kept."""
    return max(1, round(days)) * unit + int(rng.uniform(-1, 1) * _HOUR)


def _hours(rng: random.Random, low: float, high: float) -> int:
    return int(rng.uniform(low, high) * _HOUR)


def _life(rng: random.Random, urgency: int, how: str, variant: int) -> list[tuple[int, str]]:
    """(offset after the call, step) of what will happen, before statuses are checked.

    Offsets are working seconds (see `lookups._week`) except for an emergency (urgency 1), handled on
    the wall clock, day and night, up to the supervisor's closing.
    """
    day = _DAY if urgency == 1 else _WORKING_DAY
    steps: list[tuple[int, str]] = []
    if how:
        if how == "phone":
            ack = _hours(rng, 0.15, 3)
        elif rng.random() < 0.5:
            ack = _hours(rng, 0.5, 4)
        else:
            ack = _later(rng, 1, day)
        if rng.random() < 0.05:
            ack += _later(rng, 2 + rng.random() * 4, day)  # acknowledged late
        steps.append((ack, "ack"))
    if variant == 1:  # duplicate of an earlier request, spotted soon
        merge = _hours(rng, 0.2, 3) if rng.random() < 0.7 else _later(rng, 1, day)
        steps.append((merge, "duplicate"))
        return sorted(steps)
    has_start = True
    if urgency == 1:  # on site within the hour
        assign = 120 + int(rng.random() * 780)
        start = assign + 300 + int(rng.random() * 1500)
        done = start + 1200 + int(rng.random() * 6000)
        if rng.random() < 0.12:  # made safe at once, repaired later
            done += _later(rng, 1 + rng.random() * 9, day)
    elif urgency == 2:
        assign = _hours(rng, 0.25, 2)
        start = assign + (_hours(rng, 0.5, 4) if rng.random() < 0.6 else _later(rng, 1, day))
        done = start + _hours(rng, 0.5, 3)
        if rng.random() < 0.1:
            done += _later(rng, 2 + rng.random() * 8, day)
        has_start = rng.random() < 0.7
    elif urgency == 3:
        assign = _hours(rng, 0.5, 3) if rng.random() < 0.5 else _later(rng, 1 + rng.random(), day)
        start = assign + _later(rng, 1 + rng.random() ** 2 * 7, day)
        if rng.random() < 0.6:
            done = start + _hours(rng, 1, 4)
        else:
            done = start + _later(rng, 1 + rng.random() * 3, day)
        if rng.random() < 0.08:
            done += _later(rng, 5 + rng.random() * 25, day)
        has_start = rng.random() < 0.45
    else:  # a remark: answered, nothing to do on site
        assign = start = 0
        done = _hours(rng, 1, 4) if rng.random() < 0.3 else _later(rng, 1 + rng.random() * 5, day)
        has_start = False
    if urgency != 4:
        steps.append((assign, "assign"))
        if has_start:
            steps.append((start, "start"))
    if variant == 2:  # still open: the first steps only
        return sorted(steps)[: int(rng.random() * 3)]
    steps.append((done, "done"))
    last = max(off for off, _ in steps)
    if rng.random() < 0.12:
        steps.append((60 + int(rng.random() * last), "note"))
    if rng.random() < 0.04:
        steps.append((60 + int(rng.random() * last), "again"))
    # a supervisor's steps come last, on the working clock
    if rng.random() < 0.55:
        steps.append((max(done, last) + _later(rng, 1 + rng.random() * 24, _WORKING_DAY), "close"))
    roll = rng.random()
    rejected, cancelled = (0.01, 0.02) if urgency == 4 else (0.03, 0.02)
    ending = None
    if roll < rejected:
        ending = (_later(rng, 1 + rng.random() * 5, _WORKING_DAY), "rejected")
    elif roll < rejected + cancelled:
        ending = (_later(rng, 1 + rng.random() * 7, _WORKING_DAY), "cancelled")
    if ending is not None:
        kept = [s for s in steps if s[0] < ending[0] and s[1] not in ("done", "close")]
        steps = kept + [(max([ending[0]] + [off + 60 for off, _ in kept]), ending[1])]
    return sorted(steps)


def _walk(rng: random.Random, plan: list[tuple[int, str]], how: str, urgency: int) -> list[tuple]:
    """The events of a life: statuses checked, offsets strictly increasing."""
    events = [(0, "created", "", "new", "", "h")]
    status, last = "new", 0
    for off, step in plan:
        off = max(off, last + 30 + int(rng.random() * 240))
        if step == "ack":
            if status not in _OPEN:
                continue
            new = "acknowledged" if status == "new" else status
            event = ("acknowledgement", status, new, _ACK_NOTES[how], "h")
        elif step == "assign":
            if status not in _OPEN:
                continue
            # a supervisor assigns some; the emergencies go straight to the mobile team
            role = "s" if urgency > 1 and rng.random() < 0.4 else "h"
            event = ("assignment", status, "assigned", "{service}", role)
        elif step == "start":
            if status not in ("new", "acknowledged", "assigned"):
                continue
            event = ("status", status, "in_progress", "", "l")
        elif step == "done":
            if status not in _OPEN:
                continue
            # the hostess answers a remark herself; a service answers the rest
            event = ("status", status, "done", "{answer}", "h" if urgency == 4 else "l")
        elif step == "close":
            if status != "done":
                continue
            event = ("status", status, "closed", "", "s")
        elif step in ("rejected", "cancelled"):
            if status not in _OPEN:
                continue
            reasons = _REJECT_REASONS if step == "rejected" else _CANCEL_REASONS
            event = ("status", status, step, reasons[int(rng.random() * len(reasons))], "s")
        elif step == "duplicate":
            if status not in _OPEN:
                continue
            event = ("merge", status, "duplicate", "{dup}", "h")
        elif step == "note":
            roles = "hls" if urgency > 1 else "hl"
            role = roles[int(rng.random() * len(roles))]
            event = ("note", "", "", _NOTES[int(rng.random() * len(_NOTES))], role)
        else:
            event = ("reported_again", "", "", _REPORTED_AGAIN, "h")
        kind, old, new, note, role = event
        if kind in ("acknowledgement", "assignment", "status", "merge"):
            status = new
        events.append((off, kind, old, new, note, role))
        last = off
    return events
