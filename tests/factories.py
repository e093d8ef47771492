"""factory_boy factories for the whole domain; tests reach them through fixtures."""

from datetime import timedelta

import factory
from django.conf import settings
from django.utils import timezone

from campaigns import pricing
from campaigns.models import (
    BidStatus,
    Brand,
    BrandMembership,
    Brief,
    BriefStatus,
    Contract,
    ContractStatus,
    Delivery,
    Dispute,
    MemberRole,
    Milestone,
)
from creators.models import CreatorProfile, GeneratedVideo, Moderation, Portfolio, Reel
from marketplace.models import User
from payments import ledger
from payments.models import Payment, PaymentItem, PaymentStatus
from tests.constants import PASSWORD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    # Factory users have proved their address (pass None for an unverified one).
    email_verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreatorProfile

    user = factory.SubFactory(UserFactory)
    handle = factory.Sequence(lambda n: f"creator{n}")
    display_name = factory.LazyAttribute(lambda o: o.handle.title())
    country = "US"
    languages = factory.LazyFunction(lambda: ["en"])
    tags = factory.LazyFunction(list)


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio

    creator = factory.SubFactory(CreatorFactory)
    name = factory.Sequence(lambda n: f"Portfolio {n}")


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneratedVideo

    provider = "kling"
    model = "kling-2.1-pro"
    video_url = factory.Sequence(lambda n: f"https://cdn.example.com/v/{n}.mp4")
    thumbnail_url = factory.Sequence(lambda n: f"https://cdn.example.com/t/{n}.jpg")
    prompt = "a neon city in the rain"
    duration_s = 10
    width = 1080
    height = 1920
    fps = 24


class ReelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reel

    creator = factory.SubFactory(CreatorFactory)
    video = factory.SubFactory(VideoFactory)
    title = factory.Sequence(lambda n: f"Reel {n}")
    tags = factory.LazyFunction(list)
    moderation = Moderation.APPROVED
    creator_suspended = factory.SelfAttribute("creator.suspended")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandMembership

    brand = factory.SubFactory(BrandFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.OWNER


class BriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brief

    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Brief {n}")
    description = "Make a 15 second vertical teaser."
    tags = factory.LazyFunction(lambda: ["anime"])
    preferred_models = factory.LazyFunction(lambda: ["kling-2.1-pro"])
    deliverables = factory.LazyFunction(
        lambda: [{"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"}]
    )
    total_seconds = 15
    budget_min = 50_000
    budget_max = 100_000
    currency = "USD"
    bid_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    delivery_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))
    status = BriefStatus.OPEN


class IPAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.IPAsset"

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"IP {n}")
    territories = factory.LazyFunction(lambda: ["US"])
    channels = factory.LazyFunction(lambda: ["social"])
    term_months = 12


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Invitation"

    brief = factory.SubFactory(BriefFactory)
    creator = factory.SubFactory(CreatorFactory)


class BidFactory(factory.django.DjangoModelFactory):
    """A submitted bid in the brief's currency."""

    class Meta:
        model = "campaigns.Bid"

    brief = factory.SubFactory(BriefFactory)
    creator = factory.SubFactory(CreatorFactory)
    amount = 60_000
    currency = factory.LazyAttribute(lambda o: o.brief.currency)
    pitch = "I can do this."


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract awaiting funding, as bid acceptance makes it: an accepted bid on an awarded
    brief of `brand`, the creator's tier and the fee of `campaigns.pricing` fixed at creation,
    and its one milestone holding the whole price in the contract's status."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    brand = factory.SubFactory(BrandFactory)
    creator = factory.SubFactory(CreatorFactory)
    amount = 100_000
    currency = "USD"
    brief = factory.SubFactory(
        BriefFactory,
        brand=factory.SelfAttribute("..brand"),
        currency=factory.SelfAttribute("..currency"),
        status=BriefStatus.AWARDED,
    )
    bid = factory.SubFactory(
        BidFactory,
        brief=factory.SelfAttribute("..brief"),
        creator=factory.SelfAttribute("..creator"),
        amount=factory.SelfAttribute("..amount"),
        currency=factory.SelfAttribute("..currency"),
        status=BidStatus.ACCEPTED,
    )
    creator_tier = factory.LazyAttribute(lambda o: o.creator.tier)
    fee_bps = factory.LazyAttribute(lambda o: pricing.fee_bps(o.creator_tier))
    fee = factory.LazyAttribute(lambda o: pricing.platform_fee(o.amount, o.creator_tier))
    creator_net = factory.LazyAttribute(lambda o: pricing.creator_net(o.amount, o.creator_tier))
    deliverables = factory.LazyAttribute(lambda o: list(o.brief.deliverables))
    delivery_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    usage_rights = factory.LazyFunction(dict)
    max_revisions = factory.LazyFunction(lambda: settings.MAX_REVISIONS)
    status = ContractStatus.AWAITING_FUNDING

    @factory.post_generation
    def milestone(obj, create, extracted, **kwargs):  # noqa: N805
        if create and not obj.milestones.exists():
            Milestone.objects.create(
                contract=obj,
                position=1,
                title="Whole contract",
                amount=obj.amount,
                currency=obj.currency,
                fee=obj.fee,
                creator_net=obj.creator_net,
                due_date=obj.delivery_deadline,
                status=obj.status,
                max_revisions=obj.max_revisions,
                funded_at=obj.funded_at,
                delivered_at=obj.delivered_at,
                approved_at=obj.approved_at,
                paid_at=obj.paid_at,
            )


