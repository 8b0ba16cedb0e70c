"""`allo replies send`: the e-mail replies to callers who prefer e-mail, through the outbox.

Each run queues what is due (acknowledgements of open requests not yet acknowledged, final
answers of requests done, rejected or transferred), flags the claims a dead sender left
("à vérifier"), then sends the queued messages one claim at a time over one SMTP connection.
Meant to run from a timer (cron, systemd: see the README); two runs at once send nothing twice.
"""

from __future__ import annotations

import os
import smtplib
import socket
import uuid

import click

from allo_tui.cli.common import Fail, db_option, one_line, open_store, resolve_operator

TEXTS = {
    "no_smtp": (
        "aucun serveur d'envoi : ajoutez une table [smtp] (host, port, from…) au fichier de"
        " configuration (voir le README, « Courriels »)"
    ),
    "queued": "{count} courriel(s) mis en file",
    "stale": "{count} envoi(s) interrompu(s) : à vérifier (allo replies outbox)",
    "sent": "envoyé : {reference} à {to}",
    "retry": "à réessayer : {reference} à {to} ({error})",
    "failed": "en échec : {reference} à {to} ({error})",
    "summary": "envoyés : {sent}, à réessayer : {retry}, en échec : {failed}",
    "cannot_connect": "serveur {host}:{port} injoignable : {error}",
    "outbox_empty": "file d'envoi vide",
    "no_email": "adresse électronique vide",
}


@click.command("send")
@click.option("--limit", type=click.IntRange(1), default=None, help="Envoyer au plus N messages.")
@db_option
def send(limit: int | None) -> None:
    """Envoie par courriel les accusés de réception et réponses finales dus aux demandeurs
    qui préfèrent le courriel (file d'envoi : jamais deux fois le même message)."""
    from allo_tui.config import ConfigError, smtp_config
    from allo_tui.data.store import reply_mails as outbox

    try:
        config = smtp_config()
        if config is None:
            raise Fail(TEXTS["no_smtp"])
        password = config.password()
    except ConfigError as error:
        raise Fail(str(error)) from None
    store = open_store(create=False)
    operator = resolve_operator(store, demo=store.is_demo())
    queued = outbox.queue_mails(store, _due_mails(store, config.sender))
    if queued:
        click.echo(TEXTS["queued"].format(count=queued))
    stale = outbox.flag_stale_claims(store)
    if stale:
        click.echo(TEXTS["stale"].format(count=stale), err=True)
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    reply_to = _setting(store, "reply_to")
    counts = {"sent": 0, "retry": 0, "failed": 0}
    references: dict[int, str] = {}
    connection: smtplib.SMTP | None = None
    try:
        while limit is None or sum(counts.values()) < limit:
            mail = outbox.claim_next(store, token)
            if mail is None:
                break
            if mail.request_id not in references:
                record = store.get_request(mail.request_id)
                references[mail.request_id] = record.reference if record else "?"
            reference = references[mail.request_id]
            try:
                if connection is None:
                    connection = _connect(config, password)
                connection.send_message(
                    _message(mail, config.sender, reply_to, store.calendar().to_local(store.now())),
                    from_addr=config.sender,
                    to_addrs=[mail.to_address],
                )
            except smtplib.SMTPRecipientsRefused as error:
                code, text = next(iter(error.recipients.values()))
                outcome = _refused(store, mail, code, text)
            except smtplib.SMTPResponseException as error:
                outcome = _refused(store, mail, error.smtp_code, error.smtp_error)
                if error.smtp_code == 421:
                    connection = _close(connection)
            except (smtplib.SMTPException, OSError) as error:
                # The server is away or the link broke: this message waits for its back-off,
                # the others for the next run (no connection attempt per message).
                connection = _close(connection)
                error_text = str(error) or type(error).__name__
                state = outbox.mark_retry(store, mail, error_text)
                outcome = "retry" if state == outbox.QUEUED else "failed"
                click.echo(
                    TEXTS[outcome].format(
                        reference=reference, to=mail.to_address, error=error_text
                    ),
                    err=True,
                )
                counts[outcome] += 1
                break
            else:
                outbox.mark_sent(store, operator, mail)
                outcome = "sent"
                click.echo(TEXTS["sent"].format(reference=reference, to=mail.to_address))
            if outcome != "sent":
                row = next(
                    m for m in outbox.request_mails(store, mail.request_id) if m.id == mail.id
                )
                click.echo(
                    TEXTS[outcome].format(
                        reference=reference, to=mail.to_address, error=one_line(row.last_error)
                    ),
                    err=True,
                )
            counts[outcome] += 1
    finally:
        _close(connection)
    click.echo(TEXTS["summary"].format(**counts))


