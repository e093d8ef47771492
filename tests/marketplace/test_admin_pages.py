"""The moderator's admin: useful columns, money in major units, action bars, History."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import BriefStatus, Dispute
from creators.models import CreatorProfile, Moderation, PartnerApplication
from payments.ledger import post_entry
from payments.models import StripeEvent
from tests.factories import (
    BriefFactory,
    ContractFactory,
    CreatorFactory,
    ReelFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    return client


def _cells(html: str, column: str) -> list[str]:
    """The text of each row's cell in the column with this CSS class (`field-<name>`)."""
    pattern = rf'<t[dh] class="field-{column}[^"]*">(.*?)</t[dh]>'
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(pattern, html, re.S)]


def test_reel_list_shows_the_model_column(staff_client):
    ReelFactory(video__model="kling-2.1-pro", moderation=Moderation.PENDING)
    html = staff_client.get("/admin/creators/reel/").content.decode()
    assert _cells(html, "video_model") == ["kling-2.1-pro"]
    assert (
        re.search(r'class="sortable column-video_model.*?>model<', html, re.S) or ">Model<" in html
    )


def test_action_bars_carry_only_the_inputs_their_actions_use(staff_client):
    CreatorFactory()
    creators = staff_client.get("/admin/creators/creatorprofile/").content.decode()
    assert re.search(r'name="tier"[^>]*data-actions="set_tier"', creators)
    assert 'name="reason"' not in creators  # suspension asks for it on its own page
    assert "action_fields.js" in creators
    ReelFactory()
    reels = staff_client.get("/admin/creators/reel/").content.decode()
    assert 'name="tier"' not in reels
    assert re.search(r'name="reason"[^>]*data-actions="reject"', reels)


