"""Local stand-ins for the outside world of operations: a webhook receiver and an SMTP server.

Both listen on 127.0.0.1 only and record what they receive, so alert tests can read back the
exact JSON and e-mail a maintainer would get.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebhookReceiver:
    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []
        received = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(
                    {
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type", ""),
                        "json": json.loads(body),
                    }
                )
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/tasapaino-secret-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class MailSink:
    """aiosmtpd handler keeping each delivered message with its envelope."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content))
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def smtp_server() -> Iterator[tuple[MailSink, int]]:
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


UI = "https://dagster.example.org"
ALERT_ENV = (
    "TASAPAINO_ALERT_WEBHOOK_URL",
    "TASAPAINO_ALERT_SMTP_HOST",
    "TASAPAINO_ALERT_SMTP_PORT",
    "TASAPAINO_ALERT_SMTP_TLS",
    "TASAPAINO_ALERT_SMTP_USER",
    "TASAPAINO_ALERT_SMTP_PASSWORD",
    "TASAPAINO_ALERT_EMAIL_FROM",
    "TASAPAINO_ALERT_EMAIL_TO",
    "TASAPAINO_UI_URL",
)


@pytest.fixture
def alert_env(monkeypatch, webhook, smtp_server):
    for name in ALERT_ENV:
        monkeypatch.delenv(name, raising=False)
    _, port = smtp_server
    monkeypatch.setenv("TASAPAINO_ALERT_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("TASAPAINO_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TASAPAINO_ALERT_SMTP_PORT", str(port))
    monkeypatch.setenv("TASAPAINO_ALERT_SMTP_TLS", "none")
    monkeypatch.setenv("TASAPAINO_ALERT_EMAIL_FROM", "pipeline@example.org")
    monkeypatch.setenv("TASAPAINO_ALERT_EMAIL_TO", "maintainer@example.org, backup@example.org")
    monkeypatch.setenv("TASAPAINO_UI_URL", UI)