def _refused(store, mail, code: int, text: bytes | str) -> str:
    """A server's refusal: 4xx is temporary (retried later), 5xx permanent (failed)."""
    from allo_tui.data.store import reply_mails as outbox

    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    error = f"{code} {message}".strip()
    if 400 <= code < 500:
        state = outbox.mark_retry(store, mail, error)
        return "retry" if state == outbox.QUEUED else "failed"
    outbox.mark_failed(store, mail, error)
    return "failed"


def _connect(config, password: str) -> smtplib.SMTP:
    try:
        factory = smtplib.SMTP_SSL if config.ssl else smtplib.SMTP
        connection = factory(config.host, config.port, timeout=config.timeout)
        if config.starttls and not config.ssl:
            connection.starttls()
        if config.login:
            connection.login(config.login, password)
        return connection
    except (smtplib.SMTPException, OSError) as error:
        raise OSError(
            TEXTS["cannot_connect"].format(host=config.host, port=config.port, error=error)
        ) from None


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()
    return None


def _message(mail, sender: str, reply_to: str, at):
    from allo_tui.domain.reply_mail import compose

    return compose(
        sender=sender,
        to=mail.to_address,
        subject=mail.subject,
        text=mail.body,
        message_id=mail.message_id,
        at=at,
        reply_to=reply_to,
    )


def _due_mails(store, sender: str):
    """The replies due by e-mail, rendered from their templates, ready to queue."""
    from allo_tui.data.store.reply_letters import ACK, FINAL, replies_due
    from allo_tui.data.store.reply_mails import QueuedMail
    from allo_tui.data.store.reply_templates import template_for
    from allo_tui.domain.enums import ContactPreference
    from allo_tui.domain.reply_mail import message_id
    from allo_tui.domain.reply_templates import ACKNOWLEDGEMENT, FINAL_ANSWER, render, reply_fields

    codes = {category.id: category.code for category in store.categories()}
    signature = _setting(store, "reply_signature")
    mails = []
    for kind, template in ((ACK, ACKNOWLEDGEMENT), (FINAL, FINAL_ANSWER)):
        for letter in replies_due(store, kind, None, ContactPreference.EMAIL, "reply_mails"):
            to = letter.caller.email.strip()
            if not to:
                continue  # flagged on the request; nothing to send to
            request = letter.request
            subject, body = template_for(
                store, template, codes.get(request.category_id), request.kind.value
            )
            fields = reply_fields(letter.request, letter.caller, signature=signature)
            mails.append(
                QueuedMail(
                    letter=letter,
                    kind=kind,
                    to_address=to,
                    subject=render(subject, fields).strip(),
                    body=render(body, fields),
                    message_id=message_id(sender),
                )
            )
    return mails


def _setting(store, key: str) -> str:
    from allo_tui.data.store.site_settings import stored_settings
    from allo_tui.domain.site_settings import spec_of

    return spec_of(key).shown(stored_settings(store).get(key))


@click.command("outbox")
@click.option("--all", "show_all", is_flag=True, help="Les messages envoyés aussi.")
@db_option
def outbox_list(show_all: bool) -> None:
    """Liste la file d'envoi des courriels : en attente, en échec, à vérifier (--all : tous)."""
    from allo_tui.data.store import reply_mails as outbox

    store = open_store(create=False, read_only=True)
    calendar = store.calendar()
    rows = outbox.outbox_rows(store, include_sent=show_all)
    if not rows:
        click.echo(TEXTS["outbox_empty"])
        return
    for reference, mail in rows:
        when = calendar.to_local(mail.sent_at or mail.queued_at).strftime("%d/%m/%Y %H:%M")
        click.echo(
            f"{reference}\t{mail.kind}\t{one_line(mail.to_address)}\t"
            f"{outbox.STATE_LABELS[mail.state]}\t{when}\t{mail.attempts} essai(s)\t"
            f"{one_line(mail.last_error)}"
        )
