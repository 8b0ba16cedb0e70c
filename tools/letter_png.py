"""Render the first page of a letters PDF (`allo replies letters --out FILE.pdf`) as a PNG, the
picture the README shows (pypdfium2, in the `test` extra).

    python tools/letter_png.py ar.pdf docs/letter-example.png [--scale 1.5]
"""

from __future__ import annotations

import argparse
from pathlib import Path


def render_first_page(pdf: Path, png: Path, scale: float = 1.5) -> None:
    """Write the PDF's first page to `png` at `scale` × 72 dpi."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        document[0].render(scale=scale).to_pil().save(png)
    finally:
        document.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--scale", type=float, default=1.5)
    arguments = parser.parse_args()
    render_first_page(arguments.pdf, arguments.png, arguments.scale)


if __name__ == "__main__":
    main()
