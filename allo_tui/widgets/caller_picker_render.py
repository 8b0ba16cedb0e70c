"""What the caller picker shows: a caller's suggestion line and the status line's text (literal
text: names, phones and addresses come from the database and are never markup)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from allo_tui.domain.caller_choice import CallerStatus
from allo_tui.domain.records import CallerRecord
from allo_tui.literal import printable
from allo_tui.widgets.caller_picker_texts import TEXTS
from allo_tui.widgets.typeahead import Suggestion


def caller_prompt(caller: CallerRecord) -> Text:
    """One suggestion line for a caller (literal text)."""
    text = Text(
        printable(caller.display_name or "—", one_line=True),
        style="bold",
        no_wrap=True,
        overflow="ellipsis",
    )
    phones = ", ".join(p.display for p in caller.phones)
    if phones:
        text.append("  " + printable(phones, one_line=True))
    if caller.address:
        text.append("  " + printable(caller.address, one_line=True), "dim")
    if caller.open_requests:
        text.append(TEXTS["prompt_open"].format(count=caller.open_requests), "italic")
    return text


def caller_suggestions(callers: Sequence[CallerRecord]) -> list[Suggestion]:
    """The suggestion list for `callers` (picking one puts the name in the box)."""
    return [
        Suggestion(caller_prompt(c), printable(c.display_name, one_line=True), c) for c in callers
    ]


def status_text(
    case: CallerStatus,
    caller: CallerRecord | None,
    holders: Sequence[CallerRecord],
    name_typed: str,
) -> Text:
    """The status line under the caller boxes for `case` (see `CallerChoice.status`)."""
    if caller is not None:
        text = Text(TEXTS[f"caller_{case.value}"])
        text.append(printable(caller.display_name, one_line=True), "bold")
        if caller.address:
            text.append(" · " + printable(caller.address, one_line=True))
        if caller.open_requests:
            text.append(TEXTS["caller_open"].format(count=caller.open_requests))
        return text
    if case is CallerStatus.RESTORED:
        return Text.assemble(TEXTS["caller_chosen"], (printable(name_typed.strip()), "bold"))
    names = ", ".join(printable(h.display_name, one_line=True) for h in holders)
    if case is CallerStatus.HOLDER:
        return Text(TEXTS["caller_holder"].format(name=names))
    return Text(TEXTS[f"caller_{case.value}"].format(count=len(holders), names=names))
