"""Never charge what cannot be booked: a rights extension is held to the IP licence whenever it
is proposed, accepted or funded (before the usage window starts, by its earliest possible end);
funding refused at booking is refused before the charge; and a charge that still arrives for a
milestone that can no longer be funded is booked as received and refunded in full."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from campaigns.models import Contract, Milestone
from marketplace.models import AuditLog, Notification
from payments import gateway, ledger
from payments.models import EventStatus, JournalEntry, Payment, Refund, StripeEvent
from tests.constants import VIDEO
from tests.factories import BriefFactory, CreatorFactory, IPAssetFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

PM = {"payment_method": "pm_card_visa"}
LICENCE_DAYS = 530  # between 17 and 18 months


def authed(user) -> APIClient:  # type: ignore[no-untyped-def]
    """A client that stays authenticated on a moved clock (no JWT expiry)."""
    client = APIClient()
    client.force_authenticate(user=user)
    return client


class Deal:
    """A contract of one 12-month-term milestone on an IP licensed for 530 more days."""

    def __init__(self, *, term: int = 12) -> None:
        from django.utils import timezone

        ip = IPAssetFactory(
            held="licensed", licence_end=(timezone.now() + timedelta(days=LICENCE_DAYS)).date()
        )
        self.brief = BriefFactory(
            brand=ip.brand, ip=ip, usage_term_months=term, usage_territories=["US"]
        )
        self.owner = MembershipFactory(brand=ip.brand).user
        self.creator = CreatorFactory()
        self.brand, self.maker = authed(self.owner), authed(self.creator.user)
        bid = self.maker.post(
            f"/api/v1/briefs/{self.brief.pk}/bids/",
            {"amount": 100_000, "pitch": "A teaser in three cuts."},
            format="json",
        )
        assert bid.status_code == 201, bid.json()
        accepted = self.brand.post(f"/api/v1/bids/{bid.json()['id']}/accept/")
        assert accepted.status_code == 200, accepted.json()
        self.contract_id = accepted.json()["contract"]["id"]
        self.first = accepted.json()["contract"]["milestones"][0]["id"]

    def propose(self, months: int, by: APIClient | None = None):  # type: ignore[no-untyped-def]
        from django.utils import timezone

        return (by or self.brand).post(
            f"/api/v1/contracts/{self.contract_id}/change-orders/",
            {
                "kind": "rights_extension",
                "amount": 20_000,
                "due_date": (timezone.now() + timedelta(days=5)).isoformat(),
                "description": f"{months} more months.",
                "extension_months": months,
            },
            format="json",
        )

    def extension(self, months: int) -> int:
        """Propose (brand) and accept (creator) an extension; its milestone's id."""
        order = self.propose(months)
        assert order.status_code == 201, order.json()
        accepted = self.maker.post(f"/api/v1/change-orders/{order.json()['id']}/accept/")
        assert accepted.status_code == 200, accepted.json()
        return accepted.json()["milestone"]

    def fund(self, *ids: int, pm: bool = True):  # type: ignore[no-untyped-def]
        body = {"milestones": list(ids), **(PM if pm else {})}
        return self.brand.post(f"/api/v1/contracts/{self.contract_id}/fund/", body, format="json")

    def start_window(self, days_later: int) -> None:
        """Deliver and approve the first milestone `days_later` days from now: the usage
        window starts then (the creator has no payout account, so the payout waits)."""
        assert self.fund(self.first).status_code == 200
        posted = self.maker.post(
            f"/api/v1/milestones/{self.first}/deliveries/", {"videos": [VIDEO]}, format="json"
        )
        assert posted.status_code == 201, posted.json()
        from django.utils import timezone

        with freeze_time(timezone.now() + timedelta(days=days_later)):
            approved = self.brand.post(f"/api/v1/milestones/{self.first}/approve/")
        assert approved.status_code == 200, approved.json()
        assert Contract.objects.get(pk=self.contract_id).rights_start is not None


def error_of(response) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 409, response.json()
    return response.json()["error"]


# Held to the licence before the window starts -----------------------------------------------


