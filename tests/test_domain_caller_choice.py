"""Who is calling, as the new-request form works it out (no screen): searches, the suggestion
highlighted, Tab after a whole number, the status line's case."""

from __future__ import annotations

from allo_tui.domain.caller_choice import (
    CallerChoice,
    CallerStatus,
    NumberHolders,
    TabAfterNumber,
    holders_known,
    holders_of,
    phone_shown,
    searches_callers,
    suggestion_highlight,
    tab_after_number,
)
from allo_tui.domain.records import CallerRecord, PhoneRecord

LINE = PhoneRecord(id=1, number="+33386123456", display="03 86 12 34 56", valid=True)
MOBILE = PhoneRecord(id=2, number="+33612345678", display="06 12 34 56 78", valid=True)
ELEONORE = CallerRecord(id=1, surname="Zébulon", given_name="Éléonore", phones=(LINE, MOBILE))
ARTHUR = CallerRecord(id=2, surname="Zébulon", given_name="Arthur", phones=(LINE,))
PAUL = CallerRecord(id=3, surname="Martin", given_name="Paul", phones=(MOBILE,))


def test_callers_are_searched_from_four_digits_or_two_letters():
    assert not searches_callers("phone", "038")
    assert searches_callers("phone", "03 86")
    assert not searches_callers("name", "z")
    assert searches_callers("name", "zé")


def test_the_one_holder_of_a_whole_number_is_highlighted_a_shared_line_is_not_guessed():
    assert suggestion_highlight("phone", "03 86 12 34 56", [PAUL, ELEONORE], False) == 1
    assert suggestion_highlight("phone", "03 86 12 34 56", [ELEONORE, ARTHUR], False) is None
    assert suggestion_highlight("phone", "0386", [ARTHUR], False) == 0, "the only one found"
    assert suggestion_highlight("phone", "0386", [ARTHUR, PAUL], False) is None


def test_the_only_caller_found_by_name_is_highlighted_unless_a_phone_was_typed():
    assert suggestion_highlight("name", "martin", [PAUL], False) == 0
    assert suggestion_highlight("name", "martin", [PAUL], True) is None
    assert suggestion_highlight("name", "zeb", [ELEONORE, ARTHUR], False) is None
    assert suggestion_highlight("name", "zeb", [], False) is None


def test_holders_count_only_while_the_phone_box_holds_their_number():
    known = NumberHolders("+33386123456", (ELEONORE, ARTHUR))
    assert holders_of(known, "03 86 12 34 56") == (ELEONORE, ARTHUR)
    assert holders_of(known, "03 86 12 34 5") == ()
    assert holders_of(None, "03 86 12 34 56") == ()
    assert holders_known(known, "0386123456")
    assert not holders_known(None, "0386123456"), "a whole number not checked yet"
    assert holders_known(None, "0386"), "no whole number: nothing to wait for"


def test_the_phone_shown_is_the_callers_number_typed():
    assert phone_shown(ELEONORE, "0612345678") == "06 12 34 56 78"
    assert phone_shown(ELEONORE, "0612") == ""


def test_tab_after_a_number_attaches_one_holder_offers_several_else_the_name():
    assert tab_after_number(1, force_new=False, linked=False) is TabAfterNumber.ATTACH
    assert tab_after_number(1, force_new=True, linked=False) is TabAfterNumber.NAME
    assert tab_after_number(1, force_new=False, linked=True) is TabAfterNumber.NAME
    assert tab_after_number(2, force_new=False, linked=False) is TabAfterNumber.OFFER
    assert tab_after_number(2, force_new=True, linked=False) is TabAfterNumber.NAME
    assert tab_after_number(0, force_new=False, linked=False) is TabAfterNumber.NAME


def test_the_status_line_says_who_is_calling():
    assert CallerChoice().status(0, False) is CallerStatus.HINT
    assert CallerChoice().status(0, True) is CallerStatus.NEW
    assert CallerChoice().status(1, True) is CallerStatus.HOLDER
    assert CallerChoice().status(2, True) is CallerStatus.HOLDERS
    assert CallerChoice(force_new=True).status(1, True) is CallerStatus.FORCED
    assert CallerChoice(anonymous=True).status(1, True) is CallerStatus.ANONYMOUS
    assert CallerChoice.of(ELEONORE).status(2, True) is CallerStatus.CHOSEN
    assert CallerChoice.of(ELEONORE, by_number=True).status(1, True) is CallerStatus.BY_NUMBER
    assert CallerChoice(caller_id=1).status(0, True) is CallerStatus.RESTORED
    assert CallerChoice(caller_id=1).status(0, True).linked
    assert not CallerStatus.HOLDER.linked


def test_typing_unlinks_the_caller_a_name_ends_an_anonymous_call_ctrl_n_holds():
    assert CallerChoice.of(ELEONORE).typed_on("phone", "03") == CallerChoice()
    assert CallerChoice(anonymous=True).typed_on("phone", "03").anonymous
    assert not CallerChoice(anonymous=True).typed_on("name", "Paul").anonymous
    assert CallerChoice(force_new=True).typed_on("name", "Paul").force_new


def test_a_shared_line_must_be_decided_before_saving():
    assert CallerChoice().undecided(2)
    assert not CallerChoice().undecided(1)
    assert not CallerChoice.of(ARTHUR).undecided(2)
    assert not CallerChoice(force_new=True).undecided(2)
    assert not CallerChoice(anonymous=True).undecided(2)


def test_a_restored_caller_read_again_or_gone():
    restored = CallerChoice(caller_id=1, force_new=False)
    assert restored.reloaded(ELEONORE) == CallerChoice(ELEONORE, 1)
    assert restored.reloaded(None) == CallerChoice()
