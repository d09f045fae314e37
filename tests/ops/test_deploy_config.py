"""The deployment files say what deploy/README.md says they say (they cannot run here)."""

from __future__ import annotations

import yaml

from assets.reference.paths import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def test_helm_values_use_postgres_k8s_launcher_and_the_same_code():
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text(encoding="utf-8"))
    assert values["postgresql"]["enabled"] is False
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    deployment = values["dagster-user-deployments"]["deployments"][0]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "pipelines.definitions"]
    assert values["telemetry"]["enabled"] is False
    text = (DEPLOY / "helm" / "values.yaml").read_text(encoding="utf-8").lower()
    assert "password:" not in text.replace("postgresql-password", "")  # secrets stay out


def test_instance_profiles_keep_telemetry_off_and_secrets_in_the_environment():
    local = yaml.safe_load((DEPLOY / "dagster.local.yaml").read_text(encoding="utf-8"))
    production = yaml.safe_load((DEPLOY / "dagster.production.yaml").read_text(encoding="utf-8"))
    assert local["telemetry"]["enabled"] is False and production["telemetry"]["enabled"] is False
    assert local["storage"]["sqlite"]["base_dir"] == {"env": "DAGSTER_HOME"}
    db = production["storage"]["postgres"]["postgres_db"]
    assert db["password"] == {"env": "TASAPAINO_PG_PASSWORD"}
    assert all(isinstance(v, dict) and "env" in v for k, v in db.items() if k != "scheme")


def test_dockerfile_serves_the_one_code_location():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "uv sync --frozen --no-dev" in text and '"pipelines.definitions"' in text