def test_an_extension_before_the_window_starts_is_bound_by_its_earliest_end(sandbox, reconciled):
    deal = Deal()
    refused = error_of(deal.propose(12, by=deal.maker))
    assert refused["code"] == "rights_outside_ip_licence"
    assert "extension_months" in refused["fields"]
    assert "has not started" in refused["message"] and "earliest start" in refused["message"]
    # 12 + 12 months from today run past a licence that ends in 530 days; 5 fit, 6 do not.
    assert refused["max_extension_months"] == 5
    assert refused["earliest_end"] > refused["bound"]
    assert deal.propose(5, by=deal.maker).status_code == 201
    assert Milestone.objects.filter(contract_id=deal.contract_id).count() == 1
    reconciled()


def test_two_extensions_that_fit_alone_but_not_together_are_refused_at_the_second(
    sandbox, reconciled
):
    deal = Deal()
    # Both proposed while neither is agreed: each fits alone.
    first, second = deal.propose(3).json(), deal.propose(3).json()
    assert deal.maker.post(f"/api/v1/change-orders/{first['id']}/accept/").status_code == 200
    refused = error_of(deal.maker.post(f"/api/v1/change-orders/{second['id']}/accept/"))
    assert refused["code"] == "rights_outside_ip_licence"
    assert "3 months of extensions already agreed" in refused["message"]
    assert refused["max_extension_months"] == 2
    # Proposed after the first was agreed: refused at once.
    assert error_of(deal.propose(3))["code"] == "rights_outside_ip_licence"
    assert deal.propose(2).status_code == 201
    reconciled()


# Refused before the charge ------------------------------------------------------------------


def test_funding_an_extension_that_no_longer_fits_is_refused_before_any_charge(sandbox, reconciled):
    deal = Deal()
    extension = deal.extension(5)  # fits today: 17 months from now
    deal.start_window(days_later=60)  # the window starts 60 days later: 17 months no longer fit
    intents_before = len(sandbox.objects("payment_intents"))
    refused = error_of(deal.brand.post(f"/api/v1/milestones/{extension}/fund/", PM, format="json"))
    assert refused["code"] == "rights_outside_ip_licence"
    assert refused["milestone"] == extension and "milestones" in refused["fields"]
    assert len(sandbox.objects("payment_intents")) == intents_before
    assert not Payment.objects.filter(items__milestone_id=extension).exists()
    assert Milestone.objects.get(pk=extension).status == "awaiting_funding"
    reconciled()


def test_two_agreed_extensions_funded_together_after_the_window_starts_are_refused(
    sandbox, reconciled
):
    deal = Deal()
    a, b = deal.extension(2), deal.extension(3)  # 17 months together: fit today
    deal.start_window(days_later=60)
    intents_before = len(sandbox.objects("payment_intents"))
    refused = error_of(deal.fund(a, b))
    assert refused["code"] == "rights_outside_ip_licence"
    assert len(sandbox.objects("payment_intents")) == intents_before
    # Cancelling one leaves the other fundable: it fits alone.
    assert deal.brand.post(f"/api/v1/milestones/{b}/cancel/").status_code == 200
    funded = deal.fund(a)
    assert funded.status_code == 200, funded.json()
    assert Milestone.objects.get(pk=a).status in ("approved", "paid")
    assert Contract.objects.get(pk=deal.contract_id).rights_term_months == 14
    reconciled()


# A charge that arrives anyway is booked and refunded ------------------------------------------


def _assert_booked_and_refunded(sandbox, deal: Deal, milestone_id: int, code: str) -> None:  # type: ignore[no-untyped-def]
    milestone = Milestone.objects.get(pk=milestone_id)
    assert milestone.status == "cancelled"
    payment = Payment.objects.get(items__milestone_id=milestone_id)
    assert payment.status == "succeeded"
    assert JournalEntry.objects.filter(milestone=milestone, kind="funding").count() == 1
    refund = Refund.objects.get(milestone=milestone)
    assert (refund.status, refund.amount, refund.reason) == (
        "succeeded",
        payment.amount,
        f"unbookable:{code}" if code != "late_payment" else "late_payment",
    )
    assert ledger.balance(ledger.escrow(deal.contract_id), payment.currency) == (
        # Only the first milestone's escrow (released: zero) is left.
        0
    )
    # Refunded in full at Stripe.
    charge = next(c for c in sandbox.objects("charges") if c["id"] == payment.stripe_charge_id)
    assert charge["amount_refunded"] == payment.amount


