"""Logins of served sessions: password hashes, the Store's verdicts (one refusal for an unknown
login and a wrong password, a disabled login refused, 5 failures in a row lock for 15 minutes,
unlock), disabling (never the last active admin), and `allo operator passwd | disable | enable
| unlock | list` as an administrator uses them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS
from store_helpers import query

from allo_tui.cli import main
from allo_tui.data.store import Store
from allo_tui.domain import passwords
from allo_tui.domain.errors import UnknownOperatorError, ValidationError
from allo_tui.domain.passwords import DisabledOperatorError, LastAdminError, LoginRefused, Refusal
from allo_tui.domain.records import OperatorRecord, Role

BACKENDS = ALL_BACKENDS
PASSWORD = "Trottoir-89!"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """scrypt at a test's cost (the parameters are read from each hash, so it all holds)."""
    monkeypatch.setattr(passwords, "N", 2**10)


# -- the hash ------------------------------------------------------------------------------


def test_a_hash_is_salted_keeps_its_parameters_and_checks_only_its_password() -> None:
    first, second = passwords.hash_password(PASSWORD), passwords.hash_password(PASSWORD)

    assert first != second  # a salt of its own
    assert first.startswith("scrypt$1024$8$1$")
    assert PASSWORD not in first
    assert passwords.verify_password(PASSWORD, first)
    assert passwords.verify_password(PASSWORD, second)
    assert not passwords.verify_password("Trottoir-89?", first)
    assert not passwords.verify_password(PASSWORD, "")  # none set
    assert not passwords.verify_password(PASSWORD, "scrypt$bad")


def test_a_hash_made_with_weaker_parameters_is_still_read_and_asks_to_be_remade(
    monkeypatch,
) -> None:
    old = passwords.hash_password(PASSWORD)
    monkeypatch.setattr(passwords, "N", 2**11)

    assert passwords.verify_password(PASSWORD, old)
    assert passwords.needs_rehash(old)
    assert not passwords.needs_rehash(passwords.hash_password(PASSWORD))


