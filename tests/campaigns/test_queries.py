"""List endpoints run a fixed number of queries, whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import BriefStatus, Visibility

pytestmark = pytest.mark.django_db


def count_queries(client, url: str, page_size: int) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["results"]) == min(page_size, body["count"])
    assert body["count"] > 10
    return len(ctx.captured_queries)


@pytest.fixture
def crowded(  # type: ignore[no-untyped-def]
    brand_factory,
    member_of,
    brief_factory,
    bid_factory,
    creator_factory,
    reel_factory,
    ip_factory,
    invitation_factory,
):
    """A brand with 110 briefs (mixed states, with IP) and 110 bids on one of them."""
    brand = brand_factory()
    member = member_of(brand)
    ip = ip_factory(brand=brand)
    creator = creator_factory()
    for n in range(110):
        brief = brief_factory(
            brand=brand,
            ip=ip if n % 2 else None,
            status=[BriefStatus.OPEN, BriefStatus.DRAFT, BriefStatus.CLOSED][n % 3],
            visibility=Visibility.INVITE_ONLY if n % 5 == 0 else Visibility.PUBLIC,
        )
        if n % 5 == 0:
            invitation_factory(brief=brief, creator=creator)
    target = brief_factory(brand=brand, slots=110)
    for n in range(110):
        bid = bid_factory(brief=target, creator__tier=["standard", "partner", "elite"][n % 3])
        bid.sample_reels.set([reel_factory(creator=bid.creator), reel_factory(creator=bid.creator)])
    return member, creator, target


@pytest.mark.parametrize("who", ["anon", "member", "creator", "staff"])
def test_briefs_list_queries_do_not_grow_with_the_page(
    client_for, crowded, staff, who, django_assert_max_num_queries
):
    member, creator, _ = crowded
    user = {"anon": None, "member": member, "creator": creator.user, "staff": staff}[who]
    client = client_for(user)
    small = count_queries(client, "/api/v1/briefs/", 10)
    large = count_queries(client, "/api/v1/briefs/", 100)
    assert large <= small  # a page that shows the end of the list needs no count
    # user (when signed in), count, page
    with django_assert_max_num_queries(3):
        client.get("/api/v1/briefs/", {"page_size": 100})


def test_bids_list_queries_do_not_grow_with_the_page(
    client_for, crowded, django_assert_max_num_queries
):
    member, _, target = crowded
    client = client_for(member)
    # Some bids have contracts, so the page shows their fee snapshot.
    for bid in target.bids.order_by("pk")[:3]:
        assert client.post(f"/api/v1/bids/{bid.pk}/accept/").status_code == 200
    for url in ("/api/v1/bids/", f"/api/v1/briefs/{target.pk}/bids/"):
        small = count_queries(client, url, 10)
        large = count_queries(client, url, 100)
        assert large <= small
    # user, count, page (with brief, creator, contract), sample reels with their videos;
    # the nested list also loads its brief.
    with django_assert_max_num_queries(4):
        client.get("/api/v1/bids/", {"page_size": 100})
    with django_assert_max_num_queries(5):
        client.get(f"/api/v1/briefs/{target.pk}/bids/", {"page_size": 100})


def test_contracts_list_queries_do_not_grow_with_the_page(client_for, crowded):
    member, _, target = crowded
    client = client_for(member)
    for bid in target.bids.order_by("pk")[:12]:
        assert client.post(f"/api/v1/bids/{bid.pk}/accept/").status_code == 200
    assert count_queries(client, "/api/v1/contracts/", 5) >= count_queries(
        client, "/api/v1/contracts/", 12
    )
