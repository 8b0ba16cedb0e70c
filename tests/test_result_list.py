"""ResultList, the lookup's list of results: what it paints and what it repaints."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from allo_tui.widgets.result_list import ResultList, ResultRow

COLUMNS = (("Nom", 1.0), ("Ouv.", 4))


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ResultList(COLUMNS, id="results")


def row(key: str, name: str, count: str = "") -> ResultRow:
    return ResultRow(key, (Text(name), Text(count, justify="right")))


def line_text(results: ResultList, y: int) -> str:
    return results.render_line(y).text


async def test_a_new_answer_repaints_only_the_rows_that_changed() -> None:
    async with ListApp().run_test(size=(40, 10)) as pilot:
        results = pilot.app.query_one(ResultList)
        assert results.set_rows([row("a", "ALPHA"), row("b", "BRAVO"), row("c", "CHARLIE")]) == 3
        # One more letter typed: the first two rows stay, the third goes.
        assert results.set_rows([row("a", "ALPHA"), row("b", "BRAVO")]) == 1
        assert results.set_rows([row("a", "ALPHA"), row("b", "BRAVO")]) == 0
        await pilot.pause()
        assert line_text(results, 2).startswith(" BRAVO")
        assert line_text(results, 3).strip() == ""


async def test_cells_are_cut_aligned_and_shown_literally() -> None:
    async with ListApp().run_test(size=(30, 10)) as pilot:
        results = pilot.app.query_one(ResultList)
        results.set_rows([row("a", "[bold]MARTIN-DUPONT-LEFEBVRE Paul", "12")])
        await pilot.pause()
        header, first = line_text(results, 0), line_text(results, 1)
        assert header.split() == ["Nom", "Ouv."]
        assert first.startswith(" [bold]MARTIN-DUPONT-L…")
        assert first.rstrip().endswith("  12")
        assert len(first) == results.scrollable_content_region.width


async def test_the_cursor_moves_within_the_rows_and_survives_a_shorter_answer() -> None:
    async with ListApp().run_test(size=(40, 10)) as pilot:
        results = pilot.app.query_one(ResultList)
        results.set_rows([row(k, k.upper()) for k in "abcd"])
        results.move_cursor(9)
        assert results.cursor_row == 3
        results.set_rows([row("a", "A")], cursor=results.cursor_row)
        assert results.cursor_row == 0
