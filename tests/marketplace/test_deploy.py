"""The production recipe: deploy/compose.yaml is a valid compose file with every service, the
Dockerfile runs as non-root with static files collected at build, and every variable the
settings read is documented in the README and deploy/.env.example."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = [
    ROOT / "marketplace/settings/base.py",
    ROOT / "marketplace/settings/production.py",
    ROOT / "deploy/gunicorn.conf.py",
]
READ = re.compile(r'(?:env|env_bool|env_list|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"')


def compose() -> dict:
    return yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())


def test_compose_has_every_service_with_health_checks_and_order():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis", "migrate"}
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("web", "worker", "beat"):
        needs = services[name]["depends_on"]
        assert needs["migrate"] == {"condition": "service_completed_successfully"}, name
        assert needs["postgres"] == {"condition": "service_healthy"}, name
        assert needs["redis"] == {"condition": "service_healthy"}, name
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "--app", "marketplace", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "--app", "marketplace", "beat"]
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "marketplace.settings.production"
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert set(compose()["volumes"]) == {"postgres-data", "redis-data"}


def test_compose_commands_match_the_procfile():
    procfile = dict(
        line.split(": ", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(procfile) == {"web", "worker", "beat", "sandbox"}
    services = compose()["services"]
    assert " ".join(services["web"]["command"]) == procfile["web"]
    for name in ("worker", "beat"):
        assert procfile[name].startswith(" ".join(services[name]["command"][:4]))


def test_dockerfile_is_multi_stage_non_root_and_collects_static():
    text = (ROOT / "deploy/Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) == 2
    assert "COPY --from=build" in text
    assert re.search(r"^USER reelmatch$", text, re.M)
    assert "collectstatic --noinput" in text
    assert text.index("collectstatic") < text.index("USER reelmatch")
    assert "HEALTHCHECK" in text


def test_every_variable_the_settings_read_is_documented():
    names = set()
    for path in SETTINGS:
        names |= set(READ.findall(path.read_text()))
    names |= {"DJANGO_SETTINGS_MODULE", "STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET"}
    assert {"PORT", "SANDBOX_PORT", "FRONTEND_URL", "LOG_LEVEL", "SENTRY_DSN"} <= names
    example = (ROOT / "deploy/.env.example").read_text()
    example_names = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M))
    readme = (ROOT / "README.md").read_text()
    table = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    assert names - example_names == set(), "missing from deploy/.env.example"
    assert names - table == set(), "missing from the README's configuration table"


def test_run_time_files_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".run/" in ignored and "celerybeat-schedule*" in ignored and ".env" in ignored
