"""Tell a maintainer that a run failed: a chat webhook and/or an e-mail, set by environment.

Nobody watches the pipeline every day, so a failed run (including a failed blocking check,
which fails its step and therefore the run) must reach a person with everything needed to act:
which run, which step or check failed, and where to open it. This module is pure delivery and
formatting; ``pipelines/sensors.py`` turns a Dagster run into an :class:`Alert`.

Configuration (all optional; with none set, alerts are only logged):

``TASAPAINO_ALERT_WEBHOOK_URL``   incoming-webhook URL (Slack, Microsoft Teams workflow, Matrix
                                  hookshot); treated as a secret, never logged
``TASAPAINO_ALERT_SMTP_HOST``     SMTP server; e-mail is sent only when this and ``..._EMAIL_TO``
                                  are set
``TASAPAINO_ALERT_SMTP_PORT``     default 587 (``starttls``), 465 (``ssl``) or 25 (``none``)
``TASAPAINO_ALERT_SMTP_TLS``      ``starttls`` (default), ``ssl`` or ``none``
``TASAPAINO_ALERT_SMTP_USER``     login user, if the server needs one
``TASAPAINO_ALERT_SMTP_PASSWORD`` login password (a secret, never logged)
``TASAPAINO_ALERT_EMAIL_FROM``    sender, default ``tasapaino@localhost``
``TASAPAINO_ALERT_EMAIL_TO``      recipients, comma-separated
``TASAPAINO_UI_URL``              where maintainers open the Dagster UI, default
                                  ``http://127.0.0.1:3000``; alerts link to ``<UI>/runs/<run id>``
"""

from __future__ import annotations

import html
import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # httpx costs about a second to import; definitions load without it
    import httpx


DEFAULT_UI_URL = "http://127.0.0.1:3000"
_TLS_MODES = {"starttls": 587, "ssl": 465, "none": 25}
_TIMEOUT_S = 15.0


class AlertConfigError(ValueError):
    """An alert setting in the environment is malformed (named, with the fix)."""


class AlertDeliveryError(RuntimeError):
    """At least one configured channel did not accept the alert (message holds no secrets)."""


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check: str
    description: str = ""


@dataclass(frozen=True)
class DegradedTable:
    """A source table a published run could not read: carried over (stale) or left out."""

    table: str
    measure: str
    status: str  # stale or missing
    error: str = ""
    fix: str = ""


@dataclass(frozen=True)
class Alert:
    """What went wrong in one run, in the terms a maintainer acts on.

    With ``degraded`` tables the run did publish (``published`` is True): the alert names each
    table the release lacks or carries over, its error and the fix."""

    run_id: str
    job_name: str
    failed_steps: Sequence[str] = ()
    failed_checks: Sequence[FailedCheck] = ()
    error: str = ""
    ui_url: str = DEFAULT_UI_URL
    degraded: Sequence[DegradedTable] = ()
    published: bool = False

    @property
    def run_url(self) -> str:
        return f"{self.ui_url.rstrip('/')}/runs/{self.run_id}"

    @property
    def subject(self) -> str:
        if self.published:
            what = f"published with {len(self.degraded)} stale/missing tables"
        else:
            what = "a blocking check failed" if self.failed_checks else "run failed"
        return f"Tasapaino: {self.job_name} {what} (run {self.run_id[:8]})"

    def lines(self) -> list[str]:
        """The message body, one fact a line, the same in chat and e-mail."""
        if self.published:
            return self._degraded_lines()
        out = [
            f"Run {self.run_id} of job {self.job_name} failed; nothing was published "
            "and dist/latest still points at the previous release.",
            f"Failed steps: {', '.join(self.failed_steps) or 'none recorded'}",
        ]
        if self.failed_checks:
            out.append("Failed checks:")
            out += [
                f"- {c.asset}:{c.check}" + (f" ({c.description})" if c.description else "")
                for c in self.failed_checks
            ]
        if self.error:
            out.append(f"Error: {self.error}")
        out += [
            f"Open the run: {self.run_url}",
            "Re-run after fixing: docs/operations.md, section 'Re-run a failed run or partition'.",
        ]
        return out

    def _degraded_lines(self) -> list[str]:
        out = [
            f"Run {self.run_id} of job {self.job_name} published a release with "
            f"{len(self.degraded)} stale/missing tables; every other table is current.",
        ]
        for t in self.degraded:
            kept = "previous release's rows kept" if t.status == "stale" else "left out"
            out.append(f"- {t.table} ({t.measure}): {t.status}, {kept}. Error: {t.error}")
            if t.fix:
                out.append(f"  Fix: {t.fix}")
        out += [
            f"Open the run: {self.run_url}",
            "After fixing, re-run the table's asset (group collect) or the whole job: "
            "docs/operations.md, section 'Stale and missing tables'.",
        ]
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    sender: str
    recipients: tuple[str, ...]
    user: str = ""
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class AlertSettings:
    webhook_url: str = field(default="", repr=False)
    smtp: SmtpSettings | None = None
    ui_url: str = DEFAULT_UI_URL

    @property
    def channels(self) -> list[str]:
        return [n for n, on in (("webhook", self.webhook_url), ("email", self.smtp)) if on]


