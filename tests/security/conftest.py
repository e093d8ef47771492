"""The security suite's world: one set of users and objects that every role is tried against.

Roles: anonymous · creator A · creator B · the owner and a manager of brand X · the owner of
brand Y · staff. Brand X owns every brand object here and creator A is its counterparty, so B
and Y are the "other tenants" and must see 404 for anything private.
"""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from campaigns.models import (
    BriefStatus,
    ChangeOrder,
    ContractStatus,
    MemberInvitation,
    MemberRole,
    Message,
    Thread,
    ThreadKind,
    Visibility,
)
from creators.models import ModelLicence, Moderation, PartnerApplication
from marketplace.models import Notification
from payments.models import PayoutAccount
from tests.factories import (
    BidFactory,
    BrandFactory,
    BriefFactory,
    CreatorFactory,
    InvitationFactory,
    IPAssetFactory,
    MembershipFactory,
    PortfolioFactory,
    ReelFactory,
    UserFactory,
    contract_in,
)

ROLES = ("anon", "a", "b", "x_owner", "x_manager", "y_owner", "staff")
# Nothing listens on the discard port: a Stripe call fails at once with a connection error,
# which the gateway answers as 503 (and a refused caller never gets that far).
UNREACHABLE_STRIPE = "http://127.0.0.1:9"


@pytest.fixture
def stripe_unreachable(settings):  # type: ignore[no-untyped-def]
    """Point the gateway at a closed port with no retries, so Stripe calls answer 503 fast."""
    settings.STRIPE_SECRET_KEY = "sk_test_unreachable"
    settings.STRIPE_API_BASE = UNREACHABLE_STRIPE
    settings.STRIPE_MAX_NETWORK_RETRIES = 0


