"""Text typed by people, shown exactly as typed.

Names, addresses and notes come from citizens and operators: they are data, never markup.
`literal()` wraps them in a rich `Text` (so `[bold]` or `[@click=app.quit]` show as typed)
and makes control characters visible, so an ANSI escape sequence stored in a name can
neither colour nor move anything on the terminal.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

from allo_tui.domain.sanitize import printable

__all__ = ["fill", "literal", "printable"]


def literal(value: str, style: str | Style = "", *, one_line: bool = True) -> Text:
    """A `Text` showing `value` literally (no markup, control characters visible)."""
    return Text(printable(value, one_line=one_line), style=style, no_wrap=one_line)


_FIELD = re.compile(r"\{(\w+)\}")


def fill(template: str, style: str | Style = "", **values: str) -> Text:
    """`template` (our own text) with each `{name}` replaced by `values[name]` shown literally.

    The safe way to put user text into a sentence: `fill("Aucun demandeur pour « {query} ».",
    query=typed)` never interprets `typed` as markup or format fields.
    """
    out = Text(style=style)
    position = 0
    for match in _FIELD.finditer(template):
        out.append(template[position : match.start()])
        out.append_text(literal(values[match.group(1)]))
        position = match.end()
    out.append(template[position:])
    return out
