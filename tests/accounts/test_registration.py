"""Registration, tokens and `/me/` through the API."""

import pytest

from campaigns.models import BrandMembership
from creators.models import CreatorProfile

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"


def register(api, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "email": "ana@example.com",
        "password": "Kling-Dreams-42",
        "role": "creator",
        "handle": "ana",
    }
    body.update(overrides)
    body = {k: v for k, v in body.items() if v is not None}
    return api.post(REGISTER, body, format="json")


def test_register_creator_returns_tokens_and_creates_profile(api):
    response = register(api)
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "ana@example.com"
    assert body["user"]["creator_handle"] == "ana"
    assert body["access"] and body["refresh"]
    assert CreatorProfile.objects.get(handle="ana").user.email == "ana@example.com"


def test_register_brand_creates_brand_with_owner(api):
    response = register(
        api, role="brand", handle=None, brand_name="Neon Studios", email="b@example.com"
    )
    assert response.status_code == 201
    membership = BrandMembership.objects.get(user__email="b@example.com")
    assert membership.role == "owner"
    assert membership.brand.name == "Neon Studios"
    assert response.json()["user"]["brands"][0]["name"] == "Neon Studios"


def test_token_refresh_and_me(api):
    register(api)
    token = api.post(
        "/api/v1/auth/token/",
        {"email": "ana@example.com", "password": "Kling-Dreams-42"},
        format="json",
    )
    assert token.status_code == 200
    refreshed = api.post(
        "/api/v1/auth/token/refresh/", {"refresh": token.json()["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.com"


def test_wrong_password_is_401(api):
    register(api)
    response = api.post(
        "/api/v1/auth/token/", {"email": "ana@example.com", "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert "error" in response.json()


def test_me_requires_auth(api):
    assert api.get("/api/v1/me/").status_code == 401


def test_taken_email_is_refused_without_naming_the_email(api):
    register(api)
    response = register(api, handle="other", password="A-different-pass-77")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "registration_refused"
    assert "fields" not in error
    assert "email" not in error["message"] and "exists" not in error["message"]


def test_registration_sent_again_identically_answers_the_same_account(api):
    first = register(api, full_name="Ana Ito")
    again = register(api, full_name="Ana Ito")
    assert again.status_code == 201
    assert again.json()["user"]["id"] == first.json()["user"]["id"]
    assert again.json()["user"]["creator_handle"] == "ana"
    assert CreatorProfile.objects.count() == 1
    brand = {"role": "brand", "handle": None, "brand_name": "Ren Co", "email": "ren@example.com"}
    made = register(api, **brand)
    retried = register(api, **{**brand, "brand_name": "  Ren Co "})
    assert retried.status_code == 201
    assert retried.json()["user"]["id"] == made.json()["user"]["id"]
    assert retried.json()["user"]["brands"] == made.json()["user"]["brands"]


@pytest.mark.parametrize(
    "changed",
    [
        {"role": "brand", "handle": None, "brand_name": "Ren Co"},
        {"handle": "other"},
        {"full_name": "Somebody Else"},
    ],
)
def test_a_different_request_with_the_same_password_is_refused(api, changed):
    """The same e-mail and password with another role, handle or name is not a retry: it
    once answered the creator account (`brands: []`) to a caller who asked for a brand."""
    first = register(api)
    again = register(api, **changed)
    assert again.status_code == 400, again.json()
    error = again.json()["error"]
    assert error["code"] == "registration_refused"
    assert "fields" not in error and "user" not in again.json()
    assert CreatorProfile.objects.get().handle == first.json()["user"]["creator_handle"]
    assert not BrandMembership.objects.exists()


def test_a_brand_registration_retried_as_another_brand_is_refused(api):
    brand = {"role": "brand", "handle": None, "brand_name": "Ren Co", "email": "ren@example.com"}
    assert register(api, **brand).status_code == 201
    other = register(api, **{**brand, "brand_name": "Ren Studios"})
    assert other.status_code == 400
    assert other.json()["error"]["code"] == "registration_refused"
    as_creator = register(api, email="ren@example.com", handle="ren")
    assert as_creator.json()["error"]["code"] == "registration_refused"
    assert BrandMembership.objects.count() == 1 and not CreatorProfile.objects.exists()


def test_taken_handle_is_400_naming_handle(api):
    register(api)
    response = register(api, email="other@example.com")
    assert response.status_code == 400
    assert "handle" in response.json()["error"]["fields"]


def test_weak_password_is_400_naming_password(api):
    response = register(api, password="123")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert not CreatorProfile.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"role": "admin"}, "role"),
        ({"handle": None}, "handle"),
        ({"role": "brand", "brand_name": ""}, "brand_name"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_register_bad_input_names_the_field(api, overrides, field):
    overrides = {k: v for k, v in overrides.items()}
    body = {
        "email": "ana@example.com",
        "password": "Kling-Dreams-42",
        "role": "creator",
        "handle": "ana",
        **overrides,
    }
    body = {k: v for k, v in body.items() if v is not None}
    response = api.post(REGISTER, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
