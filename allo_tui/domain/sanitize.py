"""Typed and pasted text is data: the few changes made to it before it is stored.

Text is kept exactly as typed — markup such as `[bold]`, emoji, right-to-left text, tabs,
invisible characters such as joiners (`typed_character`), blanks at its ends — except:

- a carriage return ends a line: CR LF and a lone CR become a newline (terminals send a pasted
  line break as CR);
- control characters other than tab and newline (C0: NUL, ESC…, plus DEL and the C1 range)
  are removed, so an ANSI escape sequence loses its ESC and reads as the literal text `[31m`;
- a one-line field gets a multi-line paste as one line, its lines joined with spaces;
- a field with a length limit keeps at most what fits, the rest of a paste is cut.

Callers learn what was changed (`CleanText`) so the screen can say it beside the field.

Text already stored (older versions, imports, other tools) may still hold control characters:
`printable()` shows them as visible symbols (␛ for ESC) wherever such text is displayed, on
screen or by the `allo` command.
"""

from __future__ import annotations

import re
import unicodedata

import msgspec

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls except tab (\\x09) and newline (\\x0a), DEL and the C1 controls."""

LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""Everything `str.splitlines` treats as the end of a line."""


class CleanText(msgspec.Struct, frozen=True):
    """Text ready for a field, and what had to change to get there."""

    text: str
    removed_controls: int = 0
    """How many control characters were removed."""
    joined_lines: int = 0
    """How many line breaks became spaces (one-line fields)."""
    received: int = 0
    """Length of the text before cleaning."""
    truncated: int = 0
    """How many characters were cut because the field was full."""

    @property
    def changed(self) -> bool:
        return bool(self.removed_controls or self.joined_lines or self.truncated)


def remove_control_characters(text: str) -> tuple[str, int]:
    """`text` without control characters (tab and newline stay), and how many were removed."""
    cleaned, count = CONTROL_CHARACTERS.subn("", text)
    return cleaned, count


def join_lines(text: str) -> tuple[str, int]:
    """One line: the lines of `text` joined with single spaces; and how many breaks there were.

    Blank lines disappear and each line loses the blanks at its ends, so a pasted address
    "12 rue du Temple\\n89000 Auxerre\\n" becomes "12 rue du Temple 89000 Auxerre".
    """
    lines = LINE_BREAKS.split(text)
    if len(lines) == 1:
        return text, 0
    kept = [line.strip() for line in lines if line.strip()]
    return " ".join(kept), len(lines) - 1


def clean_text(text: str, *, multiline: bool, room: int | None = None) -> CleanText:
    """Prepare typed or pasted `text` for a field.

    `multiline`: line breaks are kept, as newlines (a description); otherwise lines are joined
    with spaces.
    `room`: at most this many characters are kept (None: no limit).
    """
    received = len(text)
    joined = 0
    if not multiline:
        text, joined = join_lines(text)
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = remove_control_characters(text)
    truncated = 0
    if room is not None and len(text) > room:
        truncated = len(text) - max(room, 0)
        text = text[: max(room, 0)]
    return CleanText(
        text=text,
        removed_controls=removed,
        joined_lines=joined,
        received=received,
        truncated=truncated,
    )


def typed_character(character: str | None) -> str | None:
    """The text a typed key stands for when a text box would not insert it; else None.

    Textual inserts a key's character only when `str.isprintable()`: format characters (the
    zero-width joiner making one family emoji of three faces, zero-width space, soft hyphen,
    direction marks and overrides), no-break spaces and letters newer than Python's Unicode
    tables are not, and were dropped as they were typed. They are text, kept as typed (as when
    pasted); None for what is not text (control characters: Enter, Tab, Escape, Ctrl+…) and
    for printable characters (the box inserts those itself).
    """
    if not character or len(character) != 1 or character.isprintable():
        return None
    if unicodedata.category(character) in ("Cc", "Cs"):
        return None
    return character


def has_control_characters(text: str) -> bool:
    """True when `text` holds a character `remove_control_characters` would drop."""
    return CONTROL_CHARACTERS.search(text) is not None


# Bidirectional overrides/isolates can reorder what is shown after them.
_BIDI_CONTROLS = frozenset(
    chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)
)


# Unicode's own line and paragraph separators: a line break like "\n".
_LINE_SEPARATORS = frozenset("\u2028\u2029")


def _visible(character: str) -> str:
    code = ord(character)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "␡"
    if 0x80 <= code < 0xA0 or character in _BIDI_CONTROLS or 0xD800 <= code < 0xE000:
        return "�"  # C1 controls, bidi overrides, lone surrogates (unwritable to a terminal)
    return character


def printable(value: str, *, one_line: bool = False) -> str:
    """`value` with control characters replaced by visible symbols.

    Newlines and tabs are kept unless `one_line` is set (table cells): then a newline shows
    as "⏎" and a tab as a space.
    """
    if value.isprintable():  # the usual case: nothing to replace (controls are not printable)
        return value
    out: list[str] = []
    for character in value:
        if character in _LINE_SEPARATORS:
            character = "\n"
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


__all__ = [
    "CONTROL_CHARACTERS",
    "CleanText",
    "clean_text",
    "has_control_characters",
    "join_lines",
    "printable",
    "remove_control_characters",
    "typed_character",
]
