"""What a caller search returns and how it is stopped, whatever the database engine.

A search runs in a worker thread; the lookup screen cancels it when a newer keystroke makes it
useless. The backend running it registers how to interrupt its statement (`interrupting`), so
`cancel()` frees the database at once instead of letting the statement run to its end.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import msgspec

from allo_tui.domain.reference import REFERENCE_PATTERN
from allo_tui.domain.text import fold

_TOKEN = re.compile(r"[^\W_]+")


class SearchCancelled(Exception):
    """The search was superseded (a newer keystroke) and stopped before its end."""


class SearchToken:
    """Lets one thread stop a search another thread is running.

    Pass a fresh token to each search; call `cancel()` (from any thread, never blocking on
    the database) when the search is no longer wanted. The search then raises
    `SearchCancelled` at its next check or from inside the statement it is running.
    """

    def __init__(self) -> None:
        self._cancelled = False
        self._lock = threading.Lock()
        self._interrupt: Callable[[], None] | None = None

    @property
    def cancelled(self) -> bool:
        """True once `cancel()` was called."""
        return self._cancelled

    def cancel(self) -> None:
        """Stop the search: raise at the next check, interrupt the running statement."""
        with self._lock:
            self._cancelled = True
            if self._interrupt is not None:
                self._interrupt()

    def check(self) -> None:
        """Raise `SearchCancelled` when the search was cancelled."""
        if self._cancelled:
            raise SearchCancelled

    @contextmanager
    def interrupting(self, interrupt: Callable[[], None]) -> Iterator[None]:
        """Inside this block, `cancel()` also calls `interrupt` (which stops the statement
        running on the search's connection). Forgotten on exit, so a late `cancel()` never
        interrupts the next user of a pooled connection."""
        self.check()
        with self._lock:
            self._interrupt = interrupt
        try:
            yield
        finally:
            with self._lock:
                self._interrupt = None


class CallerMatches(msgspec.Struct, frozen=True):
    """Caller ids best first (at most the requested limit) and the capped match count."""

    ids: tuple[int, ...]
    total: int
    capped: bool


NO_MATCH = CallerMatches(ids=(), total=0, capped=False)


def search_tokens(text: str) -> list[str]:
    """The words of `text` as the search indexes hold them: `fold`ed, then cut into runs of
    letters and digits (as SQLite FTS5's `unicode61` tokenizer cuts them).

    Accents are dropped (also when typed decomposed), case is lowered, compatibility forms
    become plain letters ("ﬁ" -> "fi", "ＡＢ" -> "ab"), anything that is neither a letter nor
    a digit separates words: "N'Diaye" -> ["n", "diaye"], "zéb*" -> ["zeb"], "Saint-Just" ->
    ["saint", "just"].
    """
    return _TOKEN.findall(fold(text))


ELISION_LETTERS = frozenset("dlno")
"""Letters that start elided names — D'Alembert, L'Hermite, N'Diaye, O'Neill — which hostesses
type without the apostrophe."""


WHOLE_NUMBER_DIGITS = 8
"""Fewer digits (after "+" or "00") cannot be a whole international number worth parsing."""


FRENCH_NATIONAL_DIGITS = 10
"""A French number typed in national format ("03 86 12 34 56") has exactly ten digits."""


def starts_one(sorted_words: Sequence[str], prefix: str) -> bool:
    """True when one of `sorted_words` starts with `prefix` (binary search)."""
    index = bisect_left(sorted_words, prefix)
    return index < len(sorted_words) and sorted_words[index].startswith(prefix)


def may_be_whole(query: str, digits: str) -> bool:
    """True when `query` may be a whole number: 10 digits in French national format
    ("03 86 12 34 56"), at least WHOLE_NUMBER_DIGITS in international format."""
    text = query.strip()
    if REFERENCE_PATTERN.fullmatch(text):
        return False  # "2026-00042" is a request reference, not a number to parse
    national = not text.startswith("+") and text.startswith("0") and not text.startswith("00")
    if national:
        return len(digits) == FRENCH_NATIONAL_DIGITS
    return len(digits) >= WHOLE_NUMBER_DIGITS


def with_elisions(words: list[str]) -> list[str]:
    """`words` and, after a one-letter word, that letter joined to the next word
    (["n", "diaye"] -> ["n", "diaye", "ndiaye"]): typed without the apostrophe, it matches."""
    joined = [
        first + second
        for first, second in zip(words, words[1:], strict=False)
        if len(first) == 1 and first in ELISION_LETTERS
    ]
    return words + joined if joined else words


@lru_cache(maxsize=65536)
def folded(name: str) -> str:
    """A name as space-separated search tokens (cached: surnames repeat a lot)."""
    return " ".join(search_tokens(name))


@lru_cache(maxsize=65536)
def sorted_words(text: str) -> tuple[str, ...]:
    """The search tokens of `text`, sorted for `starts_one` (cached: names and streets
    repeat a lot)."""
    return tuple(sorted(with_elisions(search_tokens(text))))


@lru_cache(maxsize=65536)
def address_words(parts: tuple[str | None, ...]) -> tuple[str, ...]:
    """The search tokens of an address (number, street, extra, postcode, town), sorted."""
    return tuple(sorted(with_elisions(search_tokens(" ".join(part for part in parts if part)))))


@lru_cache(maxsize=65536)
def split_words(folded: str) -> tuple[str, ...]:
    """The words of a folded name, with its elided forms (cached: names repeat a lot)."""
    return tuple(with_elisions(folded.split()))


def word_tier(typed: list[str], surname: str, given_name: str) -> int:
    """0 exact surname word · 1 surname prefix · 2 elsewhere in the name · 3 mixed · 4 address."""
    surname_words = split_words(surname)
    name_words = surname_words + split_words(given_name)
    in_name = all(any(word.startswith(q) for word in name_words) for q in typed)
    on_surname = any(word.startswith(q) for q in typed for word in surname_words)
    if in_name:
        if any(q in surname_words for q in typed):
            return 0
        return 1 if on_surname else 2
    return 3 if on_surname else 4


FTS_WORDS = 2
"""How many typed words the index itself matches (the longest ones); the others are checked here."""
COMMON_WORDS = frozenset(
    {
        # street types and the little words of French addresses: in most addresses, so
        # matching them in the index costs much and narrows nothing (checked here instead).
        *("rue", "avenue", "av", "boulevard", "bd", "place", "pl", "chemin", "ch", "allee"),
        *("impasse", "imp", "route", "rte", "quai", "square", "cours", "voie", "sentier"),
        *("residence", "res", "cite", "lotissement", "hameau", "passage", "rond", "point"),
        *("de", "du", "des", "la", "le", "les", "au", "aux", "et", "en", "sur", "sous"),
    }
)
STREET_NUMBER_DIGITS = 4
"""A typed number this short is a street number (longer: a postcode, in every address)."""


def telling_words(typed: list[str], site_words: frozenset[str]) -> tuple[list[str], str]:
    """What the index matches itself (FTS5 on SQLite, the word B-tree on PostgreSQL): the FTS_WORDS longest words (two letters or more) that are
    neither common address words nor the start of the town or postcode of most callers;
    and a street number (up to STREET_NUMBER_DIGITS digits), which narrows an address a lot.
    """

    def common(word: str) -> bool:
        return word in COMMON_WORDS or any(site.startswith(word) for site in site_words)

    letters = [word for word in typed if len(word) >= 2 and not word.isdigit()]
    chosen = sorted(letters, key=lambda word: (common(word), -len(word)))[:FTS_WORDS]
    chosen = [word for word in chosen if not common(word)] or chosen[:1]
    number = next((w for w in typed if w.isdigit() and len(w) <= STREET_NUMBER_DIGITS), "")
    if not chosen and not number:
        chosen = [word for word in typed if len(word) >= 2][:1]  # a postcode, say
    return chosen, number
