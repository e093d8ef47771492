"""The staff money desk: every decision that moves money goes through a confirmation page
that shows the money in major units, needs a reason, and calls the service (real stripe SDK
against the sandbox, reconcile clean after)."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    Bid,
    Brand,
    BrandVerification,
    ChangeOrder,
    Contract,
    Delivery,
    Dispute,
    LicenceFlag,
    MemberInvitation,
    Message,
    Milestone,
    RightsNotice,
    Thread,
)
from creators.models import CreatorProfile, ModelLicence, PartnerApplication, Portfolio, Reel
from marketplace.models import AuditLog, Notification
from payments.models import Refund, Transfer, WorkItemKind
from payments.services.work_items import work_item_open
from tests.factories import (
    BidFactory,
    CreatorFactory,
    InvitationFactory,
    IPAssetFactory,
    PortfolioFactory,
    ReelFactory,
    VideoFactory,
)
from tests.payments.test_money import assert_clean, deliver, fund, onboard, status_of

pytestmark = pytest.mark.django_db(transaction=True)


def _value(html: str, key: str) -> str:
    """The text of the confirmation page's row `key` (`<td id="value-<key>">`)."""
    match = re.search(rf'<td class="money" id="value-{key}">(.*?)</td>', html, re.S)
    assert match, key
    return match.group(1).strip()