def test_a_charge_confirmed_in_the_browser_after_the_rights_stopped_fitting_is_refunded(
    sandbox, webhooks, reconciled
):
    deal = Deal()
    extension = deal.extension(5)
    # The brand opens the payment form (client secret) while the extension still fits.
    opened = deal.brand.post(f"/api/v1/milestones/{extension}/fund/")
    assert opened.status_code == 200, opened.json()
    intent_id = opened.json()["payment"]["stripe_payment_intent_id"]
    deal.start_window(days_later=60)  # the refusal, between opening the form and booking
    sandbox.client().v1.payment_intents.confirm(intent_id, params=PM)  # the browser pays
    # The webhook is late: a second fund click asks Stripe, books the charge and refunds it,
    # and never hands out the charged intent's client secret.
    again = deal.brand.post(f"/api/v1/milestones/{extension}/fund/", PM, format="json")
    error = error_of(again)
    assert error["code"] == "invalid_state" and error["current_state"] == "cancelled"
    assert "client_secret" not in again.content.decode()
    _assert_booked_and_refunded(sandbox, deal, extension, "rights_outside_ip_licence")
    assert AuditLog.objects.filter(verb="cancel_unbookable", object_id=str(extension)).exists()
    assert Notification.objects.filter(user=deal.owner, kind="payment_refunded_unbookable").exists()
    # The webhook arrives later: processed once, nothing booked twice, no failed event.
    webhooks.deliver()
    assert not StripeEvent.objects.filter(status=EventStatus.FAILED).exists()
    assert JournalEntry.objects.filter(milestone_id=extension, kind="funding").count() == 1
    reconciled()


def test_a_rights_refusal_between_the_confirm_answer_and_booking_refunds_in_full(
    sandbox, webhooks, monkeypatch, reconciled
):
    deal = Deal()
    extension = deal.extension(5)
    real_confirm = gateway.confirm_payment_intent

    def charge_then_start_the_window(**kwargs):  # type: ignore[no-untyped-def]
        intent = real_confirm(**kwargs)
        if intent.status == "succeeded" and kwargs["intent_id"] == extension_intent():
            deal.start_window(days_later=60)
        return intent

    def extension_intent() -> str:
        payment = Payment.objects.filter(items__milestone_id=extension).first()
        return payment.stripe_payment_intent_id if payment else ""

    monkeypatch.setattr(gateway, "confirm_payment_intent", charge_then_start_the_window)
    answer = deal.brand.post(f"/api/v1/milestones/{extension}/fund/", PM, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["milestone_status"] == "cancelled"
    assert answer.json()["payment"]["status"] == "succeeded"
    _assert_booked_and_refunded(sandbox, deal, extension, "rights_outside_ip_licence")
    webhooks.deliver()
    events = StripeEvent.objects.filter(type="payment_intent.succeeded")
    assert events.exists() and not events.exclude(status=EventStatus.PROCESSED).exists()
    reconciled()


def test_a_cancellation_between_charge_and_webhook_is_booked_and_refunded(
    sandbox, webhooks, reconciled
):
    deal = Deal()
    extension = deal.extension(3)
    opened = deal.brand.post(f"/api/v1/milestones/{extension}/fund/").json()
    intent_id = opened["payment"]["stripe_payment_intent_id"]
    assert deal.brand.post(f"/api/v1/milestones/{extension}/cancel/").status_code == 200
    sandbox.client().v1.payment_intents.confirm(intent_id, params=PM)
    webhooks.deliver()
    assert StripeEvent.objects.get(type="payment_intent.succeeded").status == "processed"
    milestone = Milestone.objects.get(pk=extension)
    assert milestone.status == "cancelled"
    refund = Refund.objects.get(milestone=milestone)
    assert (refund.status, refund.reason) == ("succeeded", "late_payment")
    reconciled()
