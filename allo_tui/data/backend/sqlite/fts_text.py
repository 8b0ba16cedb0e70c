"""What SQLite's full-text indexes receive for a caller or a request.

The FTS5 tables use SQLite's own `unicode61 remove_diacritics 2` tokenizer, which lowers case
and drops the accents of Latin letters, but leaves ligatures (ﬁ), full-width letters (Ａ),
digraphs (Ǆ, ǋ), superscripts, ß... as they are, while every query is `fold`ed: such text
could never be found. The triggers of migration 0005 therefore index a row's `search_*`
column when it is set, its own text otherwise; `index_text` sets it (to the folded text)
only for text holding a character the tokenizer does not fold as `fold` does, so ordinary
rows store nothing twice.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

from allo_tui.domain.text import fold

_PROBED_RANGES = ((0x80, 0x250), (0x300, 0x370), (0x2000, 0x2070), (0x20A0, 0x20C0))
"""Latin letters, combining accents, punctuation and currency signs: the characters of
French text worth checking one by one; any other non-ASCII character makes a text folded."""


@lru_cache(maxsize=1)
def _needs_folding() -> re.Pattern[str]:
    """A pattern finding a character the FTS5 tokenizer does not treat as `fold` does.

    Learnt from the SQLite in use: each probed character is indexed as written and folded,
    and kept as safe when both give the same tokens.
    """
    probed = [chr(code) for low, high in _PROBED_RANGES for code in range(low, high)]
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(
            "CREATE VIRTUAL TABLE probe USING fts5(raw, folded,"
            " tokenize='unicode61 remove_diacritics 2')"
        )
        connection.execute("CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, 'instance')")
        connection.executemany(
            "INSERT INTO probe (rowid, raw, folded) VALUES (?, ?, ?)",
            [(i, f"x{ch}y", fold(f"x{ch}y")) for i, ch in enumerate(probed)],
        )
        tokens: dict[tuple[int, str], list[str]] = {}
        for doc, col, term in connection.execute(
            "SELECT doc, col, term FROM probe_terms ORDER BY doc, col, offset"
        ):
            tokens.setdefault((doc, col), []).append(term)
    finally:
        connection.close()
    safe = "".join(
        ch
        for i, ch in enumerate(probed)
        if tokens.get((i, "raw"), []) == tokens.get((i, "folded"), [])
    )
    return re.compile(f"[^\x00-\x7f{re.escape(safe)}]")


def index_text(text: str | None) -> str | None:
    """What a `search_*` column holds for `text`: its folded form when the FTS5 tokenizer
    would not fold it as queries are folded; else None (the index takes the text itself)."""
    if not text or text.isascii() or _needs_folding().search(text) is None:
        return None
    folded = fold(text)
    return None if folded == text else folded


def caller_search_texts(
    surname, given_name, street_number, street, address_extra, postcode, city
) -> tuple[str | None, str | None]:
    """`search_names` and `search_address` of a caller (joined as the triggers join them)."""
    return (
        index_text(f"{surname or ''} {given_name or ''}"),
        index_text(
            " ".join(p or "" for p in (street_number, street, address_extra, postcode, city))
        ),
    )


def request_search_texts(
    description, street_number, street, landmark
) -> tuple[str | None, str | None]:
    """`search_description` and `search_location` of a request."""
    return (
        index_text(description),
        index_text(" ".join(p or "" for p in (street_number, street, landmark))),
    )