def test_the_real_parameters_hash_and_verify() -> None:
    stored = passwords._scrypt(PASSWORD, b"0" * 16, 2**15, 8, 1, 32)  # ~32 MiB, allowed
    assert len(stored) == 32


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("court", "trop court"),
        (" " * 12, "blancs"),
        ("abc\x1b[31mdefgh", "contrôle"),
        ("x" * 300, "trop long"),
        ("Voirie1Login", "identifiant"),
    ],
)
def test_password_rules_are_said_in_french(password: str, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        passwords.check_password_rules(password, "voirie1login")
    assert words in str(refused.value)


# -- the Store -----------------------------------------------------------------------------


@pytest.fixture
def agent(store: Store, admin: OperatorRecord) -> OperatorRecord:
    store.add_operator("voirie1", Role.SERVICE, "Victor Voirie", ["VOIRIE"])
    return store.set_password("voirie1", PASSWORD)


def test_the_right_password_gives_the_operator_with_their_role(store: Store, agent) -> None:
    found = store.verify_login("voirie1", PASSWORD)

    assert isinstance(found, OperatorRecord)
    assert found.role is Role.SERVICE and found.service_codes == ("VOIRIE",)


def test_unknown_login_wrong_password_and_no_password_get_the_same_refusal(
    store: Store, agent, operator
) -> None:
    unknown = store.verify_login("personne", PASSWORD)
    wrong = store.verify_login("voirie1", "pas le bon")
    none_set = store.verify_login(operator.login, PASSWORD)

    assert unknown == wrong == none_set
    assert isinstance(wrong, LoginRefused) and wrong.reason is Refusal.WRONG
    assert wrong.message == "Identifiant ou mot de passe incorrect."


def test_five_failures_in_a_row_lock_the_login_for_15_minutes(store: Store, agent, clock):
    for _ in range(4):
        assert store.verify_login("voirie1", "pas le bon").reason is Refusal.WRONG
    locked = store.verify_login("voirie1", "pas le bon")

    assert locked.reason is Refusal.LOCKED
    assert locked.locked_until == clock.now() + timedelta(minutes=15)
    assert "bloqué jusqu'à 10:15 (heure de Paris)" in locked.message  # 09:00 UTC, November
    # Even the right password is refused while locked; the state says so.
    assert store.verify_login("voirie1", PASSWORD).reason is Refusal.LOCKED
    assert store.login_states()["voirie1"].locked_until == locked.locked_until

    clock.advance(minutes=15, seconds=1)
    assert isinstance(store.verify_login("voirie1", PASSWORD), OperatorRecord)
    assert store.login_states()["voirie1"].locked_until is None


def test_a_success_resets_the_count_and_an_admin_unlocks(store: Store, agent) -> None:
    for _ in range(4):
        store.verify_login("voirie1", "pas le bon")
    assert isinstance(store.verify_login("voirie1", PASSWORD), OperatorRecord)
    for _ in range(4):
        store.verify_login("voirie1", "pas le bon")
    assert store.login_states()["voirie1"].failed_logins == 4  # not locked: the count restarted

    store.verify_login("voirie1", "pas le bon")
    assert store.verify_login("voirie1", PASSWORD).reason is Refusal.LOCKED
    store.unlock_operator("voirie1")
    assert store.login_states()["voirie1"] == store.login_states()["voirie1"].__class__(
        True, 0, None
    )
    assert isinstance(store.verify_login("voirie1", PASSWORD), OperatorRecord)


def test_failures_are_counted_across_stores(store: Store, agent, db_path, clock) -> None:
    """Each browser connection is its own process: the count lives in the database."""
    others = [Store(db_path, clock=clock) for _ in range(5)]
    try:
        verdicts = [other.verify_login("voirie1", "pas le bon") for other in others]
    finally:
        for other in others:
            other.close()
    assert [v.reason for v in verdicts][-1] is Refusal.LOCKED
    assert store.verify_login("voirie1", PASSWORD).reason is Refusal.LOCKED


def test_a_disabled_login_is_refused_once_the_password_is_right(store: Store, agent) -> None:
    store.set_operator_active("voirie1", False)

    assert store.verify_login("voirie1", "pas le bon").reason is Refusal.WRONG
    refused = store.verify_login("voirie1", PASSWORD)
    assert refused.reason is Refusal.DISABLED and "désactivé" in refused.message
    assert not store.operator_active(agent.id)
    with pytest.raises(DisabledOperatorError):
        store.resolve_operator("voirie1")

    store.set_operator_active("voirie1", True)
    assert isinstance(store.verify_login("voirie1", PASSWORD), OperatorRecord)
    assert store.operator_active(agent.id)


def test_the_last_active_admin_is_never_disabled(store: Store, admin) -> None:
    with pytest.raises(LastAdminError):
        store.set_operator_active("admin", False)
    store.add_operator("admin2", Role.ADMIN)
    store.set_operator_active("admin", False)
    with pytest.raises(LastAdminError):
        store.set_operator_active("admin2", False)


def test_unknown_logins_are_refused_by_every_admin_action(store: Store, admin) -> None:
    for action in (
        lambda: store.set_password("personne", PASSWORD),
        lambda: store.set_operator_active("personne", False),
        lambda: store.unlock_operator("personne"),
    ):
        with pytest.raises(UnknownOperatorError):
            action()


# -- the commands --------------------------------------------------------------------------


def allo(db_path, *args: str, input: str | None = None, as_login: str = "admin"):
    return CliRunner().invoke(
        main, ["--db", str(db_path), "--operator", as_login, *args], input=input
    )


def test_passwd_reads_one_line_of_stdin_and_never_echoes_it(store: Store, agent, db_path):
    result = allo(db_path, "operator", "passwd", "voirie1", input="Bordure-21-neuve\n")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "voirie1 : mot de passe enregistré"
    assert "Bordure" not in result.output
    assert isinstance(store.verify_login("voirie1", "Bordure-21-neuve"), OperatorRecord)
    audit = query(db_path, "SELECT action, subject, old_value, new_value FROM audit")
    assert audit == [("operator.password", "voirie1", "", "")]  # who and when, never what


def test_passwd_on_a_terminal_asks_twice_and_refuses_a_mismatch(
    store: Store, agent, db_path, monkeypatch
) -> None:
    from allo_tui.cli import operators

    monkeypatch.setattr(operators, "_on_terminal", lambda: True)
    mismatch = allo(
        db_path, "operator", "passwd", "voirie1", input="Bordure-21-neuve\nautre-chose\n"
    )
    assert mismatch.exit_code == 2
    assert "diffèrent" in mismatch.output and "Bordure" not in mismatch.output
    assert isinstance(store.verify_login("voirie1", PASSWORD), OperatorRecord)  # unchanged

    same = allo(db_path, "operator", "passwd", "voirie1", input="Bordure-21-neuve\n" * 2)
    assert same.exit_code == 0, same.output
    assert isinstance(store.verify_login("voirie1", "Bordure-21-neuve"), OperatorRecord)


def test_passwd_refuses_a_short_password_and_a_non_admin(store: Store, agent, db_path, operator):
    short = allo(db_path, "operator", "passwd", "voirie1", input="court\n")
    assert short.exit_code == 2 and "trop court" in short.output and "Traceback" not in short.output

    hostess = allo(
        db_path, "operator", "passwd", "voirie1", input="Bordure-21!\n", as_login="hostess"
    )
    assert hostess.exit_code == 2 and "administrateur" in hostess.output

    unknown = allo(db_path, "operator", "passwd", "personne", input="Bordure-21!\n")
    assert unknown.exit_code == 2 and "inconnu" in unknown.output
    assert isinstance(store.verify_login("voirie1", PASSWORD), OperatorRecord)


def test_disable_enable_unlock_and_list(store: Store, agent, db_path) -> None:
    wall_clock = Store(db_path)  # the command reads the lock against the real time
    try:
        for _ in range(5):
            wall_clock.verify_login("voirie1", "pas le bon")
    finally:
        wall_clock.close()

    listed = allo(db_path, "operator", "list")
    assert "voirie1\tservice\tVictor Voirie\tVOIRIE\tmot de passe, bloqué jusqu'à" in listed.output
    assert "admin\tadmin\tadmin\t-\tsans mot de passe" in listed.output

    assert allo(db_path, "operator", "unlock", "voirie1").output == "voirie1 : débloqué\n"
    disabled = allo(db_path, "operator", "disable", "voirie1")
    assert disabled.exit_code == 0 and "désactivé" in disabled.output
    assert "Victor Voirie (désactivé)" in allo(db_path, "operator", "list").output
    refused = allo(db_path, "operator", "list", as_login="voirie1")
    assert refused.exit_code == 0  # list reads only; but acting as a disabled login is refused
    acting = allo(db_path, "operator", "unlock", "voirie1", as_login="voirie1")
    assert acting.exit_code == 2 and "désactivé" in acting.output

    assert allo(db_path, "operator", "enable", "voirie1").output == "voirie1 : réactivé\n"
    last = allo(db_path, "operator", "disable", "admin")
    assert last.exit_code == 2 and "dernier administrateur" in last.output
    assert query(db_path, "SELECT action, subject FROM audit ORDER BY id") == [
        ("operator.disable", "voirie1"),
        ("operator.enable", "voirie1"),
    ]
