"""The staff money desk: every decision that moves money goes through a confirmation page
that shows the money in major units, needs a reason, and calls the service (real stripe SDK
against the sandbox, reconcile clean after)."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from campaigns.models import Dispute, Milestone
from marketplace.models import AuditLog, Notification
from payments.models import Refund, Transfer
from tests.payments.test_money import assert_clean, deliver, fund, onboard, status_of

pytestmark = pytest.mark.django_db(transaction=True)


def _value(html: str, key: str) -> str:
    """The text of the confirmation page's row `key` (`<td id="value-<key>">`)."""
    match = re.search(rf'<td class="money" id="value-{key}">(.*?)</td>', html, re.S)
    assert match, key
    return match.group(1).strip()


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
