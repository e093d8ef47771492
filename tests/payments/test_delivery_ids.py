"""A delivered video carries its `id` wherever a delivery is shown — the answer to a delivery
and every delivery list — so a client can point timestamped feedback (`"video": <id>`) at it
without reading the disclosure pack."""

import pytest

from campaigns.models import Message
from creators.models import GeneratedVideo
from tests.constants import VIDEO
from tests.factories import MembershipFactory, contract_in

pytestmark = pytest.mark.django_db


def second_video() -> dict:
    return {**VIDEO, "video_url": "https://cdn.example.com/delivery/2.mp4", "duration_s": 20}


def test_delivered_videos_carry_their_ids_and_feedback_points_at_them(client_for):
    contract = contract_in("funded")
    owner = MembershipFactory(brand=contract.brand).user
    creator, brand = client_for(contract.creator.user), client_for(owner)
    milestone = contract.milestones.get()

    made = creator.post(
        f"/api/v1/contracts/{contract.pk}/deliveries/",
        {"videos": [VIDEO, second_video()], "note": "first cut"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["milestone"] == milestone.pk
    ids = [v["id"] for v in body["videos"]]
    stored = GeneratedVideo.objects.filter(pk__in=ids)
    assert sorted(stored.values_list("video_url", flat=True)) == sorted(
        [VIDEO["video_url"], second_video()["video_url"]]
    )
    assert [v["video_url"] for v in body["videos"]] == [
        VIDEO["video_url"],
        second_video()["video_url"],
    ]

    listed = brand.get(f"/api/v1/contracts/{contract.pk}/deliveries/").json()
    assert [v["id"] for v in listed[0]["videos"]] == ids
    by_milestone = brand.get(f"/api/v1/milestones/{milestone.pk}/deliveries/").json()
    assert [v["id"] for v in by_milestone[0]["videos"]] == ids

    # The brand's timestamped note points into the second video by the id it was given.
    posted = brand.post(
        f"/api/v1/contracts/{contract.pk}/request-revision/",
        {
            "note": "Two fixes.",
            "feedback": [{"text": "The logo is mirrored here", "video": ids[1], "at_s": "7.5"}],
        },
        format="json",
    )
    assert posted.status_code == 200, posted.json()
    message = Message.objects.get(thread__contract=contract)
    assert message.video_id == ids[1] and str(message.at_s) == "7.500"
    thread = brand.get(f"/api/v1/contracts/{contract.pk}/thread/").json()
    messages = brand.get(f"/api/v1/threads/{thread['id']}/messages/").json()["results"]
    assert messages[0]["video"] == ids[1]


@pytest.mark.parametrize("deliveries", [1, 3])
def test_delivery_lists_take_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, deliveries
):
    contract = contract_in("funded")
    owner = MembershipFactory(brand=contract.brand).user
    creator, brand = client_for(contract.creator.user), client_for(owner)
    milestone = contract.milestones.get()
    for n in range(deliveries):
        assert (
            creator.post(
                f"/api/v1/contracts/{contract.pk}/deliveries/",
                {"videos": [VIDEO, second_video()]},
                format="json",
            ).status_code
            == 201
        )
        if n < deliveries - 1:
            revise = brand.post(
                f"/api/v1/contracts/{contract.pk}/request-revision/",
                {"note": "Again, tighter."},
                format="json",
            )
            assert revise.status_code == 200, revise.json()
    with django_assert_max_num_queries(8):
        listed = brand.get(f"/api/v1/contracts/{contract.pk}/deliveries/")
    assert len(listed.json()) == deliveries
    assert all(isinstance(v["id"], int) for d in listed.json() for v in d["videos"])
    with django_assert_max_num_queries(8):
        by_milestone = brand.get(f"/api/v1/milestones/{milestone.pk}/deliveries/")
    assert [d["id"] for d in by_milestone.json()] == [d["id"] for d in listed.json()]
