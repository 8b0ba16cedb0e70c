"""Small modal prompts used by the workflow actions: a text (answer, reason, note), a
reference (the original of a duplicate) and a choice (how the acknowledgement was given,
which service to assign).

Each dialog returns its value through `dismiss`, or None when cancelled with Esc.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from allo_tui.domain import limits
from allo_tui.domain.text import fold, words
from allo_tui.literal import printable
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput, TextCleaned

TEXTS = {
    # Esc leaves the dialog and changes nothing: it is not "Annuler", which may be the
    # very action asked for (cancelling a request).
    "text_hint": "Ctrl+S valider · Échap retour sans rien changer",
    "line_hint": "Entrée valider · Échap retour sans rien changer",
    "choice_hint": "↑/↓ ou 1–9 · Entrée valider · Échap retour sans rien changer",
    "search_hint": "Tapez pour filtrer · ↑/↓ choisir · Entrée valider · Échap retour",
    "required": "Ce champ est obligatoire.",
    "controls_removed": "{count} caractère(s) de contrôle retiré(s) du texte collé.",
    "cut": "Texte collé coupé à {limit} caractères.",
    "validate": "Valider",
    "cancel": "Retour",
}

TEXT_LIMIT = limits.ANSWER
"""At most this many characters in an answer, a reason or a note (as a description)."""
LINE_LIMIT = limits.LINE
"""At most this many characters in a one-line answer (a reference, a period)."""

ChoiceValue = TypeVar("ChoiceValue")


def label_content(text: str) -> Content:
    """A title or a choice label shown literally: service names, categories and streets are
    data (no markup, control characters visible, one line)."""
    return Content(printable(text, one_line=True))


class TextPromptDialog(ModalScreen[str | None]):
    """Ask for a text: the answer given to the citizen, a reason, a note, a reference.

    `required` refuses a blank text with a message under the field; `multiline` uses a
    text area (Ctrl+S validates) instead of a one-line input (Enter validates). `notice`
    is shown above the field (what changed since a refused save, the text being kept).
    """

    CSS_PATH = "action_dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", TEXTS["validate"], id="dialog.submit", priority=True),
        Binding("escape", "cancel", TEXTS["cancel"], id="dialog.cancel"),
    ]

    def __init__(
        self,
        title: str,
        label: str,
        *,
        required: bool,
        multiline: bool = True,
        initial: str = "",
        placeholder: str = "",
        notice: str = "",
        validate: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__(classes="action-dialog")
        self.title_text = title
        self.label_text = label
        self.validate = validate
        self.required = required
        self.multiline = multiline
        self.initial = initial
        self.placeholder = placeholder
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(label_content(self.title_text), id="dialog-title")
            if self.notice:
                yield Static(Content(printable(self.notice)), id="dialog-notice")
            yield Label(label_content(self.label_text), id="dialog-label")
            # Pasted text is cleaned (control characters removed) before it can be stored.
            if self.multiline:
                yield LimitedTextArea(self.initial, limit=TEXT_LIMIT, id="dialog-text")
            else:
                yield SafeInput(
                    self.initial,
                    placeholder=self.placeholder,
                    id="dialog-text",
                    max_length=LINE_LIMIT,
                )
            yield Static("", id="dialog-error", markup=False)
            hint = TEXTS["text_hint"] if self.multiline else TEXTS["line_hint"]
            yield Static(hint, id="dialog-hint", markup=False)

    def on_mount(self) -> None:
        field = self.query_one("#dialog-text")
        field.focus()
        if isinstance(field, TextArea) and self.initial:
            field.move_cursor(field.document.end)  # a kept text: go on typing after it

    @property
    def value(self) -> str:
        """The text typed so far."""
        field = self.query_one("#dialog-text")
        return field.text if isinstance(field, TextArea) else field.value

    @on(Input.Submitted, "#dialog-text")
    def _submitted(self) -> None:
        self.action_submit()

    @on(TextCleaned, "#dialog-text")
    def _cleaned(self, event: TextCleaned) -> None:
        """Say beside the field what a paste lost (control characters, the part past the limit)."""
        notes = []
        if event.cleaned.removed_controls:
            notes.append(TEXTS["controls_removed"].format(count=event.cleaned.removed_controls))
        if event.cleaned.truncated:
            notes.append(TEXTS["cut"].format(limit=event.limit))
        if notes:
            self.query_one("#dialog-error", Static).update(" ".join(notes))

    def action_submit(self) -> None:
        """Return the text, unless it is required and blank."""
        if self.required and not self.value.strip():
            self.query_one("#dialog-error", Static).update(TEXTS["required"])
            self.query_one("#dialog-text").focus()
            return
        problem = self.validate(self.value) if self.validate is not None else None
        if problem:
            self.query_one("#dialog-error", Static).update(problem)
            self.query_one("#dialog-text").focus()
            return
        self.dismiss(self.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[ChoiceValue | None], Generic[ChoiceValue]):
    """Pick one value from a short list (how the acknowledgement was given, a service)."""

    CSS_PATH = "action_dialogs.tcss"
    BINDINGS = [
        Binding("escape", "cancel", TEXTS["cancel"], id="dialog.cancel"),
        *[
            Binding(str(number), f"pick({number - 1})", str(number), show=False)
            for number in range(1, 10)
        ],
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, ChoiceValue]],
        *,
        selected: ChoiceValue | None = None,
        notice: str = "",
    ) -> None:
        super().__init__(classes="action-dialog")
        self.title_text = title
        self.choices = list(choices)
        self.selected = selected
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(label_content(self.title_text), id="dialog-title")
            if self.notice:
                yield Static(Content(printable(self.notice)), id="dialog-notice")
            yield OptionList(
                *[
                    Option(Content(f"{index}. ") + label_content(label), id=str(index - 1))
                    for index, (label, _value) in enumerate(self.choices, start=1)
                ],
                id="dialog-choices",
            )
            yield Static(TEXTS["choice_hint"], id="dialog-hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#dialog-choices", OptionList)
        values = [value for _label, value in self.choices]
        options.highlighted = values.index(self.selected) if self.selected in values else 0
        options.focus()

    @on(OptionList.OptionSelected, "#dialog-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option_index)

    def action_pick(self, index: int) -> None:
        """Return the value at `index` (ignored when there is no such choice)."""
        if 0 <= index < len(self.choices):
            self.dismiss(self.choices[index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchChoiceDialog(ModalScreen[ChoiceValue | None], Generic[ChoiceValue]):
    """Pick from a long list by typing part of it (a category, a service, a street).

    The list shows the choices whose label contains the typed words (accents and case
    ignored), or what `suggest(text)` returns when given. ↑/↓ move in the list while the
    text box keeps the focus; Enter takes the highlighted choice, or the typed text itself
    when `allow_free_text` is set and nothing is highlighted.
    """

    CSS_PATH = "action_dialogs.tcss"
    BINDINGS = [
        Binding("escape", "cancel", TEXTS["cancel"], id="dialog.cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, ChoiceValue]] = (),
        *,
        suggest: Callable[[str], Sequence[tuple[str, ChoiceValue]]] | None = None,
        allow_free_text: bool = False,
        placeholder: str = "",
        initial: str = "",
    ) -> None:
        super().__init__(classes="action-dialog")
        self.title_text = title
        self.choices = list(choices)
        self.suggest = suggest
        self.allow_free_text = allow_free_text
        self.placeholder = placeholder
        self.initial = initial
        self._shown: list[tuple[str, ChoiceValue]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(label_content(self.title_text), id="dialog-title")
            yield SafeInput(self.initial, placeholder=self.placeholder, id="dialog-query")
            yield OptionList(id="dialog-choices")
            yield Static(TEXTS["search_hint"], id="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self._show(self.initial)
        self.query_one("#dialog-query", Input).focus()

    @on(Input.Changed, "#dialog-query")
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _matching(self, typed: str) -> list[tuple[str, ChoiceValue]]:
        if self.suggest is not None:
            return list(self.suggest(typed))
        wanted = words(typed)
        return [
            choice for choice in self.choices if all(word in fold(choice[0]) for word in wanted)
        ]

    def _show(self, typed: str) -> None:
        self._shown = self._matching(typed)
        options = self.query_one("#dialog-choices", OptionList)
        options.clear_options()
        options.add_options([Option(label_content(label)) for label, _value in self._shown])
        options.highlighted = 0 if self._shown else None

    def action_move(self, step: int) -> None:
        """Move the highlight in the list without leaving the text box."""
        options = self.query_one("#dialog-choices", OptionList)
        if not self._shown:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self._shown) - 1, current + step))

    @on(Input.Submitted, "#dialog-query")
    def _submitted(self, event: Input.Submitted) -> None:
        options = self.query_one("#dialog-choices", OptionList)
        if options.highlighted is not None and self._shown:
            self.dismiss(self._shown[options.highlighted][1])
        elif self.allow_free_text and event.value.strip():
            self.dismiss(event.value.strip())  # type: ignore[arg-type]

    @on(OptionList.OptionSelected, "#dialog-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._shown[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
