"""The console's footer: two lines that fit 80 columns.

Line 1 is the strip of the console's own keys this operator may use (F2–F5 today, F10 and
Ctrl+Q): the app's shown bindings, always in the same place. Line 2 is the keys of the screen
and of the focused widget, then F1 (help) and Ctrl+P (palette) on the right. When line 2 is too
narrow, the keys that do not fit are left out (Esc never) and "…" says that F1 lists them all.

Unlike Textual's `Footer` (one widget per key, laid out in one line that scrolls off the
screen), this is one widget that renders two lines of text: cheap to refresh on every focus
change. Keys are shown as the key map in force says (remaps included). A click on a key
presses it.
"""

from __future__ import annotations

import msgspec
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widget import Widget

TEXTS = {
    "more": "…",
    "palette": "Commandes",
}
# Shorter descriptions (by binding id): in the strip when the full ones do not fit, on
# line 2 always (the palette and F1 keep the full ones).
SHORT = {
    "mode.new_request": "Nouvelle",
    "new_request.link": "Doublon",
}
GAP = 2
"""Spaces between two keys when there is room; one when there is not."""
_DIM = Style(dim=True)


class FooterItem(msgspec.Struct, frozen=True):
    """One key shown: what to press, how it is shown and what it does."""

    key: str
    display: str
    description: str
    short: str
    enabled: bool = True
    binding_id: str = ""

    def width(self, short: bool = False) -> int:
        label = self.short if short else self.description
        return len(self.display) + (1 + len(label) if label else 0)


def bindings_in_force(app: App, node) -> list[tuple[str, Binding]]:
    """(key, binding) of `node` once the key map is applied (Textual applies it on the fly)."""
    bindings = node._bindings.copy()
    if app._keymap:
        bindings.apply_keymap(app._keymap)
    return list(bindings)


def strip_items(app: App, active: dict) -> list[FooterItem]:
    """The app's shown keys (F-keys, F10, Ctrl+Q), in the order of the app's bindings."""
    items = []
    seen: set[str] = set()
    for key, (node, binding, enabled, _tooltip) in active.items():
        if node is not app or not binding.show or binding.action in seen:
            continue
        if binding.id == "app.help":
            continue  # F1 is on the right of line 2, beside the palette
        seen.add(binding.action)
        items.append(_item(app, key, binding, enabled))
    order = [binding.id for binding in type(app).BINDINGS if isinstance(binding, Binding)]
    items.sort(key=lambda item: order.index(item.binding_id) if item.binding_id in order else 99)
    return items


def screen_items(app: App, active: dict) -> list[FooterItem]:
    """The keys of the screen, then of the focused widget (shown bindings), in the order each
    declares them (the first ones matter most: they stay when the line is short)."""
    found = []
    seen: set[str] = set()
    for key, (node, binding, enabled, _tooltip) in active.items():
        if node is app or not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        declared = [b.id or b.action for _key, b in bindings_in_force(app, node)]
        name = binding.id or binding.action
        rank = (0 if node is node.screen else 1, declared.index(name) if name in declared else 99)
        item = _item(app, key, binding, enabled)
        found.append((rank, msgspec.structs.replace(item, description=item.short)))
    return [item for _rank, item in sorted(found, key=lambda pair: pair[0])]


def _item(app: App, key: str, binding: Binding, enabled: bool) -> FooterItem:
    description = binding.description
    return FooterItem(
        key=key,
        display=app.get_key_display(binding),
        description=description,
        short=SHORT.get(binding.id or "", description),
        enabled=enabled,
        binding_id=binding.id or "",
    )


def fit_strip(items: list[FooterItem], width: int) -> tuple[list[FooterItem], bool, int]:
    """(items, short labels?, gap) for line 1: full labels if they fit, else short ones."""
    for short, gap in ((False, GAP), (False, 1), (True, GAP), (True, 1)):
        total = sum(item.width(short) for item in items) + gap * max(len(items) - 1, 0)
        if total <= width:
            return items, short, gap
    return items, True, 1  # cut at the edge: a very narrow terminal