class PaymentFactory(factory.django.DjangoModelFactory):
    """The succeeded payment of a funded contract, covering its milestone."""

    class Meta:
        model = Payment
        skip_postgeneration_save = True

    contract = factory.SubFactory(ContractFactory, status=ContractStatus.FUNDED)
    amount = factory.SelfAttribute("contract.amount")
    currency = factory.SelfAttribute("contract.currency")
    status = PaymentStatus.SUCCEEDED
    idempotency_key = factory.LazyAttribute(lambda o: f"pi-contract-{o.contract.pk}")
    stripe_payment_intent_id = factory.Sequence(lambda n: f"pi_test_{n}")
    stripe_charge_id = factory.Sequence(lambda n: f"ch_test_{n}")
    succeeded_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):  # noqa: N805
        """Its items and the funding entries `payment_succeeded` posts for them."""
        if create:
            for milestone in obj.contract.milestones.all():
                PaymentItem.objects.create(
                    payment=obj, milestone=milestone, amount=milestone.amount
                )
                ledger.post_entry(
                    key=f"fund-payment-{obj.pk}-milestone-{milestone.pk}",
                    kind="funding",
                    currency=obj.currency,
                    contract=obj.contract,
                    milestone=milestone,
                    lines=[
                        (ledger.PLATFORM_CASH, milestone.amount),
                        (ledger.escrow(obj.contract.pk), -milestone.amount),
                    ],
                    memo=f"payment {obj.stripe_payment_intent_id}: milestone {milestone.position}",
                )


FUNDED_OR_LATER = frozenset(
    {
        ContractStatus.FUNDED,
        ContractStatus.DELIVERED,
        ContractStatus.REVISION_REQUESTED,
        ContractStatus.DISPUTED,
        ContractStatus.APPROVED,
        ContractStatus.PAID,
    }
)
DELIVERED_OR_LATER = frozenset(
    {ContractStatus.DELIVERED, ContractStatus.APPROVED, ContractStatus.PAID}
)


def contract_in(status: str, **kwargs) -> Contract:  # type: ignore[no-untyped-def]
    """A contract in `status` with the rows the money services would have left for it: the
    succeeded payment once funded, the first delivery once delivered, an open dispute (opened
    by the brand's first member) when disputed. `kwargs` go to ContractFactory."""
    now = timezone.now()
    funded = status in FUNDED_OR_LATER
    delivered = status in DELIVERED_OR_LATER
    contract = ContractFactory(
        status=status,
        funded_at=now if funded else None,
        delivered_at=now if delivered else None,
        **kwargs,
    )
    if funded:
        PaymentFactory(contract=contract)
    milestone = contract.milestones.get()
    if delivered:
        delivery = Delivery.objects.create(
            contract=contract, milestone=milestone, number=1, note="first cut"
        )
        delivery.videos.add(VideoFactory())
    if status == ContractStatus.DISPUTED:
        Dispute.objects.create(
            contract=contract,
            milestone=milestone,
            opened_by=contract.brand.memberships.first().user,
        )
    return contract


def funded_contract(**kwargs) -> Contract:  # type: ignore[no-untyped-def]
    """A contract its brand has paid for: funded, with its succeeded payment."""
    return contract_in(ContractStatus.FUNDED, **kwargs)


def delivered_contract(**kwargs) -> Contract:  # type: ignore[no-untyped-def]
    """A funded contract whose creator has delivered once, awaiting the brand's review."""
    return contract_in(ContractStatus.DELIVERED, **kwargs)
