"""A delivery's generator licences: a video made on a plan that forbids commercial use is
refused (`licence_not_commercial`); a conditional or unknown licence is accepted and flagged to
the brand and to staff (the admin's queue); deliveries show each video's verdict."""

import pytest
from django.test import Client

from campaigns.models import Brief, Delivery
from marketplace.models import Notification
from tests.factories import MembershipFactory, funded_contract

pytestmark = pytest.mark.django_db

VIDEO = {
    "provider": "kling",
    "model": "kling-2.1-pro",
    "video_url": "https://cdn.example.com/final.mp4",
    "duration_s": 15,
    "width": 1080,
    "height": 1920,
    "fps": 24,
}


@pytest.fixture
def deal(client_for):  # type: ignore[no-untyped-def]
    contract = funded_contract()
    owner = MembershipFactory(brand=contract.brand).user
    return contract, client_for(contract.creator.user), client_for(owner), owner


def deliver(creator, contract, *videos):  # type: ignore[no-untyped-def]
    return creator.post(
        f"/api/v1/contracts/{contract.pk}/deliveries/",
        {"videos": [{**VIDEO, **v} for v in videos], "note": "final"},
        format="json",
    )


def test_a_video_on_a_non_commercial_plan_is_refused(deal):
    contract, creator, _, _ = deal
    response = deliver(creator, contract, {"plan": "pro"}, {"plan": "free"})
    assert response.status_code == 400, response.json()
    body = response.json()["error"]
    assert body["code"] == "licence_not_commercial"
    assert "videos[1].plan" in body["fields"]
    contract.refresh_from_db()
    assert contract.status == "funded"
    assert not Delivery.objects.filter(contract=contract).exists()


def test_an_allowed_licence_is_accepted_without_a_flag(deal):
    contract, creator, brand, _ = deal
    response = deliver(creator, contract, {"plan": "pro"})
    assert response.status_code == 201, response.json()
    assert response.json()["videos"][0]["licence_verdict"] == "allowed"
    assert Delivery.objects.get(contract=contract).licence_flag == "none"
    listed = brand.get(f"/api/v1/contracts/{contract.pk}/deliveries/").json()["results"]
    assert listed[0]["videos"][0]["licence_verdict"] == "allowed"
    assert listed[0]["licence_flag"] == "none"


@pytest.mark.parametrize(
    ("video", "verdict"),
    [
        ({"provider": "pika", "model": "pika-2.2", "plan": "standard"}, "conditional"),
        ({}, "unknown"),
    ],
)
def test_conditional_or_unknown_is_accepted_and_flagged(deal, staff, video, verdict):
    contract, creator, brand, owner = deal
    response = deliver(creator, contract, video)
    assert response.status_code == 201, response.json()
    assert response.json()["videos"][0]["licence_verdict"] == verdict
    assert response.json()["licence_flag"] == "flagged"
    to_brand = Notification.objects.get(user=owner, kind="delivery_licence_flagged")
    assert verdict in to_brand.message
    assert Notification.objects.filter(user=staff, kind="delivery_licence_flagged").exists()

    admin = Client()
    admin.force_login(staff)
    queue = admin.get("/admin/campaigns/delivery/?licence_flag__exact=flagged")
    assert queue.status_code == 200
    flagged = list(queue.context["cl"].result_list)
    assert [d.contract_id for d in flagged] == [contract.pk]
    moved = admin.post(
        "/admin/campaigns/delivery/",
        {"action": "clear_licence_flag", "_selected_action": [flagged[0].pk]},
    )
    assert moved.url == f"/admin/campaigns/delivery/{flagged[0].pk}/clear-licence/"
    page = admin.get(moved.url).content.decode()
    assert verdict.capitalize() in page  # each video's verdict, shown before clearing
    refused = admin.post(moved.url, {"reason": "", "_previewed": "confirm"})
    assert "A reason is required" in refused.content.decode()
    assert Delivery.objects.get(pk=flagged[0].pk).licence_flag == "flagged"
    admin.post(moved.url, {"reason": "the plan allows ads", "_previewed": "confirm"})
    delivery = Delivery.objects.get(pk=flagged[0].pk)
    assert "cleared: the plan allows ads" in delivery.licence_note
    assert delivery.licence_flag == "cleared"
    assert Notification.objects.filter(user=owner, kind="delivery_licence_cleared").exists()


def test_a_brief_that_waives_commercial_use_accepts_but_flags(deal):
    contract, creator, _, _ = deal
    Brief.objects.filter(pk=contract.brief_id).update(commercial_licence_required=False)
    response = deliver(creator, contract, {"plan": "free"})
    assert response.status_code == 201, response.json()
    assert response.json()["videos"][0]["licence_verdict"] == "not_allowed"
    assert response.json()["licence_flag"] == "flagged"


@pytest.mark.parametrize("count", [2, 20])
def test_listing_deliveries_does_not_query_per_video(deal, count, django_assert_num_queries):
    contract, creator, brand, _ = deal
    videos = [
        {"plan": "pro", "video_url": f"https://cdn.example.com/{i}.mp4"} for i in range(count)
    ]
    assert deliver(creator, contract, *videos).status_code == 201
    with django_assert_num_queries(QUERIES_FOR_DELIVERIES):
        listed = brand.get(f"/api/v1/contracts/{contract.pk}/deliveries/")
    assert len(listed.json()["results"][0]["videos"]) == count
    assert listed.json()["results"][0]["videos"][-1]["licence_conditions"]


# The same for 2 and 20 videos: membership, contract, its milestones (a contract-level read
# answers for a one-milestone contract), deliveries, their videos with licences.
QUERIES_FOR_DELIVERIES = 5
