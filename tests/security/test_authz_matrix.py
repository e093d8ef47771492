"""The authorization matrix: every endpoint × method × role answers exactly the reviewed status.

The endpoints come from the URL configuration (everything under /api/v1/), so an endpoint or
a method with no row here fails (`test_every_endpoint_has_a_row_and_every_row_an_endpoint`),
and so does a row for an endpoint that no longer exists: nothing ships without an
authorization review.

Each request is sent in a savepoint that is rolled back, so every role meets the same world
(tests/security/conftest.py). Statuses follow docs/API.md: anonymous on a private endpoint is
401; another tenant's private object is 404; an object the caller may see but not act on is
403; an authorised caller gets the real answer (200/201/204, 400 for a bad body, 409 for a
state that does not allow it, 503 where Stripe is called: it is unreachable in this test).
Where a row departs from these rules on purpose, a comment above it says why.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.constants import PASSWORD, VIDEO
from tests.security.conftest import ROLES

pytestmark = pytest.mark.django_db

API_PREFIX = "api/v1/"
SKIPPED_METHODS = {"head", "options", "trace"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")

Body = dict[str, Any] | Callable[[SimpleNamespace], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    """One request and the status each role must get, in the order of ROLES."""

    endpoint: str  # the URL name
    method: str
    expect: tuple[int, int, int, int, int, int, int]
    kwargs: dict[str, str] = field(default_factory=dict)  # URL kwarg -> name in world.ids
    body: Body = None
    label: str = ""
    query: str = ""  # a query string for GET rows

    def url(self, world: SimpleNamespace) -> str:
        url = reverse(self.endpoint, kwargs={k: world.ids[v] for k, v in self.kwargs.items()})
        return f"{url}?{self.query}" if self.query else url


def brief_body(world: SimpleNamespace) -> dict[str, Any]:
    now = timezone.now()
    return {
        "brand": world.ids["brand_x"],
        "title": "A new brief",
        "description": "A 15 second teaser.",
        "deliverables": [
            {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "4k"}
        ],
        "budget_min": 50_000,
        "budget_max": 90_000,
        "currency": "USD",
        "bid_deadline": (now + timedelta(days=5)).isoformat(),
        "delivery_deadline": (now + timedelta(days=20)).isoformat(),
    }


def change_order_body(world: SimpleNamespace) -> dict[str, Any]:
    due = timezone.now() + timedelta(days=10)
    return {
        "kind": "extra_deliverable",
        "amount": 10_000,
        "due_date": due.isoformat(),
        "description": "A 6-second cut-down.",
    }


def shot_offer_body(world: SimpleNamespace) -> dict[str, Any]:
    return {
        "bid": world.ids["bid_a"],
        "fee": 50_000,
        "deliverable": {"count": 1, "duration_s": 5, "aspect_ratio": "9:16", "resolution": "720p"},
        "due_date": (timezone.now() + timedelta(days=1)).isoformat(),
    }


REGISTER = {
    "email": "newcomer@example.com",
    "password": "An0ther-str0ng-pass",
    "role": "creator",
    "handle": "newcomer",
}
REEL = {"title": "New reel", "tags": ["anime"], "video": VIDEO}

PK = "pk"  # the URL kwarg of a router's detail routes
S = 503  # an authorised call that reaches Stripe, which is unreachable here

# fmt: off
MATRIX: list[Row] = [
    #   endpoint, method,          anon  a    b    x_own x_man y_own staff
    # --- the API root: public links, nothing private ----------------------------------------
    Row("api-root", "GET",          (200, 200, 200, 200, 200, 200, 200)),
    # --- auth and me ------------------------------------------------------------------------
    Row("auth-register", "POST",    (201, 201, 201, 201, 201, 201, 201), body=REGISTER),
    Row("auth-register", "POST",    (400, 400, 400, 400, 400, 400, 400), body={}, label="empty"),
    Row("auth-token", "POST",       (200, 200, 200, 200, 200, 200, 200),
        body={"email": "ana@example.com", "password": PASSWORD}),
    Row("auth-token", "POST",       (401, 401, 401, 401, 401, 401, 401),
        body={"email": "ana@example.com", "password": "wrong"}, label="bad password"),
    Row("auth-token-refresh", "POST", (200, 200, 200, 200, 200, 200, 200),
        body=lambda w: {"refresh": w.refresh_token}),
    Row("me", "GET",                (401, 200, 200, 200, 200, 200, 200)),
    # Anyone signed in asks for a verification link to their own address; a token is checked
    # whoever sends it (it names the account), so a forged one is 400 for every role.
    Row("auth-verify-email", "POST", (401, 202, 202, 202, 202, 202, 202)),
    Row("auth-verify-email-confirm", "POST", (400, 400, 400, 400, 400, 400, 400),
        body={"token": "forged"}),
    Row("auth-verify-email-confirm", "GET", (400, 400, 400, 400, 400, 400, 400),
        query="token=forged"),
    Row("notification-list", "GET", (401, 200, 200, 200, 200, 200, 200)),
    Row("notification-read", "POST", (401, 200, 404, 404, 404, 404, 404),
        kwargs={PK: "notification_a"}),
    Row("notification-read-all", "POST", (401, 200, 200, 200, 200, 200, 200)),
    Row("notification-email-preference", "GET", (401, 200, 200, 200, 200, 200, 200)),
    Row("notification-email-preference", "PATCH", (401, 200, 200, 200, 200, 200, 200),
        body={"frequency": "daily"}),
    Row("notification-email-preference", "PUT", (401, 200, 200, 200, 200, 200, 200),
        body={"frequency": "off"}),
    Row("notification-email-preference", "PUT", (401, 400, 400, 400, 400, 400, 400),
        body={"frequency": "hourly"}, label="unknown frequency"),
    # --- creators, portfolios, reels, partner programme --------------------------------------
    Row("creator-list", "GET",      (200, 200, 200, 200, 200, 200, 200)),
    Row("creator-detail", "GET",    (200, 200, 200, 200, 200, 200, 200),
        kwargs={"handle": "handle_a"}),
    Row("creator-me", "GET",        (401, 200, 200, 404, 404, 404, 404)),
    Row("creator-me", "PATCH",      (401, 200, 200, 404, 404, 404, 404), body={"bio": "Hi."}),
    Row("creator-recommended-briefs", "GET", (401, 200, 200, 404, 404, 404, 404)),
    Row("portfolio-list", "GET",    (200, 200, 200, 200, 200, 200, 200)),
    Row("portfolio-list", "POST",   (401, 201, 201, 403, 403, 403, 403), body={"name": "New"}),
    Row("portfolio-detail", "GET",  (200, 200, 200, 200, 200, 200, 200),
        kwargs={PK: "portfolio_a"}),
    # Changing someone else's (public) portfolio or reel is 404: only your own are writable.
    Row("portfolio-detail", "PUT",  (401, 200, 404, 404, 404, 404, 404),
        kwargs={PK: "portfolio_a"}, body={"name": "Renamed"}),
    Row("portfolio-detail", "PATCH", (401, 200, 404, 404, 404, 404, 404),
        kwargs={PK: "portfolio_a"}, body={"name": "Renamed"}),
    Row("portfolio-detail", "DELETE", (401, 204, 404, 404, 404, 404, 404),
        kwargs={PK: "portfolio_a"}),
    Row("model-licence-list", "GET", (200, 200, 200, 200, 200, 200, 200)),
    Row("model-licence-detail", "GET", (200, 200, 200, 200, 200, 200, 200),
        kwargs={PK: "model_licence"}),
    Row("reel-list", "GET",         (200, 200, 200, 200, 200, 200, 200)),
    Row("reel-list", "POST",        (401, 201, 201, 403, 403, 403, 403), body=REEL),
    Row("reel-list", "POST",        (401, 400, 400, 400, 400, 400, 400), body={},
        label="empty"),
    Row("reel-detail", "GET",       (200, 200, 200, 200, 200, 200, 200), kwargs={PK: "reel_a"}),
    Row("reel-detail", "GET",       (404, 200, 404, 404, 404, 404, 404),
        kwargs={PK: "reel_a_pending"}, label="pending"),
    Row("reel-detail", "PUT",       (401, 200, 404, 404, 404, 404, 404), kwargs={PK: "reel_a"},
        body={"title": "Renamed"}),
    Row("reel-detail", "PATCH",     (401, 200, 404, 404, 404, 404, 404), kwargs={PK: "reel_a"},
        body={"title": "Renamed"}),
    Row("reel-detail", "DELETE",    (401, 204, 404, 404, 404, 404, 404), kwargs={PK: "reel_a"}),
    Row("application-list", "GET",  (401, 200, 200, 200, 200, 200, 200)),
    # A already has a pending application; only creators apply.
    Row("application-list", "POST", (401, 409, 201, 403, 403, 403, 403),
        body={"statement": "Please."}),
    Row("application-detail", "GET", (401, 200, 404, 404, 404, 404, 200),
        kwargs={PK: "application_a"}),
    Row("application-approve", "POST", (401, 403, 403, 403, 403, 403, 200),
        kwargs={PK: "application_a"}),
    Row("application-reject", "POST", (401, 403, 403, 403, 403, 403, 200),
        kwargs={PK: "application_a"}, body={"reason": "Not yet."}),
    Row("application-reject", "POST", (401, 403, 403, 403, 403, 403, 400),
        kwargs={PK: "application_a"}, body={}, label="no reason"),
    # --- brands and members ------------------------------------------------------------------
    Row("brand-list", "GET",        (401, 200, 200, 200, 200, 200, 200)),
    Row("brand-list", "POST",       (401, 201, 201, 201, 201, 201, 201), body={"name": "Newco"}),
    Row("brand-detail", "GET",      (401, 404, 404, 200, 200, 404, 200),
        kwargs={PK: "brand_x"}),
    Row("brand-detail", "PUT",      (401, 404, 404, 200, 403, 404, 403),
        kwargs={PK: "brand_x"}, body={"name": "X renamed"}),
    Row("brand-detail", "PATCH",    (401, 404, 404, 200, 403, 404, 403),
        kwargs={PK: "brand_x"}, body={"name": "X renamed"}),
    # `verified` is staff's decision: any member (or staff) sending it gets 400 naming it.
    Row("brand-detail", "PATCH",    (401, 404, 404, 400, 400, 404, 400),
        kwargs={PK: "brand_x"}, body={"verified": True}, label="verified"),
    # Members (owners and managers) ask for verification; staff decide in the admin.
    Row("brand-verification", "GET", (401, 404, 404, 200, 200, 404, 200),
        kwargs={PK: "brand_x"}),
    Row("brand-verification", "POST", (401, 404, 404, 201, 201, 404, 403),
        kwargs={PK: "brand_x"}, body={
            "company_website": "https://x.example.com", "registration_number": "HRB 1",
            "contact_name": "X", "contact_email": "legal@x.example.com"}),
    Row("brand-member-list", "GET", (401, 404, 404, 200, 200, 404, 200),
        kwargs={"brand_id": "brand_x"}),
    Row("brand-member-list", "POST", (401, 404, 404, 201, 403, 404, 403),
        kwargs={"brand_id": "brand_x"}, body={"email": "cy@example.com", "role": "manager"}),
    # An owner removes the manager; the manager may leave on their own.
    Row("brand-member-detail", "DELETE", (401, 404, 404, 204, 204, 404, 403),
        kwargs={"brand_id": "brand_x", "user_id": "x_manager_user"}),
    # Membership invitations: the brand's members read them, its owners revoke; the invitee
    # (B, by e-mail) alone sees, accepts or declines the one addressed to them.
    Row("brand-member-invitation-list", "GET", (401, 404, 404, 200, 200, 404, 200),
        kwargs={"brand_id": "brand_x"}),
    Row("brand-member-invitation-detail", "DELETE", (401, 404, 404, 204, 403, 404, 403),
        kwargs={"brand_id": "brand_x", PK: "member_invitation_b"}),
    # Confirming is the inviting owner's: a pending (not yet accepted) invitation is 409.
    Row("brand-member-invitation-confirm", "POST", (401, 404, 404, 409, 403, 404, 403),
        kwargs={"brand_id": "brand_x", PK: "member_invitation_b"}),
    Row("member-invitation-list", "GET", (401, 200, 200, 200, 200, 200, 200)),
    Row("member-invitation-detail", "GET", (401, 404, 200, 404, 404, 404, 404),
        kwargs={PK: "member_invitation_b"}),
    Row("member-invitation-accept", "POST", (401, 404, 200, 404, 404, 404, 404),
        kwargs={PK: "member_invitation_b"}),
    Row("member-invitation-decline", "POST", (401, 404, 200, 404, 404, 404, 404),
        kwargs={PK: "member_invitation_b"}),
    # --- IP ----------------------------------------------------------------------------------
    Row("ip-list", "GET",           (401, 200, 200, 200, 200, 200, 200)),
    # The brand is a body field: naming a brand you are not in is a 400 on that field.
    Row("ip-list", "POST",          (401, 400, 400, 201, 201, 400, 400),
        body=lambda w: {"brand": w.ids["brand_x"], "name": "New IP"}),
    Row("ip-detail", "GET",         (401, 404, 404, 200, 200, 404, 200), kwargs={PK: "ip_x"}),
    Row("ip-detail", "PUT",         (401, 404, 404, 200, 200, 404, 403), kwargs={PK: "ip_x"},
        body={"name": "Renamed IP"}),
    Row("ip-detail", "PATCH",       (401, 404, 404, 200, 200, 404, 403), kwargs={PK: "ip_x"},
        body={"name": "Renamed IP"}),
    Row("ip-detail", "DELETE",      (401, 404, 404, 204, 204, 404, 403), kwargs={PK: "ip_x"}),
    # --- briefs ------------------------------------------------------------------------------
    Row("brief-list", "GET",        (200, 200, 200, 200, 200, 200, 200)),
    # As for IP: a brand you are not in is a 400 on the `brand` field.
    Row("brief-list", "POST",       (401, 400, 400, 201, 201, 400, 400), body=brief_body),
    Row("brief-list", "POST",       (401, 400, 400, 400, 400, 400, 400), body={},
        label="empty"),
    Row("brief-detail", "GET",      (200, 200, 200, 200, 200, 200, 200),
        kwargs={PK: "brief_open"}),
    Row("brief-detail", "GET",      (404, 404, 404, 200, 200, 404, 200),
        kwargs={PK: "brief_draft"}, label="draft"),
    Row("brief-detail", "GET",      (404, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "brief_invite"}, label="invite-only, A invited"),
    Row("brief-detail", "PATCH",    (401, 404, 404, 200, 200, 404, 403),
        kwargs={PK: "brief_draft"}, body={"title": "Better title"}, label="draft"),
    Row("brief-detail", "PATCH",    (401, 403, 403, 409, 409, 403, 403),
        kwargs={PK: "brief_open"}, body={"title": "Better title"}, label="open"),
    Row("brief-submit", "POST",     (401, 404, 404, 200, 200, 404, 403),
        kwargs={PK: "brief_draft"}),
    Row("brief-submit", "POST",     (401, 403, 403, 409, 409, 403, 403),
        kwargs={PK: "brief_open"}, label="open"),
    Row("brief-approve", "POST",    (401, 403, 403, 403, 403, 403, 200),
        kwargs={PK: "brief_review"}),
    Row("brief-approve", "POST",    (401, 403, 403, 403, 403, 403, 409),
        kwargs={PK: "brief_open"}, label="open"),
    Row("brief-reject", "POST",     (401, 403, 403, 403, 403, 403, 200),
        kwargs={PK: "brief_review"}, body={"reason": "Too vague."}),
    Row("brief-close", "POST",      (401, 403, 403, 200, 200, 403, 403),
        kwargs={PK: "brief_open"}),
    Row("brief-close", "POST",      (401, 404, 404, 409, 409, 404, 403),
        kwargs={PK: "brief_draft"}, label="draft"),
    Row("brief-cancel", "POST",     (401, 403, 403, 200, 200, 403, 403),
        kwargs={PK: "brief_open"}),
    # Brand members only: everyone else, anonymous included, gets 404 (matching_apis.py).
    Row("brief-matches", "GET",     (404, 404, 404, 200, 200, 404, 404),
        kwargs={PK: "brief_open"}),
    Row("brief-matches", "GET",     (404, 404, 404, 200, 200, 404, 404),
        kwargs={PK: "brief_draft"}, label="draft"),
    # --- invitations -------------------------------------------------------------------------
    Row("brief-test-shots", "GET",  (401, 200, 200, 200, 200, 200, 200),
        kwargs={PK: "brief_open"}),
    Row("brief-test-shots", "POST", (401, 403, 403, 201, 201, 403, 403),
        kwargs={PK: "brief_open"}, body=shot_offer_body),
    Row("brief-invitation-list", "GET", (401, 200, 200, 200, 200, 200, 200),
        kwargs={"brief_id": "brief_open"}),
    Row("brief-invitation-list", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={"brief_id": "brief_invite"}, label="invite-only"),
    Row("brief-invitation-list", "POST", (401, 403, 403, 201, 201, 403, 403),
        kwargs={"brief_id": "brief_open"}, body={"handle": "bo"}),
    Row("brief-invitation-list", "POST", (401, 403, 404, 409, 409, 404, 403),
        kwargs={"brief_id": "brief_invite"}, body={"handle": "ana"}, label="already invited"),
    Row("invitation-list", "GET",   (401, 200, 200, 200, 200, 200, 200)),
    Row("invitation-detail", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "invitation_a"}),
    Row("invitation-decline", "POST", (401, 200, 404, 403, 403, 404, 403),
        kwargs={PK: "invitation_a"}),
    # --- bids --------------------------------------------------------------------------------
    Row("brief-bid-list", "GET",    (401, 200, 200, 200, 200, 200, 200),
        kwargs={"brief_id": "brief_open"}),
    Row("brief-bid-list", "GET",    (401, 404, 404, 200, 200, 404, 200),
        kwargs={"brief_id": "brief_draft"}, label="draft"),
    # A already has a live bid on the open brief; brand members and staff are not creators.
    Row("brief-bid-list", "POST",   (401, 409, 201, 403, 403, 403, 403),
        kwargs={"brief_id": "brief_open"}, body={"amount": 70_000}),
    Row("brief-bid-list", "POST",   (401, 201, 404, 403, 403, 404, 403),
        kwargs={"brief_id": "brief_invite"}, body={"amount": 70_000}, label="invite-only"),
    Row("brief-bid-list", "POST",   (401, 400, 400, 400, 400, 400, 400),
        kwargs={"brief_id": "brief_open"}, body={}, label="empty"),
    Row("bid-list", "GET",          (401, 200, 200, 200, 200, 200, 200)),
    Row("bid-detail", "GET",        (401, 200, 404, 200, 200, 404, 200), kwargs={PK: "bid_a"}),
    Row("bid-detail", "PATCH",      (401, 200, 404, 403, 403, 404, 403), kwargs={PK: "bid_a"},
        body={"amount": 65_000}),
    Row("bid-withdraw", "POST",     (401, 200, 404, 403, 403, 404, 403), kwargs={PK: "bid_a"}),
    Row("bid-shortlist", "POST",    (401, 403, 404, 200, 200, 404, 403), kwargs={PK: "bid_a"}),
    Row("bid-reject", "POST",       (401, 403, 404, 200, 200, 404, 403), kwargs={PK: "bid_a"}),
    Row("bid-accept", "POST",       (401, 403, 404, 200, 200, 404, 403), kwargs={PK: "bid_a"}),
    # --- contracts ---------------------------------------------------------------------------
    Row("contract-list", "GET",     (401, 200, 200, 200, 200, 200, 200)),
    Row("contract-detail", "GET",   (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "contract_awaiting"}),
    Row("contract-fund", "POST",    (401, 403, 404, S, S, 404, 403),
        kwargs={PK: "contract_awaiting"}),
    Row("contract-fund", "POST",    (401, 403, 404, 409, 409, 404, 403),
        kwargs={PK: "contract_funded"}, label="funded"),
    Row("contract-cancel", "POST",  (401, 200, 404, 200, 200, 404, 403),
        kwargs={PK: "contract_awaiting"}),
    Row("contract-cancel", "POST",  (401, 409, 404, 409, 409, 404, 403),
        kwargs={PK: "contract_funded"}, label="funded"),
    Row("contract-deliveries", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "contract_delivered"}),
    Row("contract-deliveries", "POST", (401, 201, 404, 403, 403, 404, 403),
        kwargs={PK: "contract_funded"}, body={"videos": [VIDEO], "note": "Final cut."}),
    Row("contract-deliveries", "POST", (401, 409, 404, 403, 403, 404, 403),
        kwargs={PK: "contract_awaiting"}, body={"videos": [VIDEO]}, label="not funded"),
    Row("contract-request-revision", "POST", (401, 403, 404, 200, 200, 404, 403),
        kwargs={PK: "contract_delivered"}, body={"note": "Brighter, please."}),
    Row("contract-approve", "POST", (401, 403, 404, 200, 200, 404, 403),
        kwargs={PK: "contract_delivered"}),
    Row("contract-approve", "POST", (401, 403, 404, 409, 409, 404, 403),
        kwargs={PK: "contract_funded"}, label="not delivered"),
    Row("contract-dispute", "POST", (401, 200, 404, 200, 200, 404, 403),
        kwargs={PK: "contract_funded"}, body={"reason": "No word for a week."}),
    Row("contract-refund", "POST",  (401, 200, 404, 200, 200, 404, 403),
        kwargs={PK: "contract_funded"}),
    Row("contract-resolve", "POST", (401, 403, 403, 403, 403, 403, 200),
        kwargs={PK: "contract_disputed"}, body={"resolution": "release"}),
    Row("contract-resolve", "POST", (401, 403, 403, 403, 403, 403, 409),
        kwargs={PK: "contract_funded"}, body={"resolution": "refund"}, label="no dispute"),
    Row("contract-staff-refund", "POST", (401, 403, 403, 403, 403, 403, 200),
        kwargs={PK: "contract_funded"}, body={"reason": "Fraud."}),
    Row("contract-rights", "GET",   (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "contract_delivered"}),
    Row("contract-disclosure", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "contract_delivered"}),
    Row("contract-disclosure", "GET", (401, 409, 404, 409, 409, 404, 409),
        kwargs={PK: "contract_awaiting"}, label="nothing delivered"),
    Row("contract-milestones", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "contract_awaiting"}),
    Row("contract-change-orders", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "contract_funded"}),
    # Either party proposes a change order; staff are no party.
    Row("contract-change-orders", "POST", (401, 201, 404, 201, 201, 404, 403),
        kwargs={PK: "contract_funded"}, body=change_order_body),
    # --- milestones and change orders (the same rules as the contract-level actions) ---------
    Row("milestone-list", "GET",    (401, 200, 200, 200, 200, 200, 200)),
    Row("milestone-detail", "GET",  (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "milestone_awaiting"}),
    Row("milestone-fund", "POST",   (401, 403, 404, S, S, 404, 403),
        kwargs={PK: "milestone_awaiting"}),
    Row("milestone-fund", "POST",   (401, 403, 404, 409, 409, 404, 403),
        kwargs={PK: "milestone_funded"}, label="funded"),
    Row("milestone-cancel", "POST", (401, 200, 404, 200, 200, 404, 403),
        kwargs={PK: "milestone_awaiting"}),
    Row("milestone-deliveries", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "milestone_delivered"}),
    Row("milestone-deliveries", "POST", (401, 201, 404, 403, 403, 404, 403),
        kwargs={PK: "milestone_funded"}, body={"videos": [VIDEO], "note": "Final cut."}),
    Row("milestone-request-revision", "POST", (401, 403, 404, 200, 200, 404, 403),
        kwargs={PK: "milestone_delivered"}, body={"note": "Brighter, please."}),
    Row("milestone-approve", "POST", (401, 403, 404, 200, 200, 404, 403),
        kwargs={PK: "milestone_delivered"}),
    Row("milestone-dispute", "POST", (401, 200, 404, 200, 200, 404, 403),
        kwargs={PK: "milestone_funded"}, body={"reason": "No word for a week."}),
    Row("milestone-refund", "POST", (401, 200, 404, 200, 200, 404, 403),
        kwargs={PK: "milestone_funded"}),
    Row("milestone-resolve", "POST", (401, 403, 403, 403, 403, 403, 200),
        kwargs={PK: "milestone_disputed"}, body={"resolution": "release"}),
    Row("milestone-staff-refund", "POST", (401, 403, 403, 403, 403, 403, 200),
        kwargs={PK: "milestone_funded"}, body={"reason": "Fraud."}),
    Row("change-order-list", "GET", (401, 200, 200, 200, 200, 200, 200)),
    Row("change-order-detail", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "change_order_x"}),
    # The brand proposed it: the creator answers it, the brand may only withdraw it.
    Row("change-order-accept", "POST", (401, 200, 404, 403, 403, 404, 403),
        kwargs={PK: "change_order_x"}),
    Row("change-order-decline", "POST", (401, 200, 404, 403, 403, 404, 403),
        kwargs={PK: "change_order_x"}),
    Row("change-order-withdraw", "POST", (401, 403, 404, 200, 200, 404, 403),
        kwargs={PK: "change_order_x"}),
    Row("contract-reviews", "GET",  (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "contract_paid"}),
    Row("contract-reviews", "POST", (401, 201, 404, 201, 201, 404, 403),
        kwargs={PK: "contract_paid"}, body={"stars": 5, "text": "Great."}),
    Row("contract-reviews", "POST", (401, 409, 404, 409, 409, 404, 403),
        kwargs={PK: "contract_funded"}, body={"stars": 5}, label="not finished"),
    # --- fee preview (creators only) ---------------------------------------------------------
    Row("brief-fee-preview", "GET", (401, 200, 200, 403, 403, 403, 403),
        kwargs={PK: "brief_open"}, query="amount=70000"),
    Row("brief-fee-preview", "GET", (401, 400, 400, 403, 403, 403, 403),
        kwargs={PK: "brief_open"}, query="amount=-1", label="negative amount"),
    Row("brief-fee-preview", "GET", (401, 404, 404, 403, 403, 404, 403),
        kwargs={PK: "brief_draft"}, query="amount=70000", label="draft"),
    # --- conversations (docs/CONVERSATIONS.md) ------------------------------------------
    # Participants only: A and brand X's members. Staff read a thread only through a dispute
    # or a flag (404 otherwise) and never write in one (403 where they may read).
    Row("thread-list", "GET",       (401, 200, 200, 200, 200, 200, 200)),
    Row("thread-detail", "GET",     (401, 200, 404, 200, 200, 404, 404),
        kwargs={PK: "thread_brief"}),
    Row("thread-detail", "GET",     (401, 200, 404, 200, 200, 404, 200),
        kwargs={PK: "thread_disputed"}, label="disputed"),
    Row("thread-read", "POST",      (401, 200, 404, 200, 200, 404, 404),
        kwargs={PK: "thread_brief"}),
    Row("thread-read", "POST",      (401, 200, 404, 200, 200, 404, 403),
        kwargs={PK: "thread_disputed"}, label="disputed"),
    Row("thread-message-list", "GET", (401, 200, 404, 200, 200, 404, 404),
        kwargs={"thread_id": "thread_brief"}),
    Row("thread-message-list", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={"thread_id": "thread_disputed"}, label="disputed"),
    Row("thread-message-list", "POST", (401, 201, 404, 201, 201, 404, 404),
        kwargs={"thread_id": "thread_brief"}, body={"text": "Hello there"}),
    Row("thread-message-list", "POST", (401, 201, 404, 201, 201, 404, 403),
        kwargs={"thread_id": "thread_disputed"}, body={"text": "Evidence."}, label="disputed"),
    Row("thread-message-list", "POST", (401, 400, 404, 400, 400, 404, 404),
        kwargs={"thread_id": "thread_brief"}, body={"text": ""}, label="empty"),
    # Only the author edits or deletes (within 10 minutes).
    Row("thread-message-detail", "PATCH", (401, 200, 404, 403, 403, 404, 404),
        kwargs={"thread_id": "thread_brief", PK: "message_a"}, body={"text": "Edited."}),
    Row("thread-message-detail", "DELETE", (401, 204, 404, 403, 403, 404, 404),
        kwargs={"thread_id": "thread_brief", PK: "message_a"}),
    # B may see the open brief: an empty list, and opening makes B's own thread (a creator
    # always opens their own: `creator` is for brand members); A's exists.
    Row("brief-thread-list", "GET", (401, 200, 200, 200, 200, 200, 200),
        kwargs={"brief_id": "brief_open"}),
    Row("brief-thread-list", "POST", (401, 200, 201, 400, 400, 403, 403),
        kwargs={"brief_id": "brief_open"}, body={"text": "A question"}),
    Row("brief-thread-list", "POST", (401, 200, 201, 200, 200, 403, 403),
        kwargs={"brief_id": "brief_open"}, body={"creator": "ana"}, label="to ana"),
    Row("brief-thread-list", "POST", (401, 404, 404, 400, 400, 404, 403),
        kwargs={"brief_id": "brief_draft"}, body={}, label="draft"),
    Row("contract-thread", "GET", (401, 200, 404, 200, 200, 404, 200),
        kwargs={"contract_id": "contract_disputed"}),
    Row("contract-thread", "GET", (401, 200, 404, 200, 200, 404, 404),
        kwargs={"contract_id": "contract_funded"}, label="no dispute"),
    # --- payments ----------------------------------------------------------------------------
    Row("payments-onboarding", "POST", (401, S, S, 403, 403, 403, 403)),
    Row("payments-account", "GET",  (401, 200, 404, 404, 404, 404, 404)),
    Row("payments-earnings", "GET", (401, 200, 200, 404, 404, 404, 404)),
    Row("payments-payouts", "GET",  (401, 200, 200, 404, 404, 404, 404)),
    Row("payments-transfers", "GET",  (401, 200, 200, 404, 404, 404, 404)),
    # Unsigned: refused for everyone alike (the signed path is tested in tests/payments).
    Row("stripe-webhook", "POST",   (400, 400, 400, 400, 400, 400, 400), body={}),
    Row("stripe-connect-webhook", "POST", (400, 400, 400, 400, 400, 400, 400), body={}),
]
# fmt: on


# The endpoints, from the URL configuration ----------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str
    methods: frozenset[str]


def _readable(pattern: str) -> str:
    """`^bids/(?P<pk>\\d+)/$` and `briefs/<int:pk>/` both read `bids/{pk}/`."""
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
    pattern = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
    return pattern.lstrip("^").rstrip("$")


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        route = prefix + _readable(str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, route)
        else:
            yield route, pattern


def _methods(pattern: URLPattern) -> frozenset[str]:
    """The HTTP methods the view serves: a ViewSet's action map, or an APIView's handlers."""
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        methods = set(actions)
    else:
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view_class is None:
            raise AssertionError(f"cannot tell the methods of the function view {pattern!r}")
        methods = {m for m in view_class.http_method_names if hasattr(view_class, m)}
    return frozenset(m.upper() for m in methods - SKIPPED_METHODS)


def api_endpoints() -> dict[str, Endpoint]:
    """Every URL pattern under /api/v1/, by URL name, with its methods."""
    found: dict[str, Endpoint] = {}
    for route, pattern in _walk(get_resolver()):
        if not route.startswith(API_PREFIX):
            continue
        name = pattern.name or route
        assert name not in found, f"two API URL patterns are named {name!r}"
        found[name] = Endpoint(name=name, route="/" + route, methods=_methods(pattern))
    return found


def coverage_problems() -> list[str]:
    endpoints = api_endpoints()
    covered = {(row.endpoint, row.method) for row in MATRIX}
    problems = [
        f"new endpoint without an authorization row: {method} {ep.route} ({name})"
        for name, ep in sorted(endpoints.items())
        for method in sorted(ep.methods)
        if (name, method) not in covered
    ]
    for name, method in sorted(covered):
        if name not in endpoints:
            problems.append(f"row for an endpoint that no longer exists: {method} {name}")
        elif method not in endpoints[name].methods:
            problems.append(f"row for a method the endpoint does not serve: {method} {name}")
    return problems


def test_every_endpoint_has_a_row_and_every_row_an_endpoint():
    assert api_endpoints(), "no API endpoints found under /api/v1/"
    problems = coverage_problems()
    assert not problems, "\n".join(problems)


def test_every_row_names_a_known_role_and_status():
    for row in MATRIX:
        assert len(row.expect) == len(ROLES), row
        assert all(100 <= status < 600 for status in row.expect), row
        assert row.method in {m.upper() for m in HTTP_METHODS}, row


# Running the matrix ---------------------------------------------------------------------------


def _call(client, method: str, url: str, body: dict[str, Any] | None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Send the request inside a savepoint that is always rolled back."""
    data = json.dumps(body) if body is not None else ""
    with transaction.atomic():
        response = client.generic(method, url, data=data, content_type="application/json")
        transaction.set_rollback(True)
    detail = ""
    if response.status_code >= 400:
        exc_info = getattr(response, "exc_info", None)
        if exc_info:
            detail = f"{exc_info[0].__name__}: {exc_info[1]}"
        else:
            try:
                error = response.json().get("error", {})
                detail = f"{error.get('code', '')}: {error.get('message', '')}"
            except (ValueError, AttributeError):
                detail = response.content[:80].decode(errors="replace")
    return response.status_code, detail


def _table(rows: list[tuple[str, ...]]) -> str:
    header = ("endpoint", "method", "role", "expected", "got", "detail")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        cells = [str(c).ljust(w) for c, w in zip(r, widths, strict=False)]
        lines.append("  ".join([*cells, str(r[-1])[:100]]))
    return "\n".join(lines)


def test_authorization_matrix(world):  # type: ignore[no-untyped-def]
    problems = coverage_problems()
    assert not problems, "\n".join(problems)
    mismatches: list[tuple[str, ...]] = []
    cells = 0
    for row in MATRIX:
        url = row.url(world)
        body = row.body(world) if callable(row.body) else row.body
        for role, expected in zip(ROLES, row.expect, strict=True):
            got, detail = _call(world.clients[role], row.method, url, body)
            cells += 1
            if got != expected:
                where = f"{url}" + (f" [{row.label}]" if row.label else "")
                mismatches.append((where, row.method, role, str(expected), str(got), detail))
    assert cells == len(MATRIX) * len(ROLES)
    summary = f"{len(mismatches)} of {cells} cells differ from the matrix:"
    assert not mismatches, summary + "\n" + _table(mismatches)
