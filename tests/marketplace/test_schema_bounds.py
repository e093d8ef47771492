"""The schema states the bounds the server enforces, and deadlines stay within the horizon."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

BOUNDED = [
    ("/api/v1/bids/", "amount_min", {"minimum": 0}),
    ("/api/v1/briefs/", "budget_lte", {"minimum": 0}),
    ("/api/v1/creators/", "max_rate", {"minimum": 0}),
    ("/api/v1/briefs/{id}/matches/", "limit", {"minimum": 1, "maximum": 100}),
    ("/api/v1/creators/me/recommended-briefs/", "limit", {"minimum": 1, "maximum": 100}),
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


@pytest.mark.parametrize("path, name, bounds", BOUNDED)
def test_schema_bounds_match_the_validators(schema, path, name, bounds):
    parameters = schema["paths"][path]["get"]["parameters"]
    parameter = next(p for p in parameters if p["name"] == name)
    assert bounds.items() <= parameter["schema"].items()


@pytest.mark.parametrize(
    "path, name, value",
    [
        ("/api/v1/bids/", "amount_min", -1),
        ("/api/v1/briefs/", "budget_lte", -1),
        ("/api/v1/creators/", "max_rate", -1),
    ],
)
def test_values_below_the_stated_minimum_are_400(client_for, path, name, value):
    api = client_for(MembershipFactory().user)
    response = api.get(path, {name: value})
    assert response.status_code == 400
    assert name in response.json()["error"]["fields"]


def test_every_bounded_filter_states_its_bounds(schema):
    """Any integer or number parameter of a filter with min_value/max_value carries them."""
    missing = []
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["in"] != "query":
                continue
            schema_type = parameter["schema"].get("type")
            if schema_type in {"integer", "number"} and parameter["name"].endswith(
                ("_min", "_max", "_gte", "_lte", "rate")
            ):
                if "minimum" not in parameter["schema"]:
                    missing.append(f"{path} {parameter['name']}")
    assert missing == []


def _brief(brand_id: int, **deadlines) -> dict:  # type: ignore[no-untyped-def]
    now = timezone.now()
    return {
        "brand": brand_id,
        "title": "Teaser",
        "description": "A 15 second teaser.",
        "deliverables": [
            {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "4k"}
        ],
        "budget_min": 50_000,
        "budget_max": 90_000,
        "currency": "USD",
        "bid_deadline": (now + timedelta(days=5)).isoformat(),
        "delivery_deadline": (now + timedelta(days=20)).isoformat(),
        **deadlines,
    }


@pytest.mark.parametrize("field", ["bid_deadline", "delivery_deadline"])
def test_deadlines_beyond_the_horizon_are_400(client_for, field):
    membership = MembershipFactory()
    api = client_for(membership.user)
    far = {"bid_deadline": "9999-12-30T00:00:00Z", "delivery_deadline": "9999-12-31T00:00:00Z"}
    if field == "delivery_deadline":
        far["bid_deadline"] = (timezone.now() + timedelta(days=5)).isoformat()
    response = api.post("/api/v1/briefs/", _brief(membership.brand_id, **far), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "deadline_invalid"
    assert field in response.json()["error"]["fields"]
    horizon = settings.DEADLINE_HORIZON_DAYS
    inside = {
        "bid_deadline": (timezone.now() + timedelta(days=horizon - 2)).isoformat(),
        "delivery_deadline": (timezone.now() + timedelta(days=horizon - 1)).isoformat(),
    }
    ok = api.post("/api/v1/briefs/", _brief(membership.brand_id, **inside), format="json")
    assert ok.status_code == 201, ok.json()