def test_suspending_goes_through_its_page_needs_a_reason_and_lands_in_history(staff_client):
    creator = CreatorFactory()
    url = "/admin/creators/creatorprofile/"
    moved = staff_client.post(url, {"action": "suspend", "_selected_action": [creator.pk]})
    page_url = f"{url}{creator.pk}/suspend/"
    assert moved.status_code == 302 and moved.url == page_url
    change = staff_client.get(f"{url}{creator.pk}/change/").content.decode()
    assert f'href="{page_url}"' in change
    page = staff_client.get(page_url).content.decode()
    assert "Hidden from the public and from matching" in page
    refused = staff_client.post(page_url, {"reason": "  ", "_previewed": "confirm"})
    assert "A reason is required" in refused.content.decode()
    creator.refresh_from_db()
    assert not creator.suspended
    response = staff_client.post(
        page_url, {"reason": "stolen reels", "_previewed": "confirm"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [f"@{creator.handle} is suspended."]
    creator.refresh_from_db()
    assert (creator.suspended, creator.suspended_reason) == (True, "stolen reels")
    entry = LogEntry.objects.get(object_id=str(creator.pk))
    assert entry.get_change_message() == "Suspend: stolen reels"
    history = staff_client.get(f"{url}{creator.pk}/history/").content.decode()
    assert "Suspend: stolen reels" in history
    again = staff_client.get(f"{url}{creator.pk}/change/").content.decode()
    assert f'href="{page_url}"' not in again  # no suspend button on a suspended creator


def test_choosing_several_rows_for_a_decision_is_refused(staff_client):
    first, second = CreatorFactory(), CreatorFactory()
    response = staff_client.post(
        "/admin/creators/creatorprofile/",
        {"action": "suspend", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "Choose one row at a time" in str(list(response.context["messages"])[0])
    assert not CreatorProfile.objects.filter(suspended=True).exists()


def test_money_is_shown_in_major_units_with_the_currency(staff_client):
    BriefFactory(budget_min=40_000, budget_max=120_000, currency="USD")
    briefs = staff_client.get("/admin/campaigns/brief/").content.decode()
    assert _cells(briefs, "budget") == ["400.00–1,200.00 USD"]
    contract = ContractFactory(amount=90_000, currency="USD")
    contracts = staff_client.get("/admin/campaigns/contract/").content.decode()
    assert _cells(contracts, "amount_money") == ["900.00 USD"]
    page = staff_client.get(f"/admin/campaigns/contract/{contract.pk}/change/").content.decode()
    assert "900.00 USD" in page and ">90000<" not in page


def test_journal_entries_have_an_amount_and_accounts_a_balance(staff_client):
    entries = [
        post_entry(
            key=f"fund-{n}",
            kind="fund",
            currency="USD",
            lines=[("platform_cash", 90_000), ("escrow:1", -90_000)],
        )
        for n in range(2)
    ]
    listing = staff_client.get("/admin/payments/journalentry/").content.decode()
    assert _cells(listing, "amount") == ["900.00 USD", "900.00 USD"]
    accounts = staff_client.get("/admin/payments/ledgeraccount/?o=1").content.decode()
    assert sorted(_cells(accounts, "balance")) == ["-1,800.00 USD", "1,800.00 USD"]
    entry_page = staff_client.get(
        reverse("admin:payments_journalentry_change", args=[entries[0].pk])
    ).content.decode()
    assert "-900.00 USD" in entry_page
    assert "90000" not in re.sub(r"<[^>]+>", " ", entry_page)  # no line in minor units


def test_webhook_payloads_are_pretty_printed(staff_client):
    event = StripeEvent.objects.create(
        stripe_id="evt_1",
        type="ping",
        created=timezone.now(),
        payload={"id": "evt_1", "data": {"object": {"a": 1}}},
    )
    page = staff_client.get(f"/admin/payments/stripeevent/{event.pk}/change/").content.decode()
    assert re.search(r"<pre[^>]*>\{\n  &quot;data&quot;: \{", page)


def test_partner_applications_show_statement_links_reels_and_tier(staff_client):
    creator = CreatorFactory()
    ReelFactory.create_batch(3, creator=creator)
    PartnerApplication.objects.create(
        creator=creator, statement="I ship on time.", links=["https://example.com/me"]
    )
    html = staff_client.get("/admin/creators/partnerapplication/").content.decode()
    assert _cells(html, "statement_excerpt") == ["I ship on time."]
    assert _cells(html, "link_list") == ["https://example.com/me"]
    assert _cells(html, "reel_count") == ["3"]
    assert _cells(html, "creator_tier") == ["Standard"]
    assert "creator__tier__exact" in html  # the tier filter


def test_disputes_show_reason_and_the_disputed_milestones_amount(staff_client):
    contract = ContractFactory(amount=150_000, currency="EUR")
    milestone = contract.milestones.first()
    # The disputed milestone is 1,200.00 of the contract's 1,500.00.
    type(milestone).objects.filter(pk=milestone.pk).update(
        amount=120_000, fee=18_000, creator_net=102_000
    )
    Dispute.objects.create(contract=contract, milestone=milestone, reason="The cat has six legs.")
    other = ContractFactory(currency="USD")
    Dispute.objects.create(contract=other, milestone=other.milestones.first(), reason="Late.")
    html = staff_client.get("/admin/campaigns/dispute/").content.decode()
    assert _cells(html, "reason_excerpt") == ["The cat has six legs.", "Late."]
    assert _cells(html, "milestone_amount") == ["1,200.00 EUR", "1,000.00 USD"]
    assert "1,500.00" not in html
    assert _cells(html, "resolve_links") == ["release · refund · split"] * 2
    assert "?contract__currency=EUR" in html


def test_every_admin_list_and_page_renders(staff_client):
    brief = BriefFactory(status=BriefStatus.IN_REVIEW)
    ContractFactory(brief=brief, brand=brief.brand)
    CreatorProfile.objects.update(min_price_per_project=10_000, rate_currency="JPY")
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        listing = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200, meta.label
        first = model_admin.get_queryset(listing.wsgi_request).first()
        if first is not None:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert staff_client.get(url).status_code == 200, meta.label


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_reel_dispute_and_milestone_lists_do_not_query_per_row(staff_client):
    ReelFactory.create_batch(2, moderation=Moderation.PENDING)
    for _ in range(2):
        contract = ContractFactory()
        Dispute.objects.create(contract=contract, milestone=contract.milestones.first(), reason="x")
    few = {
        url: _queries(staff_client, url)
        for url in (
            "/admin/creators/reel/",
            "/admin/campaigns/dispute/",
            "/admin/campaigns/milestone/",
        )
    }
    ReelFactory.create_batch(6, moderation=Moderation.PENDING)
    for _ in range(6):
        contract = ContractFactory()
        Dispute.objects.create(contract=contract, milestone=contract.milestones.first(), reason="x")
    many = {url: _queries(staff_client, url) for url in few}
    assert many == few
