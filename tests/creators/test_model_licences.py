"""Model licences: what each generator plan allows, seeded from the providers' terms and kept by
staff in the admin; every video gets a verdict from them (unknown without a plan), reels show
it, and creators and reels can be filtered to those whose verdict is `allowed`."""

import pytest
from django.test import Client

from creators.models import GeneratedVideo, ModelLicence
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db

VIDEO = {
    "provider": "kling",
    "model": "kling-2.1-pro",
    "video_url": "https://cdn.example.com/a.mp4",
    "duration_s": 10,
    "width": 1080,
    "height": 1920,
    "fps": 24,
}


@pytest.fixture
def maker(creator_factory, client_for):  # type: ignore[no-untyped-def]
    creator = creator_factory()
    return creator, client_for(creator.user)


def post_reel(client, **video):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/reels/", {"title": "Koi", "video": {**VIDEO, **video}}, format="json"
    )


def test_the_seeded_licences_cite_their_sources(api):
    rows = api.get("/api/v1/model-licences/?page_size=100").json()["results"]
    by_key = {(r["provider"], r["plan"]): r for r in rows}
    assert by_key[("kling", "free")]["commercial_use"] == "not_allowed"
    assert by_key[("kling", "pro")]["commercial_use"] == "allowed"
    assert by_key[("hailuo", "free")]["commercial_use"] == "not_allowed"
    assert by_key[("pika", "standard")]["commercial_use"] == "conditional"
    assert all(r["source_url"].startswith("https://") for r in rows)
    assert all(r["checked_on"] for r in rows)
    assert all(r["conditions"] for r in rows)
    filtered = api.get("/api/v1/model-licences/?commercial_use=not_allowed").json()
    assert {r["plan"] for r in filtered["results"]} == {"free"}


@pytest.mark.parametrize(
    ("plan", "verdict"),
    [("free", "not_allowed"), ("pro", "allowed"), ("", "unknown"), ("enterprise", "unknown")],
)
def test_a_reel_shows_its_videos_verdict(maker, plan, verdict):
    _, client = maker
    response = post_reel(client, plan=plan)
    assert response.status_code == 201, response.json()
    video = response.json()["video"]
    assert video["plan"] == (plan or None)  # "" is taken and answers null
    assert video["licence_verdict"] == verdict
    if verdict == "unknown":
        assert video["licence_conditions"] is None
    else:
        assert "Terms of Paid Service" in video["licence_conditions"]


def test_a_video_without_a_plan_keeps_working(maker):
    _, client = maker
    response = post_reel(client)
    assert response.status_code == 201
    assert response.json()["video"]["licence_verdict"] == "unknown"


def test_an_unknown_plan_is_400_naming_it(maker):
    _, client = maker
    response = post_reel(client, plan="platinum")
    assert response.status_code == 400
    assert "plan" in response.json()["error"]["fields"]["video"]


def test_the_longest_model_prefix_wins(maker):
    ModelLicence.objects.create(
        provider="kling",
        model_prefix="kling-2.1",
        plan="free",
        commercial_use="conditional",
        conditions="A promotion let 2.1 outputs be used commercially.",
        source_url="https://example.com/promo",
        checked_on="2026-12-01",
    )
    _, client = maker
    assert post_reel(client, plan="free").json()["video"]["licence_verdict"] == "conditional"
    other = post_reel(client, plan="free", model="kling-1.6-pro").json()
    assert other["video"]["licence_verdict"] == "not_allowed"


def test_filters_creators_and_reels_by_allowed_licence(api, creator_factory, reel_factory):
    clean, free, unknown = creator_factory(), creator_factory(), creator_factory()
    reel_factory(creator=clean, video=VideoFactory(plan="pro", licence_verdict="allowed"))
    reel_factory(creator=free, video=VideoFactory(plan="free", licence_verdict="not_allowed"))
    reel_factory(creator=unknown)
    # An allowed reel still in moderation does not count for the creator filter.
    reel_factory(
        creator=free,
        moderation="pending",
        video=VideoFactory(plan="pro", licence_verdict="allowed"),
    )
    creators = api.get("/api/v1/creators/?licence=allowed").json()["results"]
    assert [c["handle"] for c in creators] == [clean.handle]
    reels = api.get("/api/v1/reels/?licence=allowed").json()["results"]
    assert [r["creator"] for r in reels] == [clean.handle]
    assert all(r["video"]["licence_verdict"] == "allowed" for r in reels)
    unknown_reels = api.get("/api/v1/reels/?licence=unknown").json()["results"]
    assert [r["creator"] for r in unknown_reels] == [unknown.handle]
    bad = api.get("/api/v1/creators/?licence=maybe")
    assert bad.status_code == 400 and "licence" in bad.json()["error"]["fields"]
    assert api.get("/api/v1/reels/?licence=maybe").status_code == 400


def test_staff_editing_a_licence_in_the_admin_rejudges_videos(staff, maker):
    _, client = maker
    reel = post_reel(client, plan="free", provider="pika", model="pika-2.2").json()
    assert reel["video"]["licence_verdict"] == "not_allowed"
    row = ModelLicence.objects.get(provider="pika", plan="free", model_prefix="")
    admin = Client()
    admin.force_login(staff)
    response = admin.post(
        f"/admin/creators/modellicence/{row.pk}/change/",
        {
            "provider": "pika",
            "model_prefix": "",
            "plan": "free",
            "commercial_use": "conditional",
            "conditions": "Pika now lets free outputs be used with attribution.",
            "source_url": "https://pika.art/terms",
            "checked_on": "2026-12-02",
        },
    )
    assert response.status_code == 302, response.content[:500]
    video = GeneratedVideo.objects.get(reel__pk=reel["id"])
    assert video.licence_verdict == "conditional"
    admin.post(f"/admin/creators/modellicence/{row.pk}/delete/", {"post": "yes"})
    video.refresh_from_db()
    assert video.licence_verdict == "unknown" and video.licence_id is None


@pytest.mark.parametrize(
    "path", ["/api/v1/reels/?licence=allowed", "/api/v1/creators/?licence=allowed"]
)
def test_licence_lists_do_not_query_per_row(
    api, django_assert_max_num_queries, path, creator_factory, reel_factory
):
    row = ModelLicence.objects.get(provider="kling", plan="pro", model_prefix="")
    for _ in range(110):
        video = VideoFactory(plan="pro", licence=row, licence_verdict="allowed")
        reel_factory(creator=creator_factory(), video=video)
    with django_assert_max_num_queries(3):
        small = api.get(f"{path}&page_size=10")
    with django_assert_max_num_queries(3):
        large = api.get(f"{path}&page_size=100")
    assert len(small.json()["results"]) == 10
    assert len(large.json()["results"]) == 100
    if "reels" in path:
        assert large.json()["results"][0]["video"]["licence_conditions"] == row.conditions
