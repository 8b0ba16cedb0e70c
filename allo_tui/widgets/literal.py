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

# Bidirectional overrides/isolates can reorder what is shown after them.
_BIDI_CONTROLS = frozenset(
    chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)
)


def _visible(character: str) -> str:
    code = ord(character)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "␡"
    if 0x80 <= code < 0xA0 or character in _BIDI_CONTROLS:
        return "�"
    return character


def printable(value: str, *, one_line: bool = False) -> str:
    """`value` with control characters replaced by visible symbols.

    Newlines and tabs are kept unless `one_line` is set (table cells): then a newline shows
    as "⏎" and a tab as a space.
    """
    out: list[str] = []
    for character in value:
        if character == "\n" and not one_line:
            out.append(character)
        elif character == "\n":
            out.append(" ⏎ ")
        elif character == "\t":
            out.append(" " if one_line else "    ")
        elif character == "\r":
            continue
        else:
            out.append(_visible(character))
    return "".join(out)


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