def build_world() -> SimpleNamespace:
    """Create the users and objects; `ids` names every object a URL or body refers to."""
    brand_x = BrandFactory(name="Brand X", slug="brand-x")
    brand_y = BrandFactory(name="Brand Y", slug="brand-y")
    a = CreatorFactory(handle="ana", tags=["anime"], user__email="ana@example.com")
    b = CreatorFactory(handle="bo", user__email="bo@example.com")
    users: dict[str, Any] = {
        "anon": None,
        "a": a.user,
        "b": b.user,
        "x_owner": MembershipFactory(
            brand=brand_x, role=MemberRole.OWNER, user__email="x-owner@example.com"
        ).user,
        "x_manager": MembershipFactory(
            brand=brand_x, role=MemberRole.MANAGER, user__email="x-manager@example.com"
        ).user,
        "y_owner": MembershipFactory(
            brand=brand_y, role=MemberRole.OWNER, user__email="y-owner@example.com"
        ).user,
        "staff": UserFactory(is_staff=True, is_superuser=True, email="staff@example.com"),
    }
    portfolio = PortfolioFactory(creator=a, name="A's best")
    reel = ReelFactory(creator=a, portfolio=portfolio, tags=["anime"])
    reel_pending = ReelFactory(creator=a, moderation=Moderation.PENDING)
    application = PartnerApplication.objects.create(creator=a, statement="I ship on time.")
    ip = IPAssetFactory(brand=brand_x, name="X mascot")
    brief_open = BriefFactory(brand=brand_x, title="Open public brief")
    brief_draft = BriefFactory(brand=brand_x, status=BriefStatus.DRAFT, title="Draft brief")
    brief_review = BriefFactory(brand=brand_x, status=BriefStatus.IN_REVIEW, title="In review")
    brief_invite = BriefFactory(
        brand=brand_x, visibility=Visibility.INVITE_ONLY, title="Invite-only brief"
    )
    invitation = InvitationFactory(brief=brief_invite, creator=a)
    member_invitation = MemberInvitation.objects.create(
        brand=brand_x, email=b.user.email, invited_by=users["x_owner"]
    )
    bid = BidFactory(brief=brief_open, creator=a)
    contracts = {
        status: contract_in(status, brand=brand_x, creator=a)
        for status in (
            ContractStatus.AWAITING_FUNDING,
            ContractStatus.FUNDED,
            ContractStatus.DELIVERED,
            ContractStatus.DISPUTED,
            ContractStatus.PAID,
        )
    }
    change_order = ChangeOrder.objects.create(
        contract=contracts[ContractStatus.FUNDED],
        kind="extra_deliverable",
        amount=10_000,
        due_date=timezone.now() + timedelta(days=10),
        description="One more cut.",
        proposed_by=users["x_owner"],
        proposer_side="brand",
    )
    milestones = {status: c.milestones.get().pk for status, c in contracts.items()}
    PayoutAccount.objects.create(creator=a, stripe_account_id="acct_world_ana")
    # A's question on the open brief, and the disputed contract's thread (staff may read it).
    thread_brief = Thread.objects.create(
        kind=ThreadKind.BRIEF, brief=brief_open, brand=brand_x, creator=a, started_by=a.user
    )
    message_a = Message.objects.create(thread=thread_brief, author=a.user, text="A question?")
    disputed = contracts[ContractStatus.DISPUTED]
    thread_disputed = Thread.objects.create(
        kind=ThreadKind.CONTRACT,
        brief=disputed.brief,
        brand=brand_x,
        creator=a,
        contract=disputed,
    )
    Message.objects.create(thread=thread_disputed, author=a.user, text="Delivered on time.")
    notification = Notification.objects.create(
        user=a.user, kind="bid_shortlisted", message="Your bid was shortlisted."
    )
    refresh = RefreshToken.for_user(a.user)
    return SimpleNamespace(
        users=users,
        creators={"a": a, "b": b},
        brands={"x": brand_x, "y": brand_y},
        refresh_token=str(refresh),
        ids={
            "brand_x": brand_x.pk,
            "brand_y": brand_y.pk,
            "handle_a": a.handle,
            "x_manager_user": users["x_manager"].pk,
            "portfolio_a": portfolio.pk,
            "reel_a": reel.pk,
            "reel_a_pending": reel_pending.pk,
            "application_a": application.pk,
            "ip_x": ip.pk,
            "brief_open": brief_open.pk,
            "brief_draft": brief_draft.pk,
            "brief_review": brief_review.pk,
            "brief_invite": brief_invite.pk,
            "invitation_a": invitation.pk,
            "member_invitation_b": member_invitation.pk,
            "bid_a": bid.pk,
            "contract_awaiting": contracts[ContractStatus.AWAITING_FUNDING].pk,
            "contract_funded": contracts[ContractStatus.FUNDED].pk,
            "contract_delivered": contracts[ContractStatus.DELIVERED].pk,
            "contract_disputed": contracts[ContractStatus.DISPUTED].pk,
            "contract_paid": contracts[ContractStatus.PAID].pk,
            "milestone_awaiting": milestones[ContractStatus.AWAITING_FUNDING],
            "milestone_funded": milestones[ContractStatus.FUNDED],
            "milestone_delivered": milestones[ContractStatus.DELIVERED],
            "milestone_disputed": milestones[ContractStatus.DISPUTED],
            "change_order_x": change_order.pk,
            "notification_a": notification.pk,
            "thread_brief": thread_brief.pk,
            "thread_disputed": thread_disputed.pk,
            "message_a": message_a.pk,
            # Seeded by a data migration (creators 0007).
            "model_licence": ModelLicence.objects.order_by("pk").values_list("pk", flat=True)[0],
        },
    )


def bearer(user) -> str:  # type: ignore[no-untyped-def]
    return f"Bearer {RefreshToken.for_user(user).access_token}"


def client_as(user) -> APIClient:  # type: ignore[no-untyped-def]
    """An API client with the user's JWT (anonymous for None) that answers 500s instead of
    raising them, so a crash is reported like any other wrong status."""
    client = APIClient()
    client.raise_request_exception = False
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=bearer(user))
    return client


@pytest.fixture
def world(db, stripe_unreachable) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    w = build_world()
    w.clients = {role: client_as(w.users[role]) for role in ROLES}
    return w
