"""Reply letters as one PDF (fpdf2, DejaVu Sans embedded so accents, œ, € and any name print):
one letter per page (more when a body is long), A4, folded in three for a French DL window
envelope (220 × 110 mm) whose window is on the right: the address block sits inside the window
area (x 110 mm, y 45–50 mm from the top, 85 × 45 mm, NF Z 10-011 / La Poste), each page numbered
"page n/N" within its letter. Characters the font cannot draw are left out of the text;
an address holding some is refused before (`unprintable`), the letter held back.

Text is written with `markdown=False`: what people typed is never read as markup. fpdf2 is
imported only when a PDF is written.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from allo_tui.domain.letter_texts import TEXTS
from allo_tui.domain.letters import Letter

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
FONT = "DejaVu"

MARGIN = 20.0  # mm, left and right
WINDOW_X = 110.0  # the address window's left edge, from the page's left
WINDOW_Y = 45.0  # its top, from the page's top (the block starts 5 mm lower)
WINDOW_WIDTH = 85.0
WINDOW_HEIGHT = 45.0
WINDOW_PADDING = 5.0
ADDRESS_SIZE = 10.0  # pt; a long line is set smaller, down to ADDRESS_SIZE_MIN
ADDRESS_SIZE_MIN = 7.0
BODY_SIZE = 10.5
BOTTOM_MARGIN = 20.0
BODY_TOP = 118.0  # below the window, the date and the fold (99 mm)


@functools.cache
def _glyphs() -> frozenset[int]:
    """The code points both embedded fonts can draw."""
    from fontTools.ttLib import TTFont

    drawn = None
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(FONTS / name, lazy=True) as font:
            points = frozenset(font.getBestCmap())
        drawn = points if drawn is None else drawn & points
    return drawn or frozenset()


def unprintable(text: str) -> str:
    """The characters of `text` the embedded font cannot draw (each once, in order); line
    breaks aside."""
    glyphs = _glyphs()
    return "".join(dict.fromkeys(c for c in text if c != "\n" and ord(c) not in glyphs))


def _drawable(text: str) -> str:
    """`text` without the characters the font cannot draw (control characters, emoji…), which
    would otherwise print as nothing or as a box."""
    missing = unprintable(text)
    return text.translate({ord(c): None for c in missing}) if missing else text


def _new_pdf(title: str):
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("allo")
    pdf.set_margins(MARGIN, 15.0, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    return pdf


def _address(pdf, lines: Sequence[str]) -> None:
    """The address block inside the window area, its font shrunk until every line fits."""
    width = WINDOW_WIDTH - 2 * WINDOW_PADDING
    size = ADDRESS_SIZE
    pdf.set_font(FONT, "", size)
    while size > ADDRESS_SIZE_MIN and max(pdf.get_string_width(line) for line in lines) > width:
        size -= 0.5
        pdf.set_font(FONT, "", size)
    line_height = min(5.0, (WINDOW_HEIGHT - 2 * WINDOW_PADDING) / max(len(lines), 1))
    y = WINDOW_Y + WINDOW_PADDING
    for line in lines:
        pdf.set_xy(WINDOW_X + WINDOW_PADDING, y)
        pdf.cell(width, line_height, line, markdown=False)
        y += line_height


def _letter(pdf, letter: Letter, letterhead: str) -> None:
    """One letter from a new page; the pages it took are numbered afterwards."""
    pdf.add_page()
    first = pdf.page
    width = pdf.w - 2 * MARGIN
    if letterhead.strip():
        pdf.set_xy(MARGIN, 15.0)
        pdf.set_font(FONT, "B", 11)
        head, *rest = letterhead.strip().splitlines()
        pdf.multi_cell(85.0, 5.5, head, markdown=False)
        if rest:
            pdf.set_font(FONT, "", 9)
            pdf.set_x(MARGIN)
            pdf.multi_cell(85.0, 4.5, "\n".join(rest), markdown=False)
    _address(pdf, letter.address_lines)
    pdf.set_font(FONT, "", 10)
    pdf.set_xy(WINDOW_X + WINDOW_PADDING, WINDOW_Y + WINDOW_HEIGHT + 4.0)
    pdf.cell(0, 5, TEXTS["date"].format(date=letter.date_text), markdown=False)
    pdf.set_xy(MARGIN, BODY_TOP - 15.0)
    pdf.cell(0, 5, TEXTS["reference"].format(reference=letter.reference), markdown=False)
    pdf.set_xy(MARGIN, BODY_TOP - 9.0)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(width, 5, TEXTS["subject"].format(subject=letter.subject), markdown=False)
    pdf.set_font(FONT, "", BODY_SIZE)
    pdf.set_xy(MARGIN, max(pdf.get_y() + 4.0, BODY_TOP))
    pdf.multi_cell(width, 5.5, letter.body, align="L", markdown=False)
    last = pdf.page
    pdf.set_font(FONT, "", 8)
    pdf.set_auto_page_break(auto=False)  # the footer lies in the bottom margin
    for page in range(first, last + 1):
        pdf.page = page
        pdf.set_xy(MARGIN, pdf.h - 12.0)
        text = TEXTS["page"].format(
            reference=letter.reference, page=page - first + 1, pages=last - first + 1
        )
        pdf.cell(width, 5, text, align="C", markdown=False)
    pdf.page = last
    pdf.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)


def write_letters(path: Path, letters: Sequence[Letter], *, letterhead: str, title: str) -> None:
    """Write the letters to `path` (replaced), one or more pages each, in the order given."""
    pdf = _new_pdf(title)
    letterhead = _drawable(letterhead)
    for letter in letters:
        _letter(
            pdf,
            replace(letter, subject=_drawable(letter.subject), body=_drawable(letter.body)),
            letterhead,
        )
    pdf.output(str(path))
