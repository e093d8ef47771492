import pytest

from creators.models import Tier
from creators.services import creator_refresh_showcase
from tests.factories import CreatorFactory, ReelFactory, VideoFactory

pytestmark = pytest.mark.django_db


def handles(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return sorted(c["handle"] for c in response.json()["results"])


@pytest.fixture
def roster():  # type: ignore[no-untyped-def]
    """Five creators that differ in exactly one attribute per filter."""
    ana = CreatorFactory(
        handle="ana",
        tags=["anime"],
        country="JP",
        languages=["ja", "en"],
        tier=Tier.ELITE,
        verified=True,
        min_price_per_project=90_000,
        rate_currency="USD",
    )
    bo = CreatorFactory(
        handle="bo",
        tags=["product"],
        country="US",
        languages=["en"],
        tier=Tier.PARTNER,
        min_price_per_project=40_000,
        rate_currency="USD",
    )
    cy = CreatorFactory(handle="cy", tags=[], country="FR", languages=["fr"])
    CreatorFactory(handle="dee", tags=["anime"], suspended=True)
    ReelFactory(
        creator=cy, tags=["anime", "fantasy"], video=VideoFactory(provider="veo", model="veo-3")
    )
    ReelFactory(creator=bo, video=VideoFactory(provider="kling", model="kling-2.1-pro"))
    ReelFactory(
        creator=ana, moderation="pending", video=VideoFactory(provider="sora", model="sora-2")
    )
    for creator in (ana, bo, cy):
        creator_refresh_showcase(creator_id=creator.pk)
    return ana, bo, cy


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["ana", "bo", "cy"]),
        ("tags=anime", ["ana", "cy"]),  # cy has it from an approved reel
        ("tags=anime,fantasy", ["cy"]),
        ("models=veo-3", ["cy"]),
        ("models=kling-2.1-pro,veo-3", ["bo", "cy"]),
        ("models=sora-2", []),  # only in a pending reel
        ("tier=elite", ["ana"]),
        ("tier=partner", ["bo"]),
        ("country=jp", ["ana"]),
        ("language=en", ["ana", "bo"]),
        ("language=fr", ["cy"]),
        ("verified=true", ["ana"]),
        ("verified=false", ["bo", "cy"]),
        ("max_rate=50000", ["bo"]),
        ("search=an", ["ana"]),
    ],
)
def test_each_creators_filter(api, roster, query, expected):
    assert handles(api.get(f"/api/v1/creators/?{query}")) == expected


def test_bad_filter_value_is_400(api, roster):
    response = api.get("/api/v1/creators/?tier=godlike")
    assert response.status_code == 400
    assert "tier" in response.json()["error"]["fields"]


def test_ordering_and_pagination(api, roster):
    body = api.get("/api/v1/creators/?ordering=-handle&page_size=2").json()
    assert body["count"] == 3
    assert [c["handle"] for c in body["results"]] == ["cy", "bo"]
    assert body["next"] is not None


def test_me_get_and_patch(client_for, roster):
    ana = roster[0]
    client = client_for(ana.user)
    response = client.patch(
        "/api/v1/creators/me/",
        {"bio": "I make anime", "tags": ["Anime", "Mecha"], "tier": "standard"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["tags"] == ["anime", "mecha"]
    assert body["tier"] == "elite"  # tier is staff-only, silently read-only here
    bad = client.patch("/api/v1/creators/me/", {"rate_currency": "XYZ"}, format="json")
    assert bad.status_code == 400
    assert "rate_currency" in bad.json()["error"]["fields"]


def test_me_for_brand_user_is_404(client_for, user_factory):
    assert client_for(user_factory()).get("/api/v1/creators/me/").status_code == 404


def test_partner_application_one_pending_then_admin_approval_grants_tier(client_for, client, staff):
    creator = CreatorFactory()
    api = client_for(creator.user)
    body = {"statement": "I ship weekly anime shorts", "links": ["https://example.com/me"]}
    first = api.post("/api/v1/program/applications/", body, format="json")
    assert first.status_code == 201
    second = api.post("/api/v1/program/applications/", body, format="json")
    assert second.status_code == 409
    assert second.json()["error"]["current_state"] == "pending"
    client.force_login(staff)
    client.post(
        "/admin/creators/partnerapplication/",
        {"action": "approve", "_selected_action": [first.json()["id"]]},
    )
    creator.refresh_from_db()
    assert creator.tier == "partner"
    mine = api.get("/api/v1/program/applications/").json()["results"]
    assert mine[0]["status"] == "approved"


def test_other_creators_cannot_see_an_application(client_for):
    creator = CreatorFactory()
    app = (
        client_for(creator.user)
        .post("/api/v1/program/applications/", {"statement": "hi"}, format="json")
        .json()
    )
    other = client_for(CreatorFactory().user)
    assert other.get(f"/api/v1/program/applications/{app['id']}/").status_code == 404
    assert other.post(f"/api/v1/program/applications/{app['id']}/approve/").status_code == 403


def test_admin_creator_actions_call_services(client, staff):
    creator = CreatorFactory()
    client.force_login(staff)
    url = "/admin/creators/creatorprofile/"
    client.post(f"{url}{creator.pk}/suspend/", {"reason": "spam", "_previewed": "confirm"})
    creator.refresh_from_db()
    assert (creator.suspended, creator.suspended_reason) == (True, "spam")
    client.post(url, {"action": "unsuspend", "_selected_action": [creator.pk]})
    client.post(url, {"action": "verify", "_selected_action": [creator.pk]})
    client.post(url, {"action": "set_tier", "_selected_action": [creator.pk], "tier": "elite"})
    creator.refresh_from_db()
    assert (creator.suspended, creator.verified, creator.tier, creator.tier_rank) == (
        False,
        True,
        "elite",
        2,
    )


@pytest.mark.parametrize("path", ["/api/v1/creators/", "/api/v1/reels/"])
def test_list_queries_do_not_grow_with_page_size(api, django_assert_max_num_queries, path):
    for i in range(120):
        creator = CreatorFactory()
        ReelFactory(creator=creator, video=VideoFactory(model=f"model-{i % 3}"))
        if i % 10 == 0:
            creator_refresh_showcase(creator_id=creator.pk)
    with django_assert_max_num_queries(3):
        small = api.get(f"{path}?page_size=10")
    with django_assert_max_num_queries(3):
        large = api.get(f"{path}?page_size=100")
    assert len(small.json()["results"]) == 10
    assert len(large.json()["results"]) == 100
