"""Run-failure alerts reach a webhook and a mailbox on 127.0.0.1, saying what failed and where.

The end-to-end case breaks one count in a copy of the bundled snapshot (synthetic damage, never
published): a blocking check on ``counts`` fails, the run fails, and the failure sensor must tell
the maintainer the run id, the failed steps and checks, and the run's link.
"""

from __future__ import annotations

import shutil

import pytest
from dagster import DagsterEventType, DagsterInstance, build_run_status_sensor_context

from assets.reference.paths import snapshot_dir
from pipelines.alerts import (
    Alert,
    AlertConfigError,
    AlertDeliveryError,
    FailedCheck,
    deliver,
    settings_from_env,
    webhook_payload,
)
from pipelines.definitions import defs
from pipelines.sensors import run_failure_alert_sensor
from tests.ops.conftest import ALERT_ENV, UI


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory):
    """A real release_job run stopped by a blocking check, in an ephemeral instance."""
    snap = tmp_path_factory.mktemp("broken_snapshot")
    shutil.copytree(snapshot_dir(), snap, dirs_exist_ok=True)
    csv = snap / "transcribed" / "fi_tyokay_2015_wage_earners_by_family_aml2010_1d.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    head, value = lines[1].rsplit(",", 1)
    lines[1] = f"{head},-{value}"  # one negative count: synthetic damage for this test only
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("dist")
    instance = DagsterInstance.ephemeral()
    result = defs.resolve_job_def("release_job").execute_in_process(
        run_config={
            "resources": {
                "snapshot": {"config": {"directory": str(snap)}},
                "release_target": {"config": {"out_dir": str(out)}},
            }
        },
        instance=instance,
        raise_on_error=False,
    )
    yield instance, result, out
    instance.dispose()


def _failure_context(instance, result):
    run = instance.get_run_by_id(result.run_id)
    failure = next(
        e for e in result.all_events if e.event_type == DagsterEventType.PIPELINE_FAILURE
    )
    return build_run_status_sensor_context(
        sensor_name="run_failure_alert_sensor",
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=run,
    ).for_run_failure()


def _what_failed(result) -> tuple[list[str], list[str]]:
    """Failed step keys and ``asset:check`` names, read from the run's own events."""
    steps = [e.step_key for e in result.all_events if e.is_step_failure]
    checks = [
        f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:"
        f"{e.asset_check_evaluation_data.check_name}"
        for e in result.all_events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and not e.asset_check_evaluation_data.passed
    ]
    return steps, checks


def test_failed_blocking_check_sends_webhook_and_email(failed_run, alert_env, webhook, smtp_server):
    instance, result, out = failed_run
    assert not result.success
    assert not (out / "latest").exists()  # nothing published
    steps, checks = _what_failed(result)
    assert steps and any(c.startswith("counts:") for c in checks), (steps, checks)

    run_failure_alert_sensor(_failure_context(instance, result))

    run_url = f"{UI}/runs/{result.run_id}"
    assert len(webhook.calls) == 1
    call = webhook.calls[0]
    assert call["path"] == "/hooks/tasapaino-secret-token"
    assert call["content_type"].startswith("application/json")
    text = call["json"]["text"]
    assert result.run_id in text
    assert f"Failed steps: {', '.join(steps)}" in text
    assert all(f"- {c}" in text for c in checks)
    assert run_url in text  # how to open it
    card = call["json"]["attachments"][0]["content"]
    assert card["actions"][0]["url"] == run_url

    sink, _ = smtp_server
    assert len(sink.messages) == 1
    sender, recipients, mail = sink.messages[0]
    assert sender == "pipeline@example.org"
    assert recipients == ["maintainer@example.org", "backup@example.org"]
    assert result.run_id[:8] in mail["Subject"] and "blocking check" in mail["Subject"]
    body = mail.get_payload(decode=True).decode("utf-8")
    assert result.run_id in body
    assert f"Failed steps: {', '.join(steps)}" in body
    assert all(f"- {c}" in body for c in checks)
    assert run_url in body


def test_without_channels_the_sensor_only_logs(failed_run, monkeypatch, webhook, smtp_server):
    for name in ALERT_ENV:
        monkeypatch.delenv(name, raising=False)
    instance, result, _ = failed_run
    run_failure_alert_sensor(_failure_context(instance, result))
    assert webhook.calls == [] and smtp_server[0].messages == []


ALERT = Alert(
    run_id="0123456789abcdef",
    job_name="release_job",
    failed_steps=["counts_counts_rules"],
    failed_checks=[FailedCheck("counts", "unique_keys", "one row per key")],
    ui_url=UI,
)


def test_payload_carries_slack_teams_and_matrix_fields():
    payload = webhook_payload(ALERT)
    assert payload["text"].startswith("Tasapaino: release_job a blocking check failed")  # Slack
    assert "<strong>" in payload["html"]  # Matrix hookshot
    attachment = payload["attachments"][0]  # Teams workflow
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["type"] == "AdaptiveCard"


def test_webhook_error_names_status_not_secret_url(webhook):
    settings = settings_from_env({"TASAPAINO_ALERT_WEBHOOK_URL": webhook.url + "/missing"})
    webhook.server.RequestHandlerClass.do_POST = lambda self: (
        self.send_response(500),
        self.end_headers(),
    )
    with pytest.raises(AlertDeliveryError) as err:
        deliver(ALERT, settings)
    assert "HTTP 500" in str(err.value)
    assert "secret-token" not in str(err.value)


def test_settings_hide_secrets_in_repr():
    settings = settings_from_env(
        {
            "TASAPAINO_ALERT_WEBHOOK_URL": "https://hooks.example.org/T000/SECRET",
            "TASAPAINO_ALERT_SMTP_HOST": "smtp.example.org",
            "TASAPAINO_ALERT_SMTP_PASSWORD": "hunter2",
            "TASAPAINO_ALERT_EMAIL_TO": "a@example.org",
        }
    )
    assert settings.smtp is not None and settings.smtp.port == 587  # starttls default
    assert "SECRET" not in repr(settings) and "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TASAPAINO_ALERT_SMTP_HOST": "smtp.example.org"}, "TASAPAINO_ALERT_EMAIL_TO"),
        ({"TASAPAINO_ALERT_EMAIL_TO": "a@example.org"}, "TASAPAINO_ALERT_SMTP_HOST"),
        ({"TASAPAINO_ALERT_WEBHOOK_URL": "hooks.example.org/x"}, "not an http(s) URL"),
        (
            {
                "TASAPAINO_ALERT_SMTP_HOST": "h",
                "TASAPAINO_ALERT_EMAIL_TO": "a@b",
                "TASAPAINO_ALERT_SMTP_TLS": "tls1.3",
            },
            "starttls, ssl, none",
        ),
    ],
)
def test_malformed_settings_are_one_clear_line(env, message):
    with pytest.raises(AlertConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings_from_env(env)
