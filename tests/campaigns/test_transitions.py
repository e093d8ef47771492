"""Every illegal status move answers 409 with the current state and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Bid, BidStatus, Brief, BriefStatus, Contract
from marketplace.models import AuditLog

pytestmark = pytest.mark.django_db

ALL_BRIEF = [s.value for s in BriefStatus]

BRIEF_ACTIONS = {
    # action: (who, method, suffix, body, statuses it is allowed from)
    "submit": ("owner", "post", "submit/", None, {"draft", "rejected"}),
    "approve": ("staff", "post", "approve/", None, {"in_review"}),
    "reject": ("staff", "post", "reject/", {"reason": "blurry"}, {"in_review"}),
    "close": ("owner", "post", "close/", None, {"open"}),
    "cancel": ("owner", "post", "cancel/", None, {"draft", "in_review", "open", "closed"}),
    "edit": ("owner", "patch", "", {"title": "New title"}, {"draft", "rejected"}),
}
ILLEGAL_BRIEF_MOVES = [
    (action, status)
    for action, (*_, allowed) in BRIEF_ACTIONS.items()
    for status in ALL_BRIEF
    if status not in allowed
]


@pytest.mark.parametrize("action, status", ILLEGAL_BRIEF_MOVES)
def test_illegal_brief_move_is_409_with_current_state(
    client_for, staff, brief_factory, member_of, action, status
):
    brief = brief_factory(status=status)
    who, method, suffix, body, _ = BRIEF_ACTIONS[action]
    client = client_for(staff if who == "staff" else member_of(brief.brand))
    audit_rows = AuditLog.objects.count()
    response = getattr(client, method)(f"/api/v1/briefs/{brief.pk}/{suffix}", body, format="json")
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid_state"
    assert error["current_state"] == status
    assert Brief.objects.get(pk=brief.pk).status == status
    assert AuditLog.objects.count() == audit_rows


@pytest.mark.parametrize(
    "action, status",
    [(action, status) for action, (*_, allowed) in BRIEF_ACTIONS.items() for status in allowed],
)
def test_legal_brief_moves_succeed(client_for, staff, brief_factory, member_of, action, status):
    brief = brief_factory(status=status)
    who, method, suffix, body, _ = BRIEF_ACTIONS[action]
    client = client_for(staff if who == "staff" else member_of(brief.brand))
    response = getattr(client, method)(f"/api/v1/briefs/{brief.pk}/{suffix}", body, format="json")
    assert response.status_code == 200, response.json()
    brief.refresh_from_db()
    if action == "edit":  # an edit is no move
        assert brief.status == status
        return
    sources, target = Brief.TRANSITIONS[action]
    assert status in sources and brief.status == target
    row = AuditLog.objects.filter(object_type="campaigns.brief", object_id=str(brief.pk)).last()
    assert (row.verb, row.before, row.after) == (action, status, target)


ALL_BID = [s.value for s in BidStatus]
BID_ACTIONS = {
    "shortlist": ("owner", "post", "shortlist/", None, {"submitted"}),
    "reject": ("owner", "post", "reject/", None, {"submitted", "shortlisted"}),
    "accept": ("owner", "post", "accept/", None, {"submitted", "shortlisted"}),
    "withdraw": ("creator", "post", "withdraw/", None, {"submitted", "shortlisted"}),
    "edit": ("creator", "patch", "", {"amount": 70_000}, {"submitted"}),
}
ILLEGAL_BID_MOVES = [
    (action, status)
    for action, (*_, allowed) in BID_ACTIONS.items()
    for status in ALL_BID
    if status not in allowed
]


@pytest.mark.parametrize("action, status", ILLEGAL_BID_MOVES)
def test_illegal_bid_move_is_409_with_current_state(
    client_for, brief_factory, bid_factory, member_of, action, status
):
    brief = brief_factory(slots=3)
    bid = bid_factory(brief=brief, status=status)
    who, method, suffix, body, _ = BID_ACTIONS[action]
    client = client_for(member_of(brief.brand) if who == "owner" else bid.creator.user)
    response = getattr(client, method)(f"/api/v1/bids/{bid.pk}/{suffix}", body, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["error"]["current_state"] == status
    bid.refresh_from_db()
    assert bid.status == status
    assert bid.amount == 60_000
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    "status", [BriefStatus.AWARDED, BriefStatus.CANCELLED, BriefStatus.COMPLETED]
)
def test_accepting_on_a_finished_brief_is_409_naming_the_brief_state(
    client_for, brief_factory, bid_factory, member_of, status
):
    brief = brief_factory(status=status)
    bid = bid_factory(brief=brief)
    response = client_for(member_of(brief.brand)).post(f"/api/v1/bids/{bid.pk}/accept/")
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == status
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    "status",
    [BriefStatus.CLOSED, BriefStatus.AWARDED, BriefStatus.CANCELLED, BriefStatus.COMPLETED],
)
def test_bidding_on_a_brief_that_is_not_open_is_409(client_for, brief_factory, bid_factory, status):
    brief = brief_factory(status=status)
    # A withdrawn bid keeps the brief visible to the creator after it stopped being open.
    old = bid_factory(brief=brief, status=BidStatus.WITHDRAWN)
    response = client_for(old.creator.user).post(
        f"/api/v1/briefs/{brief.pk}/bids/", {"amount": 1000}, format="json"
    )
    assert response.status_code == 409, response.json()
    assert response.json()["error"]["current_state"] == status
    assert Bid.objects.count() == 1


def test_bid_after_the_deadline_is_409(client_for, brief_factory, creator_factory):
    brief = brief_factory(bid_deadline=timezone.now() - timedelta(minutes=1))
    creator = creator_factory()
    response = client_for(creator.user).post(
        f"/api/v1/briefs/{brief.pk}/bids/", {"amount": 1000}, format="json"
    )
    assert response.status_code == 409
    assert "deadline" in response.json()["error"]["message"]
    assert response.json()["error"]["current_state"] == "open"


def test_editing_a_bid_after_the_deadline_is_409(client_for, brief_factory, bid_factory):
    brief = brief_factory()
    bid = bid_factory(brief=brief)
    Brief.objects.filter(pk=brief.pk).update(bid_deadline=timezone.now() - timedelta(seconds=1))
    response = client_for(bid.creator.user).patch(
        f"/api/v1/bids/{bid.pk}/", {"amount": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "open"


def test_declining_twice_is_409(client_for, invitation_factory):
    invitation = invitation_factory()
    client = client_for(invitation.creator.user)
    url = f"/api/v1/invitations/{invitation.pk}/decline/"
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["error"]["current_state"] == "declined"


@pytest.mark.parametrize("status", [BriefStatus.DRAFT, BriefStatus.CLOSED, BriefStatus.AWARDED])
def test_inviting_to_a_brief_that_is_not_open_is_409(
    client_for, brief_factory, creator_factory, member_of, status
):
    brief = brief_factory(status=status)
    creator_factory(handle="ana")
    response = client_for(member_of(brief.brand)).post(
        f"/api/v1/briefs/{brief.pk}/invitations/", {"handle": "ana"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == status


def test_approving_after_the_bid_deadline_passed_is_409(client_for, staff, brief_factory):
    brief = brief_factory(
        status=BriefStatus.IN_REVIEW, bid_deadline=timezone.now() - timedelta(hours=1)
    )
    response = client_for(staff).post(f"/api/v1/briefs/{brief.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "in_review"
