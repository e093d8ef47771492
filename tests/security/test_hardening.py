"""Hardening promises: CORS, throttles, CSRF on webhooks, no leaks in errors, no URL fetching."""

import socket

import pytest
from django.test import Client, override_settings
from django.urls import path
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret-internal-detail")


urlpatterns = [path("boom/", boom)]
handler500 = "marketplace.apis.server_error"


@override_settings(ROOT_URLCONF="tests.security.test_hardening", DEBUG=False)
def test_server_errors_are_json_without_internals():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "server_error", "message": "something went wrong on our side"}
    }
    assert b"secret-internal-detail" not in response.content
    assert b"Traceback" not in response.content


def test_unknown_urls_are_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.reelmatch.example"])
def test_cors_answers_only_configured_origins(api):
    allowed = api.get("/api/v1/creators/", HTTP_ORIGIN="https://app.reelmatch.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.reelmatch.example"
    other = api.get("/api/v1/creators/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


@pytest.fixture
def tight_throttles(monkeypatch):  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "3/min", "writes": "3/min"})
    yield
    cache.clear()


def test_auth_endpoints_are_throttled(api, tight_throttles):
    body = {"email": "x@example.com", "password": "wrong"}
    statuses = [api.post("/api/v1/auth/token/", body, format="json").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert "error" in api.post("/api/v1/auth/token/", body, format="json").json()


def test_writes_are_throttled_per_user_but_reads_are_not(client_for, tight_throttles):
    creator = CreatorFactory()
    api = client_for(creator.user)
    statuses = [
        api.post("/api/v1/portfolios/", {"name": f"p{i}"}, format="json").status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    assert api.get("/api/v1/portfolios/").status_code == 200


def test_webhooks_are_exempt_from_csrf_but_not_from_signatures(settings):
    import json
    import time

    import stripe

    client = Client(enforce_csrf_checks=True)
    event = {
        "id": "evt_csrf",
        "object": "event",
        "type": "ping",
        "created": int(time.time()),
        "data": {"object": {}},
    }
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(
        payload, settings.STRIPE_WEBHOOK_SECRET
    )
    ok = client.post(
        "/api/v1/payments/webhooks/stripe/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert ok.status_code == 200
    unsigned = client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json"
    )
    assert unsigned.status_code == 400


def test_url_fields_are_stored_not_fetched(client_for, monkeypatch):
    """A reel's links point anywhere; the server never opens a connection to them."""

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"the server tried to connect to {args[0]!r}")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    creator = CreatorFactory()
    video = {
        "provider": "veo",
        "model": "veo-3",
        "video_url": "https://169.254.169.254/latest",
        "thumbnail_url": "https://internal.invalid/t.jpg",
        "duration_s": 8,
        "width": 720,
        "height": 1280,
        "fps": 30,
    }
    response = client_for(creator.user).post(
        "/api/v1/reels/", {"title": "ssrf?", "video": video}, format="json"
    )
    assert response.status_code == 201
    too_long = {**video, "video_url": "https://example.com/" + "a" * 600}
    response = client_for(creator.user).post(
        "/api/v1/reels/", {"title": "long", "video": too_long}, format="json"
    )
    assert response.status_code == 400
