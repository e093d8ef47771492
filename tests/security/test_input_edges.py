"""Strings at the edges of text never make a 500: unpaired surrogates anywhere in a body,
e-mail addresses that grow when lower-cased, and OPTIONS on every route."""

import json
import re

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from marketplace.renderers import JSONRenderer
from tests.factories import CreatorFactory, MembershipFactory, UserFactory
from tests.security.test_authz_matrix import api_endpoints

pytestmark = pytest.mark.django_db

SURROGATE = "\ud800"


def _raw(body: dict) -> str:
    # json.dumps escapes the surrogate as \ud800, which is what a client sends on the wire.
    return json.dumps(body)


@pytest.mark.parametrize(
    "path, method, body, field",
    [
        ("/api/v1/auth/register/", "post", {"role": SURROGATE}, "role"),
        ("/api/v1/auth/register/", "post", {"email": f"a{SURROGATE}@x.io"}, "email"),
        ("/api/v1/notifications/email-preference/", "put", {"frequency": SURROGATE}, "frequency"),
        ("/api/v1/ips/", "post", {"name": "Cat", "held": SURROGATE}, "held"),
        (
            "/api/v1/briefs/",
            "post",
            {"deliverables": [{"resolution": SURROGATE}]},
            "deliverables.0.resolution",
        ),
        ("/api/v1/portfolios/", "post", {SURROGATE: "x"}, "\\ud800"),
    ],
)
def test_an_unpaired_surrogate_is_a_400_naming_the_field_without_echoing_it(
    client_for, path, method, body, field
):
    membership = MembershipFactory()
    api = client_for(membership.user)
    response = getattr(api, method)(path, data=_raw(body), content_type="application/json")
    assert response.status_code == 400
    text = response.content.decode("utf-8")  # encodable: the value is not repeated
    error = json.loads(text)["error"]
    assert error["code"] == "invalid_text"
    assert list(error["fields"]) == [field]


def test_the_renderer_escapes_text_it_cannot_encode():
    rendered = JSONRenderer().render({"detail": f"bad {SURROGATE}"})
    assert json.loads(rendered) == {"detail": f"bad {SURROGATE}"}


@pytest.mark.parametrize(
    "email",
    ["İ" * 60 + "@" + ".".join(["İ" * 60] * 3) + ".com", "İ" * 64 + "@" + "i" * 180 + ".com"],
)
def test_an_e_mail_that_grows_when_lower_cased_is_a_400(api, client_for, email):
    assert len(email) <= 254 < len(email.lower())
    response = api.post(
        "/api/v1/auth/register/",
        {"email": email, "password": "a-long-passphrase-9", "role": "creator", "handle": "x1"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "email" in response.json()["error"]["fields"]
    owner = MembershipFactory()
    invite = client_for(owner.user).post(
        f"/api/v1/brands/{owner.brand_id}/members/", {"email": email}, format="json"
    )
    assert invite.status_code == 400
    assert "email" in invite.json()["error"]["fields"]


def test_labels_of_dotted_i_within_254_after_lower_casing_still_register(api):
    email = "İ" * 10 + "@example.com"
    response = api.post(
        "/api/v1/auth/register/",
        {"email": email, "password": "a-long-passphrase-9", "role": "creator", "handle": "x2"},
        format="json",
    )
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        assert response.json()["user"]["email"] == email.lower()


def _concrete(route: str) -> str:
    return re.sub(r"<[^>]+>|{[^}]+}", "1", route)


def test_options_answers_on_every_route_and_never_500s():
    """200 wherever the caller may act; staff-only routes 403 and a thread that does not
    exist 404, as for any other method."""
    endpoints = api_endpoints()
    owner = MembershipFactory().user
    creator = CreatorFactory().user
    staff = UserFactory(is_staff=True)
    answers: dict[str, set[int]] = {}
    for user in (owner, creator, staff):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        for endpoint in endpoints.values():
            url = _concrete(endpoint.route)
            answers.setdefault(url, set()).add(api.options(url).status_code)
    assert {code for codes in answers.values() for code in codes} <= {200, 403, 404}
    not_200 = sorted(url for url, codes in answers.items() if 200 not in codes)
    assert not_200 == ["/api/v1/threads/1/messages/"], not_200
    assert answers["/api/v1/notifications/email-preference/"] == {200}
