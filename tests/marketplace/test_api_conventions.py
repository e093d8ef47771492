"""Conventions every list and error keeps: unknown parameters refused, pages past the end empty,
messages without framework prefixes, Retry-After on 503."""

import pytest
from django.test import override_settings
from django.urls import path
from rest_framework.views import APIView

from marketplace.errors import ServiceUnavailable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/creators/", "/api/v1/briefs/", "/api/v1/reels/"])
def test_an_unknown_query_parameter_answers_400_naming_it(api, url):
    response = api.get(url, {"colour": "red", "page": 1})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_parameter"
    assert error["unknown"] == ["colour"]
    assert "colour" in error["fields"]
    assert "colour" in error["message"]


def test_known_filters_and_range_suffixes_are_accepted(api):
    response = api.get("/api/v1/briefs/", {"bid_deadline_after": "2026-01-01T00:00:00Z"})
    assert response.status_code == 200, response.json()


def test_an_unknown_ordering_answers_400(api):
    response = api.get("/api/v1/reels/", {"ordering": "-password"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_ordering"
    assert "ordering" in error["fields"]
    assert "created_at" in error["message"]


def test_a_known_ordering_still_works(api):
    assert api.get("/api/v1/reels/", {"ordering": "-created_at"}).status_code == 200


def test_a_page_past_the_end_is_an_empty_page(api, creator_factory):
    creator_factory.create_batch(3)
    response = api.get("/api/v1/creators/", {"page": 5, "page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["results"] == []
    assert body["count"] == 3
    assert body["next"] is None
    assert body["previous"] is not None


def test_not_found_messages_carry_no_framework_prefix(api):
    response = api.get("/api/v1/creators/no-such-handle/")
    assert response.status_code == 404
    message = response.json()["error"]["message"]
    assert not message.startswith("detail")


def test_method_not_allowed_message_carries_no_framework_prefix(client_for, user_factory):
    response = client_for(user_factory()).delete("/api/v1/me/")
    assert response.status_code == 405
    assert not response.json()["error"]["message"].startswith("detail")


class Unavailable(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):  # type: ignore[no-untyped-def]
        raise ServiceUnavailable("the payment provider is unreachable")


urlpatterns = [path("unavailable/", Unavailable.as_view())]


@override_settings(ROOT_URLCONF=__name__)
def test_a_503_carries_retry_after(api):
    response = api.get("/unavailable/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "service_unavailable"
