"""Health (readiness, liveness, heartbeats), the schema and its docs page."""

import importlib.util
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from marketplace import health
from marketplace.celery import app as celery_app
from marketplace.heartbeat import HeartbeatScheduler
from marketplace.tasks import worker_heartbeat
from tests import resources

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NOTHING_LISTENS = "redis://127.0.0.1:9/0"


@pytest.fixture(autouse=True)
def _no_stripe_check(monkeypatch):
    """Stripe's own check is covered in tests/payments/test_health_stripe.py."""
    monkeypatch.setattr(health, "run_registered", lambda now=None: {})


@pytest.fixture
def broker(settings):
    """A broker that answers (the test Redis)."""
    settings.CELERY_BROKER_URL = resources.TEST_REDIS_URL


def test_healthz_reports_database(api):
    response = api.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_checks_the_broker_when_one_is_configured(api, settings, broker):
    up = api.get("/healthz/")
    assert (up.status_code, up.json()["checks"]["broker"]) == (200, "ok")
    settings.CELERY_BROKER_URL = NOTHING_LISTENS
    down = api.get("/healthz/")
    assert down.status_code == 503
    assert down.json()["checks"]["broker"].startswith("error")


def test_schema_and_docs_are_served(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/reels/" in schema.json()["paths"]
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    # The Swagger UI assets come from the sidecar package, not a CDN.
    assert b"cdn.jsdelivr" not in docs.content
    assert b"drf_spectacular_sidecar" in docs.content


def test_readyz_answers_503_when_the_shared_cache_is_unreachable(api, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": NOTHING_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    for path in ("/readyz/", "/healthz/"):
        response = api.get(path)
        assert response.status_code == 503, path
        body = response.json()
        assert body["status"] == "error"
        assert body["checks"]["cache"] == "error: ConnectionError"
        assert body["checks"]["database"] == "ok"
    # Liveness asks nothing: the process itself is fine, restarting it would not help.
    live = api.get("/livez/")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})


def test_readyz_reports_the_cache_and_database_ok(api):
    response = api.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "broker": "not configured (tasks run in process)",
        },
    }


def test_a_broker_outage_can_be_marked_degraded_only(api, settings):
    settings.CELERY_BROKER_URL = NOTHING_LISTENS
    settings.HEALTH_BROKER_REQUIRED = False
    response = api.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"].startswith("error")


def test_heartbeats_fresh_stale_and_missing_are_reported(api, settings, broker):
    settings.HEARTBEAT_MAX_AGE_SECONDS = 120
    missing = api.get("/readyz/").json()
    assert missing["checks"]["beat"] == missing["checks"]["worker"] == "missing"
    assert missing["status"] == "degraded"

    health.heartbeat("beat")
    health.heartbeat("worker", now=time.time() - 600)
    stale = api.get("/readyz/")
    assert stale.status_code == 200  # web still serves; the detail says what is wrong
    assert stale.json()["status"] == "degraded"
    assert stale.json()["checks"]["beat"] == "ok"
    assert stale.json()["checks"]["worker"].startswith("stale: 6")

    worker_heartbeat.delay()  # what a worker runs when beat schedules it
    fresh = api.get("/readyz/").json()
    assert (fresh["status"], fresh["checks"]["worker"]) == ("ok", "ok")


def test_beat_records_its_heartbeat_on_every_tick(tmp_path):
    scheduler = HeartbeatScheduler(
        app=celery_app, schedule_filename=str(tmp_path / "schedule"), lazy=True
    )
    scheduler.setup_schedule()
    cache.delete("heartbeat:beat")
    scheduler.tick()
    assert health.heartbeat_state("beat", max_age=5) == "ok"
    scheduler.close()


def test_the_heartbeats_are_scheduled(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "marketplace.heartbeat:HeartbeatScheduler"
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert entry["task"] == "marketplace.tasks.worker_heartbeat"
    assert entry["schedule"] < settings.HEARTBEAT_MAX_AGE_SECONDS
    assert settings.CELERY_BEAT_MAX_LOOP_INTERVAL < settings.HEARTBEAT_MAX_AGE_SECONDS


def test_the_beat_container_check_fails_on_a_stale_heartbeat(settings, capsys):
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "deploy/healthcheck.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    health.heartbeat("beat")
    assert check.main(["beat"]) == 0
    health.heartbeat("beat", now=time.time() - settings.HEARTBEAT_MAX_AGE_SECONDS - 5)
    assert check.main(["beat"]) == 1
    assert "beat heartbeat stale" in capsys.readouterr().err
    cache.delete("heartbeat:beat")
    assert check.main(["beat"]) == 1
