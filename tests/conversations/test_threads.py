"""Threads and messages through the API: who sees what, masking, editing, unread counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import ContractStatus, Dispute, Message
from marketplace.models import Notification
from tests.factories import BidFactory, CreatorFactory, delivered_contract

pytestmark = pytest.mark.django_db


def open_brief_thread(client, brief, **body):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/briefs/{brief.pk}/threads/", body, format="json")


def test_a_creator_asks_and_the_brand_answers(cast, client_for):
    creator, brand = client_for(cast.creator.user), client_for(cast.member)
    opened = open_brief_thread(creator, cast.brief, text="Is a 4:5 cut wanted too?")
    assert opened.status_code == 201, opened.json()
    thread = opened.json()
    assert (thread["kind"], thread["creator"], thread["brief_title"]) == (
        "brief",
        "ana",
        "Neon teaser",
    )
    assert open_brief_thread(creator, cast.brief).status_code == 200  # the same thread again

    inbox = brand.get("/api/v1/threads/").json()
    assert [(t["id"], t["unread"]) for t in inbox["results"]] == [(thread["id"], 1)]
    assert brand.get("/api/v1/me/").json()["unread_messages"] == 1
    assert Notification.objects.filter(user=cast.member, kind="message_new").count() == 1

    answer = brand.post(
        f"/api/v1/threads/{thread['id']}/messages/", {"text": "Only 9:16, thanks!"}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["author_side"] == "brand"
    assert answer.json()["author_name"] == f"{cast.brand.name} · Maya"

    messages = creator.get(f"/api/v1/threads/{thread['id']}/messages/").json()["results"]
    assert [(m["author_side"], m["text"], m["mine"]) for m in messages] == [
        ("creator", "Is a 4:5 cut wanted too?", True),
        ("brand", "Only 9:16, thanks!", False),
    ]
    assert creator.get("/api/v1/me/").json()["unread_messages"] == 1
    read = creator.post(f"/api/v1/threads/{thread['id']}/read/", {}, format="json")
    assert read.status_code == 200
    assert read.json()["thread"]["unread"] == 0
    assert creator.get("/api/v1/me/").json()["unread_messages"] == 0
    assert not Notification.objects.filter(
        user=cast.creator.user, kind="message_new", read_at__isnull=True
    ).exists()


def test_only_participants_see_a_thread(cast, client_for, staff):
    thread = open_brief_thread(client_for(cast.creator.user), cast.brief, text="Hi").json()
    for outsider in (cast.outsider, cast.other_brand, staff):
        client = client_for(outsider)
        assert client.get(f"/api/v1/threads/{thread['id']}/").status_code == 404
        assert client.get(f"/api/v1/threads/{thread['id']}/messages/").status_code == 404
        posted = client.post(
            f"/api/v1/threads/{thread['id']}/messages/", {"text": "hello"}, format="json"
        )
        assert posted.status_code == 404
        assert client.get("/api/v1/threads/").json()["count"] == 0


def test_staff_read_a_thread_through_a_dispute_but_cannot_write(cast, client_for, staff):
    url = f"/api/v1/contracts/{cast.contract.pk}/thread/"
    thread = client_for(cast.creator.user).get(url).json()
    assert thread["kind"] == "contract"
    client_for(cast.member).post(
        f"/api/v1/threads/{thread['id']}/messages/", {"text": "The logo is off."}, format="json"
    )
    assert client_for(staff).get(url).status_code == 404
    Dispute.objects.create(
        contract=cast.contract,
        milestone=cast.contract.milestones.first(),
        opened_by=cast.member,
        reason="logo",
    )
    assert client_for(staff).get(url).status_code == 200
    listed = client_for(staff).get(f"/api/v1/threads/{thread['id']}/messages/")
    assert [m["text"] for m in listed.json()["results"]] == ["The logo is off."]
    posted = client_for(staff).post(
        f"/api/v1/threads/{thread['id']}/messages/", {"text": "staff here"}, format="json"
    )
    assert posted.status_code == 403
    assert posted.json()["error"]["code"] == "not_participant"


def test_contact_details_are_masked_before_a_contract_and_flagged_for_staff(
    cast, client_for, staff
):
    creator = client_for(cast.newcomer.user)
    thread = open_brief_thread(creator, cast.brief).json()
    posted = creator.post(
        f"/api/v1/threads/{thread['id']}/messages/",
        {"text": "Let's talk on WhatsApp +44 20 7946 0958 or ana.k@gmail.com"},
        format="json",
    )
    body = posted.json()
    assert body["text"] == "Let's talk on WhatsApp [contact hidden] or [contact hidden]"
    assert body["masked"] is True
    assert body["original_text"] is None  # not for participants
    brand_view = client_for(cast.member).get(f"/api/v1/threads/{thread['id']}/messages/").json()
    assert "7946" not in str(brand_view) and "gmail" not in str(brand_view)
    # Staff see the flagged thread and the original.
    assert Notification.objects.filter(user=staff, kind="message_flagged").count() == 1
    staff_view = client_for(staff).get(f"/api/v1/threads/{thread['id']}/messages/").json()
    assert staff_view["results"][0]["original_text"].endswith("ana.k@gmail.com")
    assert staff_view["results"][0]["flag_kinds"] == ["email", "phone"]
    # Once a contract exists, its own thread is not masked.
    contracted = client_for(cast.creator.user)
    contract_thread = contracted.get(f"/api/v1/contracts/{cast.contract.pk}/thread/").json()
    plain = contracted.post(
        f"/api/v1/threads/{contract_thread['id']}/messages/",
        {"text": "Call me on +44 20 7946 0958 about the edit"},
        format="json",
    )
    assert plain.json()["text"] == "Call me on +44 20 7946 0958 about the edit"
    assert plain.json()["masked"] is False


def test_timestamped_feedback_points_into_a_delivered_video(cast, client_for):
    brand = client_for(cast.member)
    thread = brand.get(f"/api/v1/contracts/{cast.contract.pk}/thread/").json()
    url = f"/api/v1/threads/{thread['id']}/messages/"
    ok = brand.post(
        url, {"text": "At 0:07 the logo is mirrored", "video": cast.video.pk, "at_s": "7.5"}
    )
    assert ok.status_code == 201, ok.json()
    assert (ok.json()["video"], ok.json()["at_s"]) == (cast.video.pk, "7.500")
    assert client_for(cast.creator.user).get(url, {"has_video": "true"}).json()["count"] == 1

    other = delivered_contract(brand=cast.brand)
    foreign = other.deliveries.first().videos.first()
    cases = [
        ({"text": "x", "video": cast.video.pk, "at_s": "10.001"}, "at_s", "at_s_out_of_range"),
        ({"text": "x", "video": cast.video.pk, "at_s": "-1"}, "at_s", "invalid"),
        ({"text": "x", "video": foreign.pk, "at_s": "1"}, "video", "video_not_in_contract"),
        ({"text": "x", "at_s": "1"}, "at_s", "at_s_needs_video"),
        ({"text": "   "}, "text", "invalid"),
        ({"text": "x" * 5001}, "text", "invalid"),
        ({}, "text", "invalid"),
    ]
    for body, field, code in cases:
        answer = brand.post(url, body, format="json")
        assert answer.status_code == 400, (body, answer.json())
        assert field in answer.json()["error"]["fields"], (body, answer.json())
        assert answer.json()["error"]["code"] == code, (body, answer.json())
    # A brief thread has no deliveries to point into.
    brief_thread = open_brief_thread(client_for(cast.creator.user), cast.brief).json()
    answer = client_for(cast.creator.user).post(
        f"/api/v1/threads/{brief_thread['id']}/messages/",
        {"text": "x", "video": cast.video.pk},
        format="json",
    )
    assert answer.json()["error"]["code"] == "video_not_in_contract"


def test_edit_window_and_tombstones(cast, client_for, staff):
    creator = client_for(cast.creator.user)
    thread = open_brief_thread(creator, cast.brief, text="first draft").json()
    url = f"/api/v1/threads/{thread['id']}/messages/"
    message = Message.objects.get(thread_id=thread["id"])
    edited = creator.patch(f"{url}{message.pk}/", {"text": "second draft"}, format="json")
    assert edited.status_code == 200
    assert (edited.json()["text"], edited.json()["edited"]) == ("second draft", True)
    # Someone else may not edit it.
    other = client_for(cast.member).patch(f"{url}{message.pk}/", {"text": "x"}, format="json")
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_author"
    # After ten minutes it is final.
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    late = creator.patch(f"{url}{message.pk}/", {"text": "third"}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "edit_window_closed"
    assert creator.delete(f"{url}{message.pk}/").status_code == 409

    fresh = creator.post(url, {"text": "oops, wrong thread"}, format="json").json()
    assert creator.delete(f"{url}{fresh['id']}/").status_code == 204
    listed = client_for(cast.member).get(url).json()["results"]
    assert [(m["text"], m["deleted"]) for m in listed] == [
        ("second draft", False),
        (None, True),
    ]
    assert creator.patch(f"{url}{fresh['id']}/", {"text": "x"}, format="json").status_code == 409


def test_a_brand_member_writes_only_to_creators_invited_or_bidding(cast, client_for):
    brand = client_for(cast.member)
    assert open_brief_thread(brand, cast.brief, creator="ana", text="Hi Ana").status_code == 201
    refused = open_brief_thread(brand, cast.brief, creator="bo")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"].keys() == {"creator"}
    assert open_brief_thread(brand, cast.brief).json()["error"]["code"] == "creator_required"
    # Another brand's owner is neither a creator nor a member of this brand.
    other = open_brief_thread(client_for(cast.other_brand), cast.brief)
    assert other.status_code == 403


def test_message_text_is_returned_as_text(cast, client_for):
    creator = client_for(cast.creator.user)
    payload = '<script>alert("x")</script><b>bold</b> & more'
    thread = open_brief_thread(creator, cast.brief, text=payload).json()
    response = creator.get(f"/api/v1/threads/{thread['id']}/messages/")
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["results"][0]["text"] == payload


def test_a_contract_thread_is_one_per_contract(cast, client_for):
    url = f"/api/v1/contracts/{cast.contract.pk}/thread/"
    first = client_for(cast.creator.user).get(url).json()
    second = client_for(cast.member).get(url).json()
    assert first["id"] == second["id"]
    assert client_for(cast.outsider).get(url).status_code == 404


def test_filters_and_pagination(cast, client_for):
    creator = client_for(cast.creator.user)
    thread = open_brief_thread(creator, cast.brief).json()
    url = f"/api/v1/threads/{thread['id']}/messages/"
    ids = [creator.post(url, {"text": f"m{i}"}, format="json").json()["id"] for i in range(5)]
    page = creator.get(url, {"page_size": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]
    assert [m["id"] for m in creator.get(url, {"after": ids[2]}).json()["results"]] == ids[3:]
    assert creator.get(url, {"after": "x"}).status_code == 400
    brand = client_for(cast.member)
    assert brand.get("/api/v1/threads/", {"unread": "true"}).json()["count"] == 1
    assert brand.get("/api/v1/threads/", {"kind": "contract"}).json()["count"] == 0
    assert creator.get("/api/v1/threads/", {"unread": "true"}).json()["count"] == 0


@pytest.mark.parametrize("size", [2, 10])
def test_thread_and_message_lists_take_a_fixed_number_of_queries(
    cast, client_for, django_assert_max_num_queries, size
):
    brand = client_for(cast.member)
    for i in range(size):
        creator = CreatorFactory()
        BidFactory(brief=cast.brief, creator=creator)
        thread = open_brief_thread(client_for(creator.user), cast.brief, text=f"q{i}").json()
    with django_assert_max_num_queries(6):
        assert len(brand.get("/api/v1/threads/").json()["results"]) == size
    for i in range(size):
        brand.post(f"/api/v1/threads/{thread['id']}/messages/", {"text": f"a{i}"}, format="json")
    with django_assert_max_num_queries(7):
        body = brand.get(f"/api/v1/threads/{thread['id']}/messages/").json()
        assert len(body["results"]) == size + 1
    assert ContractStatus.DELIVERED == cast.contract.status


def test_a_revision_request_carries_timestamped_feedback(cast, client_for):
    brand = client_for(cast.member)
    url = f"/api/v1/contracts/{cast.contract.pk}/request-revision/"
    bad = brand.post(
        url,
        {"note": "Fix the logo", "feedback": [{"text": "x", "video": cast.video.pk, "at_s": "99"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"].keys() == {"feedback.0.at_s"}
    cast.contract.refresh_from_db()
    assert cast.contract.status == ContractStatus.DELIVERED  # nothing happened
    ok = brand.post(
        url,
        {
            "note": "Fix the logo",
            "feedback": [
                {"text": "At 0:07 the logo is mirrored", "video": cast.video.pk, "at_s": "7"},
                {"text": "Colour is off here", "video": cast.video.pk, "at_s": "9.25"},
            ],
        },
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "revision_requested"
    thread = client_for(cast.creator.user).get(f"/api/v1/contracts/{cast.contract.pk}/thread/")
    assert thread.json()["unread"] == 2
    messages = client_for(cast.creator.user).get(f"/api/v1/threads/{thread.json()['id']}/messages/")
    assert [(m["text"], m["at_s"]) for m in messages.json()["results"]] == [
        ("At 0:07 the logo is mirrored", "7.000"),
        ("Colour is off here", "9.250"),
    ]
