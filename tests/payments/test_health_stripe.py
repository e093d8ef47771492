"""/healthz/ reports whether Stripe answers, asked at most once per cache period."""

import pytest

from marketplace import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    health.forget_cached()
    yield
    health.forget_cached()


def balance_calls(sandbox) -> int:
    return sum(1 for r in sandbox.requests_log() if r["path"] == "/v1/balance")


def test_healthz_reports_stripe_and_caches_the_answer(api, sandbox, settings):
    settings.STRIPE_HEALTH_CACHE_SECONDS = 60
    for _ in range(5):
        response = api.get("/healthz/")
        assert response.status_code == 200
        assert response.json()["checks"]["stripe"] == "ok"
        assert response.json()["status"] == "ok"
    assert balance_calls(sandbox) == 1  # five hits, one call to Stripe


def test_stripe_down_marks_health_degraded_not_down(api, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = api.get("/healthz/")
    # A payment provider outage must not take the web processes out of the load balancer.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["stripe"].startswith("error")


def test_a_stale_answer_is_asked_again(api, sandbox, settings):
    settings.STRIPE_HEALTH_CACHE_SECONDS = 0
    api.get("/healthz/")
    api.get("/healthz/")
    assert balance_calls(sandbox) == 2