def settings_from_env(env: Mapping[str, str] | None = None) -> AlertSettings:
    """Read the alert channels from the environment; a malformed value is a one-line error."""
    env = os.environ if env is None else env
    webhook = env.get("TASAPAINO_ALERT_WEBHOOK_URL", "").strip()
    if webhook and urlsplit(webhook).scheme not in ("http", "https"):
        raise AlertConfigError(
            "TASAPAINO_ALERT_WEBHOOK_URL: not an http(s) URL; paste the incoming-webhook "
            "address your chat service gave you"
        )
    smtp = None
    host = env.get("TASAPAINO_ALERT_SMTP_HOST", "").strip()
    recipients = tuple(
        r.strip() for r in env.get("TASAPAINO_ALERT_EMAIL_TO", "").split(",") if r.strip()
    )
    if host and recipients:
        tls = env.get("TASAPAINO_ALERT_SMTP_TLS", "starttls").strip().lower()
        if tls not in _TLS_MODES:
            raise AlertConfigError(
                f"TASAPAINO_ALERT_SMTP_TLS={tls!r}: use one of {', '.join(_TLS_MODES)}"
            )
        port_text = env.get("TASAPAINO_ALERT_SMTP_PORT", "").strip()
        if port_text and not port_text.isdigit():
            raise AlertConfigError(
                f"TASAPAINO_ALERT_SMTP_PORT={port_text!r}: not a port number (e.g. 587)"
            )
        smtp = SmtpSettings(
            host=host,
            port=int(port_text) if port_text else _TLS_MODES[tls],
            tls=tls,
            sender=env.get("TASAPAINO_ALERT_EMAIL_FROM", "").strip() or "tasapaino@localhost",
            recipients=recipients,
            user=env.get("TASAPAINO_ALERT_SMTP_USER", "").strip(),
            password=env.get("TASAPAINO_ALERT_SMTP_PASSWORD", ""),
        )
    elif host or recipients:
        missing = "TASAPAINO_ALERT_EMAIL_TO" if host else "TASAPAINO_ALERT_SMTP_HOST"
        raise AlertConfigError(f"e-mail alerts half configured: set {missing} as well")
    ui = env.get("TASAPAINO_UI_URL", "").strip() or DEFAULT_UI_URL
    return AlertSettings(webhook_url=webhook, smtp=smtp, ui_url=ui)


def webhook_payload(alert: Alert) -> dict[str, object]:
    """One JSON body that Slack, Teams workflows and Matrix hookshot all accept.

    Slack incoming webhooks and Matrix hookshot read ``text`` (hookshot prefers ``html``); a
    Teams "post to a channel when a webhook request is received" workflow reads the Adaptive Card
    in ``attachments``. Each service ignores the keys meant for the others.
    """
    body = alert.text()
    card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": alert.subject, "weight": "Bolder", "wrap": True},
            *({"type": "TextBlock", "text": line, "wrap": True} for line in alert.lines()),
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the run", "url": alert.run_url}],
    }
    return {
        "text": f"{alert.subject}\n{body}",
        "html": f"<p><strong>{html.escape(alert.subject)}</strong></p><p>"
        + "<br>".join(html.escape(line) for line in alert.lines())
        + "</p>",
        "summary": alert.subject,
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "fallback": alert.subject,
                "content": card,
            }
        ],
    }


def email_message(alert: Alert, smtp: SmtpSettings) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = alert.subject
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(smtp.recipients)
    msg.set_content(alert.text())
    return msg


def post_webhook(url: str, alert: Alert, client: httpx.Client | None = None) -> None:
    """POST the alert; errors name the status or failure, never the (secret) URL."""
    import httpx

    own = client is None
    http = client or httpx.Client(timeout=_TIMEOUT_S)
    try:
        response = http.post(url, json=webhook_payload(alert))
    except httpx.HTTPError as exc:
        raise AlertDeliveryError(f"webhook: {type(exc).__name__}") from None
    finally:
        if own:
            http.close()
    if response.status_code >= 300:
        raise AlertDeliveryError(f"webhook: answered HTTP {response.status_code}")


def send_email(smtp: SmtpSettings, alert: Alert) -> None:
    """Send the alert as plain-text e-mail; errors name the server, never the password."""
    try:
        if smtp.tls == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=_TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=_TIMEOUT_S)
        with server:
            if smtp.tls == "starttls":
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password)
            server.send_message(email_message(alert, smtp))
    except (OSError, smtplib.SMTPException) as exc:
        raise AlertDeliveryError(
            f"e-mail via {smtp.host}:{smtp.port}: {type(exc).__name__}"
        ) from None


def deliver(alert: Alert, settings: AlertSettings) -> list[str]:
    """Send to every configured channel; return those that accepted it.

    Every channel is tried even if an earlier one fails, so a broken webhook does not swallow
    the e-mail; the failures are then raised together.
    """
    sent, failures = [], []
    if settings.webhook_url:
        try:
            post_webhook(settings.webhook_url, alert)
            sent.append("webhook")
        except AlertDeliveryError as exc:
            failures.append(str(exc))
    if settings.smtp:
        try:
            send_email(settings.smtp, alert)
            sent.append("email")
        except AlertDeliveryError as exc:
            failures.append(str(exc))
    if failures:
        raise AlertDeliveryError(
            "; ".join(failures) + (f" (delivered by {', '.join(sent)})" if sent else "")
        )
    return sent
