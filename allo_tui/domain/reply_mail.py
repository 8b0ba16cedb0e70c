"""An e-mail to a caller, as its SMTP server receives it: plain text and HTML parts (the HTML
made from the text, every character escaped), Message-ID, Date, Reply-To."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def message_id(sender: str) -> str:
    """A new Message-ID in the sender's domain (kept in the outbox, the same on every try)."""
    domain = sender.rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def html_of(text: str) -> str:
    """The text as a small HTML document: paragraphs at blank lines, line breaks kept, every
    character escaped."""
    from allo_tui.domain.reply_templates import to_html

    body = to_html(text)
    return (
        f'<!DOCTYPE html>\n<html lang="fr"><meta charset="utf-8"><body>\n{body}\n</body></html>\n'
    )


def compose(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    message_id: str,
    at: datetime,
    reply_to: str = "",
) -> EmailMessage:
    """The message, ready for `smtplib.SMTP.send_message`."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(at)
    message["Message-ID"] = message_id
    if reply_to.strip():
        message["Reply-To"] = reply_to.strip()
    message.set_content(text)
    message.add_alternative(html_of(text), subtype="html")
    return message