def _text(html: str) -> str:
    """What a person reads on the page: no scripts, no tags (nor their attributes)."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def admin_client(staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def disputed(sandbox, webhooks, client_for, make_contract):  # type: ignore[no-untyped-def]
    """A funded, delivered GBP milestone of 1,200.00 its brand disputed (partner tier, 10%)."""

    def make(*, amount: int = 120_000, currency: str = "GBP", tier: str = "standard"):  # type: ignore[no-untyped-def]
        contract, owner, creator = make_contract(amount=amount, currency=currency, tier=tier)
        maker = client_for(creator.user)
        onboard(maker, sandbox, webhooks)
        assert fund(client_for(owner), contract).status_code == 200
        assert deliver(maker, contract).status_code in (200, 201)
        opened = client_for(owner).post(
            f"/api/v1/contracts/{contract.pk}/dispute/", {"reason": "half of it"}, format="json"
        )
        assert opened.status_code in (200, 201), opened.content
        return Dispute.objects.get(contract=contract)

    return make


def test_split_is_typed_in_major_units_previewed_then_paid_as_previewed(
    admin_client, disputed, sandbox
):
    dispute = disputed()
    url = f"/admin/campaigns/dispute/{dispute.pk}/resolve/split/"
    page = admin_client.get(url).content.decode()
    assert "Creator&#x27;s share (gross, before the 15% platform fee), in GBP" in page
    assert _value(page, "milestone_amount") == "1,200.00 GBP"
    assert _value(page, "charged") == "1,200.00 GBP"
    assert 'id="preview-button"' in page and 'id="confirm-button"' not in page

    preview = admin_client.post(url, {"amount": "1,300.00", "reason": ""}).content.decode()
    assert "between 0.01 and 1,199.99 GBP" in preview
    assert "creator_amount" not in preview and "120000" not in preview

    preview = admin_client.post(url, {"amount": "700.00", "reason": ""}).content.decode()
    assert "A reason is required" not in preview  # a first look is not refused for it
    numbers = {
        key: _value(preview, key)
        for key in ("creator_gross", "platform_fee", "creator_net", "brand_refund")
    }
    assert numbers == {
        "creator_gross": "700.00 GBP",
        "platform_fee": "105.00 GBP",
        "creator_net": "595.00 GBP",
        "brand_refund": "500.00 GBP",
    }
    assert 'name="_previewed" value="split-70000"' in preview

    refused = admin_client.post(
        url, {"amount": "700.00", "reason": " ", "_previewed": "split-70000"}
    )
    assert "A reason is required" in refused.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).status == "open"

    # A changed amount is previewed again, never paid unseen.
    changed = admin_client.post(url, {"amount": "650", "reason": "x", "_previewed": "split-70000"})
    assert "changed since the preview" in changed.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).status == "open"

    done = admin_client.post(
        url, {"amount": "700.00", "reason": "half was usable", "_previewed": "split-70000"}
    )
    assert done.status_code == 302 and done.url == f"/admin/campaigns/dispute/{dispute.pk}/change/"
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolution, dispute.creator_amount, dispute.note) == (
        "resolved",
        "split",
        70_000,
        "half was usable",
    )
    assert [t["amount"] for t in sandbox.objects("transfers")] == [59_500]
    assert [r["amount"] for r in sandbox.objects("refunds")] == [50_000]
    assert Transfer.objects.get(milestone=dispute.milestone).amount == 59_500
    assert Refund.objects.get(milestone=dispute.milestone).amount == 50_000
    entry = LogEntry.objects.get(object_id=str(dispute.pk))
    assert "creator's share 700.00 GBP gross, fee 105.00 GBP, net 595.00 GBP" in str(
        entry.get_change_message()
    )
    assert AuditLog.objects.filter(verb="resolve_dispute", object_id=str(dispute.pk)).exists()
    # The parties read the same money, in major units with the currency.
    told = list(Notification.objects.values_list("message", flat=True))
    assert any(m.startswith("You were paid 595.00 GBP for contract") for m in told), told
    assert any(m.startswith("500.00 GBP was refunded for contract") for m in told), told
    assert any(
        "split (700.00 GBP to the creator, 595.00 GBP after the 105.00 GBP platform fee; "
        "500.00 GBP refunded to the brand)" in m
        for m in told
    ), told
    assert not any(re.search(r"\b(59500|50000|70000)\b", m) for m in told), told
    assert_clean()


def test_yen_split_speaks_whole_yen(admin_client, disputed):
    dispute = disputed(amount=90_000, currency="JPY")
    url = f"/admin/campaigns/dispute/{dispute.pk}/resolve/split/"
    bad = admin_client.post(url, {"amount": "90000", "reason": ""}).content.decode()
    assert "between 1 and 89,999 JPY" in bad
    preview = admin_client.post(url, {"amount": "45,000", "reason": ""}).content.decode()
    assert _value(preview, "creator_net") == "38,250 JPY"
    assert _value(preview, "brand_refund") == "45,000 JPY"


@pytest.mark.parametrize(
    "resolution, transfers, refunds",
    [("release", [102_000], []), ("refund", [], [120_000])],
)
def test_release_and_refund_from_the_disputes_own_page(
    admin_client, disputed, sandbox, resolution, transfers, refunds
):
    dispute = disputed()
    change = admin_client.get(f"/admin/campaigns/dispute/{dispute.pk}/change/").content.decode()
    url = f"/admin/campaigns/dispute/{dispute.pk}/resolve/{resolution}/"
    assert f'href="{url}"' in change
    page = admin_client.get(url).content.decode()
    expected_net = "1,020.00 GBP" if resolution == "release" else "0.00 GBP"
    assert _value(page, "creator_net") == expected_net
    key = re.search(r'name="_previewed" value="([^"]*)"', page).group(1)
    refused = admin_client.post(url, {"reason": "", "_previewed": key})
    assert refused.status_code == 200 and "A reason is required" in refused.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).status == "open"
    done = admin_client.post(url, {"reason": "the evidence is clear", "_previewed": key})
    assert done.status_code == 302
    assert Dispute.objects.get(pk=dispute.pk).resolution == resolution
    # Twice is refused in words, with nothing moved again; the page no longer offers it.
    again = admin_client.post(url, {"reason": "again", "_previewed": key}).content.decode()
    assert "Refused: the milestone has no open dispute." in again
    change = admin_client.get(f"/admin/campaigns/dispute/{dispute.pk}/change/").content.decode()
    assert f'href="{url}"' not in change
    assert [t["amount"] for t in sandbox.objects("transfers")] == transfers
    assert [r["amount"] for r in sandbox.objects("refunds")] == refunds
    assert_clean()


def test_the_dispute_list_shows_the_milestones_amount_and_its_action_leads_to_the_page(
    admin_client, disputed
):
    dispute = disputed()
    listing = admin_client.get("/admin/campaigns/dispute/").content.decode()
    assert re.search(r'class="field-milestone_amount">1,200.00 GBP<', listing)
    response = admin_client.post(
        "/admin/campaigns/dispute/", {"action": "split", "_selected_action": [dispute.pk]}
    )
    assert response.status_code == 302
    assert response.url == f"/admin/campaigns/dispute/{dispute.pk}/resolve/split/"
    assert Dispute.objects.get(pk=dispute.pk).status == "open"
    # The disputed milestone's page leads to the same pages.
    milestone = admin_client.get(
        f"/admin/campaigns/milestone/{dispute.milestone_id}/change/"
    ).content.decode()
    assert f'href="/admin/campaigns/dispute/{dispute.pk}/resolve/split/"' in milestone


def test_staff_refund_goes_through_its_confirmation(
    admin_client, sandbox, client_for, make_contract
):
    contract, owner, _ = make_contract(amount=40_000)
    fund(client_for(owner), contract)
    moved = admin_client.post(
        "/admin/campaigns/contract/", {"action": "staff_refund", "_selected_action": [contract.pk]}
    )
    milestone = Milestone.objects.get(contract=contract)
    url = f"/admin/campaigns/milestone/{milestone.pk}/refund/"
    assert moved.status_code == 302 and moved.url == url
    page = admin_client.get(url).content.decode()
    assert _value(page, "brand_refund") == "400.00 USD"
    assert admin_client.post(url, {"reason": "", "_previewed": "confirm"}).status_code == 200
    assert status_of(contract) == "funded"
    done = admin_client.post(url, {"reason": "fraud", "_previewed": "confirm"})
    assert done.status_code == 302
    assert status_of(contract) == "refunded"
    assert [r["amount"] for r in sandbox.objects("refunds")] == [40_000]
    assert_clean()


# Models whose admin has no row in this walk: the login-lockout tables fill only on a form
# login, and groups are Django's own.
NO_ROW_NEEDED = {"axes.accessattempt", "axes.accessfailurelog", "axes.accesslog", "auth.group"}


def _one_of_everything(disputed, client_for, staff):  # type: ignore[no-untyped-def]
    """A disputed and resolved milestone (payments, a transfer, a refund, the ledger, webhook
    events), a flagged delivery, a thread with a flagged message, invitations, a partner
    application, a change order, a rights notice and a model licence."""
    dispute = disputed()
    contract = dispute.contract
    client = Client()
    client.force_login(staff)
    key = "split-60000"
    done = client.post(
        f"/admin/campaigns/dispute/{dispute.pk}/resolve/split/",
        {"amount": "600.00", "reason": "half", "_previewed": key},
    )
    assert done.status_code == 302
    work_item_open(
        key=f"unrequested-reversal-{contract.pk}",
        kind=WorkItemKind.TRANSFER_REVERSED,
        message="Stripe reversed 100.00 USD of a payout we did not ask to reverse",
        amount=10_000,
        currency=contract.currency,
        contract_id=contract.pk,
    )
    creator = contract.creator
    video = VideoFactory(provider="pika", model="pika-2.2", plan="standard")
    delivery = Delivery.objects.create(
        contract=contract,
        milestone=dispute.milestone,
        number=9,
        licence_flag=LicenceFlag.FLAGGED,
        licence_note="conditional",
    )
    delivery.videos.add(video)
    thread = Thread.objects.create(
        kind="contract",
        brief=contract.brief,
        brand=contract.brand,
        creator=creator,
        contract=contract,
    )
    Message.objects.create(
        thread=thread,
        author=creator.user,
        text="mail me at ***",
        flagged=True,
        flag_kinds=["email"],
    )
    MemberInvitation.objects.create(brand=contract.brand, email="new@example.com")
    InvitationFactory(brief=contract.brief, creator=CreatorFactory())
    BidFactory(
        brief=contract.brief,
        milestones=[{"title": "Cut", "amount": 12_345, "due_date": "2027-01-01"}],
    )
    PartnerApplication.objects.create(creator=creator, statement="s", links=["https://e.com"])
    PortfolioFactory(creator=creator)
    IPAssetFactory(brand=contract.brand)
    ReelFactory(creator=creator)
    ChangeOrder.objects.create(
        contract=contract,
        kind="other",
        amount=5_000,
        due_date=timezone.now(),
        description="more",
        proposer_side="brand",
    )
    RightsNotice.objects.create(contract=contract, kind="30d", rights_end=timezone.now())
    BrandVerification.objects.create(
        brand=contract.brand,
        company_website="https://brand.example.com",
        registration_number="HRB 1",
        contact_name="A",
        contact_email="a@brand.example.com",
    )
    ModelLicence.objects.get_or_create(
        provider="pika",
        model_prefix="",
        plan="standard",
        defaults={
            "commercial_use": "conditional",
            "conditions": "credit the generator",
            "source_url": "https://pika.art/terms",
            "checked_on": timezone.now().date(),
        },
    )
    return dispute


def test_no_admin_page_answers_5xx(admin_client, disputed, client_for, staff):
    dispute = _one_of_everything(disputed, client_for, staff)
    request = admin_client.get("/admin/").wsgi_request
    without_rows = set()
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        listing = admin_client.get(reverse(f"{name}_changelist"))
        assert listing.status_code == 200, meta.label
        if model_admin.has_add_permission(request):
            assert admin_client.get(reverse(f"{name}_add")).status_code == 200, meta.label
            # An empty form is refused with its errors, never a crash.
            assert admin_client.post(reverse(f"{name}_add"), {}).status_code < 500, meta.label
        first = model_admin.get_queryset(listing.wsgi_request).first()
        if first is None:
            without_rows.add(meta.label_lower)
            continue
        page = admin_client.get(reverse(f"{name}_change", args=[first.pk]))
        assert page.status_code == 200, meta.label
    assert without_rows <= NO_ROW_NEEDED, without_rows
    # Where objects are made only through services, there is no Add.
    for model in (
        Reel,
        PartnerApplication,
        CreatorProfile,
        Portfolio,
        Brand,
        BrandVerification,
        Contract,
    ):
        assert not admin.site._registry[model].has_add_permission(request), model
    assert Dispute.objects.get(pk=dispute.pk).status == "resolved"


def test_detail_pages_show_no_internals(admin_client, disputed, client_for, staff):
    dispute = _one_of_everything(disputed, client_for, staff)
    contract = dispute.contract
    page = admin_client.get(f"/admin/campaigns/contract/{contract.pk}/change/").content.decode()
    text = _text(page)
    assert "1,020.00 GBP" in text  # the creator's net, in major units
    assert "102000" not in text and "18000" not in text
    assert "[" not in text and "{" not in text and "&quot;" not in text
    dispute_page = admin_client.get(f"/admin/campaigns/dispute/{dispute.pk}/change/").content
    dispute_text = _text(dispute_page.decode())
    assert "1,200.00 GBP" in dispute_text and "600.00 GBP" in dispute_text
    assert "120000" not in dispute_text and "60000" not in dispute_text
    brief = admin_client.get(f"/admin/campaigns/brief/{contract.brief_id}/change/").content.decode()
    assert "field-terms" not in brief and "&quot;" not in _text(brief) and "[" not in _text(brief)
    bid = Bid.objects.exclude(milestones=[]).get()
    bid_page = admin_client.get(f"/admin/campaigns/bid/{bid.pk}/change/").content.decode()
    assert "Cut: 123.45 " in bid_page and "12345" not in bid_page
    reel = Reel.objects.filter(creator=contract.creator).first()
    reel_page = admin_client.get(f"/admin/creators/reel/{reel.pk}/change/").content.decode()
    for shown in (reel.video.video_url, reel.video.model, "field-prompt", "field-licence"):
        assert shown in reel_page, shown
    assert "field-licence_conditions" in reel_page
    assert 'name="title"' not in reel_page and 'name="tags"' not in reel_page  # read-only
    listing = admin_client.get("/admin/creators/reel/").content.decode()
    assert "video__licence_verdict__exact=unknown" in listing and "field-licence" in listing
