"""The caller picker on its own (no form around it): it searches the Store in workers, keeps who
the call is linked to and tells its screen with `Chosen` and `Cleared` messages."""

from __future__ import annotations

from conftest import ALL_BACKENDS, ARTHUR, ZEBULON
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from allo_tui.widgets.caller_picker import CallerPicker

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


class PickerApp(App[None]):
    """A screen with the picker and the field it hands the focus to."""

    def __init__(self, store) -> None:
        super().__init__()
        self.store = store
        self.heard: list[tuple[str, int | None]] = []

    def compose(self) -> ComposeResult:
        yield CallerPicker(next_field="#after")
        yield Input(id="after")

    def on_caller_picker_chosen(self, message: CallerPicker.Chosen) -> None:
        self.heard.append(("chosen", message.caller.id))

    def on_caller_picker_cleared(self, message: CallerPicker.Cleared) -> None:
        self.heard.append(("cleared", None))


def status(app: PickerApp) -> str:
    rendered = app.query_one("#caller-status", Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def settle(app: PickerApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_whole_number_then_tab_attaches_its_one_holder_and_says_so(store, admin):
    zebulon = store.create_caller(admin, ZEBULON)
    app = PickerApp(store)
    async with app.run_test(size=(100, 12)) as pilot:
        picker = app.query_one(CallerPicker)
        picker.focus_phone()
        await pilot.press(*"0386123456")
        await settle(app, pilot)
        assert "Ce numéro est celui de ZÉBULON Éléonore" in status(app)
        assert picker.tab_from_phone(), "Tab in the phone box is the picker's"
        await settle(app, pilot)
        assert picker.choice.caller_id == zebulon.id
        assert app.heard == [("chosen", zebulon.id)]
        assert status(app).startswith("Demandeur reconnu par son numéro : ZÉBULON Éléonore")
        assert app.focused is app.query_one("#after"), "the focus goes on to the next field"
        assert not picker.tab_from_phone(), "a caller is linked: Tab is the form's again"


async def test_a_shared_line_must_be_chosen_from_the_name_box(store, admin):
    store.create_caller(admin, ZEBULON)
    arthur = store.create_caller(admin, ARTHUR)
    app = PickerApp(store)
    async with app.run_test(size=(100, 12)) as pilot:
        picker = app.query_one(CallerPicker)
        picker.focus_phone()
        await pilot.press(*"0386123456")
        await settle(app, pilot)
        picker.tab_from_phone()
        await settle(app, pilot)
        assert picker.problem() is not None, "two callers hold it: none is guessed"
        assert app.focused is app.query_one("#name-input")
        await pilot.press("down", "down", "enter")  # the second: Arthur
        await settle(app, pilot)
        assert picker.choice.caller_id == arthur.id
        assert picker.problem() is None
        assert app.heard == [("chosen", arthur.id)]


async def test_anonymous_then_typing_clears_and_a_name_ends_the_anonymity(store, admin):
    zebulon = store.create_caller(admin, ZEBULON)
    app = PickerApp(store)
    async with app.run_test(size=(100, 12)) as pilot:
        picker = app.query_one(CallerPicker)
        picker.choose(zebulon)
        await settle(app, pilot)
        picker.mark_anonymous()
        await settle(app, pilot)
        assert picker.choice.anonymous and picker.choice.caller_id is None
        assert status(app).startswith("Appel anonyme")
        assert app.heard == [("chosen", zebulon.id), ("cleared", None)]
        picker.focus_phone()
        await pilot.press("end", "backspace")  # the phone stays in the call log: still anonymous
        await settle(app, pilot)
        assert picker.choice.anonymous
        picker.query_one("#name-input", Input).focus()
        await pilot.press(*"Paul")
        await settle(app, pilot)
        assert not picker.choice.anonymous
        assert status(app).startswith("Nouveau demandeur")
