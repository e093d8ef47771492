"""Who sees what: briefs, bids, invitations and contracts over six kinds of caller.

anon: anonymous · a, b: creators (A was invited to and bid on brand X's briefs) ·
x: a member of brand X (which owns every object here) · y: a member of brand Y · staff.
"""

from types import SimpleNamespace

import pytest

from campaigns.models import BidStatus, BriefStatus, Visibility

pytestmark = pytest.mark.django_db

VIEWERS = ["anon", "a", "b", "x", "y", "staff"]


@pytest.fixture
def world(  # type: ignore[no-untyped-def]
    client_for,
    staff,
    brand_factory,
    member_of,
    creator_factory,
    brief_factory,
    bid_factory,
    invitation_factory,
):
    brand_x, brand_y = brand_factory(), brand_factory()
    a, b = creator_factory(handle="ana"), creator_factory(handle="bo")
    w = SimpleNamespace()
    w.users = {
        "anon": None,
        "a": a.user,
        "b": b.user,
        "x": member_of(brand_x, "manager"),
        "y": member_of(brand_y),
        "staff": staff,
    }
    w.clients = {name: client_for(user) for name, user in w.users.items()}
    w.briefs = {
        "draft": brief_factory(brand=brand_x, status=BriefStatus.DRAFT),
        "in_review": brief_factory(brand=brand_x, status=BriefStatus.IN_REVIEW),
        "rejected": brief_factory(brand=brand_x, status=BriefStatus.REJECTED),
        "open_public": brief_factory(brand=brand_x),
        "invite_only": brief_factory(brand=brand_x, visibility=Visibility.INVITE_ONLY),
        "closed_with_bid": brief_factory(brand=brand_x, status=BriefStatus.CLOSED),
        "closed_public": brief_factory(brand=brand_x, status=BriefStatus.CLOSED),
        "brand_y_open": brief_factory(brand=brand_y),
    }
    invitation_factory(brief=w.briefs["invite_only"], creator=a)
    w.bids = {
        "bid_a": bid_factory(brief=w.briefs["open_public"], creator=a),
        "bid_b": bid_factory(brief=w.briefs["open_public"], creator=b),
        "bid_a_closed": bid_factory(brief=w.briefs["closed_with_bid"], creator=a),
    }
    accepted = w.clients["x"].post(f"/api/v1/bids/{w.bids['bid_a_closed'].pk}/accept/")
    assert accepted.status_code == 200, accepted.json()
    w.contract = accepted.json()["contract"]["id"]
    w.invitation = w.briefs["invite_only"].invitations.get()
    return w


BRIEF_MATRIX = {
    #                  anon  a    b    x    y    staff
    "draft": [404, 404, 404, 200, 404, 200],
    "in_review": [404, 404, 404, 200, 404, 200],
    "rejected": [404, 404, 404, 200, 404, 200],
    "open_public": [200, 200, 200, 200, 200, 200],
    "invite_only": [404, 200, 404, 200, 404, 200],
    "closed_with_bid": [404, 200, 404, 200, 404, 200],
    "closed_public": [404, 404, 404, 200, 404, 200],
    "brand_y_open": [200, 200, 200, 200, 200, 200],
}


@pytest.mark.parametrize("brief", BRIEF_MATRIX)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_brief_detail_matrix(world, brief, viewer):
    expected = BRIEF_MATRIX[brief][VIEWERS.index(viewer)]
    response = world.clients[viewer].get(f"/api/v1/briefs/{world.briefs[brief].pk}/")
    assert response.status_code == expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_brief_list_matches_the_detail_matrix(world, viewer):
    expected = {
        world.briefs[name].pk
        for name, row in BRIEF_MATRIX.items()
        if row[VIEWERS.index(viewer)] == 200
    }
    response = world.clients[viewer].get("/api/v1/briefs/", {"page_size": 100})
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == expected


BID_MATRIX = {
    #              anon  a    b    x    y    staff
    "bid_a": [401, 200, 404, 200, 404, 200],
    "bid_b": [401, 404, 200, 200, 404, 200],
    "bid_a_closed": [401, 200, 404, 200, 404, 200],
}


@pytest.mark.parametrize("bid", BID_MATRIX)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_bid_detail_matrix(world, bid, viewer):
    expected = BID_MATRIX[bid][VIEWERS.index(viewer)]
    response = world.clients[viewer].get(f"/api/v1/bids/{world.bids[bid].pk}/")
    assert response.status_code == expected


@pytest.mark.parametrize(
    "viewer, expected",
    [
        ("a", {"bid_a", "bid_a_closed"}),
        ("b", {"bid_b"}),
        ("x", {"bid_a", "bid_b", "bid_a_closed"}),
        ("y", set()),
        ("staff", {"bid_a", "bid_b", "bid_a_closed"}),
    ],
)
def test_bid_list_per_viewer(world, viewer, expected):
    response = world.clients[viewer].get("/api/v1/bids/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {
        world.bids[name].pk for name in expected
    }


