"""A real SMTP server for tests (aiosmtpd): what the tool's mailer hands over, per recipient."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask


@dataclass
class Inbox:
    """What the SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        mail["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(mail)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Envelope-To"] == address]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_inbox(app: Flask, monkeypatch: pytest.MonkeyPatch, **config: object) -> Iterator[Inbox]:
    """An SMTP server on a free port, and the app's mail settings pointed at it (plus `config`)."""
    port = free_port()
    handler = Inbox(port=port)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings: dict[str, object] = {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_SECURITY": "none",
        "MAIL_FROM": "mentor@example.hu",
        **config,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    try:
        yield handler
    finally:
        controller.stop()
