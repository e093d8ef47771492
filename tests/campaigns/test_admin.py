"""The Django admin: the brief moderation queue and its actions, read-only bids and contracts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import Brief, BriefStatus
from marketplace.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    return client


def test_queue_lists_briefs_in_review_first_oldest_first(admin_client, brief_factory):
    now = timezone.now()
    newer = brief_factory(status=BriefStatus.IN_REVIEW, submitted_at=now - timedelta(hours=1))
    older = brief_factory(status=BriefStatus.IN_REVIEW, submitted_at=now - timedelta(days=1))
    opened = brief_factory(status=BriefStatus.OPEN)
    response = admin_client.get("/admin/campaigns/brief/")
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed[:3] == [older, newer, opened]


def test_approve_and_reject_actions_call_the_services(admin_client, brief_factory, member_of):
    approve_me = brief_factory(status=BriefStatus.IN_REVIEW)
    reject_me = brief_factory(status=BriefStatus.IN_REVIEW)
    already_open = brief_factory(status=BriefStatus.OPEN)
    member_of(approve_me.brand)
    member_of(reject_me.brand)
    url = "/admin/campaigns/brief/"
    response = admin_client.post(
        url,
        {"action": "approve", "_selected_action": [approve_me.pk, already_open.pk]},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("Approve: 1 done" in m for m in messages)
    assert any("refused" in m and "open" in m for m in messages)
    assert Brief.objects.get(pk=approve_me.pk).status == BriefStatus.OPEN

    no_reason = admin_client.post(
        url, {"action": "reject", "_selected_action": [reject_me.pk], "reason": ""}, follow=True
    )
    assert any("reason" in str(m) for m in no_reason.context["messages"])
    assert Brief.objects.get(pk=reject_me.pk).status == BriefStatus.IN_REVIEW

    admin_client.post(
        url,
        {"action": "reject", "_selected_action": [reject_me.pk], "reason": "Missing rights"},
        follow=True,
    )
    rejected = Brief.objects.get(pk=reject_me.pk)
    assert rejected.status == BriefStatus.REJECTED
    assert rejected.rejection_reason == "Missing rights"
    assert Notification.objects.filter(kind="brief_rejected").count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/admin/campaigns/brand/?q=brand",
        "/admin/campaigns/brandmembership/?q=example",
        "/admin/campaigns/ipasset/?q=ip",
        "/admin/campaigns/brief/?q=brief&status__exact=open",
        "/admin/campaigns/bid/?q=creator&status__exact=submitted",
        "/admin/campaigns/contract/?q=brief",
        "/admin/campaigns/invitation/?q=creator",
    ],
)
def test_admin_lists_are_searchable_and_filterable(
    admin_client, path, bid_factory, ip_factory, invitation_factory, member_of, client_for
):
    bid = bid_factory()
    member = member_of(bid.brief.brand)
    ip_factory(brand=bid.brief.brand)
    invitation_factory(brief=bid.brief)
    client_for(member).post(f"/api/v1/bids/{bid_factory(brief=bid.brief).pk}/accept/")
    response = admin_client.get(path)
    assert response.status_code == 200


def test_bids_and_contracts_are_read_only(admin_client, bid_factory, member_of, client_for):
    bid = bid_factory()
    client_for(member_of(bid.brief.brand)).post(f"/api/v1/bids/{bid.pk}/accept/")
    page = admin_client.get(f"/admin/campaigns/bid/{bid.pk}/change/")
    assert page.status_code == 200
    assert b'name="amount"' not in page.content
    assert admin_client.get("/admin/campaigns/bid/add/").status_code == 403
    assert admin_client.get("/admin/campaigns/contract/add/").status_code == 403
    contract_page = admin_client.get(f"/admin/campaigns/contract/{bid.contract.pk}/change/")
    assert b'name="amount"' not in contract_page.content


def test_brand_admin_shows_memberships_inline(admin_client, brand_factory, member_of):
    brand = brand_factory()
    member = member_of(brand)
    page = admin_client.get(f"/admin/campaigns/brand/{brand.pk}/change/")
    assert page.status_code == 200
    assert member.email.encode() in page.content or str(member.pk).encode() in page.content
