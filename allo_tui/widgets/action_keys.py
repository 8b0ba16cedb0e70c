"""A line of "key action" pairs that wraps between two pairs, never inside one.

Rich and Textual wrap at any Unicode space (a no-break space included), so "x Annuler" could
end a line on "x" and start the next on "Annuler". This widget lays its pairs out itself for
the width it has, and again whenever that width changes.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

SEPARATOR = " · "


class ActionKeys(Widget):
    """Pairs of (key, action), laid out in as many lines as the width needs."""

    DEFAULT_CSS = """
    ActionKeys { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pairs: list[tuple[str, str]] = []

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The (key, action) pairs shown, in order."""
        return list(self._pairs)

    def show(self, pairs: list[tuple[str, str]]) -> None:
        """Show these pairs instead of the current ones."""
        self._pairs = list(pairs)
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Text]:
        """The pairs laid out greedily in lines of at most `width` cells."""
        lines: list[Text] = []
        line = Text()
        for key, action in self._pairs:
            pair = Text()
            pair.append(key, "bold")
            pair.append(" " + action)
            if line and line.cell_len + len(SEPARATOR) + pair.cell_len > width:
                lines.append(line)
                line = Text()
            if line:
                line.append(SEPARATOR, "dim")
            line.append_text(pair)
        if line:
            lines.append(line)
        return lines

    def render(self) -> Text:
        return Text("\n").join(self.lines(max(self.content_size.width, 1)))

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.lines(max(width, 1)))
