"""E-mail verification through a signed, expiring link, and the brand invitations that need
it: only a verified address accepts; an owner invitation also needs the inviting owner's
confirmation; the last owner is never removed."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from accounts.verification import email_verification_token
from campaigns.models import BrandMembership, MemberInvitation
from marketplace.models import AuditLog, User
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Kettle-and-kite-42"


def _register(api, email: str) -> dict:  # type: ignore[no-untyped-def]
    response = api.post(
        "/api/v1/auth/register/",
        {"email": email, "password": PASSWORD, "role": "brand", "brand_name": "Squat Ltd"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _link_to(email: str) -> str:
    sent = [m for m in mail.outbox if m.to == [email]]
    assert sent, f"no e-mail to {email}"
    return re.search(r"(http\S+)", sent[-1].body).group(1)


def test_registration_sends_a_link_that_verifies_the_address(api, client_for):
    body = _register(api, "kim@example.com")
    assert body["user"]["email_verified"] is False
    link = urlsplit(_link_to("kim@example.com"))
    assert link.path == "/api/v1/auth/verify-email/confirm/"
    opened = api.get(f"{link.path}?{link.query}")
    assert opened.status_code == 200, opened.json()
    assert opened.json()["email_verified"] is True
    user = User.objects.get(email="kim@example.com")
    assert user.email_verified_at is not None
    assert AuditLog.objects.filter(verb="verify_email", object_id=str(user.pk)).count() == 1
    # Opening it again answers the same and audits nothing new.
    token = link.query.removeprefix("token=")
    again = api.post("/api/v1/auth/verify-email/confirm/", {"token": token}, format="json")
    assert again.status_code == 200
    assert AuditLog.objects.filter(verb="verify_email", object_id=str(user.pk)).count() == 1
    me = client_for(user).get("/api/v1/me/").json()
    assert me["email_verified"] is True


def test_a_forged_or_foreign_token_is_400_naming_token(api):
    user = UserFactory(email_verified_at=None)
    token = email_verification_token(user)
    for bad in (token[:-2] + "xx", "nonsense", token.replace(":", ".")):
        response = api.post("/api/v1/auth/verify-email/confirm/", {"token": bad}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "verification_invalid"
        assert "token" in response.json()["error"]["fields"]
    # A token for an address the account no longer has is refused too.
    user.email = "changed@example.com"
    user.save()
    response = api.post("/api/v1/auth/verify-email/confirm/", {"token": token}, format="json")
    assert response.json()["error"]["code"] == "verification_invalid"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_link_expires(api, settings):
    user = UserFactory(email_verified_at=None)
    token = email_verification_token(user)
    later = timedelta(hours=settings.EMAIL_VERIFY_MAX_AGE_HOURS, minutes=1)
    with freeze_time(timezone.now() + later):
        response = api.post("/api/v1/auth/verify-email/confirm/", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "verification_expired"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_asking_again_sends_a_new_link_until_verified(client_for):
    user = UserFactory(email_verified_at=None)
    api = client_for(user)
    first = api.post("/api/v1/auth/verify-email/")
    assert first.status_code == 202 and first.json() == {"sent": True, "email_verified": False}
    assert _link_to(user.email)
    verified = client_for(UserFactory()).post("/api/v1/auth/verify-email/")
    assert verified.json() == {"sent": False, "email_verified": True}


def _invite(client_for, owner, brand, email: str, role: str) -> int:  # type: ignore[no-untyped-def]
    response = client_for(owner).post(
        f"/api/v1/brands/{brand.pk}/members/", {"email": email, "role": role}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_squatting_an_owner_invitation_gets_nothing(api, client_for):
    """The probe's case: an owner invites cfo@corp.example as owner; someone registers that
    address first. Unverified, they cannot accept; and no acceptance alone makes an owner."""
    membership = MembershipFactory(role="owner")
    owner, brand = membership.user, membership.brand
    invitation = _invite(client_for, owner, brand, "cfo@corp.example", "owner")
    squatter = _register(api, "cfo@corp.example")
    squat = client_for(User.objects.get(pk=squatter["user"]["id"]))
    refused = squat.post(f"/api/v1/brand-invitations/{invitation}/accept/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "email_unverified"
    assert not BrandMembership.objects.filter(brand=brand, user__email="cfo@corp.example")
    removed = squat.delete(f"/api/v1/brands/{brand.pk}/members/{owner.pk}/")
    assert removed.status_code == 404
    assert client_for(owner).get(f"/api/v1/brands/{brand.pk}/").status_code == 200


def test_an_owner_invitation_needs_the_verified_invitee_and_the_inviting_owner(client_for):
    membership = MembershipFactory(role="owner")
    owner, brand = membership.user, membership.brand
    other_owner = MembershipFactory(brand=brand, role="owner").user
    cfo = UserFactory(email="cfo@corp.example")  # verified
    invitation = _invite(client_for, owner, brand, cfo.email, "owner")
    accepted = client_for(cfo).post(f"/api/v1/brand-invitations/{invitation}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "awaiting"
    assert not BrandMembership.objects.filter(brand=brand, user=cfo).exists()

    url = f"/api/v1/brands/{brand.pk}/member-invitations/{invitation}/confirm/"
    not_theirs = client_for(other_owner).post(url)
    assert not_theirs.status_code == 403
    assert not_theirs.json()["error"]["code"] == "not_inviting_owner"
    confirmed = client_for(owner).post(url)
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "accepted"
    assert BrandMembership.objects.get(brand=brand, user=cfo).role == "owner"
    assert MemberInvitation.objects.get(pk=invitation).status == "accepted"
    assert AuditLog.objects.filter(verb="confirm", object_id=str(invitation)).exists()


def test_a_verified_manager_joins_on_accepting(client_for):
    membership = MembershipFactory(role="owner")
    kim = UserFactory(email="kim@example.com")
    invitation = _invite(client_for, membership.user, membership.brand, kim.email, "manager")
    accepted = client_for(kim).post(f"/api/v1/brand-invitations/{invitation}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert BrandMembership.objects.get(brand=membership.brand, user=kim).role == "manager"


def test_the_last_owner_is_never_removed(client_for):
    membership = MembershipFactory(role="owner")
    owner, brand = membership.user, membership.brand
    manager = MembershipFactory(brand=brand, role="manager").user
    leaving = client_for(owner).delete(f"/api/v1/brands/{brand.pk}/members/{owner.pk}/")
    assert leaving.status_code == 409
    assert leaving.json()["error"]["code"] == "last_owner"
    by_manager = client_for(manager).delete(f"/api/v1/brands/{brand.pk}/members/{owner.pk}/")
    assert by_manager.status_code == 403
    assert BrandMembership.objects.filter(brand=brand, user=owner, role="owner").exists()
