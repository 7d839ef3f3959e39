"""Sending one message: SMTP in production, the development mailbox under `make run` and tests.

MAIL_BACKEND = "smtp" sends through MAIL_SERVER:MAIL_PORT (MAIL_SECURITY "starttls", "ssl" or
"none"; MAIL_USERNAME/MAIL_PASSWORD when the server wants a login). MAIL_BACKEND = "mailbox"
stores the message in `notice_mailbox`, shown at /notices/mailbox while the practice LMS is on.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

from lms_plugin.db import db
from lms_plugin.notices.models import MailboxMessage


@dataclass(frozen=True)
class Message:
    to_addr: str
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)


class MailError(Exception):
    """The message could not be handed over; it is tried again in a later round."""


def build(message: Message) -> EmailMessage:
    config = current_app.config
    mail = EmailMessage()
    mail["From"] = formataddr((str(config["TOOL_NAME"]), str(config["MAIL_FROM"])))
    mail["To"] = message.to_addr
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(domain=str(config["MAIL_FROM"]).rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"
    for name, value in message.headers.items():
        mail[name] = value
    mail.set_content(message.body)  # UTF-8, quoted-printable/base64 as needed
    return mail


def send(message: Message) -> None:
    """Hand the message to the configured backend; MailError when that failed."""
    backend = str(current_app.config["MAIL_BACKEND"])
    if backend == "mailbox":
        headers = "\n".join(f"{k}: {v}" for k, v in message.headers.items())
        db.session.add(
            MailboxMessage(
                to_addr=message.to_addr,
                subject=message.subject[:255],
                body=message.body,
                headers=headers,
            )
        )
        db.session.flush()
        return
    if backend != "smtp":
        raise MailError(f"unknown MAIL_BACKEND {backend!r}")
    _send_smtp(build(message))


def _send_smtp(mail: EmailMessage) -> None:
    config = current_app.config
    host, port = str(config["MAIL_SERVER"]), int(config["MAIL_PORT"])
    security = str(config["MAIL_SECURITY"])
    timeout = float(config["MAIL_TIMEOUT_SECONDS"])
    try:
        if security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                client.login(str(config["MAIL_USERNAME"]), str(config["MAIL_PASSWORD"] or ""))
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"SMTP {host}:{port}: {type(exc).__name__}") from exc
