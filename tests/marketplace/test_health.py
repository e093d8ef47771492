"""Health, the schema and its docs page."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database(api):
    response = api.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_checks_the_broker_when_one_is_configured(api, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    up = api.get("/healthz/")
    assert (up.status_code, up.json()["checks"]["broker"]) == (200, "ok")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens there
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