def fit_screen_keys(
    items: list[FooterItem], right: list[FooterItem], width: int
) -> tuple[list[FooterItem], bool, int]:
    """(the screen keys that fit beside `right`, some left out?, gap): Esc is always kept."""
    tail = sum(item.width() for item in right) + GAP * max(len(right) - 1, 0)

    def line_width(kept: list[FooterItem], cut: bool, gap: int) -> int:
        keys = sum(item.width() for item in kept) + gap * max(len(kept) - 1, 0)
        return keys + (1 + len(TEXTS["more"]) if cut else 0) + 1 + tail

    for gap in (GAP, 1):
        if line_width(items, False, gap) <= width:
            return items, False, gap
    kept = [item for item in items if item.key == "escape"]
    for item in items:
        if item in kept:
            continue
        trial = [other for other in items if other in kept or other is item]
        if line_width(trial, True, 1) <= width:
            kept = trial
    return kept, True, 1


class KeyFooter(Widget, can_focus=False):
    """The two-line footer of every full screen of the console."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 2;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--key {
            color: $footer-key-foreground;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
        }
        .key-footer--strip {
            background: $panel;
        }
    }
    """
    COMPONENT_CLASSES = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--strip",
    }

    def __init__(self, *, id: str | None = None, compact: bool = True) -> None:
        """`compact` is accepted for the places that built Textual's `Footer`."""
        super().__init__(id=id)
        self._spans: list[tuple[int, int, int, str]] = []  # (line, start, end, key)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        self.refresh()

    def _right_items(self, active: dict) -> list[FooterItem]:
        app = self.app
        right = []
        for key, (node, binding, enabled, _tooltip) in active.items():
            if node is app and binding.id == "app.help":
                right.append(_item(app, key, binding, enabled))
        palette = getattr(app, "COMMAND_PALETTE_BINDING", "")
        if palette in active and getattr(app, "ENABLE_COMMAND_PALETTE", False):
            _node, binding, enabled, _tooltip = active[palette]
            right.append(
                FooterItem(palette, app.get_key_display(binding), TEXTS["palette"], "", enabled)
            )
        return right

    def render(self) -> Text:
        app = self.app
        active = self.screen.active_bindings
        width = self.size.width or 80
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        strip_style = self.get_component_rich_style("key-footer--strip")
        self._spans = []

        strip, short, gap = fit_strip(strip_items(app, active), width)
        first = self._line(0, strip, short, gap, key_style, description_style)
        first.pad_right(max(width - first.cell_len, 0))
        first.stylize(strip_style)  # the strip's background under its keys too

        right = self._right_items(active)
        keys, cut, gap = fit_screen_keys(screen_items(app, active), right, width)
        second = self._line(1, keys, False, gap, key_style, description_style)
        if cut:
            second.append(" " + TEXTS["more"], style=description_style)
        tail = self._line(0, right, False, GAP, key_style, description_style, record=False)
        padding = max(width - second.cell_len - tail.cell_len, 1)
        offset = second.cell_len + padding
        second.append(" " * padding)
        second.append_text(tail)
        self._record(1, right, offset, False, GAP)
        return Text("\n").join([first, second])

    def _line(
        self,
        line: int,
        items: list[FooterItem],
        short: bool,
        gap: int,
        key_style,
        description_style,
        *,
        record: bool = True,
    ) -> Text:
        text = Text(no_wrap=True, overflow="crop", end="")
        for index, item in enumerate(items):
            if index:
                text.append(" " * gap)
            start = text.cell_len
            dim = Style() if item.enabled else _DIM
            text.append(item.display, style=key_style + dim)
            label = item.short if short else item.description
            if label:
                text.append(" " + label, style=description_style + dim)
            if record:
                self._spans.append((line, start, text.cell_len, item.key))
        return text

    def _record(self, line: int, items: list[FooterItem], offset: int, short: bool, gap: int):
        position = offset
        for item in items:
            width = item.width(short)
            self._spans.append((line, position, position + width, item.key))
            position += width + gap

    def on_click(self, event: events.Click) -> None:
        for line, start, end, key in self._spans:
            if event.y == line and start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
