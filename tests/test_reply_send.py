"""`allo replies send` against a real SMTP server (aiosmtpd, started by the tests): what callers
who prefer e-mail receive, and what the outbox and the requests hold after each answer of the
server. Both backends."""

from __future__ import annotations

import subprocess
import sys
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from browser_helpers import free_port
from click.testing import CliRunner
from conftest import ALL_BACKENDS, category
from store_helpers import execute, query

from allo_tui.cli import main
from allo_tui.domain.enums import ContactPreference
from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.domain.workflow import Action

BACKENDS = ALL_BACKENDS


class Inbox:
    """An SMTP handler that keeps what it accepts; `refusals` are answered first, in order."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refusals: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        if self.refusals:
            return self.refusals.pop(0)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    config = tmp_path / "config" / "allo-tui"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "allo-mairie@auxerre.fr"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("ALLO_OPERATOR", "admin")
    monkeypatch.delenv("ALLO_DB", raising=False)
    yield handler
    controller.stop()


def _by_email(store, admin, name: str, email: str, **request_fields):
    caller = store.create_caller(
        admin,
        NewCaller(surname=name, email=email, contact_preference=ContactPreference.EMAIL),
    )
    return store.create_request(
        admin,
        NewRequest(
            category_id=category(store, "VOIRIE").id,
            description="Nid de poule [bold]profond",
            caller_id=caller.id,
            **request_fields,
        ),
    )


def _send(db_path) -> str:
    result = CliRunner().invoke(main, ["--db", str(db_path), "replies", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_acknowledgement_goes_out_once_and_acknowledges_the_request(
    store, admin, db_path, inbox
):
    made = _by_email(store, admin, "Zébulon", "eleonore@example.fr")
    output = _send(db_path)
    assert f"envoyé : {made.reference} à eleonore@example.fr" in output
    [message] = inbox.messages
    assert message["To"] == "eleonore@example.fr"
    assert message["From"] == "allo-mairie@auxerre.fr"
    assert message["Message-ID"].endswith("@auxerre.fr>") and message["Date"]
    assert made.reference in message["Subject"]
    text, html = (part.get_payload(decode=True).decode() for part in message.get_payload())
    assert "Nid de poule [bold]profond" in text
    assert "Nid de poule [bold]profond" in html and "<p>" in html
    [(how, acknowledged)] = query(
        db_path, "SELECT acknowledged_how, acknowledged_at FROM requests WHERE id = ?", (made.id,)
    )
    assert how == "email" and acknowledged is not None
    assert "envoyés : 0" in _send(db_path), "sent once"
    assert len(inbox.messages) == 1


def test_a_final_answer_goes_out_when_a_request_is_done(store, admin, db_path, inbox):
    made = _by_email(store, admin, "Zébulon", "eleonore@example.fr")
    _send(db_path)
    current = store.get_request(made.id)
    store.apply(
        admin,
        made.id,
        Action.DONE,
        outcome_code="REPARE",
        expected_version=current.version,
        text="Trou rebouché.",
    )
    _send(db_path)
    assert len(inbox.messages) == 2
    final = inbox.messages[1].get_payload()[0].get_payload(decode=True).decode()
    assert "Trou rebouché." in final
    notes = query(
        db_path, "SELECT note FROM events WHERE request_id = ? AND kind = 'note'", (made.id,)
    )
    assert ("Réponse finale envoyée par courriel à eleonore@example.fr",) in notes


def test_a_temporary_refusal_is_retried_later_and_a_permanent_one_fails_with_its_message(
    store, admin, db_path, inbox
):
    first = _by_email(store, admin, "Zébulon", "eleonore@example.fr")
    second = _by_email(store, admin, "Arthur", "arthur@example.fr")
    inbox.refusals = ["451 4.3.0 Essayez plus tard", "550 5.1.1 Boîte inconnue"]
    output = _send(db_path)
    assert "à réessayer : 1, en échec : 1" in output
    states = dict(
        query(
            db_path,
            "SELECT r.reference, m.state || ' ' || m.last_error FROM reply_mails m"
            " JOIN requests r ON r.id = m.request_id",
        )
    )
    assert states[first.reference].startswith("queued 451")
    assert states[second.reference] == "failed 550 5.1.1 Boîte inconnue"
    assert "envoyés : 0" in _send(db_path), "the retry waits for its back-off"
    execute(db_path, "UPDATE reply_mails SET next_attempt_at = queued_at")  # time passes
    assert "envoyés : 1, à réessayer : 0, en échec : 0" in _send(db_path)
    assert [m["To"] for m in inbox.messages] == ["eleonore@example.fr"]
    outbox = CliRunner().invoke(main, ["--db", str(db_path), "replies", "outbox"]).output
    assert second.reference in outbox and "en échec" in outbox
    assert first.reference not in outbox


def test_a_claim_left_by_a_dead_sender_is_to_check_and_not_resent(store, admin, db_path, inbox):
    made = _by_email(store, admin, "Zébulon", "eleonore@example.fr")
    inbox.refusals = ["451 plus tard"]
    _send(db_path)
    execute(
        db_path,
        "UPDATE reply_mails SET state = 'sending', claimed_at = '2020-01-01 00:00:00.000000',"
        " claimed_by = 'mort'",
    )
    output = CliRunner().invoke(main, ["--db", str(db_path), "replies", "send"]).output
    assert "à vérifier" in output
    assert query(db_path, "SELECT state FROM reply_mails") == [("check",)]
    assert inbox.messages == []
    assert (
        made.reference
        in CliRunner().invoke(main, ["--db", str(db_path), "replies", "outbox"]).output
    )


def test_two_senders_at_once_send_each_message_once(store, admin, db_path, inbox, tmp_path):
    made = [_by_email(store, admin, f"Nom{i}", f"n{i}@example.fr") for i in range(12)]
    command = [sys.executable, "-m", "allo_tui", "--db", str(db_path), "replies", "send"]
    senders = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [sender.communicate(timeout=120) for sender in senders]
    assert all(sender.returncode == 0 for sender in senders), outputs
    received = sorted(message["To"] for message in inbox.messages)
    assert received == sorted(f"n{i}@example.fr" for i in range(12))
    assert query(db_path, "SELECT count(*) FROM reply_mails WHERE state = 'sent'") == [(12,)]
    assert len(made) == 12


def test_without_smtp_settings_send_says_how_to_add_them(
    store, admin, db_path, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing"))
    monkeypatch.setenv("ALLO_OPERATOR", "admin")
    result = CliRunner().invoke(main, ["--db", str(db_path), "replies", "send"])
    assert result.exit_code == 2
    assert "[smtp]" in result.output


def test_a_callers_emails_are_in_their_export_and_go_with_their_erasure(
    store, admin, db_path, inbox
):
    made = _by_email(store, admin, "Zébulon", "eleonore@example.fr")
    _send(db_path)
    data = store.caller_personal_data(made.caller_id)
    [mail] = data["emails"]
    assert mail["to_address"] == "eleonore@example.fr" and mail["state"] == "sent"
    store.erase_caller(admin, made.caller_id, "Demande écrite", force=True)
    [(to, subject, body, state)] = query(
        db_path, "SELECT to_address, subject, body, state FROM reply_mails"
    )
    assert (to, subject, body, state) == ("", "", "", "sent")


def test_the_request_detail_says_what_went_out_and_what_failed(store, admin, db_path, inbox):
    from rich.console import Console

    from allo_tui.screens.request_detail_content import request_fields

    sent = _by_email(store, admin, "Zébulon", "eleonore@example.fr")
    refused = _by_email(store, admin, "Arthur", "arthur@example.fr")
    _send(db_path)
    inbox.refusals = ["550 5.1.1 Boîte inconnue"]
    execute(db_path, "DELETE FROM reply_mails WHERE request_id = ?", (refused.id,))
    execute(db_path, "UPDATE requests SET acknowledged_at = NULL WHERE id = ?", (refused.id,))
    _send(db_path)

    def shown(request_id: int) -> str:
        detail = store.request_detail(request_id)
        console = Console(width=160, record=True)
        console.print(request_fields(detail.request, store.now(), None, detail.replies))
        return console.export_text()

    assert "Accusé de réception : courriel à eleonore@example.fr, envoyé le" in shown(sent.id)
    failed = shown(refused.id)
    assert "courriel à arthur@example.fr, en échec — 550 5.1.1 Boîte inconnue" in failed


def test_an_unreachable_server_leaves_every_message_queued_for_the_next_run(
    store, admin, db_path, tmp_path, monkeypatch
):
    for index in range(3):
        _by_email(store, admin, f"Nom{index}", f"n{index}@example.fr")
    config = tmp_path / "away" / "allo-tui"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\nfrom = "a@auxerre.fr"\ntimeout = 2\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "away"))
    monkeypatch.setenv("ALLO_OPERATOR", "admin")
    result = CliRunner().invoke(main, ["--db", str(db_path), "replies", "send"])
    assert result.exit_code == 0, result.output
    assert "envoyés : 0, à réessayer : 1, en échec : 0" in result.output
    assert "injoignable" in result.output
    assert query(db_path, "SELECT state, count(*) FROM reply_mails GROUP BY state") == [
        ("queued", 3)
    ]


def test_the_detail_says_to_call_back_a_caller_who_prefers_the_phone(store, admin):
    from rich.console import Console

    from allo_tui.screens.request_detail_content import request_fields

    caller = store.create_caller(admin, NewCaller(surname="Rappel", phones=("0386123456",)))
    made = store.create_request(
        admin,
        NewRequest(category_id=category(store, "VOIRIE").id, description="x", caller_id=caller.id),
    )

    def shown() -> str:
        detail = store.request_detail(made.id)
        console = Console(width=160, record=True)
        console.print(request_fields(detail.request, store.now(), None, detail.replies))
        return console.export_text()

    assert "rappeler le demandeur" in shown()
    store.apply(admin, made.id, Action.ACKNOWLEDGE, expected_version=1, how="phone")
    assert "rappeler le demandeur" not in shown()
