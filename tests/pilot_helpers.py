"""What Pilot tests share: waiting until the app has done what a key asked, typing as a
hostess types, reading what the screen shows, opening the new-request form, searching in the
lookup, reading the board, the request detail and the history's filter chips."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.widgets import Button, Input, OptionList, Static
from textual.worker import WorkerCancelled

from allo_tui.app import AlloApp
from allo_tui.screens.board import BoardScreen
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.screens.request_detail import RequestDetailScreen
from allo_tui.widgets.board_list import BoardList
from allo_tui.widgets.result_list import ResultList
from allo_tui.widgets.service_picker import ServicePicker


async def settle(app, pilot, *, rounds: int = 1, pause: float | None = None) -> None:
    """Let thread workers finish and the screen refresh, `rounds` times (a worker's answer
    may start another). `pause`: seconds waited first in each round, so timers fire.

    A search replaced by the next keystroke is a cancelled exclusive worker, which
    `wait_for_complete` reports by raising: that is the app working, so wait again."""
    for _ in range(rounds):
        if pause is not None:
            await pilot.pause(pause)
        for _attempt in range(10):
            try:
                await app.workers.wait_for_complete()
            except WorkerCancelled:
                continue
            break
        await pilot.pause()


settle_twice = partial(settle, rounds=2)
"""`settle` for screens whose load starts a second worker (the request detail)."""
settle_thrice = partial(settle, rounds=3)
"""`settle` for screens that chain three loads (the history: window, count, names)."""
settle_timers = partial(settle, rounds=3, pause=0.02)
"""`settle` that also lets short timers fire (debounced searches, draft saves)."""


# -- typing ----------------------------------------------------------------------------------


async def type_text(pilot, text: str) -> None:
    """Type `text` key by key, as a hostess does (Pilot names the space bar "space")."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


def type_ahead(app, *keys: str) -> None:
    """Keys typed faster than the app reads them: all queued before it handles the first
    (Pilot's `press` waits for each key to be handled, a hostess does not)."""
    for key in keys:
        character = " " if key == "space" else key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)


async def settle_typed_ahead(app, pilot) -> None:
    """`settle_timers` after keys typed at once: each key's search replaces the one before it
    (an exclusive worker is cancelled, which `wait_for_complete` reports): wait again."""
    for _ in range(10):
        try:
            await settle_timers(app, pilot)
        except WorkerCancelled:
            continue
        return


# -- what the screen shows -------------------------------------------------------------------


def shown(widget: Static) -> str:
    """The text a `Static` renders, as plain text."""
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def painted_lines(app) -> list[str]:
    """The lines of the current screen as Textual paints them (header, toasts, dialogs too)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def notifications(app) -> list[str]:
    """The messages of the notifications (toasts) the app holds."""
    return [notification.message for notification in app._notifications]


# -- the new-request form (F3) ---------------------------------------------------------------


def form(app) -> NewRequestScreen:
    """The new-request form, which must be the current screen."""
    screen = app.screen
    assert isinstance(screen, NewRequestScreen)
    return screen


async def open_form(app, pilot) -> NewRequestScreen:
    """Press F3 and wait for the new-request form and its first loads."""
    await pilot.press("f3")
    await settle_timers(app, pilot)
    return form(app)


# -- the caller lookup (F2) ------------------------------------------------------------------


def make_app(store, operator) -> AlloApp:
    """The console for `operator` on `store`, without animations."""
    app = AlloApp(store=store, operator=operator, console="test")
    app.animation_level = "none"
    return app


async def search_for(app, pilot, text: str) -> None:
    """Clear the lookup's box and type `text` key by key, as a hostess would."""
    app.screen.query_one("#query", Input).value = ""
    await pilot.press(*text) if text else None
    await settle(app, pilot)


def plain(cell) -> str:
    """A table cell as plain text."""
    return cell.plain if isinstance(cell, Text) else str(cell)


def rows(app) -> list[list[str]]:
    """The rows of the current screen's result list, as plain text."""
    results = app.screen.query_one("#results", ResultList)
    return [[plain(c) for c in results.get_row_at(i)] for i in range(results.row_count)]


def names(app) -> list[str]:
    """The first column (the caller's name) of the current screen's result list."""
    return [row[0] for row in rows(app)]


def count_line(app) -> str:
    """The line that says how many callers were found."""
    return str(app.screen.query_one("#count", Static).render())


# -- the board (F5) --------------------------------------------------------------------------


def board_lines(board: BoardList) -> list[str]:
    """What the board shows, line by line (column titles first)."""
    return [board.render_line(y).text.rstrip() for y in range(board.size.height)]


def row_of(board: BoardList, reference: str) -> str:
    """The board's line that shows `reference`."""
    return next(line for line in board_lines(board) if reference in line)


def choose(picker: ServicePicker, store, name: str) -> None:
    """Move the service picker's highlight to the service called `name`."""
    service = next(service for service in store.services() if service.name == name)
    options = picker.query_one(OptionList)
    options.highlighted = options.get_option_index(str(service.id))


async def open_board(app, pilot) -> BoardScreen:
    """Press F5 and wait for the board's first load."""
    await pilot.press("f5")
    await settle(app, pilot)
    assert isinstance(app.screen, BoardScreen)
    return app.screen


# -- the history (F4) ------------------------------------------------------------------------


def chip_texts(app) -> list[str]:
    """The history's filter chips, as labelled (each ends with "✕")."""
    return [str(chip.label) for chip in app.screen.query(".chip").results(Button)]


# -- the request detail ----------------------------------------------------------------------


def shown_in(screen, selector: str) -> str:
    """The text a widget shows on screen, its lines joined (trailing blanks removed)."""
    widget = screen.query_one(selector)
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(line.text.rstrip() for line in lines)


def link_texts(screen) -> list[str]:
    """The request detail's links (original, duplicates), as shown."""
    links = screen.query_one("#detail-links", OptionList)
    return [str(links.get_option_at_index(i).prompt) for i in range(links.option_count)]


async def open_detail(app, pilot, request_id: int) -> RequestDetailScreen:
    """Push the detail of request `request_id` and wait for its loads."""
    app.push_screen(RequestDetailScreen(request_id))
    await settle_twice(app, pilot)
    assert isinstance(app.screen, RequestDetailScreen)
    return app.screen


def enabled(screen, key: str) -> bool:
    """True when the key is listed (footer, palette) and works now."""
    active = screen.active_bindings.get(key)
    return active is not None and active.enabled


def listed(screen, key: str) -> bool:
    """True when the key is listed (footer, palette), working now or not."""
    return key in screen.active_bindings
