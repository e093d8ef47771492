"""Caps on what one request may ask: search terms, JSON depth, body size, field count."""

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import CreatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SEARCHABLE_LISTS = [
    "/api/v1/creators/",
    "/api/v1/reels/",
    "/api/v1/portfolios/",
    "/api/v1/brands/",
    "/api/v1/ips/",
    "/api/v1/briefs/",
    "/api/v1/bids/",
    "/api/v1/contracts/",
]


@pytest.mark.parametrize("path", SEARCHABLE_LISTS)
def test_search_with_too_many_terms_or_characters_is_400_with_a_code(client_for, path):
    api = client_for(MembershipFactory().user)
    many = api.get(path, {"search": " ".join(f"t{i}" for i in range(1000))})
    assert many.status_code == 400
    assert many.json()["error"]["code"] == "search_too_long"
    assert "search" in many.json()["error"]["fields"]
    long = api.get(path, {"search": "x" * 201})
    assert long.status_code == 400
    assert long.json()["error"]["code"] == "search_too_long"
    assert api.get(path, {"search": "a b c d e f g h"}).status_code == 200


def test_search_cap_is_in_the_schema(api):
    schema = api.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/creators/"]["get"]["parameters"]
    search = next(p for p in parameters if p["name"] == "search")
    assert search["schema"]["maxLength"] == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/portfolios/"]
)
def test_deeply_nested_json_is_400_json_too_deep(client_for, path):
    api = client_for(CreatorFactory().user)
    for body in ("[" * 100_000, '{"a":' * 40 + "1" + "}" * 40):
        response = api.post(path, data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "json_too_deep"


def test_json_nesting_within_the_limit_is_parsed(client_for):
    api = client_for(CreatorFactory().user)
    response = api.post(
        "/api/v1/portfolios/", {"name": "p", "x": [[[[{"a": [1]}]]]]}, format="json"
    )
    assert response.status_code == 201


def test_body_over_the_size_limit_is_json_413(api):
    body = '{"email": "' + "x" * 3_000_000 + '"}'
    response = api.post("/api/v1/auth/register/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_form_with_too_many_fields_is_json_400(client):
    body = "&".join(f"f{i}=1" for i in range(1500))
    response = client.post(
        "/admin/login/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_fields"


def test_oversized_body_outside_the_api_is_json_too(client):
    response = client.post(
        "/admin/login/",
        data="a=" + "x" * 3_000_000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_refresh_token_of_a_deleted_user_is_401(api):
    creator = CreatorFactory()
    refresh = str(RefreshToken.for_user(creator.user))
    assert api.post("/api/v1/auth/token/refresh/", {"refresh": refresh}).status_code == 200
    creator.user.delete()
    response = api.post("/api/v1/auth/token/refresh/", {"refresh": refresh})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"