@pytest.mark.parametrize(
    "viewer, status, expected",
    [
        ("anon", 401, None),
        ("a", 200, {"bid_a"}),  # a creator sees only their own bid on the brief
        ("b", 200, {"bid_b"}),
        ("x", 200, {"bid_a", "bid_b"}),
        ("y", 200, set()),  # the brief is public, its bids are not
        ("staff", 200, {"bid_a", "bid_b"}),
    ],
)
def test_bids_of_a_brief_per_viewer(world, viewer, status, expected):
    url = f"/api/v1/briefs/{world.briefs['open_public'].pk}/bids/"
    response = world.clients[viewer].get(url)
    assert response.status_code == status
    if expected is not None:
        ids = {row["id"] for row in response.json()["results"]}
        assert ids == {world.bids[name].pk for name in expected}


def test_bids_of_an_invisible_brief_are_404(world):
    url = f"/api/v1/briefs/{world.briefs['draft'].pk}/bids/"
    assert world.clients["a"].get(url).status_code == 404
    assert world.clients["y"].get(url).status_code == 404


CONTRACT_ROW = [401, 200, 404, 200, 404, 200]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_contract_detail_matrix(world, viewer):
    response = world.clients[viewer].get(f"/api/v1/contracts/{world.contract}/")
    assert response.status_code == CONTRACT_ROW[VIEWERS.index(viewer)]
    listed = world.clients[viewer].get("/api/v1/contracts/")
    if viewer == "anon":
        assert listed.status_code == 401
    else:
        ids = {row["id"] for row in listed.json()["results"]}
        assert ids == ({world.contract} if CONTRACT_ROW[VIEWERS.index(viewer)] == 200 else set())


INVITATION_ROW = [401, 200, 404, 200, 404, 200]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_invitation_detail_matrix(world, viewer):
    response = world.clients[viewer].get(f"/api/v1/invitations/{world.invitation.pk}/")
    assert response.status_code == INVITATION_ROW[VIEWERS.index(viewer)]


# Visible but not allowed: 403, with a message; invisible: 404. -----------------------------

ACTS = [
    # (viewer, method, url template, body, expected)
    ("a", "post", "/api/v1/briefs/{open_public}/submit/", None, 403),
    ("a", "post", "/api/v1/briefs/{open_public}/close/", None, 403),
    ("y", "post", "/api/v1/briefs/{open_public}/cancel/", None, 403),
    ("y", "patch", "/api/v1/briefs/{open_public}/", {"title": "mine now"}, 403),
    ("y", "post", "/api/v1/briefs/{draft}/submit/", None, 404),
    ("a", "post", "/api/v1/briefs/{draft}/submit/", None, 404),
    ("x", "post", "/api/v1/briefs/{in_review}/approve/", None, 403),
    ("a", "post", "/api/v1/briefs/{in_review}/reject/", {"reason": "no"}, 403),
    ("a", "post", "/api/v1/bids/{bid_a}/accept/", None, 403),
    ("a", "post", "/api/v1/bids/{bid_a}/shortlist/", None, 403),
    ("a", "post", "/api/v1/bids/{bid_b}/withdraw/", None, 404),
    ("x", "post", "/api/v1/bids/{bid_a}/withdraw/", None, 403),
    ("x", "patch", "/api/v1/bids/{bid_a}/", {"amount": 1}, 403),
    ("y", "post", "/api/v1/bids/{bid_a}/accept/", None, 404),
    ("b", "post", "/api/v1/bids/{bid_a}/reject/", None, 404),
    ("x", "post", "/api/v1/briefs/{open_public}/bids/", {"amount": 1000}, 403),
    ("y", "post", "/api/v1/briefs/{open_public}/invitations/", {"handle": "bo"}, 403),
    ("b", "post", "/api/v1/briefs/{invite_only}/invitations/", {"handle": "bo"}, 404),
    ("x", "post", "/api/v1/invitations/{invitation}/decline/", None, 403),
    ("b", "post", "/api/v1/invitations/{invitation}/decline/", None, 404),
    ("anon", "post", "/api/v1/briefs/{open_public}/bids/", {"amount": 1000}, 401),
]


@pytest.mark.parametrize("viewer, method, template, body, expected", ACTS)
def test_acts_answer_403_when_visible_and_404_when_not(
    world, viewer, method, template, body, expected
):
    ids = {name: brief.pk for name, brief in world.briefs.items()}
    ids.update({name: bid.pk for name, bid in world.bids.items()})
    ids["invitation"] = world.invitation.pk
    client = world.clients[viewer]
    response = getattr(client, method)(template.format(**ids), body, format="json")
    assert response.status_code == expected, response.json()
    if expected == 403:
        assert response.json()["error"]["message"]
    # Nothing changed.
    assert world.bids["bid_a"].__class__.objects.get(pk=world.bids["bid_a"].pk).status == (
        BidStatus.SUBMITTED
    )
