"""Who is calling, as the new-request form works it out: the rules that need no screen.

The form has a phone box and a name box; `CallerChoice` is who the call is linked to. What is
typed is searched once it is long enough; a whole valid number asks who holds it
(`NumberHolders`): one holder is attached on Tab, several (a shared household line) must be
chosen from, none makes a new caller. The status line under the boxes says which of these
applies (`CallerChoice.status`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from allo_tui.domain.phone import parse_phone, phone_query_digits
from allo_tui.domain.records import CallerRecord
from allo_tui.domain.text import fold

PHONE_QUERY_DIGITS = 4
"""Digits typed in the phone box before the callers are searched."""
NAME_QUERY_LETTERS = 2
"""Letters typed in the name box before the callers are searched."""


@dataclass(frozen=True)
class NumberHolders:
    """The known callers holding one whole number (checked in the database)."""

    number: str
    """The number's E.164 form."""
    callers: tuple[CallerRecord, ...]

    def of(self, phone_text: str) -> tuple[CallerRecord, ...]:
        """The holders, when `phone_text` is still this number (else none)."""
        number = parse_phone(phone_text).e164
        return self.callers if number is not None and number == self.number else ()


def holders_of(known: NumberHolders | None, phone_text: str) -> tuple[CallerRecord, ...]:
    """The callers holding the whole number in the phone box, as far as checked."""
    return known.of(phone_text) if known is not None else ()


def holders_known(known: NumberHolders | None, phone_text: str) -> bool:
    """True when who holds the number in the phone box is known (or it is no whole number)."""
    number = parse_phone(phone_text).e164
    return number is None or (known is not None and known.number == number)


def searches_callers(field: str, text: str) -> bool:
    """True when what is typed in the phone or name box is long enough to search."""
    if field == "phone":
        return len(phone_query_digits(text)) >= PHONE_QUERY_DIGITS
    return len(fold(text)) >= NAME_QUERY_LETTERS


def suggestion_highlight(
    field: str, query: str, callers: Sequence[CallerRecord], phone_typed: bool
) -> int | None:
    """The suggestion to highlight from the start (Enter then picks it), or None.

    In the phone box: the one caller holding the whole number typed (a number several callers
    share is chosen, not guessed), or the only caller found when nobody holds it whole. In the
    name box: the only caller found, unless a phone was typed (it may be somebody new).
    """
    if callers and field == "phone":
        typed = parse_phone(query)
        exact = [
            index
            for index, caller in enumerate(callers)
            if typed.valid and any(p.number == typed.stored for p in caller.phones)
        ]
        if len(exact) == 1:
            return exact[0]
        if not exact and len(callers) == 1:
            return 0
        return None
    if field != "phone" and len(callers) == 1 and not phone_typed:
        return 0
    return None


def phone_shown(caller: CallerRecord, phone_text: str) -> str:
    """The caller's phone that is the whole number typed, as shown; "" when none is."""
    typed = parse_phone(phone_text)
    match = [p for p in caller.phones if typed.valid and p.number == typed.stored]
    return match[0].display if match else ""


class TabAfterNumber(StrEnum):
    """What Tab after a whole phone number does."""

    ATTACH = "attach"
    """Its one holder becomes the caller; the focus moves on."""
    OFFER = "offer"
    """Several hold it: the name box lists them to choose from."""
    NAME = "name"
    """Nobody (or Ctrl+N, or a caller already chosen): the name box, to type the name."""


def tab_after_number(holders: int, *, force_new: bool, linked: bool) -> TabAfterNumber:
    """Tab after a phone number whose `holders` are known."""
    if holders == 1 and not force_new and not linked:
        return TabAfterNumber.ATTACH
    if holders > 1 and not force_new:
        return TabAfterNumber.OFFER
    return TabAfterNumber.NAME


class CallerStatus(StrEnum):
    """What the status line under the caller boxes says."""

    CHOSEN = "chosen"
    """A known caller was chosen (F2 or a suggestion)."""
    BY_NUMBER = "by_number"
    """A known caller was attached because the number typed is theirs."""
    RESTORED = "restored"
    """Linked by a restored draft, the caller's record still being read."""
    ANONYMOUS = "anonymous"
    FORCED = "forced"
    """Ctrl+N on a number somebody holds: a new caller all the same."""
    HOLDER = "holder"
    """The number typed is one caller's: attached when saved."""
    HOLDERS = "holders"
    """The number typed is several callers': one must be chosen."""
    NEW = "new"
    """Something typed that is nobody known: a new caller."""
    HINT = "hint"
    """Nothing typed yet."""

    @property
    def linked(self) -> bool:
        """True when the call is linked to a known caller."""
        return self in (CallerStatus.CHOSEN, CallerStatus.BY_NUMBER, CallerStatus.RESTORED)


@dataclass(frozen=True)
class CallerChoice:
    """Who the call is linked to: a known caller, nobody yet (a new caller from what is typed),
    a new caller on purpose (Ctrl+N) or nobody at all (anonymous, F6)."""

    caller: CallerRecord | None = None
    """The known caller's record (None while a restored caller's record is read again)."""
    caller_id: int | None = None
    """What the request links to (set before a restored caller's record is read)."""
    anonymous: bool = False
    force_new: bool = False
    """Ctrl+N: a new caller even on a known number."""
    by_number: bool = False
    """The caller was attached because the number typed is theirs."""

    @classmethod
    def of(cls, caller: CallerRecord, *, by_number: bool = False) -> CallerChoice:
        """Linked to `caller` (chosen, or attached by the number typed)."""
        return cls(caller, caller.id, by_number=by_number)

    def typed_on(self, field: str, text: str) -> CallerChoice:
        """Typed in the phone or name box: what is on screen is what will be saved (a name
        typed ends an anonymous call; Ctrl+N holds)."""
        anonymous = self.anonymous and not (field == "name" and text.strip())
        return CallerChoice(anonymous=anonymous, force_new=self.force_new)

    def reloaded(self, caller: CallerRecord | None) -> CallerChoice:
        """The linked caller's record read again (None: gone, a new caller from the text)."""
        return replace(self, caller=caller, caller_id=caller.id if caller else None)

    def undecided(self, holders: int) -> bool:
        """True when the number typed is several callers' and none was chosen (nor Ctrl+N, F6):
        the request cannot be saved until one is."""
        return holders > 1 and self.caller_id is None and not self.force_new and not self.anonymous

    def status(self, holders: int, typed: bool) -> CallerStatus:
        """The status line's case, with `holders` of the number typed, `typed`: a phone or
        name in the boxes."""
        if self.caller is not None:
            return CallerStatus.BY_NUMBER if self.by_number else CallerStatus.CHOSEN
        if self.caller_id is not None:
            return CallerStatus.RESTORED
        if self.anonymous:
            return CallerStatus.ANONYMOUS
        if holders and self.force_new:
            return CallerStatus.FORCED
        if holders == 1:
            return CallerStatus.HOLDER
        if holders:
            return CallerStatus.HOLDERS
        if typed:
            return CallerStatus.NEW
        return CallerStatus.HINT
