"""Brand verification end to end: a member asks with what staff check, staff approve or
reject with a reason in the admin (through the services), an audit row, the brand's members
told, the queue on the staff dashboard, and `verified` on the brand wherever a creator sees
it. `verified` is never a brand's own edit: sending it answers 400 naming the field."""

import pytest
from django.test import Client

from campaigns.models import Brand, BrandVerification, BriefStatus
from campaigns.services import (
    brand_verification_approve,
    brand_verification_reject,
    brand_verification_request,
)
from marketplace.errors import Conflict, Forbidden, InvalidInput
from marketplace.models import AuditLog, Notification
from payments.staff_queues import staff_queues
from tests.factories import (
    BriefFactory,
    CreatorFactory,
    MembershipFactory,
    UserFactory,
    contract_in,
)

pytestmark = pytest.mark.django_db

DETAILS = {
    "company_website": "https://ren.example.com",
    "registration_number": "HRB 123456",
    "contact_name": "Ren Ito",
    "contact_email": "Legal@Ren.example.com",
    "contact_phone": "+49 30 1234567",
}
QUEUE = "Brand verification requests"


@pytest.fixture
def admin_client(staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def ren(db):  # type: ignore[no-untyped-def]
    owner = MembershipFactory(brand__name="Ren Co", role="owner")
    manager = MembershipFactory(brand=owner.brand, role="manager")
    return owner.brand, owner.user, manager.user


def ask(client, brand: Brand, **changes):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/brands/{brand.pk}/verification/", {**DETAILS, **changes}, format="json"
    )


def admin_action(admin_client: Client, action: str, ids: list[int], reason: str = ""):  # type: ignore[no-untyped-def]
    """The list action leads to the request's confirmation page, where the reason is typed."""
    moved = admin_client.post(
        "/admin/campaigns/brandverification/", {"action": action, "_selected_action": ids}
    )
    assert moved.url == f"/admin/campaigns/brandverification/{ids[0]}/{action}/", moved
    return admin_client.post(moved.url, {"reason": reason, "_previewed": "confirm"})


def test_request_approve_in_the_admin_and_creators_see_verified(
    ren, client_for, staff, admin_client
):
    brand, owner, manager = ren
    brief = BriefFactory(brand=brand, status=BriefStatus.OPEN)
    creator = CreatorFactory()
    contract = contract_in("funded", brand=brand, creator=creator)
    maker = client_for(creator.user)
    assert maker.get(f"/api/v1/briefs/{brief.pk}/").json()["brand_verified"] is False

    asked = ask(client_for(manager), brand)
    assert asked.status_code == 201, asked.json()
    body = asked.json()
    assert body["status"] == "pending" and body["contact_email"] == "legal@ren.example.com"
    assert body["reason"] is None and body["reviewed_at"] is None
    assert Notification.objects.filter(user=staff, kind="brand_verification_requested").exists()
    assert AuditLog.objects.filter(verb="verification_request", object_id=str(body["id"])).exists()
    again = ask(client_for(owner), brand)
    assert again.status_code == 409 and again.json()["error"]["code"] == "verification_pending"
    outsider = ask(client_for(UserFactory()), brand)
    assert outsider.status_code == 404

    # The staff dashboard counts it and links to the pending queue.
    (queue,) = [q for q in staff_queues() if q.label == QUEUE]
    assert queue.count == 1
    index = admin_client.get("/admin/").content.decode()
    assert QUEUE in index and "brandverification/?status__exact=pending" in index
    assert admin_client.get(queue.url).status_code == 200

    # Approving needs a reason: without one nothing changes.
    refused = admin_action(admin_client, "approve", [body["id"]])
    assert "A reason is required" in refused.content.decode()
    assert BrandVerification.objects.get(pk=body["id"]).status == "pending"
    admin_action(admin_client, "approve", [body["id"]], reason="Register and site checked")
    verification = BrandVerification.objects.get(pk=body["id"])
    assert verification.status == "approved" and verification.reviewed_by == staff
    assert verification.reason == "Register and site checked"
    brand.refresh_from_db()
    assert brand.verified is True
    assert AuditLog.objects.filter(
        verb="verify", object_type="campaigns.brand", object_id=str(brand.pk), after="verified"
    ).exists()
    assert AuditLog.objects.filter(verb="verification_approved", actor=staff).exists()
    told = set(Notification.objects.filter(kind="brand_verified").values_list("user", flat=True))
    assert told == {owner.pk, manager.pk}
    assert [q.count for q in staff_queues() if q.label == QUEUE] == [0]

    # Every brand, brief, match, thread and contract view a creator reads shows it.
    listed = maker.get("/api/v1/briefs/").json()["results"]
    assert [b["brand_verified"] for b in listed if b["id"] == brief.pk] == [True]
    assert maker.get(f"/api/v1/briefs/{brief.pk}/").json()["brand_verified"] is True
    recommended = maker.get("/api/v1/creators/me/recommended-briefs/").json()["results"]
    assert [r["brief"]["brand_verified"] for r in recommended if r["brief"]["id"] == brief.pk] == [
        True
    ]
    opened = maker.post(f"/api/v1/briefs/{brief.pk}/threads/", {}, format="json").json()
    assert opened["brand_verified"] is True
    assert maker.get(f"/api/v1/contracts/{contract.pk}/").json()["brand_verified"] is True
    assert client_for(owner).get(f"/api/v1/brands/{brand.pk}/").json()["verified"] is True
    history = client_for(owner).get(f"/api/v1/brands/{brand.pk}/verification/").json()["results"]
    assert [(v["status"], v["reason"]) for v in history] == [
        ("approved", "Register and site checked")
    ]
    # A verified brand has nothing left to ask.
    done = ask(client_for(owner), brand)
    assert done.status_code == 409 and done.json()["error"]["code"] == "brand_already_verified"


