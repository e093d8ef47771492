import pytest

from creators.models import Moderation, Reel
from marketplace.models import AuditLog

pytestmark = pytest.mark.django_db

VIDEO = {
    "provider": "kling",
    "model": "Kling-2.1-Pro",
    "video_url": "https://cdn.example.com/v/1.mp4",
    "thumbnail_url": "https://cdn.example.com/t/1.jpg",
    "prompt": "a koi pond at dawn, cinematic",
    "mode": "text_to_video",
    "duration_s": 10,
    "width": 1080,
    "height": 1920,
    "fps": 24,
    "seed": 42,
}


def reel_body(**video_overrides):  # type: ignore[no-untyped-def]
    video = {**VIDEO, **video_overrides}
    return {"title": "Koi", "description": "dawn", "tags": ["Nature", "koi"], "video": video}


@pytest.fixture
def creator(creator_factory):  # type: ignore[no-untyped-def]
    return creator_factory(handle="ana")


@pytest.fixture
def ana(client_for, creator):  # type: ignore[no-untyped-def]
    return client_for(creator.user)


def test_creator_creates_reel_with_nested_video_pending(ana, creator):
    response = ana.post("/api/v1/reels/", reel_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["moderation"] == "pending"
    assert body["creator"] == "ana"
    assert body["tags"] == ["nature", "koi"]
    assert body["video"]["model"] == "kling-2.1-pro"
    assert Reel.objects.get(pk=body["id"]).video.duration_s == 10


@pytest.mark.parametrize(
    "video_overrides, field",
    [
        ({"video_url": "http://cdn.example.com/v.mp4"}, "video_url"),
        ({"thumbnail_url": "ftp://cdn.example.com/t.jpg"}, "thumbnail_url"),
        ({"duration_s": -5}, "duration_s"),
        ({"duration_s": 0}, "duration_s"),
        ({"duration_s": 601}, "duration_s"),
        ({"provider": "dreamcam"}, "provider"),
        ({"mode": "audio_to_video"}, "mode"),
        ({"width": 0}, "width"),
        ({"height": -1}, "height"),
        ({"fps": 0}, "fps"),
        ({"video_url": "https://" + "a" * 600 + ".com/v.mp4"}, "video_url"),
    ],
)
def test_invalid_video_is_400_naming_the_field(ana, video_overrides, field):
    response = ana.post("/api/v1/reels/", reel_body(**video_overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]["video"]
    assert not Reel.objects.exists()


def test_reel_without_video_is_400_naming_video(ana):
    response = ana.post("/api/v1/reels/", {"title": "no video"}, format="json")
    assert response.status_code == 400
    assert "video" in response.json()["error"]["fields"]


def test_brand_user_cannot_post_reels(client_for, user_factory):
    response = client_for(user_factory()).post("/api/v1/reels/", reel_body(), format="json")
    assert response.status_code == 403


def test_anonymous_cannot_post_reels(api):
    assert api.post("/api/v1/reels/", reel_body(), format="json").status_code == 401


def test_other_creators_reel_and_portfolio_edit_and_delete_are_404(
    client_for, creator_factory, reel_factory, portfolio_factory
):
    owner = creator_factory()
    reel = reel_factory(creator=owner)
    portfolio = portfolio_factory(creator=owner)
    intruder = client_for(creator_factory().user)
    assert intruder.patch(f"/api/v1/reels/{reel.pk}/", {"title": "x"}).status_code == 404
    assert intruder.delete(f"/api/v1/reels/{reel.pk}/").status_code == 404
    assert intruder.patch(f"/api/v1/portfolios/{portfolio.pk}/", {"name": "x"}).status_code == 404
    assert intruder.delete(f"/api/v1/portfolios/{portfolio.pk}/").status_code == 404
    reel.refresh_from_db()
    assert reel.title != "x"


def test_owner_edits_and_deletes_own_reel(ana, creator, reel_factory):
    reel = reel_factory(creator=creator)
    response = ana.patch(f"/api/v1/reels/{reel.pk}/", {"title": "New"}, format="json")
    assert response.status_code == 200
    # Changing an approved reel's words sends it back to moderation.
    assert response.json()["moderation"] == "pending"
    assert ana.delete(f"/api/v1/reels/{reel.pk}/").status_code == 204
    assert not Reel.objects.filter(pk=reel.pk).exists()


def test_public_list_hides_pending_rejected_and_suspended(api, creator_factory, reel_factory):
    active = creator_factory()
    suspended = creator_factory(suspended=True)
    shown = reel_factory(creator=active)
    reel_factory(creator=active, moderation=Moderation.PENDING)
    reel_factory(creator=active, moderation=Moderation.REJECTED)
    reel_factory(creator=suspended)
    ids = [r["id"] for r in api.get("/api/v1/reels/").json()["results"]]
    assert ids == [shown.pk]
    handles = [c["handle"] for c in api.get("/api/v1/creators/").json()["results"]]
    assert handles == [active.handle]
    assert api.get(f"/api/v1/creators/{suspended.handle}/").status_code == 404


def test_owner_sees_own_pending_reel_but_others_do_not(client_for, creator_factory, reel_factory):
    owner = creator_factory()
    pending = reel_factory(creator=owner, moderation=Moderation.PENDING)
    assert client_for(owner.user).get(f"/api/v1/reels/{pending.pk}/").status_code == 200
    other = client_for(creator_factory().user)
    assert other.get(f"/api/v1/reels/{pending.pk}/").status_code == 404
    mine = client_for(owner.user).get("/api/v1/reels/?mine=true").json()["results"]
    assert [r["id"] for r in mine] == [pending.pk]


def test_portfolio_crud_and_reel_in_portfolio(ana, creator):
    created = ana.post("/api/v1/portfolios/", {"name": "Anime"}, format="json")
    assert created.status_code == 201
    pid = created.json()["id"]
    assert ana.post("/api/v1/portfolios/", {"name": "Anime"}, format="json").status_code == 400
    body = {**reel_body(), "portfolio": pid}
    reel = ana.post("/api/v1/reels/", body, format="json")
    assert reel.status_code == 201
    assert reel.json()["portfolio"] == pid
    renamed = ana.patch(f"/api/v1/portfolios/{pid}/", {"name": "Anime 2"}, format="json")
    assert renamed.json()["name"] == "Anime 2"
    assert ana.delete(f"/api/v1/portfolios/{pid}/").status_code == 204


def test_reel_in_someone_elses_portfolio_is_400(ana, portfolio_factory):
    foreign = portfolio_factory()
    body = {**reel_body(), "portfolio": foreign.pk}
    response = ana.post("/api/v1/reels/", body, format="json")
    assert response.status_code == 400
    assert "portfolio" in response.json()["error"]["fields"]


def test_admin_approve_action_changes_state_and_audits(client, staff, creator_factory):
    from tests.factories import ReelFactory

    reel = ReelFactory(moderation=Moderation.PENDING)
    client.force_login(staff)
    response = client.post(
        "/admin/creators/reel/",
        {"action": "approve", "_selected_action": [reel.pk], "reason": "", "tier": ""},
    )
    assert response.status_code == 302
    reel.refresh_from_db()
    assert reel.moderation == Moderation.APPROVED
    entry = AuditLog.objects.get(
        object_type="creators.reel", object_id=str(reel.pk), verb="approve"
    )
    assert (entry.before, entry.after, entry.actor) == ("pending", "approved", staff)
    # Approval makes the model a skill of the creator.
    skills = client.get(f"/api/v1/creators/{reel.creator.handle}/").json()["skills"]
    assert skills == [
        {"model": "kling-2.1-pro", "provider": "kling", "reel_count": 1, "total_seconds": 10}
    ]


def test_admin_reject_needs_a_reason(client, staff):
    from tests.factories import ReelFactory

    reel = ReelFactory(moderation=Moderation.PENDING)
    client.force_login(staff)
    client.post("/admin/creators/reel/", {"action": "reject", "_selected_action": [reel.pk]})
    reel.refresh_from_db()
    assert reel.moderation == Moderation.PENDING
    client.post(
        "/admin/creators/reel/",
        {"action": "reject", "_selected_action": [reel.pk], "reason": "watermark visible"},
    )
    reel.refresh_from_db()
    assert (reel.moderation, reel.rejection_reason) == ("rejected", "watermark visible")


def test_admin_moderation_queue_lists_pending_first(client, staff):
    from tests.factories import ReelFactory

    ReelFactory(moderation=Moderation.PENDING, title="waiting")
    # Created later, so it would come first by id; the queue still puts pending first.
    ReelFactory(moderation=Moderation.APPROVED, title="old approved")
    client.force_login(staff)
    page = client.get("/admin/creators/reel/").content.decode()
    assert page.index("waiting") < page.index("old approved")
    assert 'target="_blank"' in page
