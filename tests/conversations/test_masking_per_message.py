"""Masking is decided per message: in a brief thread, a message sent before any contract
between its creator and brand is masked and flagged; once a contract exists, new messages
in the same thread are not. Earlier messages keep their masking, and an edit neither gains
nor loses it."""

import pytest

from campaigns.models import Contract, Message
from tests.factories import BidFactory, BriefFactory, CreatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PHONE = "Call me on +44 20 7946 0958"


@pytest.fixture
def pair(client_for):  # type: ignore[no-untyped-def]
    membership = MembershipFactory()
    brief = BriefFactory(brand=membership.brand, title="Neon teaser")
    creator = CreatorFactory(handle="cleo")
    return membership, brief, creator


def post(client, thread_id: int, text: str) -> dict:  # type: ignore[no-untyped-def]
    answer = client.post(f"/api/v1/threads/{thread_id}/messages/", {"text": text}, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def test_the_brief_thread_is_masked_only_before_a_contract(pair, client_for, staff):
    membership, brief, creator = pair
    maker, brand = client_for(creator.user), client_for(membership.user)
    thread = maker.post(f"/api/v1/briefs/{brief.pk}/threads/", {}, format="json").json()
    before = post(maker, thread["id"], PHONE)
    assert before["masked"] is True and "7946" not in before["text"]

    # The creator bids and the brand accepts: a contract between them now exists.
    bid = maker.post(
        f"/api/v1/briefs/{brief.pk}/bids/", {"amount": 60_000, "pitch": "Yes"}, format="json"
    )
    assert bid.status_code == 201, bid.json()
    accepted = brand.post(f"/api/v1/bids/{bid.json()['id']}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert Contract.objects.filter(creator=creator, brand=membership.brand).exists()

    after = post(maker, thread["id"], PHONE)
    assert after["masked"] is False and after["text"] == PHONE
    reply = post(brand, thread["id"], "Sure, or mail maya@brand.example")
    assert reply["masked"] is False and reply["text"].endswith("maya@brand.example")

    listed = brand.get(f"/api/v1/threads/{thread['id']}/messages/").json()["results"]
    assert [(m["masked"], "7946" in m["text"]) for m in listed] == [
        (True, False),  # sent before the contract: it stays masked
        (False, True),
        (False, False),
    ]
    assert list(Message.objects.filter(flagged=True).values_list("pk", flat=True)) == [before["id"]]


def test_an_edit_keeps_the_decision_made_when_the_message_was_sent(pair, client_for):
    membership, brief, creator = pair
    maker, brand = client_for(creator.user), client_for(membership.user)
    thread = maker.post(f"/api/v1/briefs/{brief.pk}/threads/", {}, format="json").json()
    early = post(maker, thread["id"], "ok")
    # A contract made since the message was sent does not unmask its edit.
    bid = BidFactory(brief=brief, creator=creator)
    accepted = brand.post(f"/api/v1/bids/{bid.pk}/accept/")
    assert accepted.status_code == 200, accepted.json()
    url = f"/api/v1/threads/{thread['id']}/messages/{early['id']}/"
    edited = maker.patch(url, {"text": PHONE}, format="json").json()
    assert edited["masked"] is True and "7946" not in edited["text"]
    late = post(maker, thread["id"], "ok again")
    edited_late = maker.patch(
        f"/api/v1/threads/{thread['id']}/messages/{late['id']}/", {"text": PHONE}, format="json"
    ).json()
    assert edited_late["masked"] is False and edited_late["text"] == PHONE


def test_a_contract_with_another_brand_or_a_cancelled_one_does_not_lift_the_masking(
    pair, client_for
):
    membership, brief, creator = pair
    maker = client_for(creator.user)
    thread = maker.post(f"/api/v1/briefs/{brief.pk}/threads/", {}, format="json").json()
    other = BidFactory(creator=creator)  # a bid on another brand's brief
    other_owner = MembershipFactory(brand=other.brief.brand).user
    assert client_for(other_owner).post(f"/api/v1/bids/{other.pk}/accept/").status_code == 200
    assert post(maker, thread["id"], PHONE)["masked"] is True

    own = BidFactory(brief=brief, creator=creator)
    brand = client_for(membership.user)
    contract = brand.post(f"/api/v1/bids/{own.pk}/accept/").json()["contract"]
    cancelled = brand.post(f"/api/v1/contracts/{contract['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled", cancelled.json()
    assert post(maker, thread["id"], PHONE)["masked"] is True