def test_staff_reject_with_a_reason_the_members_read_and_the_brand_asks_again(
    ren, client_for, staff, admin_client
):
    brand, owner, manager = ren
    first = ask(client_for(owner), brand).json()
    admin_action(admin_client, "reject", [first["id"]], reason="Registration number not found")
    rejected = BrandVerification.objects.get(pk=first["id"])
    assert rejected.status == "rejected"
    brand.refresh_from_db()
    assert brand.verified is False
    notices = Notification.objects.filter(kind="brand_verification_rejected")
    assert {n.user_id for n in notices} == {owner.pk, manager.pk}
    assert all("Registration number not found" in n.message for n in notices)
    assert AuditLog.objects.filter(verb="verification_rejected", actor=staff).exists()
    second = ask(client_for(manager), brand, registration_number="HRB 654321")
    assert second.status_code == 201, second.json()
    history = client_for(owner).get(f"/api/v1/brands/{brand.pk}/verification/").json()["results"]
    assert [v["status"] for v in history] == ["pending", "rejected"]
    assert history[1]["reason"] == "Registration number not found"


def test_a_member_cannot_set_verified_and_bad_requests_name_the_field(ren, client_for):
    brand, owner, _ = ren
    client = client_for(owner)
    patched = client.patch(f"/api/v1/brands/{brand.pk}/", {"verified": True}, format="json")
    assert patched.status_code == 400, patched.json()
    assert patched.json()["error"]["code"] == "verified_read_only"
    assert list(patched.json()["error"]["fields"]) == ["verified"]
    mixed = client.patch(
        f"/api/v1/brands/{brand.pk}/", {"name": "Ren Studio", "verified": True}, format="json"
    )
    assert mixed.status_code == 400
    created = client.post("/api/v1/brands/", {"name": "Other", "verified": True}, format="json")
    assert created.status_code == 400 and created.json()["error"]["code"] == "verified_read_only"
    brand.refresh_from_db()
    assert (brand.name, brand.verified) == ("Ren Co", False)
    assert client.patch(f"/api/v1/brands/{brand.pk}/", {"name": "Ren Studio"}).status_code == 200
    # Another tenant's brand is 404 whatever the body.
    stranger = client_for(UserFactory())
    assert (
        stranger.patch(f"/api/v1/brands/{brand.pk}/", {"verified": True}, format="json").status_code
        == 404
    )

    missing = ask(client, brand, registration_number="")
    assert missing.status_code == 400 and "registration_number" in missing.json()["error"]["fields"]
    blank = ask(client, brand, contact_name="   ")
    assert blank.status_code == 400
    assert list(blank.json()["error"]["fields"]) == ["contact_name"]
    bad_site = ask(client, brand, company_website="not a site")
    assert bad_site.status_code == 400 and "company_website" in bad_site.json()["error"]["fields"]
    assert not BrandVerification.objects.exists()


def test_the_services_guard_staff_reason_and_state(ren, staff):
    brand, owner, _ = ren
    verification = brand_verification_request(actor=owner, brand=brand, **DETAILS)
    with pytest.raises(Forbidden):
        brand_verification_approve(actor=owner, verification=verification, reason="me")
    with pytest.raises(InvalidInput) as blank:
        brand_verification_reject(actor=staff, verification=verification, reason="  ")
    assert blank.value.field == "reason"
    brand_verification_reject(actor=staff, verification=verification, reason="Site is down")
    with pytest.raises(Conflict):
        brand_verification_approve(actor=staff, verification=verification, reason="changed mind")
    brand.refresh_from_db()
    assert brand.verified is False


@pytest.mark.parametrize("size", [2, 6])
def test_creator_lists_show_verified_in_a_fixed_number_of_queries(
    client_for, staff, django_assert_max_num_queries, size
):
    creator = CreatorFactory()
    maker = client_for(creator.user)
    for i in range(size):
        owner = MembershipFactory()
        BriefFactory(brand=owner.brand)
        if i % 2 == 0:
            asked = brand_verification_request(actor=owner.user, brand=owner.brand, **DETAILS)
            brand_verification_approve(actor=staff, verification=asked, reason="ok")
    with django_assert_max_num_queries(6):
        listed = maker.get("/api/v1/briefs/?page_size=50").json()["results"]
    assert sorted(b["brand_verified"] for b in listed) == sorted([i % 2 == 0 for i in range(size)])
    with django_assert_max_num_queries(6):
        recommended = maker.get("/api/v1/creators/me/recommended-briefs/?limit=50").json()
    assert len(recommended["results"]) == size
    assert sum(r["brief"]["brand_verified"] for r in recommended["results"]) == (size + 1) // 2
