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


def read_env(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {name.strip(): value.strip() for name, value in pairs}


def compose() -> dict:
    return yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())


def test_compose_has_every_service_with_health_checks_and_order():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis", "migrate", "proxy"}
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("web", "worker", "beat"):
        needs = services[name]["depends_on"]
        assert needs["migrate"] == {"condition": "service_completed_successfully"}, name
        assert needs["postgres"] == {"condition": "service_healthy"}, name
        assert needs["redis"] == {"condition": "service_healthy"}, name
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["command"] == ["python", "deploy/start.py", name], name
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "marketplace.settings.production"
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert set(compose()["volumes"]) == {"postgres-data", "redis-data", "caddy-data"}


def test_compose_commands_match_the_procfile():
    procfile = dict(
        line.split(": ", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(procfile) == {"web", "worker", "beat", "sandbox"}
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        assert " ".join(services[name]["command"]) == procfile[name]


def test_only_the_proxy_is_published_and_web_trusts_only_the_proxy():
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    web = services["web"]["environment"]
    proxy_address = services["proxy"]["networks"]["backend"]["ipv4_address"]
    assert web["FORWARDED_ALLOW_IPS"] == proxy_address == "${PROXY_ADDRESS:-172.28.0.10}"
    assert web["NUM_PROXIES"] == "1"  # true only because nothing reaches web around the proxy
    assert "web:8000" in services["proxy"]["command"]
    for name in ("worker", "beat", "migrate"):
        assert "NUM_PROXIES" not in services[name]["environment"]


def test_the_env_profiles_are_safe_where_they_are_used():
    production = read_env(ROOT / "deploy/.env.example")
    local = read_env(ROOT / "deploy/.env.local.example")
    # Copied for a run without Docker, neither points at compose's host names or trusts a proxy.
    for profile in (production, local):
        assert "redis://redis" not in profile.get("CACHE_URL", "")
        assert profile["NUM_PROXIES"] == "0"
        assert profile["FORWARDED_ALLOW_IPS"] == "127.0.0.1"
        assert profile["GUNICORN_HOST"] == "127.0.0.1"
        assert profile.get("SECURE_HSTS_PRELOAD", "0") == "0"
    assert local["SECURE_SSL_REDIRECT"] == "0"
    assert local["CACHE_URL"].startswith("redis://127.0.0.1")
    assert production["SECURE_SSL_REDIRECT"] == "1"


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
